/**
 * Fault matrix, part 1: the router cannot be reached or will not let us in.
 * One real `serve` process polls one simulator every second; each fault is
 * injected, checked against the outage contract and cleared in turn (every
 * scenario starts from a fresh good poll, so they do not depend on each other).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { startExporter, type ExporterProcess } from '../support/exporter-process.js';
import { crashSigns, expectOutageAndRecovery, MetricsWatcher, routerFor } from './support.js';

const PASSWORD = 'pw-connection-faults';

describe('fault matrix: reaching the router', () => {
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

  it('connection refused (API service gone): reason connection, then back on its own', async () => {
    await expectOutageAndRecovery(watcher, 'connection refused', {
      reason: 'connection',
      inject: () => sim.stopListening({ dropConnections: true }),
      clear: () => sim.startListening(),
    });
    expect(exporter.output()).toContain('ECONNREFUSED');
  });

  it('login refused (password changed on the router): reason auth', async () => {
    const loginsBefore = sim.stats.loginFailures;
    await expectOutageAndRecovery(watcher, 'login refused', {
      reason: 'auth',
      // Dropping the session may fail a poll in flight: that one counts as connection.
      alsoCounted: ['connection'],
      inject: () => {
        sim.setFaults({ refuseLogin: true });
        sim.dropConnections();
      },
      clear: () => sim.clearFaults(),
    });
    expect(sim.stats.loginFailures).toBeGreaterThan(loginsBefore);
    expect(exporter.output()).toContain('login refused (invalid user name or password)');
  });

  it('router reboot (listener gone, then back on the same port): reason connection, new login after', async () => {
    const logins = sim.stats.logins;
    let rebooting: Promise<void> = Promise.resolve();
    await expectOutageAndRecovery(watcher, 'reboot', {
      reason: 'connection',
      inject: () => {
        rebooting = sim.reboot(4000);
      },
      clear: () => rebooting,
    });
    expect(sim.stats.logins).toBeGreaterThan(logins);
  });

  it('never crashed, never restarted, and served every scrape', async () => {
    expect(watcher.problems).toEqual([]);
    expect(crashSigns(exporter.output())).toEqual([]);
    expect(exporter.child.exitCode).toBeNull();
  });
});
