/**
 * The simulated router's tables, as plain mutable data.
 *
 * Rows hold typed fields; the renderer (render.ts) turns them into RouterOS 7
 * attribute words. Text that came from clients (host names, comments) may be a
 * Buffer so tests can send bytes that are not valid UTF-8. `extra` adds or
 * overrides attributes verbatim and `omit` drops attributes, for hostile-input
 * and missing-field tests.
 */
import { formatDuration as formatRouterDuration } from '../routeros/values.js';
import { DEMO_POOL, GATEWAY_DEPTH, LEGACY_ACCESS_POINT, WIFI_ACCESS_POINT } from './data/access-points.js';
import { SAMPLE_LAN, type SampleText } from './data/sample-lan.js';

export type Text = string | Buffer;

interface RowExtras {
  /** `.id` such as `*1A`; assigned on first print when absent. */
  id?: string;
  /** Attributes added after the regular ones, or replacing a regular one of the same name. */
  extra?: Record<string, Text>;
  /** Attribute names left out of every reply (simulates fields a router omits). */
  omit?: string[];
}

export type LeaseStatus = 'bound' | 'waiting' | 'offered' | 'busy' | 'testing' | 'authorizing';

export interface LeaseRow extends RowExtras {
  address: string;
  macAddress: string;
  server: string;
  status: LeaseStatus | string;
  dynamic: boolean;
  disabled?: boolean;
  blocked?: boolean;
  clientId?: string | null;
  hostName?: Text | null;
  comment?: Text | null;
  /** Seconds since the router last heard the client; null renders `never`. */
  lastSeen: number | null;
  /** Seconds until the lease expires; only bound/offered leases have one. */
  expiresAfter?: number | null;
  /** Defaults to address / macAddress / server while bound. */
  activeAddress?: string | null;
  activeMacAddress?: string | null;
  activeServer?: string | null;
}

export type ArpStatus = 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'incomplete' | 'permanent';

export interface ArpRow extends RowExtras {
  address: string;
  /** null for an unresolved entry: RouterOS then sends no mac-address at all. */
  macAddress: string | null;
  interface: string;
  dynamic: boolean;
  /** Derived when absent: permanent for static, incomplete without MAC, else reachable. */
  status?: ArpStatus;
  dhcp?: boolean;
  invalid?: boolean;
  published?: boolean;
  disabled?: boolean;
  /** Derived from status when absent. */
  complete?: boolean;
  comment?: Text | null;
}

export interface BridgeHostRow extends RowExtras {
  macAddress: string;
  bridge: string;
  /** The port the host was learned on (`interface` on RouterOS 7). */
  interface: string;
  vid?: number | null;
  local?: boolean;
  dynamic?: boolean;
  external?: boolean;
  disabled?: boolean;
  invalid?: boolean;
}

export interface SystemInfo {
  identity: Text;
  /** e.g. `7.16.2 (stable)`; defaults from the simulator's version profile. */
  version?: string;
  boardName: string;
  architectureName: string;
  cpu: string;
  cpuCount: number;
  cpuFrequency: number;
  totalMemory: number;
  totalHddSpace: number;
  /** Uptime at simulator start; grows with wall time while it runs. */
  uptimeSeconds: number;
  buildTime?: string;
  factorySoftware?: string;
}

// ---------------------------------------------------------------------------
// Device-depth tables. Each is optional: a LAN without one answers a print on
// its menu the way RouterOS answers for a menu it does not have. Text fields
// hold values exactly as RouterOS prints them (sources in render.ts).

/** One associated client of a Wi-Fi registration table (wifi, wifiwave2, wireless or CAPsMAN). */
export interface WifiRegistrationRow extends RowExtras {
  macAddress: string;
  interface: Text;
  /** wifi/wifiwave2/CAPsMAN only; legacy wireless has no ssid column. */
  ssid?: Text | null;
  /** wifi/wifiwave2 only, e.g. `5ghz-ax`. */
  band?: string | null;
  /** As printed: `-61`, `-67@HT20-7`, `-74dBm@6Mbps`. */
  signal: string;
  /** As printed: `866.6Mbps-80MHz/2S/SGI`, `58.5Mbps-HT`, `6Mbps`. */
  txRate: string;
  rxRate: string;
  /** Seconds associated; grows with wall time while the simulator runs. */
  uptimeSeconds: number;
  /** The access point's own counters: tx is to the client. */
  bytesTx: number;
  bytesRx: number;
  packetsTx?: number;
  packetsRx?: number;
}

export interface KidControlDeviceRow extends RowExtras {
  name: Text;
  macAddress: string;
  user?: Text | null;
  ipAddress?: string | null;
  bytesDown: number;
  bytesUp: number;
  /** As printed: `1.2Mbps`, `96kbps`, `0bps`. */
  rateDown: string;
  rateUp: string;
  idleTimeSeconds?: number;
  disabled?: boolean;
  blocked?: boolean;
}

export type Ipv6NeighborStatus = 'noarp' | 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed';

export interface Ipv6NeighborRow extends RowExtras {
  address: string;
  interface: string;
  /** null for an unresolved entry: no mac-address attribute at all. */
  macAddress: string | null;
  status: Ipv6NeighborStatus;
  router?: boolean;
}

export interface PoolRow extends RowExtras {
  name: Text;
  /** As printed: `192.168.88.10-192.168.88.254,192.168.88.2`. */
  ranges: string;
  nextPool?: string | null;
  comment?: Text | null;
}

export interface PoolUsedRow extends RowExtras {
  pool: Text;
  address: string;
  /** The MAC (or PPP name) holding the address. */
  owner: string;
  /** `dhcp` for a DHCP server's lease. */
  info: string;
}

export interface DepthTables {
  /** /interface/wifi/registration-table (RouterOS 7 wifi package). */
  wifiRegistrations?: WifiRegistrationRow[];
  /** /interface/wifiwave2/registration-table (7.x before the wifi package). */
  wifiwave2Registrations?: WifiRegistrationRow[];
  /** /interface/wireless/registration-table (legacy wireless package, v6 and v7). */
  wirelessRegistrations?: WifiRegistrationRow[];
  /** /caps-man/registration-table (legacy CAPsMAN manager). */
  capsmanRegistrations?: WifiRegistrationRow[];
  /** /ip/kid-control/device. */
  kidControlDevices?: KidControlDeviceRow[];
  /** /ipv6/neighbor (the ipv6 package). */
  ipv6Neighbors?: Ipv6NeighborRow[];
  /** /ip/pool and /ip/pool/used. */
  pools?: PoolRow[];
  poolUsed?: PoolUsedRow[];
}

export interface LanData extends DepthTables {
  system: SystemInfo;
  leases: LeaseRow[];
  arp: ArpRow[];
  bridgeHosts: BridgeHostRow[];
}

// ---------------------------------------------------------------------------
// Durations in RouterOS notation: 1w2d3h4m5s, 9m49s, 0s.

/** Whole seconds, as RouterOS prints lease times and uptime; the notation itself is the parser's twin. */
export function formatDuration(totalSeconds: number): string {
  return formatRouterDuration(Math.floor(totalSeconds));
}

// ---------------------------------------------------------------------------
// Copying (each simulator gets its own mutable tables)

function cloneText(t: Text | null | undefined): Text | null | undefined {
  return Buffer.isBuffer(t) ? Buffer.from(t) : t;
}

function cloneExtras<T extends RowExtras>(row: T): T {
  const out = { ...row };
  if (row.extra) {
    out.extra = {};
    for (const [k, v] of Object.entries(row.extra)) out.extra[k] = cloneText(v) as Text;
  }
  if (row.omit) out.omit = [...row.omit];
  return out;
}

export function cloneLan(lan: LanData): LanData {
  return {
    system: { ...lan.system, identity: cloneText(lan.system.identity) as Text },
    leases: lan.leases.map((r) => {
      const c = cloneExtras(r);
      c.hostName = cloneText(r.hostName);
      c.comment = cloneText(r.comment);
      return c;
    }),
    arp: lan.arp.map((r) => {
      const c = cloneExtras(r);
      c.comment = cloneText(r.comment);
      return c;
    }),
    bridgeHosts: lan.bridgeHosts.map((r) => cloneExtras(r)),
    ...cloneDepthTables(lan),
  };
}

function cloneDepthTables(lan: DepthTables): DepthTables {
  const out: DepthTables = {};
  const copy = <T extends RowExtras>(rows: T[] | undefined): T[] | undefined =>
    rows?.map((row) => {
      const c = cloneExtras(row);
      const fields = c as Record<string, unknown>;
      for (const [key, value] of Object.entries(fields)) if (Buffer.isBuffer(value)) fields[key] = Buffer.from(value);
      return c;
    });
  if (lan.wifiRegistrations) out.wifiRegistrations = copy(lan.wifiRegistrations);
  if (lan.wifiwave2Registrations) out.wifiwave2Registrations = copy(lan.wifiwave2Registrations);
  if (lan.wirelessRegistrations) out.wirelessRegistrations = copy(lan.wirelessRegistrations);
  if (lan.capsmanRegistrations) out.capsmanRegistrations = copy(lan.capsmanRegistrations);
  if (lan.kidControlDevices) out.kidControlDevices = copy(lan.kidControlDevices);
  if (lan.ipv6Neighbors) out.ipv6Neighbors = copy(lan.ipv6Neighbors);
  if (lan.pools) out.pools = copy(lan.pools);
  if (lan.poolUsed) out.poolUsed = copy(lan.poolUsed);
  return out;
}

// ---------------------------------------------------------------------------
// The demo LAN (data in data/sample-lan.ts, a data-only module so it ships in dist/)

function fromSampleText(t: SampleText | null | undefined): Text | null | undefined {
  if (t === null || t === undefined || typeof t === 'string') return t;
  return Buffer.from(t.hex, 'hex');
}

function fromSampleExtras(row: { extra?: Record<string, SampleText> }): Record<string, Text> | undefined {
  if (!row.extra) return undefined;
  const out: Record<string, Text> = {};
  for (const [k, v] of Object.entries(row.extra)) out[k] = fromSampleText(v) as Text;
  return out;
}

/** A realistic home LAN of about 60 devices behind a router called `demo`. */
export function sampleLan(): LanData {
  const d = SAMPLE_LAN;
  return {
    system: { ...d.system },
    leases: d.leases.map((r) => {
      const { extra: _extra, ...rest } = r;
      const row: LeaseRow = { ...rest, hostName: fromSampleText(r.hostName), comment: fromSampleText(r.comment) };
      const extra = fromSampleExtras(r);
      if (extra) row.extra = extra;
      return row;
    }),
    arp: d.arp.map((r): ArpRow => {
      const { extra: _extra, ...rest } = r;
      const row: ArpRow = { ...rest, comment: fromSampleText(r.comment) };
      const extra = fromSampleExtras(r);
      if (extra) row.extra = extra;
      return row;
    }),
    bridgeHosts: d.bridgeHosts.map((r): BridgeHostRow => {
      const { extra: _extra, ...rest } = r;
      const row: BridgeHostRow = { ...rest };
      const extra = fromSampleExtras(r);
      if (extra) row.extra = extra;
      return row;
    }),
  };
}

// ---------------------------------------------------------------------------
// Per-version profiles with the device-depth tables (data in data/access-points.ts)

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** /ip/pool/used as RouterOS lists it for a DHCP server: one row per bound lease inside a pool's range. */
export function poolUsedFromLeases(leases: readonly LeaseRow[], pool: { name: string; ranges: string }): PoolUsedRow[] {
  const [from, to] = pool.ranges.split('-').map(ipv4Number) as [number, number];
  return leases
    .filter((lease) => lease.status === 'bound' && !lease.disabled)
    .filter((lease) => ipv4Number(lease.address) >= from && ipv4Number(lease.address) <= to)
    .map((lease) => ({ pool: pool.name, address: lease.address, owner: lease.macAddress, info: 'bridge' }));
}

/** The sample LAN's gateway with kid control, IPv6 neighbours and its DHCP pool (a RouterOS 7 profile). */
export function sampleGatewayLan(): LanData {
  const lan = sampleLan();
  return cloneLan({ ...lan, ...GATEWAY_DEPTH, poolUsed: poolUsedFromLeases(lan.leases, DEMO_POOL) });
}

/** `ap-garage`: a RouterOS 6.49 access point with the legacy wireless package (serve with versionProfile '6.49'). */
export function legacyWirelessAccessPointLan(): LanData {
  return cloneLan(LEGACY_ACCESS_POINT);
}

/** `ap-upstairs`: a RouterOS 7 access point with the wifi package. */
export function wifiAccessPointLan(): LanData {
  return cloneLan(WIFI_ACCESS_POINT);
}

// ---------------------------------------------------------------------------
// Large deterministic LANs for benchmarks

export interface GenerateLanOptions {
  devices: number;
  seed?: number;
  identity?: string;
  /**
   * Add the device-depth tables a gateway with built-in Wi-Fi, kid control and
   * IPv6 has: Wi-Fi registrations for the devices on wlan ports, kid control for
   * one device in four, IPv6 neighbours for every other device, the DHCP pool.
   */
  depth?: boolean;
}

const SIGNALS = ['-48', '-55', '-61', '-67@HT20-7', '-74dBm@6Mbps', '-81'];
const RATES = ['866.6Mbps-80MHz/2S/SGI', '58.5Mbps-HT', '6Mbps', '1.2Mbps', '300Mbps-40MHz/2S', '24Mbps'];

function addDepthTables(lan: LanData, rng: () => number): void {
  const wifi: WifiRegistrationRow[] = [];
  const kid: KidControlDeviceRow[] = [];
  const neighbors: Ipv6NeighborRow[] = [];
  const bound = new Set(lan.leases.filter((l) => l.status === 'bound').map((l) => l.macAddress));
  lan.bridgeHosts.forEach((host, i) => {
    if (host.interface.startsWith('wlan')) {
      wifi.push({
        macAddress: host.macAddress,
        interface: host.interface,
        ssid: 'bench',
        band: i % 2 === 0 ? '5ghz-ax' : '2ghz-n',
        signal: SIGNALS[i % SIGNALS.length]!,
        txRate: RATES[i % RATES.length]!,
        rxRate: RATES[(i + 3) % RATES.length]!,
        uptimeSeconds: Math.floor(rng() * 86_400),
        bytesTx: Math.floor(rng() * 1e10),
        bytesRx: Math.floor(rng() * 1e9),
      });
    }
    if (i % 4 === 0) {
      kid.push({
        name: `device-${i}`,
        macAddress: host.macAddress,
        bytesDown: Math.floor(rng() * 1e10),
        bytesUp: Math.floor(rng() * 1e9),
        rateDown: RATES[i % RATES.length]!.split('-')[0]!,
        rateUp: '96kbps',
      });
    }
    if (i % 2 === 0) {
      const suffix = (i + 1).toString(16);
      neighbors.push({ address: `fe80::${suffix}`, interface: 'bridge', macAddress: host.macAddress, status: 'reachable' });
      neighbors.push({ address: `2001:db8::${suffix}`, interface: 'bridge', macAddress: host.macAddress, status: 'stale' });
    }
  });
  lan.wifiRegistrations = wifi;
  lan.kidControlDevices = kid;
  lan.ipv6Neighbors = neighbors;
  lan.pools = [{ name: 'dhcp1', ranges: '10.0.0.1-10.255.255.254' }];
  lan.poolUsed = lan.leases
    .filter((lease) => bound.has(lease.macAddress) && lease.status === 'bound')
    .map((lease) => ({ pool: 'dhcp1', address: lease.address, owner: lease.macAddress, info: 'bridge' }));
}

/** Small, fast, seedable PRNG (mulberry32): same seed, same LAN. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789ABCDEF';
function hexByte(b: number): string {
  return HEX[(b >>> 4) & 15]! + HEX[b & 15]!;
}

/** Unique MAC per index; about one in three is locally administered (randomised). */
function generatedMac(index: number, rng: () => number): string {
  const randomized = rng() < 0.33;
  // Locally administered: second hex digit 2/6/A/E. Others use a handful of real-looking OUIs.
  const ouis = [
    [0x00, 0x11, 0x32],
    [0xb8, 0x27, 0xeb],
    [0x3c, 0x22, 0xfb],
    [0xf0, 0x9f, 0xc2],
    [0x44, 0xd9, 0xe7],
  ];
  const first = randomized
    ? [((Math.floor(rng() * 64) << 2) | 0x02) & 0xfe, Math.floor(rng() * 256), Math.floor(rng() * 256)]
    : ouis[index % ouis.length]!;
  // The low three bytes carry the index so MACs never collide (up to 16M devices).
  const bytes = [first[0]!, first[1]!, first[2]!, (index >>> 16) & 255, (index >>> 8) & 255, index & 255];
  return bytes.map(hexByte).join(':');
}

function generatedAddress(index: number): string {
  // 10.<a>.<b>.<c>, skipping .0 and .255 host bytes so every address is usable.
  const n = index;
  const c = (n % 250) + 2;
  const b = Math.floor(n / 250) % 256;
  const a = Math.floor(n / 250 / 256) + 10;
  return `10.${a}.${b}.${c}`;
}

const NAMES = ['iPhone', 'Galaxy-S23', 'DESKTOP', 'MacBook-Pro', 'android', 'raspberrypi', 'printer', 'tv', 'esp32', 'nas'];

/**
 * A LAN of `devices` devices: most have a bound dynamic lease, an ARP entry and
 * a bridge host entry; some are static leases, waiting leases, ARP-only
 * (static IP) or lease-only (asleep). Deterministic for a given seed.
 */
export function generateLan(options: GenerateLanOptions): LanData {
  const rng = makeRng(options.seed ?? 1);
  const leases: LeaseRow[] = [];
  const arp: ArpRow[] = [];
  const bridgeHosts: BridgeHostRow[] = [];
  const ports = ['ether2', 'ether3', 'ether4', 'ether5', 'wlan1', 'wlan2'];
  let nextLease = 1;
  let nextArp = 1;
  let nextHost = 1;
  for (let i = 0; i < options.devices; i++) {
    const mac = generatedMac(i, rng);
    const address = generatedAddress(i);
    const port = ports[i % ports.length]!;
    const roll = rng();
    const kind =
      roll < 0.7 ? 'dynamic' : roll < 0.8 ? 'static' : roll < 0.85 ? 'waiting' : roll < 0.95 ? 'arp-only' : 'lease-only';
    const hostName = `${NAMES[i % NAMES.length]}-${i.toString(36)}`;
    if (kind !== 'arp-only') {
      const bound = kind !== 'waiting';
      leases.push({
        id: `*${(nextLease++).toString(16).toUpperCase()}`,
        address,
        macAddress: mac,
        server: 'dhcp1',
        status: bound ? 'bound' : 'waiting',
        dynamic: kind === 'dynamic' || kind === 'lease-only',
        hostName: bound ? hostName : null,
        comment: kind === 'static' ? `static ${i}` : null,
        lastSeen: bound ? Math.floor(rng() * (kind === 'lease-only' ? 3000 : 120)) : null,
        expiresAfter: bound ? 60 + Math.floor(rng() * 540) : null,
      });
    }
    if (kind !== 'waiting' && kind !== 'lease-only') {
      const r2 = rng();
      arp.push({
        id: `*${(nextArp++).toString(16).toUpperCase()}`,
        address,
        macAddress: mac,
        interface: 'bridge',
        dynamic: true,
        dhcp: kind !== 'arp-only',
        status: r2 < 0.8 ? 'reachable' : r2 < 0.95 ? 'stale' : 'delay',
      });
      bridgeHosts.push({
        id: `*${(nextHost++).toString(16).toUpperCase()}`,
        macAddress: mac,
        bridge: 'bridge',
        interface: port,
        dynamic: true,
      });
    }
  }
  const lan: LanData = {
    system: {
      identity: options.identity ?? `bench-${options.devices}`,
      boardName: 'CCR2004-1G-12S+2XS',
      architectureName: 'arm64',
      cpu: 'ARM64',
      cpuCount: 4,
      cpuFrequency: 1700,
      totalMemory: 4294967296,
      totalHddSpace: 134217728,
      uptimeSeconds: 1_234_567,
    },
    leases,
    arp,
    bridgeHosts,
  };
  if (options.depth) addDepthTables(lan, rng);
  return lan;
}
