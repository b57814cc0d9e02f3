/**
 * Fault matrix, part 2: the router is reachable and logged in, then answers a
 * print badly. One real `serve` process, one simulator; each fault is set on
 * the simulator (the next command meets it, and so does every reconnect until
 * it is cleared, like a router that keeps misbehaving).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GARBAGE, type FaultSettings } from '../../src/simulator/index.js';
import { findSample } from '../support/exposition-parser.js';
import { crashSigns, expectOutageAndRecovery, type Reason, useFaultRig } from './support.js';

const PASSWORD = 'pw-reply-faults';

describe('fault matrix: bad replies', () => {
  const rig = useFaultRig(PASSWORD);

  const cases: Array<{ name: string; faults: Partial<FaultSettings>; reason: Reason; log: RegExp }> = [
    // The first 40 bytes of the lease reply, then FIN: the connection ends in the middle of a sentence.
    {
      name: 'router closes mid-reply',
      faults: { closeAfterBytes: 40 },
      reason: 'connection',
      log: /connection closed by the router/,
    },
    { name: '!fatal', faults: { fatal: 'out of memory' }, reason: 'connection', log: /!fatal/ },
    { name: 'reply stalls forever', faults: { stall: true }, reason: 'timeout', log: /no answer within 1 s/ },
    {
      name: 'garbage bytes',
      faults: { garbage: DEFAULT_GARBAGE },
      reason: 'protocol',
      log: /invalid length prefix|control byte|undecodable/,
    },
    { name: 'a word announcing 4 GB', faults: { hugeWord: true }, reason: 'protocol', log: /announces 4294967295 bytes/ },
  ];

  for (const c of cases) {
    it(`${c.name}: reason ${c.reason}, last good data kept, recovers`, async () => {
      const outage = await expectOutageAndRecovery(rig.watcher, c.name, {
        reason: c.reason,
        inject: () => rig.sim.setFaults(c.faults),
        clear: () => rig.sim.clearFaults(),
      });
      expect(rig.exporter.output()).toMatch(c.log);
      // Nothing the router announces is allocated up front (a 4 GB word would show here).
      const rss = findSample(outage.down.samples, 'process_resident_memory_bytes', {})?.value;
      expect(rss).toBeLessThan(400 * 1024 * 1024);
    });
  }

  it('never crashed, never restarted, and served every scrape', () => {
    expect(rig.watcher.problems).toEqual([]);
    expect(crashSigns(rig.exporter.output())).toEqual([]);
    expect(rig.exporter.child.exitCode).toBeNull();
  });
});
