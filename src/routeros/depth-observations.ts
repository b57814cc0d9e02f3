/**
 * Rows of the device-depth tables (Wi-Fi registration tables, kid control,
 * IPv6 neighbours, IP pools) to typed observations. Pure, never throws.
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
import { parseCounter, parseCounterPair, parseRateBitsPerSecond, parseSignalDbm, poolSize } from './depth-values.js';
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

export interface DepthMapped<T> {
  observations: T[];
  rejected: number;
}

export type DepthRow = Readonly<Record<string, string>>;

const NAME_MAX_LENGTH = 255;
/** SSIDs are at most 32 octets (IEEE 802.11); the margin allows for escaped bytes. */
const SSID_MAX_LENGTH = 64;
const WORD_MAX_LENGTH = 64;

/** Marks a present field whose shape is unknown. */
const BAD = Symbol('bad');
type Parsed<T> = T | null | typeof BAD;

function field<T>(row: DepthRow, key: string, parse: (text: string) => T | null): Parsed<T> {
  const raw = row[key];
  if (raw === undefined || raw === '') return null;
  return parse(raw) ?? BAD;
}

function usableMac(value: unknown): string | null {
  const normalized = normalizeMac(value);
  return normalized === null || normalized === '00:00:00:00:00:00' ? null : normalized;
}

function mapEach<T>(rows: readonly unknown[], map: (row: DepthRow) => T | null): DepthMapped<T> {
  const observations: T[] = [];
  let rejected = 0;
  for (const row of Array.isArray(rows) ? rows : []) {
    const observation = typeof row === 'object' && row !== null && !Array.isArray(row) ? map(row as DepthRow) : null;
    if (observation === null) rejected += 1;
    else observations.push(observation);
  }
  return { observations, rejected };
}

/** The signal column each table uses, newest name first. */
const SIGNAL_FIELDS: Record<WifiTable, readonly string[]> = {
  wifi: ['signal'],
  wifiwave2: ['signal', 'signal-strength'],
  wireless: ['signal-strength', 'signal'],
  capsman: ['rx-signal', 'signal'],
};

export function mapWifiClients(table: WifiTable, rows: readonly unknown[]): DepthMapped<WifiClientObservation> {
  return mapEach(rows, (row) => {
    const mac = usableMac(row['mac-address']);
    if (mac === null) return null;
    const signalKey = SIGNAL_FIELDS[table].find((key) => row[key] !== undefined && row[key] !== '');
    const signal = signalKey === undefined ? null : field(row, signalKey, parseSignalDbm);
    const txRate = field(row, 'tx-rate', parseRateBitsPerSecond);
    const rxRate = field(row, 'rx-rate', parseRateBitsPerSecond);
    const uptime = field(row, 'uptime', parseDuration);
    const bytes = field(row, 'bytes', parseCounterPair);
    if (signal === BAD || txRate === BAD || rxRate === BAD || uptime === BAD || bytes === BAD) return null;
    return {
      mac,
      table,
      interface: sanitizeText(row['interface'], NAME_MAX_LENGTH),
      ssid: sanitizeText(row['ssid'], SSID_MAX_LENGTH),
      band: sanitizeText(row['band'], WORD_MAX_LENGTH),
      signalDbm: signal,
      txRateBps: txRate,
      rxRateBps: rxRate,
      uptimeSeconds: uptime,
      bytesToClient: bytes?.tx ?? null,
      bytesFromClient: bytes?.rx ?? null,
    };
  });
}

/** A kid-control row without both byte counters carries nothing we export: rejected. */
export function mapKidControl(rows: readonly unknown[]): DepthMapped<KidControlObservation> {
  return mapEach(rows, (row) => {
    const mac = usableMac(row['mac-address']);
    if (mac === null) return null;
    const bytesDown = parseCounter(row['bytes-down']);
    const bytesUp = parseCounter(row['bytes-up']);
    const rateDown = field(row, 'rate-down', parseRateBitsPerSecond);
    const rateUp = field(row, 'rate-up', parseRateBitsPerSecond);
    if (bytesDown === null || bytesUp === null || rateDown === BAD || rateUp === BAD) return null;
    return { mac, bytesDown, bytesUp, rateDownBps: rateDown, rateUpBps: rateUp };
  });
}

/** Entries without a MAC (incomplete, noarp) are not devices: rejected like ARP rows that cannot name one. */
export function mapIpv6Neighbors(rows: readonly unknown[]): DepthMapped<Ipv6NeighborObservation> {
  return mapEach(rows, (row) => {
    const mac = usableMac(row['mac-address']);
    const address = typeof row['address'] === 'string' ? row['address'].trim() : '';
    if (mac === null || isIP(address) !== 6) return null;
    return {
      mac,
      address,
      interface: sanitizeText(row['interface'], NAME_MAX_LENGTH),
      status: sanitizeText(row['status'], WORD_MAX_LENGTH)?.toLowerCase() ?? null,
    };
  });
}

/**
 * Pools with their size and how many addresses /ip/pool/used lists for each.
 * A pool whose ranges we cannot count is rejected; a used row naming no
 * listed pool is rejected too (the pool list and the used list disagree).
 */
export function mapPools(poolRows: readonly unknown[], usedRows: readonly unknown[]): DepthMapped<PoolObservation> {
  const pools = mapEach(poolRows, (row) => {
    const name = sanitizeText(row['name'], NAME_MAX_LENGTH);
    const size = poolSize(row['ranges']);
    if (name === null || size === null) return null;
    return { name, size, used: 0 };
  });
  const byName = new Map(pools.observations.map((pool) => [pool.name, pool]));
  let rejected = pools.rejected;
  for (const row of Array.isArray(usedRows) ? usedRows : []) {
    const name = typeof row === 'object' && row !== null ? sanitizeText((row as DepthRow)['pool'], NAME_MAX_LENGTH) : null;
    const pool = name === null ? undefined : byName.get(name);
    if (pool === undefined) rejected += 1;
    else pool.used += 1;
  }
  return { observations: pools.observations, rejected };
}
