/**
 * Documented shutdown: SIGTERM/SIGINT stop polling, flush state, close the HTTP
 * server and exit 0 within 5 s, here with a poll in flight that the router
 * holds up (a slow reply, or one that never comes).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeMac } from '../../src/net/mac.js';
import { type FaultSettings, type RunningSimulator, sampleLan, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, sleep, startExporter, waitFor } from '../support/exporter-process.js';
import { crashSigns } from './support.js';

const PASSWORD = 'pw-shutdown';
const SHUTDOWN_BOUND_MS = 5000;

let sim: RunningSimulator | null = null;
let exporter: ExporterProcess | null = null;

afterEach(async () => {
  if (exporter?.child.exitCode === null) exporter.child.kill('SIGKILL');
  await sim?.close();
  sim = null;
  exporter = null;
});

async function shutDownDuringPoll(signal: NodeJS.Signals, faults: Partial<FaultSettings>) {
  sim = await startSimulator({ users: [{ name: 'monitor', password: PASSWORD }] });
  const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-shutdown-')), 'state.json');
  exporter = await startExporter({
    config: {
      routers: [{ name: 'edge', host: sim.host, port: sim.port, user: 'monitor', password: PASSWORD, timeoutSeconds: 60 }],
      poll: { intervalSeconds: 1 },
      state: { path: statePath },
    },
  });
  const running = exporter;
  await waitFor(() => (existsSync(statePath) ? true : undefined), 10_000, 'the first state write');

  // The next poll goes out and is held up by the router.
  sim.setFaults(faults);
  const commands = sim.stats.commands.length;
  await waitFor(() => (sim!.stats.commands.length > commands ? true : undefined), 5_000, 'a poll in flight');
  await sleep(100);
  const signalledAt = Date.now();
  running.child.kill(signal);
  const code = await Promise.race([running.exited, sleep(SHUTDOWN_BOUND_MS).then(() => 'still running' as const)]);
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
    savedAt: number;
    devices: Array<{ router: string; mac: string }>;
  };
  return { code, state, signalledAt, output: running.output() };
}

describe('graceful shutdown with a poll in flight', () => {
  const expectedMacs = [...new Set(sampleLan().leases.map((l) => normalizeMac(l.macAddress)))];

  for (const [name, signal, faults] of [
    ['SIGTERM, reply that never comes', 'SIGTERM', { stall: true }],
    ['SIGTERM, reply delayed 3 s', 'SIGTERM', { delayMs: 3000 }],
    ['SIGINT, reply that never comes', 'SIGINT', { stall: true }],
  ] as const) {
    it(`${name}: state flushed with every device, exit 0 within 5 s, nothing unhandled`, async () => {
      const { code, state, signalledAt, output } = await shutDownDuringPoll(signal, faults);
      expect(code).toBe(0);
      // Written after the signal: the shutdown flush, not an earlier poll's write.
      expect(state.savedAt * 1000).toBeGreaterThanOrEqual(signalledAt - 5);
      const macs = new Set(state.devices.filter((d) => d.router === 'edge').map((d) => d.mac));
      for (const mac of expectedMacs) expect(macs.has(mac!), mac!).toBe(true);
      expect(output).toContain('"msg":"stopped"');
      // Stopped by closing the session, not by the last-resort exit timer.
      expect(output).not.toContain('shutdown deadline passed');
      expect(crashSigns(output)).toEqual([]);
    });
  }
});
