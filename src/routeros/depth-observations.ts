/**
 * Rows of the device-depth tables (Wi-Fi registration tables, kid control,
 * IPv6 neighbours, IP pools) to typed observations. Pure, never throws.
 *
 * Each table is a TableMapping (observations.ts): its `.proplist` and a
 * function of one row's values by proplist column, which the client calls as
 * each `!re` sentence is decoded (WireTransport.printRows), so no record is
 * built per row. The `map*` functions take rows as records, for callers that
 * have them (tests).
 *
 * The observations are read-only: for a row whose bytes did not change the
 * client hands back the previous poll's object (row-memory.ts), so one object
 * may be in several polls' results. Code that needs other values makes a copy.
 *
 * A field that is absent is null; a field that is present in a shape we do not
 * know rejects the whole row (counted by the caller): a wrong signal or a byte
 * counter read from the wrong column is worse than a row missing for one poll.
 *
 * Field names, per table (sources in depth-values.ts and the simulator's data):
 * - /interface/wifi and /interface/wifiwave2 registration-table (RouterOS 7):
 *   interface, ssid, mac-address, band, signal, tx-rate, rx-rate, uptime, bytes.
 * - /interface/wireless/registration-table (legacy, v6 and v7): interface,
 *   mac-address, signal-strength, tx-rate, rx-rate, uptime, bytes; no ssid/band.
 * - /caps-man/registration-table (legacy CAPsMAN): interface, ssid,
 *   mac-address, rx-signal, tx-rate, rx-rate, uptime, bytes.
 * - /ip/kid-control/device: mac-address, bytes-down, bytes-up, rate-down, rate-up.
 * - /ipv6/neighbor: address, interface, mac-address, status.
 * - /ip/pool: name, ranges; /ip/pool/used: pool, address.
 */
import { isIP } from 'node:net';
import { normalizeMac } from '../net/mac.js';
import {
  type CounterPair,
  parseCounter,
  parseCounterPairInto,
  parseRateBitsPerSecond,
  parseSignalDbm,
  poolSize,
} from './depth-values.js';
import { type Columns, type Mapped, mapRecords, type TableMapping } from './observations.js';
import { parseDuration, sanitizeText } from './values.js';

/** Which registration table a Wi-Fi row came from. */
export type WifiTable = 'wifi' | 'wifiwave2' | 'wireless' | 'capsman';

/** One associated Wi-Fi client, as the access point (or CAPsMAN) reports it. */
export interface WifiClientObservation {
  mac: string;
  table: WifiTable;
  interface: string | null;
  ssid: string | null;
  band: string | null;
  signalDbm: number | null;
  /** Link rates in bits per second, from the access point's side (tx = to the client). */
  txRateBps: number | null;
  rxRateBps: number | null;
  /** Seconds since the client associated. */
  uptimeSeconds: number | null;
  /** Bytes the access point sent to the client (the client's "down") and received from it ("up"). */
  bytesToClient: number | null;
  bytesFromClient: number | null;
}

/** One kid-control device's counters: "down" is to the device. */
export interface KidControlObservation {
  mac: string;
  bytesDown: number;
  bytesUp: number;
  rateDownBps: number | null;
  rateUpBps: number | null;
}

export interface Ipv6NeighborObservation {
  mac: string;
  address: string;
  interface: string | null;
  /** noarp, incomplete, reachable, stale, delay, probe, failed; null when the router says none. */
  status: string | null;
}

export interface PoolObservation {
  name: string;
  /** Addresses in the pool's ranges. */
  size: number;
  /** Rows of /ip/pool/used naming this pool. */
  used: number;
}

/** A table's observations and its rejected rows (the shape every mapping gives). */
export type DepthMapped<T> = Mapped<T>;

const NAME_MAX_LENGTH = 255;
/** SSIDs are at most 32 octets (IEEE 802.11); the margin allows for escaped bytes. */
const SSID_MAX_LENGTH = 64;
const WORD_MAX_LENGTH = 64;

/** Marks a present field whose shape is unknown. */
const BAD = Symbol('bad');
type Parsed<T> = T | null | typeof BAD;

function field<T>(raw: string | undefined, parse: (text: string) => T | null): Parsed<T> {
  if (raw === undefined || raw === '') return null;
  return parse(raw) ?? BAD;
}

function usableMac(value: unknown): string | null {
  const normalized = normalizeMac(value);
  return normalized === null || normalized === '00:00:00:00:00:00' ? null : normalized;
}

// ---------------------------------------------------------------------------
// Wi-Fi registration tables

/** Columns every registration table is asked for, in this order (indexes below). */
const WIFI_COMMON = ['mac-address', 'interface', 'ssid', 'band', 'uptime', 'bytes', 'tx-rate', 'rx-rate'] as const;
const W_MAC = 0;
const W_INTERFACE = 1;
const W_SSID = 2;
const W_BAND = 3;
const W_UPTIME = 4;
const W_BYTES = 5;
const W_TX_RATE = 6;
const W_RX_RATE = 7;
const W_SIGNALS = WIFI_COMMON.length;

/** The signal column each table uses, newest name first. */
const SIGNAL_FIELDS: Record<WifiTable, readonly string[]> = {
  wifi: ['signal'],
  wifiwave2: ['signal', 'signal-strength'],
  wireless: ['signal-strength', 'signal'],
  capsman: ['rx-signal', 'signal'],
};

/**
 * The signal columns each table's print asks for. The legacy tables never print
 * the RouterOS 7 name `signal`, so it is not asked for; a record that has it
 * (mapWifiClients) is still read through SIGNAL_FIELDS.
 */
const SIGNAL_ASKED: Record<WifiTable, readonly string[]> = {
  wifi: ['signal'],
  wifiwave2: ['signal', 'signal-strength'],
  wireless: ['signal-strength'],
  capsman: ['rx-signal'],
};

/** Where wifiClient reads a row's byte counters (read at once, so one object serves every row). */
const WIFI_BYTES: CounterPair = { tx: 0, rx: 0 };

/** `changed` with every column set: map() is remap() with nothing to reuse. */
const ALL_COLUMNS = -1;
const SIGNAL_COLUMNS_MASK = ~((1 << W_SIGNALS) - 1);

/**
 * One registration row's observation. Where `previous` is given (the previous
 * print's observation of the row at this position), a field whose columns are
 * not in `changed` is taken from it instead of parsed again: every field is a
 * function of its own columns only, so that is what parsing would give.
 */
function wifiClient(
  table: WifiTable,
  signalColumns: number,
  row: Columns,
  changed: number,
  previous: WifiClientObservation | null,
): WifiClientObservation | null {
  const keep = (column: number) => previous !== null && (changed & (1 << column)) === 0;
  const mac = keep(W_MAC) ? previous!.mac : usableMac(row[W_MAC]);
  if (mac === null) return null;
  let signal: Parsed<number> = null;
  if (previous !== null && (changed & SIGNAL_COLUMNS_MASK) === 0) {
    signal = previous.signalDbm;
  } else {
    // Columns past the proplist (a signal name not asked for) read as undefined.
    for (let i = 0; i < signalColumns; i++) {
      const raw = row[W_SIGNALS + i];
      if (raw !== undefined && raw !== '') {
        signal = field(raw, parseSignalDbm);
        break;
      }
    }
  }
  const txRate = keep(W_TX_RATE) ? previous!.txRateBps : field(row[W_TX_RATE], parseRateBitsPerSecond);
  const rxRate = keep(W_RX_RATE) ? previous!.rxRateBps : field(row[W_RX_RATE], parseRateBitsPerSecond);
  const uptime = keep(W_UPTIME) ? previous!.uptimeSeconds : field(row[W_UPTIME], parseDuration);
  let bytesToClient: number | null;
  let bytesFromClient: number | null;
  if (keep(W_BYTES)) {
    bytesToClient = previous!.bytesToClient;
    bytesFromClient = previous!.bytesFromClient;
  } else {
    // As field(row[W_BYTES], parseCounterPair), without a pair object per row.
    const raw = row[W_BYTES];
    if (raw === undefined || raw === '') {
      bytesToClient = null;
      bytesFromClient = null;
    } else if (parseCounterPairInto(raw, WIFI_BYTES)) {
      bytesToClient = WIFI_BYTES.tx;
      bytesFromClient = WIFI_BYTES.rx;
    } else {
      return null;
    }
  }
  if (signal === BAD || txRate === BAD || rxRate === BAD || uptime === BAD) return null;
  return new WifiClient(
    mac,
    table,
    keep(W_INTERFACE) ? previous!.interface : sanitizeText(row[W_INTERFACE], NAME_MAX_LENGTH),
    keep(W_SSID) ? previous!.ssid : sanitizeText(row[W_SSID], SSID_MAX_LENGTH),
    keep(W_BAND) ? previous!.band : sanitizeText(row[W_BAND], WORD_MAX_LENGTH),
    signal,
    txRate,
    rxRate,
    uptime,
    bytesToClient,
    bytesFromClient,
  );
}

/**
 * A WifiClientObservation made by a constructor, not an object literal: V8
 * pretenures a literal whose objects survive young collections (these live
 * one poll in the client's column memory) and from then on allocates every
 * one in the old generation, where each poll's 3k rows became garbage for full
 * collections: at 10k devices 5-7 MB promoted per young collection and full
 * collections of 50-120 ms every few polls (Node 24, --trace-gc). An object
 * made by `new` has no allocation site to pretenure: it stays young and dies young.
 */
class WifiClient implements WifiClientObservation {
  readonly mac: string;
  readonly table: WifiTable;
  readonly interface: string | null;
  readonly ssid: string | null;
  readonly band: string | null;
  readonly signalDbm: number | null;
  readonly txRateBps: number | null;
  readonly rxRateBps: number | null;
  readonly uptimeSeconds: number | null;
  readonly bytesToClient: number | null;
  readonly bytesFromClient: number | null;

  constructor(
    mac: string,
    table: WifiTable,
    interfaceName: string | null,
    ssid: string | null,
    band: string | null,
    signalDbm: number | null,
    txRateBps: number | null,
    rxRateBps: number | null,
    uptimeSeconds: number | null,
    bytesToClient: number | null,
    bytesFromClient: number | null,
  ) {
    this.mac = mac;
    this.table = table;
    this.interface = interfaceName;
    this.ssid = ssid;
    this.band = band;
    this.signalDbm = signalDbm;
    this.txRateBps = txRateBps;
    this.rxRateBps = rxRateBps;
    this.uptimeSeconds = uptimeSeconds;
    this.bytesToClient = bytesToClient;
    this.bytesFromClient = bytesFromClient;
  }
}

function wifiMapping(table: WifiTable): TableMapping<WifiClientObservation> {
  const signalColumns = SIGNAL_FIELDS[table].length;
  return {
    proplist: [...WIFI_COMMON, ...SIGNAL_ASKED[table]],
    // Uptime counts and counters move at every poll, so whole rows rarely repeat: the client
    // remembers them by column (remap) and parses only what changed.
    reuseUnchangedRows: true,
    map: (row) => wifiClient(table, signalColumns, row, ALL_COLUMNS, null),
    remap: (row, changed, previous) => (changed === 0 ? previous : wifiClient(table, signalColumns, row, changed, previous)),
  };
}

/** Each registration table's mapping. */
export const WIFI_CLIENTS: Readonly<Record<WifiTable, TableMapping<WifiClientObservation>>> = {
  wifi: wifiMapping('wifi'),
  wifiwave2: wifiMapping('wifiwave2'),
  wireless: wifiMapping('wireless'),
  capsman: wifiMapping('capsman'),
};

export function mapWifiClients(table: WifiTable, rows: readonly unknown[]): DepthMapped<WifiClientObservation> {
  const mapping = WIFI_CLIENTS[table];
  return mapRecords(rows, [...WIFI_COMMON, ...SIGNAL_FIELDS[table]], mapping.map);
}

// ---------------------------------------------------------------------------
// Kid control

const K_MAC = 0;
const K_BYTES_DOWN = 1;
const K_BYTES_UP = 2;
const K_RATE_DOWN = 3;
const K_RATE_UP = 4;

/**
 * One kid-control row's observation; with `previous` (the previous print's
 * observation of the row at this position), a field whose column is not in
 * `changed` is taken from it instead of parsed again, as for wifiClient. On a
 * busy network the counters and rates move at every poll and the MAC does not.
 */
function kidControlDevice(row: Columns, changed: number, previous: KidControlObservation | null): KidControlObservation | null {
  const keep = (column: number) => previous !== null && (changed & (1 << column)) === 0;
  const mac = keep(K_MAC) ? previous!.mac : usableMac(row[K_MAC]);
  if (mac === null) return null;
  const bytesDown = keep(K_BYTES_DOWN) ? previous!.bytesDown : parseCounter(row[K_BYTES_DOWN]);
  const bytesUp = keep(K_BYTES_UP) ? previous!.bytesUp : parseCounter(row[K_BYTES_UP]);
  const rateDown = keep(K_RATE_DOWN) ? previous!.rateDownBps : field(row[K_RATE_DOWN], parseRateBitsPerSecond);
  const rateUp = keep(K_RATE_UP) ? previous!.rateUpBps : field(row[K_RATE_UP], parseRateBitsPerSecond);
  if (bytesDown === null || bytesUp === null || rateDown === BAD || rateUp === BAD) return null;
  return new KidControlDevice(mac, bytesDown, bytesUp, rateDown, rateUp);
}

/**
 * A kid-control row without both byte counters carries nothing we export: rejected.
 * Its counters move at every poll for a device in use, so whole rows rarely repeat:
 * remembered by column (remap), like the Wi-Fi tables.
 */
export const KID_CONTROL: TableMapping<KidControlObservation> = {
  proplist: ['mac-address', 'bytes-down', 'bytes-up', 'rate-down', 'rate-up'],
  reuseUnchangedRows: true,
  map: (row) => kidControlDevice(row, ALL_COLUMNS, null),
  remap: (row, changed, previous) => (changed === 0 ? previous : kidControlDevice(row, changed, previous)),
};

/** Counters change at every poll for a device in use: a class, for the reason given at WifiClient. */
class KidControlDevice implements KidControlObservation {
  constructor(
    readonly mac: string,
    readonly bytesDown: number,
    readonly bytesUp: number,
    readonly rateDownBps: number | null,
    readonly rateUpBps: number | null,
  ) {}
}

export function mapKidControl(rows: readonly unknown[]): DepthMapped<KidControlObservation> {
  return mapRecords(rows, KID_CONTROL.proplist, KID_CONTROL.map);
}

// ---------------------------------------------------------------------------
// IPv6 neighbours

const COLON = 0x3a;

/**
 * True when `text` is certainly an IPv6 address in the plain hex form (eight
 * groups, or fewer around one `::`; no embedded IPv4, no zone): what RouterOS
 * prints for neighbours. False means "not known here": the caller asks
 * node:net, so the answer is always isIP's. Node's IPv6 expression took a
 * third of mapping a neighbour row (9k rows per poll in the bench LAN).
 */
export function isPlainIpv6(text: string): boolean {
  const length = text.length;
  if (length < 2 || length > 39) return false;
  let groups = 0;
  let digits = 0;
  let compressed = false;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === COLON) {
      if (i + 1 < length && text.charCodeAt(i + 1) === COLON) {
        // `::` once (a third colon is then a single colon after no group: refused below).
        if (compressed) return false;
        compressed = true;
        if (digits > 0) groups++;
        else if (i !== 0) return false;
        digits = 0;
        i++;
        continue;
      }
      // A single colon ends a group, and a group must follow it.
      if (digits === 0 || i + 1 === length) return false;
      groups++;
      digits = 0;
      continue;
    }
    const hex = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
    if (!hex || ++digits > 4) return false;
  }
  if (digits > 0) groups++;
  return compressed ? groups <= 7 : groups === 8;
}

/**
 * The states RouterOS prints for a neighbour (MikroTik's IPv6 neighbour documentation), each one
 * string for every row instead of a copy per row: 9k neighbours at 10k devices, kept between polls.
 */
const NEIGHBOR_STATES: ReadonlyMap<string, string> = new Map(
  ['noarp', 'incomplete', 'reachable', 'stale', 'delay', 'probe', 'failed'].map((state) => [state, state]),
);

function neighborStatus(raw: string | undefined): string | null {
  if (raw !== undefined) {
    const known = NEIGHBOR_STATES.get(raw);
    if (known !== undefined) return known;
  }
  return sanitizeText(raw, WORD_MAX_LENGTH)?.toLowerCase() ?? null;
}

/** Entries without a MAC (incomplete, noarp) are not devices: rejected like ARP rows that cannot name one. */
export const IPV6_NEIGHBORS: TableMapping<Ipv6NeighborObservation> = {
  proplist: ['address', 'interface', 'mac-address', 'status'],
  reuseUnchangedRows: true,
  map(row) {
    const mac = usableMac(row[2]);
    const raw = row[0];
    const address = typeof raw === 'string' ? raw.trim() : '';
    if (mac === null || !(isPlainIpv6(address) || isIP(address) === 6)) return null;
    return {
      mac,
      address,
      interface: sanitizeText(row[1], NAME_MAX_LENGTH),
      status: neighborStatus(row[3]),
    };
  },
};

export function mapIpv6Neighbors(rows: readonly unknown[]): DepthMapped<Ipv6NeighborObservation> {
  return mapRecords(rows, IPV6_NEIGHBORS.proplist, IPV6_NEIGHBORS.map);
}

// ---------------------------------------------------------------------------
// Pools

/** /ip/pool: a pool whose ranges we cannot count is rejected (`used` is filled in by countPoolUse). */
export const POOLS: TableMapping<PoolObservation> = {
  proplist: ['name', 'ranges'],
  reuseUnchangedRows: true,
  map(row) {
    const name = sanitizeText(row[0], NAME_MAX_LENGTH);
    const size = poolSize(row[1]);
    if (name === null || size === null) return null;
    return { name, size, used: 0 };
  },
};

/** /ip/pool/used: the pool each used address belongs to; a row naming none is rejected. */
export const POOLS_USED: TableMapping<string> = {
  proplist: ['pool'],
  reuseUnchangedRows: true,
  map: (row) => sanitizeText(row[0], NAME_MAX_LENGTH),
};

/**
 * Pools with how many addresses /ip/pool/used lists for each (new objects: the
 * mapped ones may be the previous poll's). A used row naming no listed pool is
 * rejected (the pool list and the used list disagree); of two pools with one
 * name, the last listed gets the count.
 */
export function countPoolUse(pools: DepthMapped<PoolObservation>, used: DepthMapped<string>): DepthMapped<PoolObservation> {
  const indexOf = new Map<string, number>();
  pools.observations.forEach((pool, index) => {
    indexOf.set(pool.name, index);
  });
  const counts = new Array<number>(pools.observations.length).fill(0);
  let rejected = pools.rejected + used.rejected;
  // Indexed: this runs once per poll, so it is rarely optimised, and unoptimised `for...of` makes an
  // iterator result per row (8.5k used addresses at 10k devices).
  const names = used.observations;
  for (let i = 0; i < names.length; i++) {
    const index = indexOf.get(names[i]!);
    if (index === undefined) rejected += 1;
    else counts[index]! += 1;
  }
  return {
    observations: pools.observations.map((pool, index) => ({ name: pool.name, size: pool.size, used: counts[index]! })),
    rejected,
  };
}

/**
 * Pools with their size and how many addresses /ip/pool/used lists for each.
 * A pool whose ranges we cannot count is rejected; a used row naming no
 * listed pool is rejected too (the pool list and the used list disagree).
 */
export function mapPools(poolRows: readonly unknown[], usedRows: readonly unknown[]): DepthMapped<PoolObservation> {
  return countPoolUse(mapRecords(poolRows, POOLS.proplist, POOLS.map), mapRecords(usedRows, POOLS_USED.proplist, POOLS_USED.map));
}
