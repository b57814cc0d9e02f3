/**
 * The poll schedule in a real `serve` process whose timers fire 3 ms before
 * their slot (test/support/early-timers.ts): one poll per slot, and no skipped
 * slot counted, because the next slot is computed from the slot that fired and
 * not from the clock reading.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, sleep, startExporter } from '../support/exporter-process.js';
import { findSample, parseExposition } from '../support/exposition-parser.js';

const EARLY_TIMERS = fileURLToPath(new URL('../support/early-timers.ts', import.meta.url));

describe('poll schedule with timers that fire early', () => {
  let simulator: RunningSimulator;
  let exporter: ExporterProcess;

  beforeAll(async () => {
    simulator = await startSimulator();
    exporter = await startExporter({
      config: {
        routers: [{ name: 'home', host: simulator.host, port: simulator.port, user: 'monitor', password: 'secret' }],
        poll: { intervalSeconds: 2 },
        state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-early-timers-')), 'state.json') },
      },
      preload: [EARLY_TIMERS],
      timeoutMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await exporter?.stop();
    await simulator?.close();
  });

  it('polls once per slot and counts no skipped slot', async () => {
    // Every reply takes 5 ms, so a poll is still running a few ms after its timer fired (and ends long before the next).
    simulator.setFaults({ delayMs: 5 });
    // The first poll runs at start, off the grid, and may really overlap the first slot: count from a later slot on.
    await sleep(2_500);
    const skipped = async () =>
      findSample(parseExposition(await (await fetch(`${exporter.url}/metrics`)).text()), 'netmon_router_skipped_polls_total', {
        router: 'home',
      })?.value;
    const skippedBefore = await skipped();
    const from = Date.now();
    await sleep(8_500);
    expect((await skipped()) ?? Number.NaN).toBe(skippedBefore);
    // Each poll reads the ARP table once: group those reads by the slot (every 2 s of the wall clock) they served.
    const arpReads = simulator.stats.commands.filter((c) => c.command === '/ip/arp/print' && c.at > from).map((c) => c.at);
    const slots = arpReads.map((at) => Math.round(at / 2000));
    expect(slots.length).toBeGreaterThanOrEqual(4);
    expect(skippedBefore).toBeDefined();
    expect(new Set(slots).size).toBe(slots.length);
  }, 60_000);
});
