import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningFleet, startSimulatorFleet } from '../../src/simulator/index.js';
import {
  type ExporterProcess,
  reload,
  startExporter,
  startShards,
  waitFor,
  writeFleetConfig,
} from '../support/exporter-process.js';
import { parseExposition } from '../support/exposition-parser.js';

/**
 * A fleet from router files split across two real `serve` instances
 * (NETMON_SHARD=0/2 and 1/2): every router polled by exactly one of them,
 * files added and routers removed while running, and a SIGHUP with a broken
 * file that keeps the routers it listed.
 */

const INTERVAL_SECONDS = 3;
/** "Picked up within two intervals". */
const TWO_INTERVALS_MS = 2 * INTERVAL_SECONDS * 1000;

async function routersUp(exporter: ExporterProcess): Promise<Map<string, number>> {
  const samples = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
  return new Map(samples.filter((s) => s.name === 'netmon_router_up').map((s) => [s.labels.router ?? '', s.value]));
}

describe('a fleet from router files across two shards', () => {
  let fleet: RunningFleet;
  let dir: string;
  const shards: ExporterProcess[] = [];
  let routers: Array<Record<string, unknown>>;

  function writeRouterFile(name: string, content: unknown): void {
    const file = path.join(dir, 'routers', name);
    // As an inventory tool should: write aside, rename over, so a reader never sees half a file.
    writeFileSync(`${file}.tmp`, typeof content === 'string' ? content : JSON.stringify(content, null, 1), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /** Router name -> the shards (by index) that export netmon_router_up for it, and whether it is up there. */
  async function placement(): Promise<Map<string, Array<{ shard: number; up: number }>>> {
    const seen = new Map<string, Array<{ shard: number; up: number }>>();
    for (const [shard, exporter] of shards.entries()) {
      for (const [router, up] of await routersUp(exporter)) {
        seen.set(router, [...(seen.get(router) ?? []), { shard, up }]);
      }
    }
    return seen;
  }

  async function waitForPlacement(
    expected: string[],
    timeoutMs: number,
  ): Promise<Map<string, Array<{ shard: number; up: number }>>> {
    const want = [...expected].sort().join(',');
    return waitFor(
      async () => {
        const seen = await placement();
        const allUp = [...seen.values()].every((where) => where.every((w) => w.up === 1));
        return [...seen.keys()].sort().join(',') === want && allUp ? seen : undefined;
      },
      timeoutMs,
      `routers ${want} up`,
    );
  }

  beforeAll(async () => {
    fleet = await startSimulatorFleet({ routers: 28, devicesPerRouter: 4 });
    routers = fleet.routerConfigs({ timeoutSeconds: 10 });
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-fleet-'));
    mkdirSync(path.join(dir, 'routers'));
    writeRouterFile('north.json', routers.slice(0, 13));
    writeRouterFile('south.json', routers.slice(13, 24));
    for (const index of [0, 1]) {
      const configPath = path.join(dir, `config-${index}.json`);
      writeFileSync(
        configPath,
        JSON.stringify({
          routers: [],
          routerFiles: [path.join(dir, 'routers', '*.json')],
          poll: { intervalSeconds: INTERVAL_SECONDS },
          state: { path: path.join(dir, `state-${index}.json`) },
        }),
        { mode: 0o600 },
      );
      shards.push(await startExporter({ configPath, env: { NETMON_SHARD: `${index}/2` } }));
    }
  }, 60_000);

  afterAll(async () => {
    for (const exporter of shards) await exporter.stop('SIGKILL');
    await fleet?.close();
  });

  it('polls every one of 24 routers on exactly one instance', async () => {
    const names = routers.slice(0, 24).map((r) => r.name as string);
    const seen = await waitForPlacement(names, 20_000);
    expect(seen.size).toBe(24);
    for (const [router, where] of seen) {
      expect(where, router).toHaveLength(1);
      expect(where[0]?.up, router).toBe(1);
    }
    const perShard = [0, 1].map((shard) => [...seen.values()].filter((where) => where[0]?.shard === shard).length);
    expect(perShard[0]).toBeGreaterThan(0);
    expect(perShard[1]).toBeGreaterThan(0);
    // Each router logged in once, by its own instance only.
    for (const name of names) expect(fleet.byName(name)?.stats.logins, name).toBe(1);
    for (const name of routers.slice(24).map((r) => r.name as string)) expect(fleet.byName(name)?.stats.logins).toBe(0);
  });

  it('picks up an added file and a removed router within two intervals', async () => {
    const removed = routers[5]!.name as string;
    writeRouterFile('east.json', routers.slice(24, 28));
    writeRouterFile(
      'north.json',
      routers.slice(0, 13).filter((r) => r.name !== removed),
    );
    const expected = routers
      .slice(0, 28)
      .map((r) => r.name as string)
      .filter((name) => name !== removed);
    const seen = await waitForPlacement(expected, TWO_INTERVALS_MS);
    for (const where of seen.values()) expect(where).toHaveLength(1);
    await waitFor(() => (fleet.byName(removed)?.stats.connectionsOpen === 0 ? true : undefined), 5000, 'session closed');
    // Routers that did not change kept their session.
    for (const name of expected.slice(0, 23)) expect(fleet.byName(name)?.stats.logins, name).toBe(1);
  });

  it('keeps the routers of a broken file running through a SIGHUP', async () => {
    const south = routers.slice(13, 24).map((r) => r.name as string);
    const before = shards.map((s) => s.output().length);
    writeRouterFile('south.json', '[{"name": "half-written", ');
    await Promise.all(shards.map((exporter, index) => reload(exporter, /configuration reloaded/, before[index], 10_000)));
    for (const exporter of shards) {
      expect(exporter.output()).toMatch(/router file refused; its last good version stays/);
      expect(exporter.output()).toContain('south.json:$');
      expect(exporter.child.exitCode).toBeNull();
    }
    // Still polled after the reload: a new poll of each south router, on the same session.
    const polls = new Map(south.map((name) => [name, fleet.byName(name)!.stats.commandsFor('/ip/arp/print').length]));
    await waitFor(
      () =>
        south.every((name) => fleet.byName(name)!.stats.commandsFor('/ip/arp/print').length > polls.get(name)!)
          ? true
          : undefined,
      TWO_INTERVALS_MS + 2000,
      'south routers polled again',
    );
    const seen = await placement();
    for (const name of south) {
      expect(seen.get(name), name).toHaveLength(1);
      expect(fleet.byName(name)?.stats.logins, name).toBe(1);
    }
  });
});

describe('serve --demo with NETMON_DEMO_ROUTERS', () => {
  it('serves a simulated fleet, split by NETMON_SHARD like a real one', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'netmon-demo-fleet-'));
    const exporters: ExporterProcess[] = [];
    try {
      for (const index of [0, 1]) {
        exporters.push(
          await startExporter({
            args: ['--demo'],
            env: { NETMON_TEST_CWD: cwd, NETMON_DEMO_ROUTERS: '6', NETMON_SHARD: `${index}/2` },
          }),
        );
      }
      const [first, second] = await Promise.all(exporters.map((exporter) => routersUp(exporter)));
      const names = [...first!.keys(), ...second!.keys()].sort();
      expect(names).toEqual(['demo-000', 'demo-001', 'demo-002', 'demo-003', 'demo-004', 'demo-005']);
      expect([...first!.values(), ...second!.values()].every((up) => up === 1)).toBe(true);
    } finally {
      for (const exporter of exporters) await exporter.stop('SIGKILL');
    }
  }, 90_000);
});

describe('a router that moves to another shard', () => {
  it('keeps its devices first-seen when the instances share the state directory', async () => {
    const fleet = await startSimulatorFleet({ routers: 8, devicesPerRouter: 3, seed: 100 });
    const { configPath } = writeFleetConfig(fleet, 1);
    const running: ExporterProcess[] = [];
    const apiDevices = async (exporter: ExporterProcess) =>
      (await (await fetch(`${exporter.url}/api/devices`)).json()) as Array<{
        router: string;
        mac: string;
        firstSeen: number | null;
      }>;
    try {
      // One instance first: every router's history in data/state.json.
      const single = await startExporter({ configPath });
      running.push(single);
      const before = await waitFor(async () => {
        const list = await apiDevices(single);
        return list.length === 24 ? list : undefined;
      });
      expect(await single.stop('SIGTERM')).toBe(0);
      running.pop();
      // Then two shards: each takes its routers' devices from the single instance's file.
      running.push(...(await startShards(configPath, 2)));
      const after = new Map<string, number | null>();
      for (const exporter of running) {
        for (const device of await apiDevices(exporter)) after.set(`${device.router} ${device.mac}`, device.firstSeen);
        expect(exporter.output()).toMatch(/imported from another shard's state file/);
      }
      expect(after.size).toBe(24);
      for (const device of before) expect(after.get(`${device.router} ${device.mac}`)).toBe(device.firstSeen);
    } finally {
      for (const exporter of running) await exporter.stop('SIGKILL');
      await fleet.close();
    }
  }, 120_000);
});
