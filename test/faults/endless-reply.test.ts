/**
 * A reply with no end, against the real `serve` process: a router (broken,
 * compromised, or anyone in the path of plain 8728) answers a print with valid
 * `!re` rows and keeps sending them, never `!done`. The client bounds every
 * reply in rows and bytes (derived from retention.maxDevicesPerRouter), so the
 * process stays small however long the router talks, the poll fails as
 * `protocol` with a log line naming the limit, /metrics keeps serving the last
 * good poll, and the next poll after the router behaves recovers.
 *
 * The session deadline is set far beyond the fault window, so only the reply
 * bound can end the reply: without it the poll never ends (no protocol error
 * is ever counted) and the process keeps every row for as long as the router
 * talks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replyLimitsFor } from '../../src/routeros/transport.js';
import { sleep } from '../support/exporter-process.js';
import { crashSigns, expectOutageAndRecovery, useFaultRig } from './support.js';

const PASSWORD = 'pw-endless-reply';
const MAX_DEVICES = 100;
const LIMITS = replyLimitsFor(MAX_DEVICES);
/** How long the router keeps talking before the test ends the fault. */
const TALK_MS = 8_000;
/** No lease row of the sample LAN is shorter than this on the wire (10 attributes of 10+ bytes each). */
const MIN_ROW_BYTES = 100;

/** The kernel's high-water mark of the process's resident memory, in bytes. */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  const kb = Number(/(\d+)\s*kB/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmHWM for ${pid}`);
  return kb * 1024;
}

describe('a reply that never ends', () => {
  const rig = useFaultRig(PASSWORD, {
    router: { timeoutSeconds: 120 },
    config: { retention: { maxDevicesPerRouter: MAX_DEVICES } },
  });

  it('bounded memory, reason protocol, the limit in the log, last good data served, recovery', async () => {
    const pid = rig.exporter.child.pid!;
    let sentDuringFault = 0;
    let peakDuringFault = 0;
    await expectOutageAndRecovery(rig.watcher, 'endless reply', {
      reason: 'protocol',
      inject: () => {
        sentDuringFault = -rig.sim.stats.bytesSent;
        rig.sim.setFaults({ endlessReply: true });
      },
      clear: async () => {
        // expectOutageAndRecovery has seen two failed polls with the last good data
        // served; let the router go on talking for the rest of the window.
        const until = Date.now() + TALK_MS;
        while (Date.now() < until) {
          peakDuringFault = Math.max(peakDuringFault, peakRss(pid));
          expect((await fetch(`${rig.exporter.url}/metrics`)).status).toBe(200);
          await sleep(200);
        }
        sentDuringFault += rig.sim.stats.bytesSent;
        rig.sim.clearFaults();
      },
    });
    // The router sent several times the row limit; the process never held it.
    expect(sentDuringFault).toBeGreaterThan(3 * LIMITS.maxRows * MIN_ROW_BYTES);
    expect(peakDuringFault).toBeGreaterThan(0);
    expect(peakRss(pid)).toBeLessThan(400 * 1024 * 1024);
    const output = rig.exporter.output();
    expect(output).toContain(
      `/ip/dhcp-server/lease/print reply exceeds its bounds: more than ${LIMITS.maxRows} rows (the row limit), set from retention.maxDevicesPerRouter`,
    );
    expect(crashSigns(output)).toEqual([]);
    expect(rig.watcher.problems).toEqual([]);
  });
});
