import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LanData, type RunningSimulator, sampleLan, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, sleep, startExporter, waitFor } from '../support/exporter-process.js';
import { findSample, type ParsedSample, parseExposition } from '../support/exposition-parser.js';

/** Issue 3 against the real process: restarts, router outages and a state file that cannot be written. */

const NAS = '00:AA:00:00:00:01';
const PHONE = '00:AA:00:00:00:02';

function smallLan(): LanData {
  return {
    system: sampleLan().system,
    leases: [
      {
        address: '192.168.88.10',
        macAddress: NAS,
        server: 'dhcp1',
        status: 'bound',
        dynamic: false,
        hostName: 'nas',
        lastSeen: 0,
        expiresAfter: 600,
      },
      {
        address: '192.168.88.11',
        macAddress: PHONE,
        server: 'dhcp1',
        status: 'bound',
        dynamic: true,
        hostName: 'phone',
        lastSeen: 0,
        expiresAfter: 600,
      },
    ],
    arp: [{ address: '192.168.88.10', macAddress: NAS, interface: 'bridge', dynamic: true, status: 'reachable' }],
    bridgeHosts: [],
  };
}

async function scrape(exporter: ExporterProcess): Promise<ParsedSample[]> {
  return parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
}

function value(samples: ParsedSample[], name: string, labels: Record<string, string>): number | undefined {
  return findSample(samples, name, labels)?.value;
}

function configFor(simulator: RunningSimulator, statePath: string, extra: Record<string, unknown> = {}) {
  return {
    routers: [
      { name: 'home', host: simulator.host, port: simulator.port, user: 'monitor', password: 'secret', timeoutSeconds: 1 },
    ],
    poll: { intervalSeconds: 1 },
    devices: [{ mac: NAS, name: 'nas', router: 'home' }],
    state: { path: statePath },
    ...extra,
  };
}

describe('device lifecycle in the real process', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  async function simulator(): Promise<RunningSimulator> {
    const sim = await startSimulator({ lan: smallLan() });
    cleanups.push(() => sim.close());
    return sim;
  }

  async function exporter(config: unknown): Promise<ExporterProcess> {
    const proc = await startExporter({ config });
    cleanups.push(() => proc.stop('SIGKILL'));
    return proc;
  }

  it('keeps first_seen across a restart', async () => {
    const sim = await simulator();
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-life-')), 'state.json');
    const first = await exporter(configFor(sim, statePath));
    const firstSeen = value(await scrape(first), 'netmon_device_first_seen_timestamp_seconds', { mac: PHONE });
    expect(firstSeen).toBeGreaterThan(0);
    expect(await first.stop('SIGTERM')).toBe(0);
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { devices: Array<{ mac: string }> };
    expect(saved.devices.map((d) => d.mac).sort()).toEqual([NAS, PHONE]);

    await sleep(1100);
    const second = await exporter(configFor(sim, statePath));
    const after = await scrape(second);
    expect(value(after, 'netmon_device_first_seen_timestamp_seconds', { mac: PHONE })).toBe(firstSeen);
    // The restarted process has polled again, so last_seen moved on while first_seen stayed.
    expect(value(after, 'netmon_device_last_seen_timestamp_seconds', { mac: PHONE })!).toBeGreaterThan(firstSeen!);
  });

  it('keeps a first sighting made just before a kill -9', async () => {
    const sim = await simulator();
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-life-')), 'state.json');
    const first = await exporter(configFor(sim, statePath));
    await waitFor(() => (existsSync(statePath) ? true : undefined), 10_000, 'the first snapshot');
    const LAPTOP = '00:AA:00:00:00:03';
    sim.tables.arp = [
      ...sim.tables.arp,
      { address: '192.168.88.12', macAddress: LAPTOP, interface: 'bridge', dynamic: true, status: 'reachable' },
    ];
    // The moment /metrics shows it, it is on disk: kill with no chance to flush.
    const firstSeen = await waitFor(
      async () => value(await scrape(first), 'netmon_device_first_seen_timestamp_seconds', { mac: LAPTOP }),
      10_000,
      'the new device',
    );
    first.child.kill('SIGKILL');
    await first.exited;

    // The router no longer lists it: whatever the restart knows of it comes from the state files.
    sim.tables.arp = sim.tables.arp.filter((entry) => entry.macAddress !== LAPTOP);
    const second = await exporter(configFor(sim, statePath));
    const after = await scrape(second);
    expect(value(after, 'netmon_device_first_seen_timestamp_seconds', { mac: LAPTOP })).toBe(firstSeen);
    expect(findSample(after, 'netmon_device_info', { mac: LAPTOP })?.labels).toMatchObject({ ip: '192.168.88.12' });
    expect(second.output()).not.toMatch(/corrupt/);
  });

  it('keeps the last good values through a router outage and resumes after it', async () => {
    const sim = await simulator();
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-life-')), 'state.json');
    // A 2 s presence timeout: without the outage rule every device would turn absent during a 4 s outage.
    const proc = await exporter(configFor(sim, statePath, { presence: { timeoutSeconds: 2 } }));
    const before = await scrape(proc);
    expect(value(before, 'netmon_device_present', { mac: NAS })).toBe(1);
    const lastSeenBefore = value(before, 'netmon_device_last_seen_timestamp_seconds', { mac: NAS })!;

    await sim.stopListening({ dropConnections: true });
    const during = await waitFor(
      async () => {
        const samples = await scrape(proc);
        return (value(samples, 'netmon_router_poll_errors_total', { router: 'home', reason: 'connection' }) ?? 0) >= 3
          ? samples
          : undefined;
      },
      20_000,
      'three failed polls',
    );
    expect(value(during, 'netmon_router_up', { router: 'home' })).toBe(0);
    expect(value(during, 'netmon_device_present', { mac: NAS })).toBe(1);
    expect(value(during, 'netmon_device_present', { mac: PHONE })).toBe(1);
    expect(value(during, 'netmon_devices', { router: 'home', state: 'present' })).toBe(2);
    const lastSeenDuring = value(during, 'netmon_device_last_seen_timestamp_seconds', { mac: NAS })!;
    expect(lastSeenDuring).toBeGreaterThanOrEqual(lastSeenBefore);

    await sim.startListening();
    const recovered = await waitFor(
      async () => {
        const samples = await scrape(proc);
        return value(samples, 'netmon_router_up', { router: 'home' }) === 1 ? samples : undefined;
      },
      20_000,
      'recovery',
    );
    expect(value(recovered, 'netmon_device_present', { mac: NAS })).toBe(1);
    expect(value(recovered, 'netmon_device_last_seen_timestamp_seconds', { mac: NAS })!).toBeGreaterThan(lastSeenDuring);
  });

  it('turns a device absent when it leaves a router that keeps answering', async () => {
    const sim = await simulator();
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-life-')), 'state.json');
    const proc = await exporter(configFor(sim, statePath, { presence: { timeoutSeconds: 2 } }));
    sim.tables.arp = [];
    sim.tables.leases = sim.tables.leases.filter((lease) => lease.macAddress !== NAS);
    const samples = await waitFor(
      async () => {
        const s = await scrape(proc);
        return value(s, 'netmon_device_present', { mac: NAS }) === 0 ? s : undefined;
      },
      20_000,
      'the NAS to turn absent',
    );
    expect(value(samples, 'netmon_router_up', { router: 'home' })).toBe(1);
    expect(findSample(samples, 'netmon_device_info', { mac: NAS })?.labels).toMatchObject({
      name: 'nas',
      watched: 'true',
      ip: '192.168.88.10',
    });
    expect(value(samples, 'netmon_device_present', { mac: PHONE })).toBe(1);
  });

  it('keeps serving and counts errors when the state file cannot be written', async () => {
    const sim = await simulator();
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-life-'));
    // The parent "directory" is a regular file: every write fails, even as root.
    writeFileSync(path.join(dir, 'not-a-dir'), 'x');
    const proc = await exporter(configFor(sim, path.join(dir, 'not-a-dir', 'state.json')));
    const samples = await waitFor(
      async () => {
        const s = await scrape(proc);
        return (value(s, 'netmon_state_write_errors_total', {}) ?? 0) >= 1 ? s : undefined;
      },
      20_000,
      'a counted write error',
    );
    expect(value(samples, 'netmon_router_up', { router: 'home' })).toBe(1);
    expect(value(samples, 'netmon_device_present', { mac: NAS })).toBe(1);
    expect(value(samples, 'netmon_state_last_write_success_timestamp_seconds', {})).toBe(0);
  });

  it('moves a corrupt state file aside and starts', async () => {
    const sim = await simulator();
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-life-'));
    writeFileSync(path.join(dir, 'state.json'), '{"version": 1, "devices": [tru');
    const proc = await exporter(configFor(sim, path.join(dir, 'state.json')));
    expect(value(await scrape(proc), 'netmon_router_up', { router: 'home' })).toBe(1);
    const aside = readdirSync(dir).filter((name) => name.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe('{"version": 1, "devices": [tru');
    expect(proc.output()).toMatch(/"level":50[^\n]*corrupt/);
  });
});
