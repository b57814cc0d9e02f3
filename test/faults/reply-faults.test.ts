/**
 * Fault matrix, part 2: the router is reachable and logged in, then answers a
 * print badly. One real `serve` process, one simulator; each fault is set on
 * the simulator (the next command meets it, and so does every reconnect until
 * it is cleared, like a router that keeps misbehaving).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GARBAGE, startSimulator, type FaultSettings, type RunningSimulator } from '../../src/simulator/index.js';
import { findSample } from '../support/exposition-parser.js';
import { startExporter, type ExporterProcess } from '../support/exporter-process.js';
import { crashSigns, expectOutageAndRecovery, MetricsWatcher, routerFor, type Reason } from './support.js';

const PASSWORD = 'pw-reply-faults';

describe('fault matrix: bad replies', () => {
  let sim: RunningSimulator;
  let exporter: ExporterProcess;
  let watcher: MetricsWatcher;

  beforeAll(async () => {
    sim = await startSimulator({ users: [{ name: 'monitor', password: PASSWORD }] });
    exporter = await startExporter({
      config: {
        routers: [routerFor(sim, PASSWORD)],
        poll: { intervalSeconds: 1 },
        state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-faults-')), 'state.json') },
      },
    });
    watcher = new MetricsWatcher(exporter.url, 'edge');
    watcher.start();
  });

  afterAll(async () => {
    await watcher?.stop();
    await exporter?.stop();
    await sim?.close();
  });

  const cases: Array<{ name: string; faults: Partial<FaultSettings>; reason: Reason; log: RegExp }> = [
    // The first 40 bytes of the lease reply, then FIN: the connection ends in the middle of a sentence.
    { name: 'router closes mid-reply', faults: { closeAfterBytes: 40 }, reason: 'connection', log: /connection closed by the router/ },
    { name: '!fatal', faults: { fatal: 'out of memory' }, reason: 'connection', log: /!fatal/ },
    { name: 'reply stalls forever', faults: { stall: true }, reason: 'timeout', log: /no answer within 1 s/ },
    { name: 'garbage bytes', faults: { garbage: DEFAULT_GARBAGE }, reason: 'protocol', log: /invalid length prefix|control byte|undecodable/ },
    { name: 'a word announcing 4 GB', faults: { hugeWord: true }, reason: 'protocol', log: /announces 4294967295 bytes/ },
  ];

  for (const c of cases) {
    it(`${c.name}: reason ${c.reason}, last good data kept, recovers`, async () => {
      const outage = await expectOutageAndRecovery(watcher, c.name, {
        reason: c.reason,
        inject: () => sim.setFaults(c.faults),
        clear: () => sim.clearFaults(),
      });
      expect(exporter.output()).toMatch(c.log);
      // Nothing the router announces is allocated up front (a 4 GB word would show here).
      const rss = findSample(outage.down.samples, 'process_resident_memory_bytes', {})?.value;
      expect(rss).toBeLessThan(400 * 1024 * 1024);
    });
  }

  it('never crashed, never restarted, and served every scrape', () => {
    expect(watcher.problems).toEqual([]);
    expect(crashSigns(exporter.output())).toEqual([]);
    expect(exporter.child.exitCode).toBeNull();
  });
});
