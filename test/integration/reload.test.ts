import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLan, type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, reload, startExporter, waitFor } from '../support/exporter-process.js';
import { parseExposition } from '../support/exposition-parser.js';

/** SIGHUP against the real `serve` process and the simulator: routers added, removed, reconnected; bad configs refused. */

interface ApiDevice {
  router: string;
  mac: string;
  name: string | null;
  watched: boolean;
  firstSeen: number | null;
}

function routerEntry(name: string, sim: RunningSimulator, extra: Record<string, unknown> = {}) {
  return { name, host: sim.host, port: sim.port, user: 'monitor', password: 'secret', timeoutSeconds: 10, ...extra };
}

async function routersUp(exporter: ExporterProcess): Promise<Map<string, number>> {
  const samples = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
  return new Map(samples.filter((s) => s.name === 'netmon_router_up').map((s) => [s.labels.router ?? '', s.value]));
}

/** netmon_device_info of one router's devices: mac -> [name, watched]. */
async function deviceInfo(exporter: ExporterProcess, router: string): Promise<Map<string, [string, string]>> {
  const samples = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
  return new Map(
    samples
      .filter((s) => s.name === 'netmon_device_info' && s.labels.router === router)
      .map((s) => [s.labels.mac ?? '', [s.labels.name ?? '', s.labels.watched ?? '']]),
  );
}

async function devices(exporter: ExporterProcess): Promise<ApiDevice[]> {
  return (await (await fetch(`${exporter.url}/api/devices`)).json()) as ApiDevice[];
}

describe('SIGHUP reload in the real process', () => {
  const sims: Record<'keep' | 'drop' | 'add', RunningSimulator> = {} as never;
  let exporter: ExporterProcess;
  let configPath: string;
  let base: Record<string, unknown>;

  function writeConfig(document: unknown): void {
    writeFileSync(configPath, typeof document === 'string' ? document : JSON.stringify(document), { mode: 0o600 });
  }

  const hup = (expectLog: RegExp) => reload(exporter, expectLog);

  beforeAll(async () => {
    for (const [index, name] of (['keep', 'drop', 'add'] as const).entries()) {
      sims[name] = await startSimulator({
        users: [{ name: 'monitor', password: 'secret' }],
        lan: generateLan({ devices: 5, seed: index + 1, identity: name }),
      });
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-reload-'));
    configPath = path.join(dir, 'config.json');
    base = { poll: { intervalSeconds: 1 }, state: { path: path.join(dir, 'state.json') } };
    writeConfig({ ...base, routers: [routerEntry('keep', sims.keep), routerEntry('drop', sims.drop)] });
    exporter = await startExporter({ configPath });
  });

  afterAll(async () => {
    await exporter?.stop('SIGKILL');
    for (const sim of Object.values(sims)) await sim?.close();
  });

  it('adds and removes routers, keeps the unchanged one on its session with its history', async () => {
    await waitFor(async () => ((await routersUp(exporter)).get('keep') === 1 ? true : undefined));
    const keptBefore = (await devices(exporter)).filter((d) => d.router === 'keep');
    expect(keptBefore).toHaveLength(5);
    expect(sims.keep.stats.logins).toBe(1);
    expect(sims.drop.stats.connectionsOpen).toBe(1);

    writeConfig({ ...base, routers: [routerEntry('keep', sims.keep), routerEntry('add', sims.add)] });
    await hup(/configuration reloaded: 1 router\(s\) added, 1 removed, 0 reconnected/);

    const up = await waitFor(async () => {
      const routers = await routersUp(exporter);
      return routers.get('add') === 1 ? routers : undefined;
    });
    expect([...up.keys()].sort()).toEqual(['add', 'keep']);
    expect(up.get('keep')).toBe(1);
    await waitFor(() => (sims.drop.stats.connectionsOpen === 0 ? true : undefined), 5000, 'the removed router session closed');

    const after = await devices(exporter);
    expect(after.some((d) => d.router === 'drop')).toBe(false);
    expect(after.filter((d) => d.router === 'add')).toHaveLength(5);
    const keptAfter = new Map(after.filter((d) => d.router === 'keep').map((d) => [d.mac, d.firstSeen]));
    for (const device of keptBefore) expect(keptAfter.get(device.mac)).toBe(device.firstSeen);
    // The unchanged router was never logged in again.
    expect(sims.keep.stats.logins).toBe(1);
    expect(sims.keep.stats.connectionsOpened).toBe(1);
    expect(exporter.child.exitCode).toBeNull();
  });

  it('reconnects a router whose settings changed, and only that one', async () => {
    const addLogins = sims.add.stats.logins;
    writeConfig({ ...base, routers: [routerEntry('keep', sims.keep), routerEntry('add', sims.add, { timeoutSeconds: 11 })] });
    await hup(/configuration reloaded: 0 router\(s\) added, 0 removed, 1 reconnected/);
    await waitFor(() => (sims.add.stats.logins === addLogins + 1 ? true : undefined), 5000, 'the changed router logged in again');
    expect(sims.keep.stats.logins).toBe(1);
  });

  it('refuses an invalid config with its problems logged and keeps the running routers', async () => {
    writeConfig({ ...base, routers: [routerEntry('keep', sims.keep), { name: 'broken', host: 'x' }] });
    await hup(/reload refused, the running configuration stays/);
    expect(exporter.output()).toMatch(/\$\.routers\[1\]\.user/);
    writeConfig('{ "routers": [');
    await hup(/reload refused, the running configuration stays/);

    const pollsBefore = sims.add.stats.commandsFor('/ip/arp/print').length;
    await waitFor(
      () => (sims.add.stats.commandsFor('/ip/arp/print').length > pollsBefore ? true : undefined),
      5000,
      'the router of the old config still polled',
    );
    const up = await routersUp(exporter);
    expect([...up.keys()].sort()).toEqual(['add', 'keep']);
    expect(exporter.child.exitCode).toBeNull();
  });

  it('reports settings that need a restart and keeps their running values', async () => {
    const url = new URL(exporter.url);
    writeConfig({
      ...base,
      state: { path: path.join(tmpdir(), 'elsewhere.json') },
      routers: [routerEntry('keep', sims.keep), routerEntry('add', sims.add, { timeoutSeconds: 11 })],
    });
    await hup(/need a restart/);
    expect(exporter.output()).toMatch(/"settings":\["state\.path"\]/);
    const response = await fetch(`${url.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(sims.keep.stats.logins).toBe(1);
  });

  it('re-reads watched devices: names and the watched label change, history stays', async () => {
    const routers = [routerEntry('keep', sims.keep), routerEntry('add', sims.add, { timeoutSeconds: 11 })];
    const seen = (await devices(exporter)).find((d) => d.router === 'keep' && d.firstSeen !== null)!;
    const spare = 'D0:BB:CC:00:0F:0F';
    expect((await deviceInfo(exporter, 'keep')).get(seen.mac)?.[1]).toBe('false');

    writeConfig({
      ...base,
      routers,
      devices: [
        { mac: seen.mac.toLowerCase(), name: 'the-nas', router: 'keep' },
        { mac: spare, name: 'spare-printer', router: 'keep' },
      ],
    });
    await hup(/configuration reloaded: 0 router\(s\) added, 0 removed, 0 reconnected/);
    // The next scrape shows it (the poll-free case is the test below).
    const watched = await deviceInfo(exporter, 'keep');
    expect(watched.get(seen.mac)).toEqual(['the-nas', 'true']);
    expect(watched.get(spare)).toEqual(['spare-printer', 'true']);
    const api = await devices(exporter);
    expect(api.find((d) => d.mac === seen.mac)).toMatchObject({ name: 'the-nas', watched: true, firstSeen: seen.firstSeen });
    expect(api.find((d) => d.mac === spare)).toMatchObject({ watched: true, firstSeen: null });

    writeConfig({ ...base, routers });
    await hup(/configuration reloaded/);
    const unwatched = await deviceInfo(exporter, 'keep');
    expect(unwatched.get(spare)).toBeUndefined();
    expect(unwatched.get(seen.mac)).toEqual([seen.name ?? '', 'false']);
    expect((await devices(exporter)).find((d) => d.mac === seen.mac)).toMatchObject({
      watched: false,
      firstSeen: seen.firstSeen,
    });
    expect(exporter.output()).not.toMatch(/"settings":\[[^\]]*"devices"/);
    expect(sims.keep.stats.logins).toBe(1);
  });
});

/**
 * Polled once an hour, so nothing but the reload can change what a scrape shows: the watched
 * devices of a reload are on the next scrape, also for a router that is down since the start
 * (its devices are the last good data of the previous run, from the state file).
 */
describe('SIGHUP with changed watched devices, shown at the next scrape without a poll', () => {
  const sims: Record<'up' | 'down', RunningSimulator> = {} as never;
  let exporter: ExporterProcess | undefined;

  afterAll(async () => {
    await exporter?.stop('SIGKILL');
    for (const sim of Object.values(sims)) await sim?.close();
  });

  it('relabels the devices of a router that is up and of one that is down, and adds a never seen one', async () => {
    for (const [index, name] of (['up', 'down'] as const).entries()) {
      sims[name] = await startSimulator({
        users: [{ name: 'monitor', password: 'secret' }],
        lan: generateLan({ devices: 3, seed: index + 11, identity: name }),
      });
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-reload-watched-'));
    const configPath = path.join(dir, 'config.json');
    const base = {
      // Slots half an hour from now: only the start polls while the test runs.
      poll: { intervalSeconds: 3600, offsetSeconds: Math.floor((Date.now() / 1000 + 1800) % 3600) },
      state: { path: path.join(dir, 'state.json') },
      routers: [routerEntry('up', sims.up), routerEntry('down', sims.down)],
    };
    writeFileSync(configPath, JSON.stringify(base), { mode: 0o600 });
    exporter = await startExporter({ configPath });
    const firstRun = await devices(exporter);
    expect(await exporter.stop('SIGTERM')).toBe(0);
    const [upDevice] = firstRun.filter((d) => d.router === 'up');
    const [downDevice, downOther] = firstRun.filter((d) => d.router === 'down');
    expect(upDevice?.firstSeen).toBeTypeOf('number');
    expect(downDevice?.firstSeen).toBeTypeOf('number');
    expect(downOther?.watched).toBe(false);

    await sims.down.stopListening({ dropConnections: true });
    exporter = await startExporter({ configPath });
    expect(await routersUp(exporter)).toEqual(
      new Map([
        ['up', 1],
        ['down', 0],
      ]),
    );
    expect((await deviceInfo(exporter, 'down')).get(downDevice!.mac)).toEqual([downDevice!.name ?? '', 'false']);

    const spare = '02:00:5E:10:00:01';
    writeFileSync(
      configPath,
      JSON.stringify({
        ...base,
        devices: [
          { mac: upDevice!.mac, name: 'office-nas', router: 'up' },
          { mac: downDevice!.mac.toLowerCase(), name: 'garage-camera', router: 'down' },
          { mac: spare, name: 'spare-printer', router: 'down' },
        ],
      }),
      { mode: 0o600 },
    );
    await reload(exporter, /configuration reloaded/);

    // The first scrape after the reload, no waiting for a poll.
    const samples = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
    const series = (name: string, router: string, mac: string) =>
      samples.filter((s) => s.name === name && s.labels.router === router && s.labels.mac === mac);
    expect(series('netmon_device_info', 'up', upDevice!.mac).map((s) => [s.labels.name, s.labels.watched])).toEqual([
      ['office-nas', 'true'],
    ]);
    expect(series('netmon_device_info', 'down', downDevice!.mac).map((s) => [s.labels.name, s.labels.watched])).toEqual([
      ['garage-camera', 'true'],
    ]);
    expect(series('netmon_device_info', 'down', downOther!.mac).map((s) => s.labels.watched)).toEqual(['false']);
    expect(series('netmon_device_info', 'down', spare).map((s) => [s.labels.name, s.labels.watched])).toEqual([
      ['spare-printer', 'true'],
    ]);
    expect(series('netmon_device_present', 'down', spare).map((s) => s.value)).toEqual([0]);
    expect(series('netmon_device_first_seen_timestamp_seconds', 'down', spare)).toEqual([]);
    expect(series('netmon_device_first_seen_timestamp_seconds', 'down', downDevice!.mac).map((s) => s.value)).toEqual([
      downDevice!.firstSeen,
    ]);
    expect(samples.find((s) => s.name === 'netmon_router_up' && s.labels.router === 'down')?.value).toBe(0);

    const api = await devices(exporter);
    expect(api.find((d) => d.router === 'down' && d.mac === downDevice!.mac)).toMatchObject({
      name: 'garage-camera',
      watched: true,
      firstSeen: downDevice!.firstSeen,
    });
    expect(api.find((d) => d.router === 'down' && d.mac === spare)).toMatchObject({
      name: 'spare-printer',
      watched: true,
      firstSeen: null,
    });
    expect(api.find((d) => d.router === 'up' && d.mac === upDevice!.mac)).toMatchObject({ name: 'office-nas', watched: true });
    // No poll ran: the router that is up was logged in to once, at the start of this run.
    expect(sims.up.stats.commandsFor('/ip/arp/print')).toHaveLength(2);
  });
});
