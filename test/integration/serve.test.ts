import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LanData, type LeaseRow, type RunningSimulator, sampleLan, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, startExporter } from '../support/exporter-process.js';
import { findSample, type ParsedSample, parseExposition } from '../support/exposition-parser.js';
import { promtoolCheckMetrics } from '../support/promtool.js';

/**
 * Issue 2's acceptance test: a simulated LAN of 55 devices of every kind, the
 * real `serve` process polling it over the wire protocol, and every device's
 * values read back from /metrics over HTTP.
 */

interface Expected {
  mac: string;
  /** Seconds before the poll of the last observation; null = listed but never seen. */
  seenAgo: number | null;
  /** Seconds after the poll the lease expires; null = no expiry series. */
  expiresIn: number | null;
  info: Record<string, string>;
}

const mac = (group: number, index: number): string =>
  `00:AA:00:${group.toString(16).padStart(2, '0').toUpperCase()}:00:${index.toString(16).padStart(2, '0').toUpperCase()}`;

function buildLan(): { lan: LanData; expected: Expected[] } {
  const lan: LanData = { system: sampleLan().system, leases: [], arp: [], bridgeHosts: [] };
  const expected: Expected[] = [];
  const info = (m: string, fields: Record<string, string>) => ({
    router: 'home',
    mac: m,
    ip: '',
    hostname: '',
    name: '',
    interface: '',
    bridge_port: '',
    dhcp_server: '',
    lease: 'none',
    randomized: 'false',
    watched: 'false',
    ...fields,
  });
  const lease = (m: string, address: string, fields: Partial<LeaseRow>): void => {
    lan.leases.push({
      address,
      macAddress: m,
      server: 'dhcp1',
      status: 'bound',
      dynamic: true,
      lastSeen: 10,
      expiresAfter: 600,
      ...fields,
    });
  };

  // A: lease + current ARP + bridge host.
  for (let i = 0; i < 15; i++) {
    const m = mac(0xa, i);
    const ip = `192.168.88.${10 + i}`;
    lease(m, ip, { hostName: `host-a-${i}`, lastSeen: 5 + i, expiresAfter: 600 + i });
    lan.arp.push({ address: ip, macAddress: m, interface: 'bridge', dynamic: true, status: 'reachable' });
    lan.bridgeHosts.push({ macAddress: m, bridge: 'bridge', interface: 'ether2', dynamic: true, local: false });
    expected.push({
      mac: m,
      seenAgo: 0,
      expiresIn: 600 + i,
      info: info(m, {
        ip,
        hostname: `host-a-${i}`,
        interface: 'bridge',
        bridge_port: 'ether2',
        dhcp_server: 'dhcp1',
        lease: 'dynamic',
      }),
    });
  }
  // B: bound lease only, some last heard from longer ago than presence.timeoutSeconds (300).
  for (let i = 0; i < 10; i++) {
    const m = mac(0xb, i);
    const ip = `192.168.88.${40 + i}`;
    const ago = 30 + i * 40;
    lease(m, ip, { hostName: `lease-b-${i}`, lastSeen: ago, expiresAfter: 1200 });
    expected.push({
      mac: m,
      seenAgo: ago,
      expiresIn: 1200,
      info: info(m, { ip, hostname: `lease-b-${i}`, dhcp_server: 'dhcp1', lease: 'dynamic' }),
    });
  }
  // C: ARP only (static IPs): reachable, stale and failed entries.
  const states = [
    'reachable',
    'reachable',
    'reachable',
    'reachable',
    'reachable',
    'stale',
    'stale',
    'stale',
    'failed',
    'failed',
  ] as const;
  states.forEach((status, i) => {
    const m = mac(0xc, i);
    const ip = `192.168.88.${60 + i}`;
    lan.arp.push({ address: ip, macAddress: m, interface: 'vlan20', dynamic: true, status });
    expected.push({
      mac: m,
      seenAgo: status === 'reachable' ? 0 : null,
      expiresIn: null,
      info: info(m, { ip, interface: 'vlan20' }),
    });
  });
  // D: waiting static leases (reserved, client not there).
  for (let i = 0; i < 5; i++) {
    const m = mac(0xd, i);
    const ip = `192.168.88.${80 + i}`;
    lease(m, ip, {
      status: 'waiting',
      dynamic: false,
      lastSeen: null,
      expiresAfter: null,
      hostName: null,
      comment: `reserved ${i}`,
    });
    expected.push({
      mac: m,
      seenAgo: null,
      expiresIn: null,
      info: info(m, { ip, dhcp_server: 'dhcp1', lease: 'static', name: `reserved ${i}` }),
    });
  }
  // E: static leases, bound.
  for (let i = 0; i < 5; i++) {
    const m = mac(0xe, i);
    const ip = `192.168.88.${90 + i}`;
    lease(m, ip, { dynamic: false, hostName: `static-${i}`, lastSeen: 20, expiresAfter: 300 });
    expected.push({
      mac: m,
      seenAgo: 20,
      expiresIn: 300,
      info: info(m, { ip, hostname: `static-${i}`, dhcp_server: 'dhcp1', lease: 'static' }),
    });
  }
  // F: hostile host names from DHCP clients, and what the exporter must make of them.
  const hostile: Array<[string | Buffer, string]> = [
    ['say "hi" \\ there', 'say "hi" \\ there'],
    ['line1\nline2\r\n', 'line1 line2'],
    ['</script><img src=x onerror=alert(1)>', '</script><img src=x onerror=alert(1)>'],
    [Buffer.from([0x66, 0x6f, 0xff, 0x6f]), 'fo\u00ffo'],
    ['x'.repeat(10_000), 'x'.repeat(253)],
  ];
  hostile.forEach(([raw, clean], i) => {
    const m = mac(0xf, i);
    const ip = `192.168.88.${100 + i}`;
    lease(m, ip, { hostName: raw, lastSeen: 1, expiresAfter: 900 });
    expected.push({
      mac: m,
      seenAgo: 1,
      expiresIn: 900,
      info: info(m, { ip, hostname: clean, dhcp_server: 'dhcp1', lease: 'dynamic' }),
    });
  });
  // G: only in the bridge host table; one with a randomised (locally administered) MAC.
  for (let i = 0; i < 5; i++) {
    const m = i === 0 ? '02:AA:00:10:00:00' : mac(0x10, i);
    lan.bridgeHosts.push({ macAddress: m, bridge: 'bridge', interface: `ether${3 + i}`, dynamic: true, local: false });
    expected.push({
      mac: m,
      seenAgo: 0,
      expiresIn: null,
      info: info(m, { bridge_port: `ether${3 + i}`, randomized: String(i === 0) }),
    });
  }
  // Not devices: unresolved ARP entries and the router's own bridge ports.
  lan.arp.push({ address: '192.168.88.250', macAddress: null, interface: 'bridge', dynamic: true, status: 'incomplete' });
  lan.arp.push({ address: '192.168.88.251', macAddress: null, interface: 'bridge', dynamic: true, status: 'failed' });
  lan.bridgeHosts.push({ macAddress: '48:8F:5A:00:00:01', bridge: 'bridge', interface: 'bridge', dynamic: false, local: true });
  lan.bridgeHosts.push({ macAddress: '48:8F:5A:00:00:02', bridge: 'bridge', interface: 'ether1', dynamic: false, local: true });
  return { lan, expected };
}

describe('serve against the simulator (issue 2 acceptance)', () => {
  let simulator: RunningSimulator;
  let exporter: ExporterProcess;
  let expected: Expected[];
  let samples: ParsedSample[];
  let page: string;

  beforeAll(async () => {
    const built = buildLan();
    expected = built.expected;
    simulator = await startSimulator({ lan: built.lan, users: [{ name: 'monitor', password: 'pw-integration' }] });
    // An hourly slot placed half an hour away: exactly one poll (the start-up one) happens during the test.
    const offsetSeconds = Math.floor(Date.now() / 1000 + 1800) % 3600;
    exporter = await startExporter({
      config: {
        routers: [{ name: 'home', host: simulator.host, port: simulator.port, user: 'monitor', password: 'pw-integration' }],
        poll: { intervalSeconds: 3600, offsetSeconds },
        devices: [
          { mac: mac(0xa, 0), name: 'nas', router: 'home' },
          { mac: 'aa-bb-cc-00-00-99', name: 'never seen', router: 'home' },
        ],
        state: { path: `${simulator.host === '127.0.0.1' ? '' : ''}/tmp/netmon-it-${process.pid}-${Date.now()}/state.json` },
      },
    });
    const res = await fetch(`${exporter.url}/metrics`);
    expect(res.status).toBe(200);
    page = await res.text();
    samples = parseExposition(page);
  });

  afterAll(async () => {
    await exporter?.stop();
    await simulator?.close();
  });

  it('exports every device with exact presence, last seen, lease expiry and info labels', () => {
    const pollTime = findSample(samples, 'netmon_router_last_success_timestamp_seconds', { router: 'home' })?.value;
    expect(pollTime).toBeGreaterThan(Date.now() / 1000 - 60);
    for (const device of expected) {
      const id = { router: 'home', mac: device.mac };
      const label = `device ${device.mac}`;
      const present = device.seenAgo !== null && device.seenAgo <= 300 ? 1 : 0;
      expect(findSample(samples, 'netmon_device_present', id)?.value, label).toBe(present);
      const lastSeen = findSample(samples, 'netmon_device_last_seen_timestamp_seconds', id);
      const firstSeen = findSample(samples, 'netmon_device_first_seen_timestamp_seconds', id);
      if (device.seenAgo === null) {
        expect(lastSeen, label).toBeUndefined();
        expect(firstSeen, label).toBeUndefined();
      } else {
        expect(lastSeen?.value, label).toBeCloseTo(pollTime! - device.seenAgo, 2);
        expect(firstSeen?.value, label).toBeCloseTo(pollTime! - device.seenAgo, 2);
      }
      const expiry = findSample(samples, 'netmon_device_dhcp_lease_expiry_timestamp_seconds', id);
      if (device.expiresIn === null) expect(expiry, label).toBeUndefined();
      else expect(expiry?.value, label).toBeCloseTo(pollTime! + device.expiresIn, 2);
      const watched = device.mac === mac(0xa, 0);
      expect(findSample(samples, 'netmon_device_info', id)?.labels, label).toEqual({
        ...device.info,
        ...(watched ? { name: 'nas', watched: 'true' } : {}),
      });
    }
  });

  it('exports nothing else per device: no unresolved ARP entries, no router ports', () => {
    const exportedMacs = samples
      .filter((s) => s.name === 'netmon_device_present')
      .map((s) => s.labels.mac)
      .sort();
    expect(exportedMacs).toEqual([...expected.map((d) => d.mac), 'AA:BB:CC:00:00:99'].sort());
  });

  it('exports a watched device that was never seen as absent, with its name', () => {
    const id = { router: 'home', mac: 'AA:BB:CC:00:00:99' };
    expect(findSample(samples, 'netmon_device_present', id)?.value).toBe(0);
    expect(findSample(samples, 'netmon_device_last_seen_timestamp_seconds', id)).toBeUndefined();
    expect(findSample(samples, 'netmon_device_info', id)?.labels).toMatchObject({
      name: 'never seen',
      watched: 'true',
      lease: 'none',
    });
  });

  it('exports router health and counts', () => {
    const router = { router: 'home' };
    const presentCount = expected.filter((d) => d.seenAgo !== null && d.seenAgo <= 300).length;
    expect(findSample(samples, 'netmon_router_up', router)?.value).toBe(1);
    expect(findSample(samples, 'netmon_devices', { ...router, state: 'present' })?.value).toBe(presentCount);
    expect(findSample(samples, 'netmon_devices', { ...router, state: 'absent' })?.value).toBe(expected.length + 1 - presentCount);
    expect(findSample(samples, 'netmon_dhcp_leases', { ...router, server: 'dhcp1', status: 'bound' })?.value).toBe(35);
    expect(findSample(samples, 'netmon_dhcp_leases', { ...router, server: 'dhcp1', status: 'waiting' })?.value).toBe(5);
    expect(findSample(samples, 'netmon_address_conflicts', router)?.value).toBe(0);
    expect(findSample(samples, 'netmon_router_info', router)?.labels.version).toMatch(/^7\.\d+/);
    for (const reason of ['auth', 'timeout', 'connection', 'protocol']) {
      expect(findSample(samples, 'netmon_router_poll_errors_total', { ...router, reason })?.value).toBe(0);
    }
  });

  it('reads each table once per poll, with .proplist, over one login', () => {
    for (const command of ['/ip/dhcp-server/lease/print', '/ip/arp/print', '/interface/bridge/host/print']) {
      const sent = simulator.stats.commandsFor(command);
      expect(sent, command).toHaveLength(1);
      expect(sent[0]?.words.some((word) => word.startsWith('=.proplist='))).toBe(true);
    }
    expect(simulator.stats.logins).toBe(1);
  });

  it('passes promtool check metrics', () => {
    expect(promtoolCheckMetrics(page)).toEqual({ status: 0, output: '' });
  });

  it('serves the same devices on /api/devices', async () => {
    const devices = (await (await fetch(`${exporter.url}/api/devices`)).json()) as Array<{
      mac: string;
      hostname: string | null;
      vendor?: string | null;
    }>;
    expect(devices).toHaveLength(expected.length + 1);
    expect(devices.find((d) => d.mac === mac(0xf, 1))?.hostname).toBe('line1 line2');
    // Vendor names join the API records (never the metrics): randomised MACs are private, 00:AA:00 is Intel's.
    expect(devices.find((d) => d.mac === '02:AA:00:10:00:00')?.vendor).toBe('private address');
    expect(devices.find((d) => d.mac === mac(0xa, 1))?.vendor).toBe('Intel Corporation');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await exporter.stop('SIGTERM')).toBe(0);
    expect(exporter.output()).not.toContain('pw-integration');
  });
});
