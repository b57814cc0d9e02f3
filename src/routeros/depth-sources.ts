/**
 * The device-depth part of a poll: which tables each source reads, one print
 * per table with `.proplist`, and what a router that lacks a menu means.
 *
 * A depth table is optional. A trap on its print (no such menu: a v6 router
 * has no /interface/wifi, a router without the wireless package has no
 * registration table; or a user without the policy for it) skips that table
 * for the rest of the connection: it is logged once, counted as unavailable,
 * and never fails the poll. A new connection (a router reboot may bring a new
 * package) asks again. Transport failures still fail the poll as for any table.
 *
 * Used pool addresses: a router with one pool (the common case) is asked only
 * how many rows /ip/pool/used has (`count-only`), since every used address is
 * then that pool's: one `!done =ret=N` instead of a row per address (8.5k rows
 * per poll at 10k devices, docs/performance.md "Device depth"). With several
 * pools the table is read whole, one print, and its rows are counted per pool.
 * A router that does not answer the count with a number is read whole for the
 * rest of the connection.
 */
import type { Logger } from 'pino';
import {
  countPoolUse,
  type DepthMapped,
  IPV6_NEIGHBORS,
  type Ipv6NeighborObservation,
  KID_CONTROL,
  type KidControlObservation,
  POOLS,
  POOLS_USED,
  type PoolObservation,
  WIFI_CLIENTS,
  type WifiClientObservation,
  type WifiTable,
} from './depth-observations.js';
import type { TableMapping } from './observations.js';

export const SOURCE_NAMES = ['wifi', 'traffic', 'ipv6', 'pools'] as const;
export type DepthSource = (typeof SOURCE_NAMES)[number];
export type DepthSourceSwitches = Record<DepthSource, boolean>;

export const ALL_SOURCES_ON: DepthSourceSwitches = Object.freeze({ wifi: true, traffic: true, ipv6: true, pools: true });

interface DepthTable<T> {
  source: DepthSource;
  path: string;
  /** Its `.proplist` and how each row becomes an observation, as the row is decoded. */
  mapping: TableMapping<T>;
}

const wifiTable = (kind: WifiTable, path: string): DepthTable<WifiClientObservation> => ({
  source: 'wifi',
  path,
  mapping: WIFI_CLIENTS[kind],
});

const WIFI_TABLES = [
  wifiTable('wifi', '/interface/wifi/registration-table'),
  wifiTable('wifiwave2', '/interface/wifiwave2/registration-table'),
  wifiTable('wireless', '/interface/wireless/registration-table'),
  wifiTable('capsman', '/caps-man/registration-table'),
] as const;

const KID_CONTROL_TABLE: DepthTable<KidControlObservation> = {
  source: 'traffic',
  path: '/ip/kid-control/device',
  mapping: KID_CONTROL,
};
const IPV6_NEIGHBORS_TABLE: DepthTable<Ipv6NeighborObservation> = {
  source: 'ipv6',
  path: '/ipv6/neighbor',
  mapping: IPV6_NEIGHBORS,
};
const POOLS_TABLE: DepthTable<PoolObservation> = { source: 'pools', path: '/ip/pool', mapping: POOLS };
const POOLS_USED_TABLE: DepthTable<string> = { source: 'pools', path: '/ip/pool/used', mapping: POOLS_USED };

export interface SourceStatus {
  /** Whether the source was read: on in the config and at least one of its tables answered. */
  available: boolean;
  /** Rows read from its tables in this poll (rejected rows included). */
  rows: number;
}

/** What one poll read from the depth tables. A source that was not read has empty lists (pools: null). */
export interface DepthObservations {
  wifi: WifiClientObservation[];
  kidControl: KidControlObservation[];
  ipv6Neighbors: Ipv6NeighborObservation[];
  /** Null when the router has no pools menu or the source is off: no pool series at all. */
  pools: PoolObservation[] | null;
  sources: Record<DepthSource, SourceStatus>;
  rejectedRows: number;
}

/**
 * Prints one table, mapping each row as it is decoded; resolves `{ trap }` for a
 * trap (the caller's session is fine), rejects for anything else.
 */
export type PrintTable = <T>(path: string, mapping: TableMapping<T>) => Promise<DepthMapped<T> | { trap: string }>;

/** Counts one table's rows (`count-only`); null when the answer has no count; `{ trap }` for a trap. */
export type CountTable = (path: string) => Promise<number | null | { trap: string }>;

export class DepthReader {
  private unavailable = new Set<string>();
  private readonly logged = new Set<string>();
  /** Whether this connection's router answers a `count-only` print of the used pool addresses. */
  private countsUsedAddresses = true;

  constructor(
    private readonly router: string,
    private readonly switches: DepthSourceSwitches,
    private readonly logger: Logger,
  ) {}

  /** A new connection: menus are learned again (a reboot may have added a package). */
  reconnected(): void {
    this.unavailable = new Set();
    this.countsUsedAddresses = true;
  }

  async read(print: PrintTable, count: CountTable): Promise<DepthObservations> {
    const sources: Record<DepthSource, SourceStatus> = {
      wifi: { available: false, rows: 0 },
      traffic: { available: false, rows: 0 },
      ipv6: { available: false, rows: 0 },
      pools: { available: false, rows: 0 },
    };
    const readTable = async <T>(table: DepthTable<T>): Promise<DepthMapped<T> | null> => {
      if (!this.switches[table.source] || this.unavailable.has(table.path)) return null;
      const result = await print(table.path, table.mapping);
      if ('trap' in result) {
        this.unavailable.add(table.path);
        if (!this.logged.has(table.path)) {
          this.logged.add(table.path);
          this.logger.info(
            { router: this.router, table: table.path, source: table.source, answer: result.trap },
            'router does not offer this table; skipping it',
          );
        }
        return null;
      }
      sources[table.source].available = true;
      sources[table.source].rows += result.observations.length + result.rejected;
      return result;
    };
    // One print at a time: the Wi-Fi tables, kid control, IPv6 neighbours, pools, used pool addresses.
    const wifiTables: Array<DepthMapped<WifiClientObservation> | null> = [];
    for (const table of WIFI_TABLES) wifiTables.push(await readTable(table));
    const kid = await readTable(KID_CONTROL_TABLE);
    const neighbors = await readTable(IPV6_NEIGHBORS_TABLE);
    const pools = await readTable(POOLS_TABLE);
    const usedCount = pools === null ? null : await this.countUsedAddresses(pools, count);
    const poolsUsed = usedCount === null ? await readTable(POOLS_USED_TABLE) : null;
    if (usedCount !== null) sources.pools.rows += usedCount;

    let rejectedRows = 0;
    const take = <T>(mapped: DepthMapped<T>): T[] => {
      rejectedRows += mapped.rejected;
      return mapped.observations;
    };
    let wifi: WifiClientObservation[] = [];
    for (const mapped of wifiTables) {
      if (mapped === null) continue;
      // With traffic off, byte counters must not become traffic series either (copies: observations are read-only).
      const clients = this.switches.traffic
        ? take(mapped)
        : take(mapped).map((client) => ({ ...client, bytesToClient: null, bytesFromClient: null }));
      wifi = wifi.length === 0 ? clients : wifi.concat(clients);
    }
    // Pools need both prints: sizes without usage (or the reverse) would export a wrong "used".
    let poolObservations: PoolObservation[] | null = null;
    if (pools !== null && usedCount !== null) {
      const only = pools.observations[0]!;
      poolObservations = [{ name: only.name, size: only.size, used: usedCount }];
    } else if (pools !== null && poolsUsed !== null) {
      poolObservations = take(countPoolUse(pools, poolsUsed));
    } else {
      sources.pools.available = false;
    }
    return {
      wifi,
      kidControl: kid ? take(kid) : [],
      ipv6Neighbors: neighbors ? take(neighbors) : [],
      pools: poolObservations,
      sources,
      rejectedRows,
    };
  }

  /**
   * With exactly one pool (none rejected): how many addresses /ip/pool/used lists, by a
   * `count-only` print. Null when the table must be read whole instead (several pools, the
   * source or table off, or a router that did not answer the count with a number).
   */
  private async countUsedAddresses(pools: DepthMapped<PoolObservation>, count: CountTable): Promise<number | null> {
    if (pools.observations.length !== 1 || pools.rejected !== 0 || !this.countsUsedAddresses) return null;
    if (this.unavailable.has(POOLS_USED_TABLE.path)) return null;
    const answer = await count(POOLS_USED_TABLE.path);
    if (typeof answer === 'number') return answer;
    this.countsUsedAddresses = false;
    this.logger.info(
      { router: this.router, table: POOLS_USED_TABLE.path, answer: answer === null ? 'no count' : answer.trap },
      'router did not count used pool addresses; reading them row by row',
    );
    return null;
  }
}
