/**
 * Hostile data end to end: a simulated router whose tables carry what DHCP
 * clients, lease scripts and broken routers really send (quotes, backslashes,
 * line breaks, `}`, NUL, bytes that are not UTF-8, 64 kB names, text that looks
 * like exposition lines, MACs in every spelling, duplicate `.id`s, missing
 * attributes), polled over the wire by the real `serve` process. Every value
 * is read back from /metrics (independent parser + promtool) and /api/devices,
 * and compared with the exact sanitised text the rules in values.ts promise:
 * line breaks become spaces, controls and direction overrides go, bytes that
 * are not UTF-8 read as Windows-1252, host names stop at 253 code points and
 * comments at 255, MACs become upper-case colon form.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LanData,
  type LeaseRow,
  type RunningSimulator,
  sampleLan,
  startSimulator,
  type Text,
} from '../../src/simulator/index.js';
import { type ExporterProcess, startExporter } from '../support/exporter-process.js';
import { findSample, type ParsedSample, parseExposition } from '../support/exposition-parser.js';
import { promtoolCheckMetrics } from '../support/promtool.js';

const PASSWORD = 'pw-hostile-lan';
const mac = (group: number, i: number) =>
  `00:1B:CC:00:${group.toString(16).padStart(2, '0').toUpperCase()}:${i.toString(16).padStart(2, '0').toUpperCase()}`;
const INJECTION = 'evil"} 1\nnetmon_device_present{router="home",mac="00:00:00:00:00:01"} 1\n# TYPE x counter';

/** [what the DHCP client sent, what every output must show]. '' = no host name. */
const HOSTNAMES: Array<[Text, string]> = [
  ['say "hi" \\ to C:\\dir\\', 'say "hi" \\ to C:\\dir\\'],
  ['one\ntwo\r\nthree', 'one two  three'],
  [INJECTION, 'evil"} 1 netmon_device_present{router="home",mac="00:00:00:00:00:01"} 1 # TYPE x counter'],
  ['nul\u0000byte\u0007bell', 'nulbytebell'],
  [Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'café'], // Latin-1 / Windows-1252 "café"
  [Buffer.from([0xc3, 0x28, 0x41]), 'Ã(A'], // a broken UTF-8 sequence
  [Buffer.from([0x41, 0x81, 0x42]), 'A\ufffdB'], // a byte Windows-1252 leaves undefined
  ['Škoda 🚗 Wi-Fi', 'Škoda 🚗 Wi-Fi'],
  ['h'.repeat(65_536), 'h'.repeat(253)],
  ['🚀'.repeat(300), '🚀'.repeat(253)], // capped in code points; no half surrogate pair
  ['\u202egnp.exe', 'gnp.exe'], // right-to-left override ("Trojan source")
  ['   \t ', ''],
  ['literal \\n and \\" stay', 'literal \\n and \\" stay'],
  ['}{ a="b" ,', '}{ a="b" ,'],
  ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
];

/** [lease comment, the `name` label it becomes]. */
const COMMENTS: Array<[Text, string]> = [
  ['Bob\'s "laptop" {x}', 'Bob\'s "laptop" {x}'],
  ['x'.repeat(65_536), 'x'.repeat(255)],
  [Buffer.from('Jürgen\r\n', 'latin1'), 'Jürgen'],
  [INJECTION, 'evil"} 1 netmon_device_present{router="home",mac="00:00:00:00:00:01"} 1 # TYPE x counter'],
];

interface Expectation {
  mac: string;
  labels: Record<string, string>;
  /** Seconds before the poll of the last sighting; null = no last_seen series. */
  seenAgo: number | null;
  /** Seconds after the poll the lease expires; null = no expiry series. */
  expiresIn: number | null;
}

function buildLan(): { lan: LanData; expected: Expectation[]; rejectedRows: number } {
  const lan: LanData = { system: { ...sampleLan().system, identity: 'core "gw"\n\\' }, leases: [], arp: [], bridgeHosts: [] };
  const expected: Expectation[] = [];
  const lease = (row: Partial<LeaseRow> & Pick<LeaseRow, 'macAddress' | 'address'>): void => {
    lan.leases.push({ server: 'dhcp1', status: 'bound', dynamic: true, lastSeen: 5, expiresAfter: 600, ...row });
  };
  const base = { lease: 'dynamic', dhcp_server: 'dhcp1', hostname: '', name: '', interface: '', bridge_port: '' };

  HOSTNAMES.forEach(([raw, clean], i) => {
    const m = mac(1, i);
    lease({ macAddress: m, address: `10.0.1.${i + 1}`, hostName: raw });
    expected.push({ mac: m, labels: { ...base, ip: `10.0.1.${i + 1}`, hostname: clean }, seenAgo: 5, expiresIn: 600 });
  });
  COMMENTS.forEach(([raw, clean], i) => {
    const m = mac(2, i);
    lease({ macAddress: m, address: `10.0.2.${i + 1}`, comment: raw, dynamic: false });
    expected.push({
      mac: m,
      labels: { ...base, ip: `10.0.2.${i + 1}`, name: clean, lease: 'static' },
      seenAgo: 5,
      expiresIn: 600,
    });
  });

  // One device spelled three ways across the three tables: joined into one.
  lease({ macAddress: '00-1b-cc-00-03-01', address: '10.0.3.1', hostName: 'joined' });
  lan.arp.push({ address: '10.0.3.1', macAddress: '00:1b:cc:00:03:01', interface: 'bridge', dynamic: true, status: 'reachable' });
  lan.bridgeHosts.push({ macAddress: '001bCC000301', bridge: 'bridge', interface: 'ether2', dynamic: true });
  expected.push({
    mac: mac(3, 1),
    labels: { ...base, ip: '10.0.3.1', hostname: 'joined', interface: 'bridge', bridge_port: 'ether2' },
    seenAgo: 0,
    expiresIn: 600,
  });
  // Cisco-dotted, and mixed case with surrounding spaces.
  lease({ macAddress: '001b.cc00.0302', address: '10.0.3.2' });
  expected.push({ mac: mac(3, 2), labels: { ...base, ip: '10.0.3.2' }, seenAgo: 5, expiresIn: 600 });
  lease({ macAddress: ' 00:1b:Cc:00:03:03 ', address: '10.0.3.3' });
  expected.push({ mac: mac(3, 3), labels: { ...base, ip: '10.0.3.3' }, seenAgo: 5, expiresIn: 600 });
  // A randomised (locally administered) MAC in lower case.
  lease({ macAddress: 'da:a1:19:00:03:04', address: '10.0.3.4' });
  expected.push({
    mac: 'DA:A1:19:00:03:04',
    labels: { ...base, ip: '10.0.3.4', randomized: 'true' },
    seenAgo: 5,
    expiresIn: 600,
  });
  // Not MACs: five octets, words, all zeros ("none"), mixed separators. Each row is rejected and counted.
  for (const [i, bad] of ['00:1B:CC:00:03', 'not-a-mac', '00:00:00:00:00:00', '00:1b-cc:00:03:07'].entries()) {
    lease({ macAddress: bad, address: `10.0.3.${10 + i}`, hostName: 'rejected' });
  }
  let rejectedRows = 4;

  // Duplicate .id: two rows, two MACs (devices are keyed by MAC, not by .id) ...
  lease({ id: '*A', macAddress: mac(4, 1), address: '10.0.4.1', hostName: 'dup-a' });
  lease({ id: '*A', macAddress: mac(4, 2), address: '10.0.4.2', hostName: 'dup-b' });
  expected.push({ mac: mac(4, 1), labels: { ...base, ip: '10.0.4.1', hostname: 'dup-a' }, seenAgo: 5, expiresIn: 600 });
  expected.push({ mac: mac(4, 2), labels: { ...base, ip: '10.0.4.2', hostname: 'dup-b' }, seenAgo: 5, expiresIn: 600 });
  // ... and the same ARP row twice: one device.
  lan.arp.push({ id: '*B', address: '10.0.4.3', macAddress: mac(4, 3), interface: 'vlan9', dynamic: true, status: 'reachable' });
  lan.arp.push({ id: '*B', address: '10.0.4.3', macAddress: mac(4, 3), interface: 'vlan9', dynamic: true, status: 'reachable' });
  expected.push({
    mac: mac(4, 3),
    labels: { ...base, lease: 'none', dhcp_server: '', ip: '10.0.4.3', interface: 'vlan9' },
    seenAgo: 0,
    expiresIn: null,
  });

  // Missing attributes.
  lease({ macAddress: mac(5, 1), address: '10.0.5.1', omit: ['mac-address'] }); // known from active-mac-address
  expected.push({ mac: mac(5, 1), labels: { ...base, ip: '10.0.5.1' }, seenAgo: 5, expiresIn: 600 });
  lease({ macAddress: mac(5, 2), address: '10.0.5.2', omit: ['mac-address', 'active-mac-address'] });
  rejectedRows += 1;
  lease({ macAddress: mac(5, 3), address: '10.0.5.3', omit: ['last-seen'] }); // bound, no last-seen: seen at poll time
  expected.push({ mac: mac(5, 3), labels: { ...base, ip: '10.0.5.3' }, seenAgo: 0, expiresIn: 600 });
  lease({ macAddress: mac(5, 4), address: '10.0.5.4', omit: ['expires-after'] });
  expected.push({ mac: mac(5, 4), labels: { ...base, ip: '10.0.5.4' }, seenAgo: 5, expiresIn: null });
  // No status: not known to be bound, so no sighting and no expiry; no `dynamic`: a false flag RouterOS omits.
  lease({
    macAddress: mac(5, 5),
    address: '10.0.5.5',
    hostName: 'gone',
    omit: ['host-name', 'server', 'active-server', 'status', 'dynamic'],
  });
  expected.push({
    mac: mac(5, 5),
    labels: { ...base, ip: '10.0.5.5', dhcp_server: '', lease: 'static' },
    seenAgo: null,
    expiresIn: null,
  });
  // Values that are not values: unknown boolean -> default, unparseable duration -> seen at poll time.
  lease({
    macAddress: mac(5, 6),
    address: '10.0.5.6',
    extra: { dynamic: 'maybe', 'last-seen': 'yesterday', 'expires-after': '-5s' },
  });
  expected.push({ mac: mac(5, 6), labels: { ...base, ip: '10.0.5.6', lease: 'static' }, seenAgo: 0, expiresIn: null });
  lan.arp.push({
    address: '10.0.5.7',
    macAddress: mac(5, 7),
    interface: 'bridge',
    dynamic: true,
    status: 'reachable',
    omit: ['address'],
  });
  rejectedRows += 1;
  lan.arp.push({
    address: '10.0.5.8',
    macAddress: mac(5, 8),
    interface: 'bridge',
    dynamic: true,
    status: 'reachable',
    omit: ['interface'],
  });
  expected.push({
    mac: mac(5, 8),
    labels: { ...base, lease: 'none', dhcp_server: '', ip: '10.0.5.8' },
    seenAgo: 0,
    expiresIn: null,
  });
  lan.bridgeHosts.push({ macAddress: mac(5, 9), bridge: 'bridge', interface: 'ether3', dynamic: true, omit: ['interface'] });
  expected.push({ mac: mac(5, 9), labels: { ...base, lease: 'none', dhcp_server: '' }, seenAgo: 0, expiresIn: null });
  lan.bridgeHosts.push({ macAddress: mac(5, 10), bridge: 'bridge', interface: 'ether3', dynamic: true, omit: ['mac-address'] });
  rejectedRows += 1;
  // A hostile interface name set by a (hostile or careless) admin.
  lan.arp.push({ address: '10.0.5.11', macAddress: mac(5, 11), interface: 'br\n"lan"}', dynamic: true, status: 'reachable' });
  expected.push({
    mac: mac(5, 11),
    labels: { ...base, lease: 'none', dhcp_server: '', ip: '10.0.5.11', interface: 'br "lan"}' },
    seenAgo: 0,
    expiresIn: null,
  });
  return { lan, expected, rejectedRows };
}

describe('hostile router data, end to end', () => {
  let sim: RunningSimulator;
  let exporter: ExporterProcess;
  let built: ReturnType<typeof buildLan>;
  let page: string;
  let samples: ParsedSample[];
  let devices: Array<Record<string, unknown>>;

  beforeAll(async () => {
    built = buildLan();
    sim = await startSimulator({ lan: built.lan, users: [{ name: 'monitor', password: PASSWORD }] });
    // An hourly slot half an hour away: the start-up poll is the only one during the test.
    const offsetSeconds = Math.floor(Date.now() / 1000 + 1800) % 3600;
    exporter = await startExporter({
      config: {
        routers: [{ name: 'home', host: sim.host, port: sim.port, user: 'monitor', password: PASSWORD, timeoutSeconds: 5 }],
        poll: { intervalSeconds: 3600, offsetSeconds },
        state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-hostile-')), 'state.json') },
      },
    });
    const res = await fetch(`${exporter.url}/metrics`);
    const bytes = Buffer.from(await res.arrayBuffer());
    // Valid UTF-8 from end to end, or the fatal decoder throws.
    page = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    samples = parseExposition(page);
    devices = (await (await fetch(`${exporter.url}/api/devices`)).json()) as Array<Record<string, unknown>>;
  });

  afterAll(async () => {
    await exporter?.stop();
    await sim?.close();
  });

  it('the poll succeeded and counted exactly the rows it could not use', () => {
    expect(findSample(samples, 'netmon_router_up', { router: 'home' })?.value).toBe(1);
    expect(findSample(samples, 'netmon_router_rejected_rows_total', { router: 'home' })?.value).toBe(built.rejectedRows);
  });

  it('exports every device with the exact sanitised labels and values', () => {
    const pollTime = findSample(samples, 'netmon_router_last_success_timestamp_seconds', { router: 'home' })!.value;
    for (const device of built.expected) {
      const id = { router: 'home', mac: device.mac };
      const what = `device ${device.mac}`;
      expect(findSample(samples, 'netmon_device_info', id)?.labels, what).toEqual({
        router: 'home',
        mac: device.mac,
        ip: '',
        randomized: 'false',
        watched: 'false',
        ...device.labels,
      });
      const lastSeen = findSample(samples, 'netmon_device_last_seen_timestamp_seconds', id)?.value;
      if (device.seenAgo === null) expect(lastSeen, what).toBeUndefined();
      else expect(lastSeen, what).toBeCloseTo(pollTime - device.seenAgo, 2);
      const expiry = findSample(samples, 'netmon_device_dhcp_lease_expiry_timestamp_seconds', id)?.value;
      if (device.expiresIn === null) expect(expiry, what).toBeUndefined();
      else expect(expiry, what).toBeCloseTo(pollTime + device.expiresIn, 2);
    }
  });

  it('exports nothing but those devices: no rejected row, no injected series', () => {
    const macs = samples
      .filter((s) => s.name === 'netmon_device_present')
      .map((s) => s.labels.mac)
      .sort();
    expect(macs).toEqual(built.expected.map((d) => d.mac).sort());
    expect(samples.some((s) => s.labels.mac === '00:00:00:00:00:01')).toBe(false);
    expect(samples.filter((s) => s.name === 'x')).toEqual([]);
    expect(page.split('\n').filter((l) => l.startsWith('# TYPE x'))).toEqual([]);
  });

  it('keeps the router identity inside its label', () => {
    expect(findSample(samples, 'netmon_router_info', { router: 'home' })?.labels.identity).toBe('core "gw" \\');
  });

  it('passes promtool check metrics', () => {
    expect(promtoolCheckMetrics(page)).toEqual({ status: 0, output: '' });
  });

  it('/api/devices carries the same sanitised text', () => {
    const byMac = new Map(devices.map((d) => [d.mac as string, d]));
    for (const device of built.expected) {
      const record = byMac.get(device.mac);
      expect(record, device.mac).toBeDefined();
      expect(record!.hostname ?? '', device.mac).toBe(device.labels.hostname);
      expect(record!.name ?? '', device.mac).toBe(device.labels.name);
    }
    expect(devices).toHaveLength(built.expected.length);
  });

  it('/ renders every hostile name as text', async () => {
    const html = await (await fetch(`${exporter.url}/`)).text();
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/\u0000/);
  });

  it('logged nothing alarming and no raw control bytes', () => {
    const output = exporter.output();
    expect(output).not.toMatch(/uncaught|unhandled/i);
    expect(output).not.toContain('\u0000');
  });
});
