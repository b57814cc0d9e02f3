/**
 * Raw API rows (attribute name -> text, as a print returns them) to the typed
 * observations the inventory merges. Pure. A row that cannot name a device
 * (no usable MAC, or an ARP row without an IP) is dropped and counted, never
 * thrown about: one odd row must not cost the whole poll.
 *
 * Attribute names follow RouterOS 7 (checked against the RouterOS docs and the
 * terraform-provider-routeros datasources sampled from 7.x devices), with the
 * RouterOS 6 spellings accepted where they differ.
 */
import { isIP } from 'node:net';
import { normalizeMac } from '../net/mac.js';
import type { ArpObservation, BridgeHostObservation, LeaseObservation, RouterIdentity } from './observation-types.js';
import { booleanOr, parseDuration, sanitizeComment, sanitizeHostname, sanitizeText } from './values.js';

export type RawRow = Readonly<Record<string, string>>;

export interface Mapped<T> {
  observations: T[];
  /** Rows dropped because they cannot be a device observation. */
  rejected: number;
}

/** What each poll asks for (`.proplist`): only what the mapping below reads. */
export const PROPLISTS = {
  leases: [
    'mac-address',
    'active-mac-address',
    'address',
    'active-address',
    'host-name',
    'status',
    'dynamic',
    'disabled',
    'last-seen',
    'expires-after',
    'server',
    'active-server',
    'comment',
  ],
  arp: ['address', 'mac-address', 'interface', 'status', 'dynamic', 'complete', 'invalid', 'disabled', 'comment'],
  // `on-interface` is the RouterOS 6 name of `interface`; asking for both costs nothing.
  bridgeHosts: ['mac-address', 'bridge', 'interface', 'on-interface', 'vid', 'dynamic', 'local', 'external'],
  identity: ['name'],
  resource: ['version', 'board-name'],
} as const;

// Admin-defined names (servers, interfaces, bridges) and router-defined words
// (status) are not client data, but a hostile or broken router is still possible.
const NAME_MAX_LENGTH = 255;
const WORD_MAX_LENGTH = 64;

function text(row: RawRow, key: string, max = NAME_MAX_LENGTH): string | null {
  return sanitizeText(row[key], max);
}

/** A usable MAC: valid and not all zeros (RouterOS shows 00:00:.. for "none"). */
function mac(value: unknown): string | null {
  const normalized = normalizeMac(value);
  return normalized === null || normalized === '00:00:00:00:00:00' ? null : normalized;
}

function ip(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return isIP(trimmed) !== 0 ? trimmed : null;
}

function isRow(row: unknown): row is RawRow {
  return typeof row === 'object' && row !== null && !Array.isArray(row);
}

function mapRows<T>(rows: readonly unknown[], map: (row: RawRow) => T | null): Mapped<T> {
  const observations: T[] = [];
  let rejected = 0;
  for (const row of Array.isArray(rows) ? rows : []) {
    const observation = isRow(row) ? map(row) : null;
    if (observation === null) rejected += 1;
    else observations.push(observation);
  }
  return { observations, rejected };
}

/**
 * DHCP leases (/ip/dhcp-server/lease).
 *
 * - mac: `mac-address`, else `active-mac-address` (a lease reserved by client-id
 *   may have no usable mac-address while bound). Neither usable: rejected.
 * - address: while bound, `active-address` (the address the client really holds;
 *   for a static lease `address` is only the reservation), else `address`. Text
 *   that is not an IP (RouterOS allows a pool name in `address`) gives null.
 * - server: `active-server` while bound (a static lease configured for server
 *   "all" only names the real one there), else `server`.
 */
export function mapLeases(rows: readonly unknown[]): Mapped<LeaseObservation> {
  return mapRows(rows, (row) => {
    const leaseMac = mac(row['mac-address']) ?? mac(row['active-mac-address']);
    if (leaseMac === null) return null;
    const status = text(row, 'status', WORD_MAX_LENGTH)?.toLowerCase() ?? 'unknown';
    const bound = status === 'bound';
    return {
      mac: leaseMac,
      address: (bound ? ip(row['active-address']) : null) ?? ip(row['address']),
      hostname: sanitizeHostname(row['host-name']),
      comment: sanitizeComment(row['comment']),
      server: (bound ? text(row, 'active-server') : null) ?? text(row, 'server'),
      status,
      dynamic: booleanOr(row['dynamic'], false),
      disabled: booleanOr(row['disabled'], false),
      lastSeenAgoSeconds: parseDuration(row['last-seen']),
      expiresAfterSeconds: parseDuration(row['expires-after']),
    };
  });
}

/**
 * ARP entries (/ip/arp). An entry without `mac-address` is unresolved: kept with
 * mac null (the inventory ignores it as a device) so counts stay honest. A
 * `mac-address` that is present but not a MAC, or a missing/invalid address,
 * rejects the row. `status` exists from RouterOS 7.14; older routers give null.
 * `complete` defaults to "has a MAC" when the router does not say.
 */
export function mapArp(rows: readonly unknown[]): Mapped<ArpObservation> {
  return mapRows(rows, (row) => {
    const address = ip(row['address']);
    if (address === null) return null;
    const rawMac = row['mac-address'];
    const hasMacText = typeof rawMac === 'string' && rawMac.trim() !== '';
    const arpMac = hasMacText ? mac(rawMac) : null;
    if (hasMacText && arpMac === null && normalizeMac(rawMac) === null) return null;
    return {
      mac: arpMac,
      address,
      interface: text(row, 'interface'),
      status: text(row, 'status', WORD_MAX_LENGTH)?.toLowerCase() ?? null,
      dynamic: booleanOr(row['dynamic'], false),
      complete: booleanOr(row['complete'], arpMac !== null),
      invalid: booleanOr(row['invalid'], false),
      disabled: booleanOr(row['disabled'], false),
      comment: sanitizeComment(row['comment']),
    };
  });
}

/** Bridge hosts (/interface/bridge/host): port from `interface` (v7) or `on-interface` (v6). */
export function mapBridgeHosts(rows: readonly unknown[]): Mapped<BridgeHostObservation> {
  return mapRows(rows, (row) => {
    const hostMac = mac(row['mac-address']);
    if (hostMac === null) return null;
    return {
      mac: hostMac,
      bridge: text(row, 'bridge'),
      port: text(row, 'interface') ?? text(row, 'on-interface'),
      dynamic: booleanOr(row['dynamic'], false),
      local: booleanOr(row['local'], false),
      external: booleanOr(row['external'], false),
      vlanId: vlan(row['vid']),
    };
  });
}

function vlan(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,4}$/.test(value.trim())) return null;
  const id = Number(value.trim());
  return id >= 1 && id <= 4094 ? id : null;
}

/** /system/identity `name` and /system/resource `version`, `board-name` (first row of each). */
export function mapIdentity(identityRows: readonly unknown[], resourceRows: readonly unknown[]): RouterIdentity {
  const identity = Array.isArray(identityRows) && isRow(identityRows[0]) ? identityRows[0] : {};
  const resource = Array.isArray(resourceRows) && isRow(resourceRows[0]) ? resourceRows[0] : {};
  return {
    identity: text(identity, 'name'),
    version: text(resource, 'version', WORD_MAX_LENGTH),
    board: text(resource, 'board-name', WORD_MAX_LENGTH),
  };
}
