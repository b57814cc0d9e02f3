/**
 * Fault matrix, part 3: one table misbehaves while the session is fine.
 *
 * What "keeps serving" means here follows session.ts and docs/routeros.md:
 * - `!trap` with any message but "no such command" is the router refusing the
 *   command (e.g. the API user lacks a policy): the whole poll fails with reason
 *   protocol, the tables already read in that poll are discarded (a poll is
 *   all-or-nothing, so a device never looks gone because one table was
 *   refused), and the logged-in connection is kept.
 * - "no such command prefix" is a table this router does not have: it is
 *   skipped, so the poll succeeds and nothing is counted as an error.
 * - `!empty` (RouterOS 7.18+ for an empty print) is a normal answer: no error.
 * - A table ten times its usual size is a normal answer too: all of it is read
 *   within the deadline and exported.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLan, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, startExporter } from '../support/exporter-process.js';
import { parseExposition } from '../support/exposition-parser.js';
import { promtoolCheckMetrics } from '../support/promtool.js';
import {
  crashSigns,
  expectOutageAndRecovery,
  MetricsWatcher,
  routerFor,
  type Scrape,
  totalErrors,
  useFaultRig,
} from './support.js';

const PASSWORD = 'pw-table-faults';

const presentLines = (s: Scrape): number => s.data.split('\n').filter((l) => l.startsWith('netmon_device_present{')).length;

const tempState = () => path.join(mkdtempSync(path.join(tmpdir(), 'netmon-faults-')), 'state.json');

describe('fault matrix: one table', () => {
  const rig = useFaultRig(PASSWORD);

  it('!trap on one table (permission denied): the poll fails as protocol, the session is kept', async () => {
    const logins = rig.sim.stats.logins;
    const connections = rig.sim.stats.connectionsOpened;
    await expectOutageAndRecovery(rig.watcher, 'trap on /ip/arp', {
      reason: 'protocol',
      // Nothing else: the connection is fine, so there is no reconnect and no backoff.
      inject: () => rig.sim.setFaults({ trapPaths: { '/ip/arp': 'not enough permissions (9)' } }),
      clear: () => rig.sim.clearFaults(),
    });
    expect(rig.sim.stats.logins).toBe(logins);
    expect(rig.sim.stats.connectionsOpened).toBe(connections);
    expect(rig.exporter.output()).toContain('/ip/arp/print: not enough permissions (9)');
  });

  it('a table the router lacks ("no such command prefix") is skipped: still up, no error, logged once', async () => {
    const before = await rig.watcher.freshGoodPoll();
    rig.sim.setFaults({ trapPaths: { '/interface/bridge/host': 'no such command prefix' } });
    const start = Date.now() / 1000;
    const second = await rig.watcher.until((s) => (s.lastSuccess ?? 0) > start + 1.5, 'two polls without the bridge table');
    expect(second.up).toBe(1);
    expect(second.errors).toEqual(before.errors);
    expect(presentLines(second)).toBe(presentLines(before));
    rig.sim.clearFaults();
    await rig.watcher.freshGoodPoll();
    const logged = rig.exporter
      .output()
      .split('\n')
      .filter((l) => l.includes('router has no such table; skipping it'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('/interface/bridge/host');
  });

  it('!empty (RouterOS 7.18+ empty print): no error, same connection, devices of other tables kept', async () => {
    const before = await rig.watcher.freshGoodPoll();
    const logins = rig.sim.stats.logins;
    const saved = { leases: rig.sim.tables.leases, bridgeHosts: rig.sim.tables.bridgeHosts };
    // No DHCP server and no bridge: two of the three tables answer `!empty` then `!done`.
    rig.sim.tables.leases = [];
    rig.sim.tables.bridgeHosts = [];
    try {
      const start = Date.now() / 1000;
      const after = await rig.watcher.until((s) => (s.lastSuccess ?? 0) > start + 1.5, 'two polls with empty tables');
      expect(after.up).toBe(1);
      expect(after.errors).toEqual(before.errors);
      expect(rig.sim.stats.logins).toBe(logins);
      // Devices known only from the emptied tables are still exported (unlisted, not forgotten).
      expect(presentLines(after)).toBe(presentLines(before));
    } finally {
      rig.sim.tables.leases = saved.leases;
      rig.sim.tables.bridgeHosts = saved.bridgeHosts;
    }
    const back = await rig.watcher.freshGoodPoll();
    expect(totalErrors(back)).toBe(totalErrors(before));
  });

  it('never crashed, never restarted, and served every scrape', () => {
    expect(rig.watcher.problems).toEqual([]);
    expect(crashSigns(rig.exporter.output())).toEqual([]);
    expect(rig.exporter.child.exitCode).toBeNull();
  });
});

describe('fault matrix: a table ten times its usual size', () => {
  const USUAL = 1000;
  let sim: RunningSimulator;
  let exporter: ExporterProcess;

  beforeAll(async () => {
    sim = await startSimulator({
      users: [{ name: 'monitor', password: PASSWORD }],
      lan: generateLan({ devices: USUAL, seed: 3 }),
    });
    exporter = await startExporter({
      config: {
        routers: [routerFor(sim, PASSWORD, { timeoutSeconds: 5 })],
        poll: { intervalSeconds: 1 },
        state: { path: tempState() },
      },
    });
  });

  afterAll(async () => {
    await exporter?.stop();
    await sim?.close();
  });

  // 5 s per command: a 10k-row print took 0.7-2.3 s here with the simulator on the same two cores.
  it('reads, merges and exports all of it within the deadline, with a valid page', async () => {
    const watcher = new MetricsWatcher(exporter.url, 'edge');
    const before = await watcher.freshGoodPoll();
    const usualDevices = before.samples.filter((s) => s.name === 'netmon_device_present').length;
    expect(usualDevices).toBeGreaterThan(USUAL * 0.9);

    // Same seed: the first USUAL devices are the same ones, 9x as many join (a DHCP starvation, a flood of guests).
    const big = generateLan({ devices: USUAL * 10, seed: 3 });
    const bigMacs = new Set([...big.leases, ...big.arp, ...big.bridgeHosts].map((r) => r.macAddress));
    sim.tables = big;
    const grown = await watcher.until(
      (s) => s.up === 1 && s.samples.filter((x) => x.name === 'netmon_device_present').length === bigMacs.size,
      'every device of the big table exported',
      20_000,
    );
    expect(grown.errors).toEqual(before.errors);
    expect(promtoolCheckMetrics(grown.text)).toEqual({ status: 0, output: '' });
    // Several polls in a row stay within the 2 s deadline.
    const start = Date.now() / 1000;
    const later = await watcher.until((s) => (s.lastSuccess ?? 0) > start + 1.5, 'two more polls of the big table');
    expect(later.up).toBe(1);
    expect(later.errors).toEqual(before.errors);
    expect(parseExposition(later.text).filter((s) => s.name === 'netmon_device_info')).toHaveLength(bigMacs.size);
    expect(crashSigns(exporter.output())).toEqual([]);
  });
});
