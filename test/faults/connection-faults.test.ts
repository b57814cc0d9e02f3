/**
 * Fault matrix, part 1: the router cannot be reached or will not let us in.
 * One real `serve` process polls one simulator every second; each fault is
 * injected, checked against the outage contract and cleared in turn (every
 * scenario starts from a fresh good poll, so they do not depend on each other).
 */
import { describe, expect, it } from 'vitest';
import { crashSigns, expectOutageAndRecovery, useFaultRig } from './support.js';

const PASSWORD = 'pw-connection-faults';

describe('fault matrix: reaching the router', () => {
  const rig = useFaultRig(PASSWORD);

  it('connection refused (API service gone): reason connection, then back on its own', async () => {
    await expectOutageAndRecovery(rig.watcher, 'connection refused', {
      reason: 'connection',
      inject: () => rig.sim.stopListening({ dropConnections: true }),
      clear: () => rig.sim.startListening(),
    });
    expect(rig.exporter.output()).toContain('ECONNREFUSED');
  });

  it('login refused (password changed on the router): reason auth', async () => {
    const loginsBefore = rig.sim.stats.loginFailures;
    await expectOutageAndRecovery(rig.watcher, 'login refused', {
      reason: 'auth',
      // Dropping the session may fail a poll in flight: that one counts as connection.
      alsoCounted: ['connection'],
      inject: () => {
        rig.sim.setFaults({ refuseLogin: true });
        rig.sim.dropConnections();
      },
      clear: () => rig.sim.clearFaults(),
    });
    expect(rig.sim.stats.loginFailures).toBeGreaterThan(loginsBefore);
    expect(rig.exporter.output()).toContain('login refused (invalid user name or password)');
  });

  it('router reboot (listener gone, then back on the same port): reason connection, new login after', async () => {
    const logins = rig.sim.stats.logins;
    let rebooting: Promise<void> = Promise.resolve();
    await expectOutageAndRecovery(rig.watcher, 'reboot', {
      reason: 'connection',
      inject: () => {
        rebooting = rig.sim.reboot(4000);
      },
      clear: () => rebooting,
    });
    expect(rig.sim.stats.logins).toBeGreaterThan(logins);
  });

  it('never crashed, never restarted, and served every scrape', async () => {
    expect(rig.watcher.problems).toEqual([]);
    expect(crashSigns(rig.exporter.output())).toEqual([]);
    expect(rig.exporter.child.exitCode).toBeNull();
  });
});
