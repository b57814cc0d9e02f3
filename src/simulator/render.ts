/**
 * Rows -> RouterOS 7 attributes, in the order a real router prints them.
 *
 * What the shapes are based on (checked with the search tool, not guessed):
 * - DHCP lease and ARP attribute names and value forms: terraform-provider-routeros
 *   datasources generated "from sampled device MikroTik 7.11.2" (routeros/
 *   datasource_ip_dhcp_server_leases.go, datasource_ip_arp.go): `.id=*1`,
 *   `mac-address=00:0C:29:00:01:A0`, `last-seen=never`, `status=waiting`,
 *   `blocked=false`, `radius=false`, `dynamic=false`, `address-lists=`,
 *   `dhcp-option=`, active-address/active-mac-address/active-server/
 *   active-client-id, expires-after, host-name; ARP `DHCP=false` (upper case,
 *   unlike every other attribute), `complete=true`, `invalid`, `published`.
 *   Booleans are `true`/`false` on the API (not yes/no as in the CLI).
 * - ARP `status` (delay|failed|incomplete|permanent|probe|reachable|stale):
 *   help.mikrotik.com ARP page; the brief places its arrival at 7.14, and the
 *   same page says `complete` is still set for permanent/reachable/stale/probe/
 *   delay, so we send `complete` on every version and `status` only from 7.14.
 * - /system/resource names and forms (`version=7.10 (stable)`, `board-name=CHR`,
 *   `build-time`, `factory-software`, `total-memory` in bytes): same repository,
 *   datasource_system_resource.go, sampled from 7.10.
 * - Bridge hosts: RouterOS 7 names the learning port `interface` (v6 had
 *   `on-interface`); flags local/dynamic/external/disabled/invalid as booleans.
 *   Not confirmed from a captured reply: the search found no v7 sample.
 * Exact attribute order is not part of the API contract; we keep a plausible one
 * because `.proplist` (which fixes order) is what our exporter uses.
 */
import {
  type ArpRow,
  type ArpStatus,
  type BridgeHostRow,
  formatDuration,
  type LeaseRow,
  type SystemInfo,
  type Text,
} from './lan.js';

export type Attr = readonly [name: string, value: Text];

/**
 * `6.49`: a RouterOS 6 long-term router (the version string as /system/resource
 * prints it on 6.49.10, seen in public API captures): no ARP status, the bridge
 * host port in `on-interface`, no `!empty`.
 */
export type VersionProfile = '7.18+' | '7.14-7.17' | 'pre-7.14' | '6.49';

export const PROFILE_VERSION: Record<VersionProfile, string> = {
  '7.18+': '7.19.4 (stable)',
  '7.14-7.17': '7.16.2 (stable)',
  'pre-7.14': '7.12.1 (stable)',
  '6.49': '6.49.10 (long-term)',
};

/** Whether ARP rows carry `status` (RouterOS 7.14 and later). */
function hasArpStatus(profile: VersionProfile): boolean {
  return profile === '7.18+' || profile === '7.14-7.17';
}

export interface RenderContext {
  profile: VersionProfile;
  /** Seconds the simulator has been running, added to the configured uptime. */
  elapsedSeconds: number;
}

const bool = (b: boolean | undefined): string => (b ? 'true' : 'false');

/** Applies a row's `extra` and `omit` test hooks to its rendered attributes. */
export function finish(row: { extra?: Record<string, Text>; omit?: string[] }, attrs: Attr[]): Attr[] {
  let out = attrs;
  if (row.extra) {
    const extra = row.extra;
    out = out.map((a) => (Object.hasOwn(extra, a[0]) ? ([a[0], extra[a[0]]!] as const) : a));
    for (const [k, v] of Object.entries(extra)) {
      if (!attrs.some((a) => a[0] === k)) out.push([k, v]);
    }
  }
  if (row.omit && row.omit.length > 0) {
    const omit = new Set(row.omit);
    out = out.filter((a) => !omit.has(a[0]));
  }
  return out;
}

export function leaseAttributes(row: LeaseRow): Attr[] {
  const a: Attr[] = [
    ['.id', row.id ?? '*0'],
    ['address', row.address],
    ['mac-address', row.macAddress],
  ];
  if (row.clientId) a.push(['client-id', row.clientId]);
  a.push(['address-lists', ''], ['server', row.server], ['dhcp-option', ''], ['status', row.status]);
  const active = row.status === 'bound' || row.status === 'offered';
  if (active && row.expiresAfter !== null && row.expiresAfter !== undefined) {
    a.push(['expires-after', formatDuration(row.expiresAfter)]);
  }
  a.push(['last-seen', row.lastSeen === null ? 'never' : formatDuration(row.lastSeen)]);
  if (active) {
    a.push(['active-address', row.activeAddress ?? row.address]);
    a.push(['active-mac-address', row.activeMacAddress ?? row.macAddress]);
    if (row.clientId) a.push(['active-client-id', row.clientId]);
    a.push(['active-server', row.activeServer ?? row.server]);
  }
  if (row.hostName !== null && row.hostName !== undefined) a.push(['host-name', row.hostName]);
  a.push(['radius', 'false'], ['dynamic', bool(row.dynamic)], ['blocked', bool(row.blocked)]);
  a.push(['disabled', bool(row.disabled)]);
  if (row.comment !== null && row.comment !== undefined) a.push(['comment', row.comment]);
  return finish(row, a);
}

const COMPLETE_STATES: ReadonlySet<ArpStatus> = new Set(['permanent', 'reachable', 'stale', 'probe', 'delay']);

export function arpStatusOf(row: ArpRow): ArpStatus {
  if (row.status) return row.status;
  if (!row.macAddress) return 'incomplete';
  return row.dynamic ? 'reachable' : 'permanent';
}

export function arpAttributes(row: ArpRow, ctx: RenderContext): Attr[] {
  const status = arpStatusOf(row);
  const a: Attr[] = [
    ['.id', row.id ?? '*0'],
    ['address', row.address],
  ];
  if (row.macAddress) a.push(['mac-address', row.macAddress]);
  a.push(['interface', row.interface], ['published', bool(row.published)]);
  if (hasArpStatus(ctx.profile)) a.push(['status', status]);
  a.push(['invalid', bool(row.invalid)], ['DHCP', bool(row.dhcp)], ['dynamic', bool(row.dynamic)]);
  a.push(['complete', bool(row.complete ?? (COMPLETE_STATES.has(status) && !!row.macAddress))]);
  a.push(['disabled', bool(row.disabled)]);
  if (row.comment !== null && row.comment !== undefined) a.push(['comment', row.comment]);
  return finish(row, a);
}

export function bridgeHostAttributes(row: BridgeHostRow, profile: VersionProfile = '7.18+'): Attr[] {
  const a: Attr[] = [
    ['.id', row.id ?? '*0'],
    ['mac-address', row.macAddress],
  ];
  if (row.vid !== null && row.vid !== undefined) a.push(['vid', String(row.vid)]);
  a.push([profile === '6.49' ? 'on-interface' : 'interface', row.interface], ['bridge', row.bridge]);
  a.push(['invalid', bool(row.invalid)], ['dynamic', bool(row.dynamic ?? true)], ['local', bool(row.local)]);
  a.push(['external', bool(row.external)], ['disabled', bool(row.disabled)]);
  return finish(row, a);
}

export function identityAttributes(system: SystemInfo): Attr[] {
  return [['name', system.identity]];
}

export function resourceAttributes(system: SystemInfo, ctx: RenderContext): Attr[] {
  const totalMemory = system.totalMemory;
  return [
    ['uptime', formatDuration(system.uptimeSeconds + ctx.elapsedSeconds)],
    ['version', system.version ?? PROFILE_VERSION[ctx.profile]],
    ['build-time', system.buildTime ?? '2025-03-21 09:12:46'],
    ['factory-software', system.factorySoftware ?? '7.1'],
    ['free-memory', String(Math.floor(totalMemory * 0.62))],
    ['total-memory', String(totalMemory)],
    ['cpu', system.cpu],
    ['cpu-count', String(system.cpuCount)],
    ['cpu-frequency', String(system.cpuFrequency)],
    ['cpu-load', '3'],
    ['free-hdd-space', String(Math.floor(system.totalHddSpace * 0.71))],
    ['total-hdd-space', String(system.totalHddSpace)],
    ['write-sect-since-reboot', '1873'],
    ['write-sect-total', '184822'],
    ['architecture-name', system.architectureName],
    ['board-name', system.boardName],
    ['platform', 'MikroTik'],
  ];
}
