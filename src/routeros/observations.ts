/**
 * API rows to the typed observations the inventory merges. Pure. Each table
 * has a mapping: its `.proplist` and a function of one row's values by
 * proplist column, which the client calls as each `!re` sentence is decoded
 * (no per-row record is built; see wire-transport.ts printRows). The
 * `map*` functions take rows as records (attribute name -> text) for callers
 * that have them, such as tests. A row that cannot name a device
 * (no usable MAC, or an ARP row without an IP) is dropped and counted, never
 * thrown about: one odd row must not cost the whole poll.
 *
 * Attribute names follow RouterOS 7 (checked against the RouterOS docs and the
 * terraform-provider-routeros datasources sampled from 7.x devices), with the
 * RouterOS 6 spellings accepted where they differ.
 */
import { normalizeMac } from '../net/mac.js';
import type { ArpObservation, BridgeHostObservation, LeaseObservation, RouterIdentity } from './observation-types.js';
import { booleanOr, parseDuration, parseIpAddress, sanitizeComment, sanitizeHostname, sanitizeText } from './values.js';

export type RawRow = Readonly<Record<string, string>>;

/**
 * One row's values by `.proplist` column: `row[i]` is the value of proplist[i],
 * undefined when the router did not send it. The array is reused for the next
 * row: read it, never keep it.
 */
export type Columns = ReadonlyArray<string | undefined>;

/** How one table is asked for and how each of its rows becomes an observation. */
export interface TableMapping<T> {
  readonly proplist: readonly string[];
  /** The observation of one row, or null to reject (count) it. */
  map(row: Columns): T | null;
  /**
   * Nothing modifies this table's observations after mapping, so the client may
   * hand back the previous poll's observation for an unchanged row
   * (transport.ts PrintRowsOptions). Default false.
   */
  readonly reuseUnchangedRows?: boolean;
  /**
   * Optional: the observation of a row given `previous`, the observation of the
   * previous print's row at the same position, and `changed`, the columns whose
   * values differ from that row's (bit c for proplist[c]). Must return what
   * `map(row)` returns (equal, or `previous` itself when nothing it reads
   * changed: observations are then read-only), reusing what `previous` holds
   * for the unchanged columns instead of parsing them again.
   */
  remap?(row: Columns, changed: number, previous: T): T | null;
}

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

function text(value: unknown, max = NAME_MAX_LENGTH): string | null {
  return sanitizeText(value, max);
}

/** Column index of each proplist name. */
function columnsOf<const P extends readonly string[]>(proplist: P): { readonly [K in P[number]]: number } {
  return Object.fromEntries(proplist.map((name, index) => [name, index])) as { [K in P[number]]: number };
}

/** A record's values in the order of a proplist (own properties only, as a decoded row has no others). */
function columnsFromRecord(row: RawRow, proplist: readonly string[]): Columns {
  return proplist.map((name) => (Object.hasOwn(row, name) ? row[name] : undefined));
}

/** A usable MAC: valid and not all zeros (RouterOS shows 00:00:.. for "none"). */
function mac(value: unknown): string | null {
  const normalized = normalizeMac(value);
  return normalized === null || normalized === '00:00:00:00:00:00' ? null : normalized;
}

function ip(value: unknown): string | null {
  return parseIpAddress(value);
}

function isRow(row: unknown): row is RawRow {
  return typeof row === 'object' && row !== null && !Array.isArray(row);
}

/** Rows given as records through a mapping (for callers that have records, such as test doubles of the transport). */
export function mapRecords<T>(rows: readonly unknown[], proplist: readonly string[], map: (row: Columns) => T | null): Mapped<T> {
  return mapRows(rows, { proplist, map });
}

function mapRows<T>(rows: readonly unknown[], mapping: TableMapping<T>): Mapped<T> {
  const observations: T[] = [];
  let rejected = 0;
  for (const row of Array.isArray(rows) ? rows : []) {
    const observation = isRow(row) ? mapping.map(columnsFromRecord(row, mapping.proplist)) : null;
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
const L = columnsOf(PROPLISTS.leases);
export const LEASES: TableMapping<LeaseObservation> = {
  proplist: PROPLISTS.leases,
  reuseUnchangedRows: true,
  map(row) {
    const leaseMac = mac(row[L['mac-address']]) ?? mac(row[L['active-mac-address']]);
    if (leaseMac === null) return null;
    const status = text(row[L.status], WORD_MAX_LENGTH)?.toLowerCase() ?? 'unknown';
    const bound = status === 'bound';
    return {
      mac: leaseMac,
      address: (bound ? ip(row[L['active-address']]) : null) ?? ip(row[L.address]),
      hostname: sanitizeHostname(row[L['host-name']]),
      comment: sanitizeComment(row[L.comment]),
      server: (bound ? text(row[L['active-server']]) : null) ?? text(row[L.server]),
      status,
      dynamic: booleanOr(row[L.dynamic], false),
      disabled: booleanOr(row[L.disabled], false),
      lastSeenAgoSeconds: parseDuration(row[L['last-seen']]),
      expiresAfterSeconds: parseDuration(row[L['expires-after']]),
    };
  },
};

export function mapLeases(rows: readonly unknown[]): Mapped<LeaseObservation> {
  return mapRows(rows, LEASES);
}

/**
 * ARP entries (/ip/arp). An entry without `mac-address` is unresolved: kept with
 * mac null (the inventory ignores it as a device) so counts stay honest. A
 * `mac-address` that is present but not a MAC, or a missing/invalid address,
 * rejects the row. `status` exists from RouterOS 7.14; older routers give null.
 * `complete` defaults to "has a MAC" when the router does not say.
 */
const A = columnsOf(PROPLISTS.arp);
export const ARP: TableMapping<ArpObservation> = {
  proplist: PROPLISTS.arp,
  reuseUnchangedRows: true,
  map(row) {
    const address = ip(row[A.address]);
    if (address === null) return null;
    const rawMac = row[A['mac-address']];
    const hasMacText = typeof rawMac === 'string' && rawMac.trim() !== '';
    const arpMac = hasMacText ? mac(rawMac) : null;
    if (hasMacText && arpMac === null && normalizeMac(rawMac) === null) return null;
    return {
      mac: arpMac,
      address,
      interface: text(row[A.interface]),
      status: text(row[A.status], WORD_MAX_LENGTH)?.toLowerCase() ?? null,
      dynamic: booleanOr(row[A.dynamic], false),
      complete: booleanOr(row[A.complete], arpMac !== null),
      invalid: booleanOr(row[A.invalid], false),
      disabled: booleanOr(row[A.disabled], false),
      comment: sanitizeComment(row[A.comment]),
    };
  },
};

export function mapArp(rows: readonly unknown[]): Mapped<ArpObservation> {
  return mapRows(rows, ARP);
}

/** Bridge hosts (/interface/bridge/host): port from `interface` (v7) or `on-interface` (v6). */
const B = columnsOf(PROPLISTS.bridgeHosts);
export const BRIDGE_HOSTS: TableMapping<BridgeHostObservation> = {
  proplist: PROPLISTS.bridgeHosts,
  reuseUnchangedRows: true,
  map(row) {
    const hostMac = mac(row[B['mac-address']]);
    if (hostMac === null) return null;
    return {
      mac: hostMac,
      bridge: text(row[B.bridge]),
      port: text(row[B.interface]) ?? text(row[B['on-interface']]),
      dynamic: booleanOr(row[B.dynamic], false),
      local: booleanOr(row[B.local], false),
      external: booleanOr(row[B.external], false),
      vlanId: vlan(row[B.vid]),
    };
  },
};

export function mapBridgeHosts(rows: readonly unknown[]): Mapped<BridgeHostObservation> {
  return mapRows(rows, BRIDGE_HOSTS);
}

function vlan(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,4}$/.test(value.trim())) return null;
  const id = Number(value.trim());
  return id >= 1 && id <= 4094 ? id : null;
}

/** /system/identity `name`. */
export const IDENTITY: TableMapping<Pick<RouterIdentity, 'identity'>> = {
  proplist: PROPLISTS.identity,
  map: (row) => ({ identity: text(row[0]) }),
};

/** /system/resource `version`, `board-name`. */
export const RESOURCE: TableMapping<Omit<RouterIdentity, 'identity'>> = {
  proplist: PROPLISTS.resource,
  map: (row) => ({ version: text(row[0], WORD_MAX_LENGTH), board: text(row[1], WORD_MAX_LENGTH) }),
};

/** The router's identity from the first row of each table (an absent table gives nulls). */
export function routerIdentity(
  identity: Pick<RouterIdentity, 'identity'> | undefined,
  resource: Omit<RouterIdentity, 'identity'> | undefined,
): RouterIdentity {
  return {
    identity: identity?.identity ?? null,
    version: resource?.version ?? null,
    board: resource?.board ?? null,
  };
}

/** /system/identity `name` and /system/resource `version`, `board-name` (first row of each). */
export function mapIdentity(identityRows: readonly unknown[], resourceRows: readonly unknown[]): RouterIdentity {
  const first = (rows: readonly unknown[], mapping: TableMapping<unknown>) =>
    Array.isArray(rows) && isRow(rows[0]) ? mapping.map(columnsFromRecord(rows[0], mapping.proplist)) : undefined;
  return routerIdentity(
    first(identityRows, IDENTITY) as Pick<RouterIdentity, 'identity'> | undefined,
    first(resourceRows, RESOURCE) as Omit<RouterIdentity, 'identity'> | undefined,
  );
}
