import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LanData, type RunningSimulator, sampleLan, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, startExporter, waitFor } from '../support/exporter-process.js';
import { findSample, type ParsedSample, parseExposition } from '../support/exposition-parser.js';

/**
 * Issue 11, clocks, against the real process: one run with the clock a year
 * ahead (a Raspberry Pi without a real-time clock before NTP syncs), then a
 * normal run on the same state file. The first run's times must not make the
 * device that left look present, nor leave any first/last seen in the future.
 */

const NAS = '00:AA:00:00:00:01';
const PHONE = '00:AA:00:00:00:02';
const YEAR_SECONDS = 365 * 86_400;

/** Debian's libfaketime, preloaded: the same thing the `faketime` command does. */
const LIBFAKETIME = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
].find((candidate) => existsSync(candidate));

function lan(): LanData {
  const lease = (macAddress: string, address: string, hostName: string) => ({
    address,
    macAddress,
    server: 'dhcp1',
    status: 'bound',
    dynamic: true,
    hostName,
    lastSeen: 0,
    expiresAfter: 600,
  });
  return {
    system: sampleLan().system,
    leases: [lease(NAS, '192.168.88.10', 'nas'), lease(PHONE, '192.168.88.11', 'phone')],
    arp: [{ address: '192.168.88.10', macAddress: NAS, interface: 'bridge', dynamic: true, status: 'reachable' }],
    bridgeHosts: [],
  };
}

async function scrape(exporter: ExporterProcess): Promise<ParsedSample[]> {
  return parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
}

const value = (samples: ParsedSample[], name: string, mac: string) => findSample(samples, name, { mac })?.value;

describe('a clock a year ahead, then a normal run on the same state file', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  it('leaves no device present or first/last seen in the future once the clock is right', async () => {
    if (LIBFAKETIME === undefined) throw new Error('libfaketime not found: install the Debian package faketime');
    const sim: RunningSimulator = await startSimulator({ lan: lan() });
    cleanups.push(() => sim.close());
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-clock-')), 'state.json');
    const config = {
      routers: [{ name: 'home', host: sim.host, port: sim.port, user: 'monitor', password: 'secret', timeoutSeconds: 2 }],
      poll: { intervalSeconds: 1 },
      state: { path: statePath },
    };

    const ahead = await startExporter({ config, env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: '+365d' } });
    cleanups.push(() => ahead.stop('SIGKILL'));
    const aheadSamples = await scrape(ahead);
    // The fake clock took: both devices seen "a year from now".
    expect(value(aheadSamples, 'netmon_device_last_seen_timestamp_seconds', PHONE)!).toBeGreaterThan(
      Date.now() / 1000 + YEAR_SECONDS - 86_400,
    );
    expect(value(aheadSamples, 'netmon_device_present', PHONE)).toBe(1);
    expect(await ahead.stop('SIGTERM')).toBe(0);

    // The phone leaves while the exporter is down; the clock is right again.
    sim.tables.leases = sim.tables.leases.filter((lease) => lease.macAddress !== PHONE);
    const normal = await startExporter({ config });
    cleanups.push(() => normal.stop('SIGKILL'));
    const samples = await waitFor(
      async () => {
        const s = await scrape(normal);
        return value(s, 'netmon_device_present', NAS) === 1 ? s : undefined;
      },
      20_000,
      'a poll with the right clock',
    );
    const now = Date.now() / 1000;
    expect(value(samples, 'netmon_device_present', PHONE)).toBe(0);
    for (const family of ['netmon_device_first_seen_timestamp_seconds', 'netmon_device_last_seen_timestamp_seconds']) {
      for (const sample of samples.filter((s) => s.name === family)) {
        expect(sample.value, `${family} of ${sample.labels.mac}`).toBeLessThanOrEqual(now + 1);
      }
    }
    // The phone is still known (with its name), just not present and not from the future.
    expect(findSample(samples, 'netmon_device_info', { mac: PHONE })?.labels.hostname).toBe('phone');
    expect(normal.output()).toMatch(/"level":40[^\n]*times later than now/);
  }, 60_000);
});
