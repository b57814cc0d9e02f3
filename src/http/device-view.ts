import type { DeviceRecord } from '../inventory/types.js';

/**
 * How people see a device: on the landing page's first paint, in the page's
 * script (page/devices.ts, compiled for the browser from this same module) and
 * in the `devices` table. Pure functions with no Node or DOM dependency, so
 * both sides run the same rules.
 */

/** A device first seen less than this long ago counts as "new": one day covers "what joined since yesterday". */
export const NEW_DEVICE_SECONDS = 86_400;

/** Display cap for client-controlled text; the full value stays in /api/devices. */
export const MAX_TEXT_CHARS = 80;

/** A record as /api/devices serves it: the device plus decorations such as `vendor`. */
export type ViewDevice = DeviceRecord & { vendor?: string | null };

export type DevicePresence = 'present' | 'absent' | 'never seen';

export type SortKey =
  | 'name'
  | 'ip'
  | 'mac'
  | 'vendor'
  | 'router'
  | 'port'
  | 'wifi'
  | 'traffic'
  | 'lease'
  | 'firstSeen'
  | 'lastSeen'
  | 'state';
export type SortDirection = 'ascending' | 'descending';
export type DeviceFilter = 'all' | 'present' | 'absent' | 'new' | 'watched';

export const SORT_KEYS: ReadonlyArray<SortKey> = [
  'name',
  'ip',
  'mac',
  'vendor',
  'router',
  'port',
  'wifi',
  'traffic',
  'lease',
  'firstSeen',
  'lastSeen',
  'state',
];
export const FILTERS: ReadonlyArray<DeviceFilter> = ['all', 'present', 'absent', 'new', 'watched'];

export function devicePresence(d: ViewDevice): DevicePresence {
  if (d.present) return 'present';
  return d.lastSeen === null ? 'never seen' : 'absent';
}

export function isNewDevice(d: ViewDevice, now: number): boolean {
  return d.firstSeen !== null && now - d.firstSeen < NEW_DEVICE_SECONDS;
}

/** The configured name, else the lease comment, else the DHCP hostname. */
export function displayName(d: ViewDevice): string {
  return d.name ?? d.hostname ?? '';
}

/** The hostname, when it adds something to the display name. */
export function secondaryName(d: ViewDevice): string {
  return d.hostname !== null && d.name !== null && d.hostname !== d.name ? d.hostname : '';
}

export function portText(d: ViewDevice): string {
  if (d.interface !== null && d.bridgePort !== null && d.interface !== d.bridgePort) return `${d.interface} · ${d.bridgePort}`;
  return d.bridgePort ?? d.interface ?? '';
}

/** "dynamic", "static", "none", with the RouterOS status when the lease is not bound ("static, waiting"). */
export function leaseText(d: ViewDevice): string {
  if (d.lease === 'none') return 'none';
  return d.leaseStatus !== null && d.leaseStatus !== 'bound' ? `${d.lease}, ${d.leaseStatus}` : d.lease;
}

export function leaseExpiryText(d: ViewDevice, now: number): string {
  return d.leaseExpiresAt === null ? '' : `expires ${relativeTime(d.leaseExpiresAt, now)}`;
}

/** "just now", "42 s ago", "3 min ago", "5 h ago", "2 d ago"; "in 9 min" for the future. */
export function relativeTime(at: number, now: number): string {
  const delta = Math.round(now - at);
  const size = Math.abs(delta);
  if (size < 2) return 'just now';
  const amount =
    size < 60
      ? `${size} s`
      : size < 3600
        ? `${Math.floor(size / 60)} min`
        : size < 86400
          ? `${Math.floor(size / 3600)} h`
          : `${Math.floor(size / 86400)} d`;
  return delta > 0 ? `${amount} ago` : `in ${amount}`;
}

/** "2026-11-24 22:33:44 UTC": unambiguous for tooltips whatever the reader's time zone. */
export function absoluteTime(at: number): string {
  return `${new Date(Math.round(at) * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function isoTime(at: number): string {
  return new Date(Math.round(at) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Cuts at a code point (never between surrogates) and marks the cut. */
export function clip(text: string, max: number = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

export function matchesFilter(d: ViewDevice, filter: DeviceFilter, now: number): boolean {
  switch (filter) {
    case 'present':
      return d.present;
    case 'absent':
      return !d.present;
    case 'new':
      return isNewDevice(d, now);
    case 'watched':
      return d.watched;
    default:
      return true;
  }
}

/** Case-insensitive substring over what people type: names, addresses (MACs also without separators), vendor, router, ports. */
export function matchesSearch(d: ViewDevice, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return searchText(d).includes(q);
}

export function searchText(d: ViewDevice): string {
  return [
    d.name,
    d.hostname,
    d.ip,
    d.mac,
    d.mac.replace(/:/g, ''),
    d.vendor,
    d.router,
    d.interface,
    d.bridgePort,
    d.dhcpServer,
    d.wifi?.ap,
    d.wifi?.ssid,
    ...(d.ipv6Addresses ?? []),
  ]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join('\n')
    .toLowerCase();
}

export type SortValue = string | number | null;

export function sortValue(d: ViewDevice, key: SortKey): SortValue {
  switch (key) {
    case 'name':
      return blankToNull(displayName(d).toLowerCase());
    case 'ip':
      return d.ip === null ? null : (ipv4Number(d.ip) ?? d.ip.toLowerCase());
    case 'mac':
      return d.mac;
    case 'vendor':
      return blankToNull((d.vendor ?? '').toLowerCase());
    case 'router':
      return d.router.toLowerCase();
    case 'port':
      return blankToNull(portText(d).toLowerCase());
    case 'wifi':
      // Strongest first when ascending reads "best signal first"; no Wi-Fi sorts last.
      return d.wifi?.signalDbm === null || d.wifi?.signalDbm === undefined ? null : -d.wifi.signalDbm;
    case 'traffic':
      return trafficRate(d);
    case 'lease':
      return `${d.lease === 'none' ? 'z' : d.lease} ${leaseText(d)}`;
    case 'firstSeen':
      return d.firstSeen;
    case 'lastSeen':
      return d.lastSeen;
    case 'state':
      return d.present ? 0 : d.lastSeen === null ? 2 : 1;
  }
}

// ---------------------------------------------------------------------------
// Device depth: Wi-Fi signal, access point, traffic

export type SignalStrength = 'excellent' | 'good' | 'fair' | 'weak';

/**
 * A readable cue for a signal in dBm, with the thresholds Wi-Fi vendors and
 * RouterOS users commonly quote: -55 and better is excellent, -67 is enough
 * for calls and video, -75 still carries data, below that the link drops.
 */
export function signalStrength(dbm: number): SignalStrength {
  if (dbm >= -55) return 'excellent';
  if (dbm >= -67) return 'good';
  if (dbm >= -75) return 'fair';
  return 'weak';
}

/** "-61 dBm" or "" without Wi-Fi. */
export function signalText(d: ViewDevice): string {
  const dbm = d.wifi?.signalDbm;
  return dbm === null || dbm === undefined ? '' : `${dbm} dBm`;
}

/** "ap-upstairs · Home (5ghz-ax)": where the device is associated. */
export function accessPointText(d: ViewDevice): string {
  const wifi = d.wifi;
  if (!wifi) return '';
  const network = wifi.ssid ? (wifi.band ? `${wifi.ssid} (${wifi.band})` : wifi.ssid) : (wifi.interface ?? '');
  return network === '' ? wifi.ap : `${wifi.ap} · ${network}`;
}

/** Current traffic in bits per second, down plus up; null when unknown. */
export function trafficRate(d: ViewDevice): number | null {
  const t = d.traffic;
  if (!t || (t.rateDownBps === null && t.rateUpBps === null)) return null;
  return (t.rateDownBps ?? 0) + (t.rateUpBps ?? 0);
}

/** Bits per second for people: "1.2 Mbit/s", "96 kbit/s", "0 bit/s". */
export function bitRateText(bps: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'Gbit/s'],
    [1e6, 'Mbit/s'],
    [1e3, 'kbit/s'],
  ];
  for (const [scale, unit] of units) {
    if (bps >= scale) {
      const value = bps / scale;
      return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${unit}`;
    }
  }
  return `${Math.round(bps)} bit/s`;
}

/** "↓ 1.2 Mbit/s ↑ 96 kbit/s", or "" when no rate is known. */
export function trafficText(d: ViewDevice): string {
  const t = d.traffic;
  if (!t || (t.rateDownBps === null && t.rateUpBps === null)) return '';
  return `↓ ${bitRateText(t.rateDownBps ?? 0)} ↑ ${bitRateText(t.rateUpBps ?? 0)}`;
}

function blankToNull(text: string): string | null {
  return text === '' ? null : text;
}

/** 192.168.88.10 as a number, so .9 sorts before .10; null for anything else. */
export function ipv4Number(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * Blanks last in either direction; ties broken by state, then name, then
 * router and MAC, so the order is total and the same on server and page.
 * Strings compare by code unit (not locale) so Node and the browser agree.
 */
export function compareDevices<D extends ViewDevice>(
  a: D,
  b: D,
  key: SortKey,
  direction: SortDirection,
  /** sortValue, or a cache of it (the page keeps one per record so a 10k-device sort stays cheap). */
  valueFor: (d: D, key: SortKey) => SortValue = sortValue,
): number {
  const primary = compareValues(valueFor(a, key), valueFor(b, key), direction);
  if (primary !== 0) return primary;
  for (const tie of ['state', 'name', 'ip'] as const) {
    if (tie === key) continue;
    const result = compareValues(valueFor(a, tie), valueFor(b, tie), 'ascending');
    if (result !== 0) return result;
  }
  const ka = `${a.router}\n${a.mac}`;
  const kb = `${b.router}\n${b.mac}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function compareValues(a: SortValue, b: SortValue, direction: SortDirection): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  // Numbers (IPv4) before text (anything else in the IP column).
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  const order = a < b ? -1 : 1;
  return direction === 'ascending' ? order : -order;
}

export interface DeviceSelection {
  query: string;
  filter: DeviceFilter;
  sort: SortKey;
  direction: SortDirection;
}

export const DEFAULT_SELECTION: DeviceSelection = { query: '', filter: 'all', sort: 'state', direction: 'ascending' };

export function selectDevices(devices: ReadonlyArray<ViewDevice>, selection: DeviceSelection, now: number): ViewDevice[] {
  return devices
    .filter((d) => matchesFilter(d, selection.filter, now) && matchesSearch(d, selection.query))
    .sort((a, b) => compareDevices(a, b, selection.sort, selection.direction));
}

export interface DeviceCounts {
  total: number;
  present: number;
  absent: number;
  new: number;
  watched: number;
}

export function countDevices(devices: ReadonlyArray<ViewDevice>, now: number): DeviceCounts {
  const counts: DeviceCounts = { total: devices.length, present: 0, absent: 0, new: 0, watched: 0 };
  for (const d of devices) {
    if (d.present) counts.present++;
    else counts.absent++;
    if (isNewDevice(d, now)) counts.new++;
    if (d.watched) counts.watched++;
  }
  return counts;
}

export function summaryText(c: DeviceCounts): string {
  return `${c.total} ${c.total === 1 ? 'device' : 'devices'}: ${c.present} present, ${c.absent} absent, ${c.new} new, ${c.watched} watched`;
}
