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
 */
import type { Logger } from 'pino';
import {
  type DepthMapped,
  type Ipv6NeighborObservation,
  type KidControlObservation,
  mapIpv6Neighbors,
  mapKidControl,
  mapPools,
  mapWifiClients,
  type PoolObservation,
  type WifiClientObservation,
  type WifiTable,
} from './depth-observations.js';

export const SOURCE_NAMES = ['wifi', 'traffic', 'ipv6', 'pools'] as const;
export type DepthSource = (typeof SOURCE_NAMES)[number];
export type DepthSourceSwitches = Record<DepthSource, boolean>;

export const ALL_SOURCES_ON: DepthSourceSwitches = Object.freeze({ wifi: true, traffic: true, ipv6: true, pools: true });

interface DepthTable {
  source: DepthSource;
  path: string;
  proplist: readonly string[];
}

const WIFI_PROPLIST = ['mac-address', 'interface', 'ssid', 'band', 'uptime', 'bytes', 'tx-rate', 'rx-rate'];

const WIFI_TABLES: ReadonlyArray<DepthTable & { kind: WifiTable }> = [
  {
    source: 'wifi',
    kind: 'wifi',
    path: '/interface/wifi/registration-table',
    proplist: [...WIFI_PROPLIST, 'signal'],
  },
  {
    source: 'wifi',
    kind: 'wifiwave2',
    path: '/interface/wifiwave2/registration-table',
    proplist: [...WIFI_PROPLIST, 'signal', 'signal-strength'],
  },
  {
    source: 'wifi',
    kind: 'wireless',
    path: '/interface/wireless/registration-table',
    proplist: [...WIFI_PROPLIST, 'signal-strength'],
  },
  { source: 'wifi', kind: 'capsman', path: '/caps-man/registration-table', proplist: [...WIFI_PROPLIST, 'rx-signal'] },
];

const KID_CONTROL: DepthTable = {
  source: 'traffic',
  path: '/ip/kid-control/device',
  proplist: ['mac-address', 'bytes-down', 'bytes-up', 'rate-down', 'rate-up'],
};
const IPV6_NEIGHBORS: DepthTable = {
  source: 'ipv6',
  path: '/ipv6/neighbor',
  proplist: ['address', 'interface', 'mac-address', 'status'],
};
const POOLS: DepthTable = { source: 'pools', path: '/ip/pool', proplist: ['name', 'ranges'] };
const POOLS_USED: DepthTable = { source: 'pools', path: '/ip/pool/used', proplist: ['pool'] };

/** Every depth table, in poll order. */
export const DEPTH_TABLES: readonly DepthTable[] = [...WIFI_TABLES, KID_CONTROL, IPV6_NEIGHBORS, POOLS, POOLS_USED];

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

type Rows = ReadonlyArray<Readonly<Record<string, string>>>;

/** Prints one table; resolves 'unavailable' for a trap (the caller's session is fine), rejects for anything else. */
export type PrintTable = (path: string, proplist: readonly string[]) => Promise<Rows | { trap: string }>;

export class DepthReader {
  private unavailable = new Set<string>();
  private readonly logged = new Set<string>();

  constructor(
    private readonly router: string,
    private readonly switches: DepthSourceSwitches,
    private readonly logger: Logger,
  ) {}

  /** A new connection: menus are learned again (a reboot may have added a package). */
  reconnected(): void {
    this.unavailable = new Set();
  }

  async read(print: PrintTable): Promise<DepthObservations> {
    const sources: Record<DepthSource, SourceStatus> = {
      wifi: { available: false, rows: 0 },
      traffic: { available: false, rows: 0 },
      ipv6: { available: false, rows: 0 },
      pools: { available: false, rows: 0 },
    };
    const rowsOf = new Map<string, Rows>();
    for (const table of DEPTH_TABLES) {
      if (!this.switches[table.source] || this.unavailable.has(table.path)) continue;
      const result = await print(table.path, table.proplist);
      if ('trap' in result) {
        this.unavailable.add(table.path);
        if (!this.logged.has(table.path)) {
          this.logged.add(table.path);
          this.logger.info(
            { router: this.router, table: table.path, source: table.source, answer: result.trap },
            'router does not offer this table; skipping it',
          );
        }
        continue;
      }
      rowsOf.set(table.path, result);
      sources[table.source].available = true;
      sources[table.source].rows += result.length;
    }

    let rejectedRows = 0;
    const take = <T>(mapped: DepthMapped<T>): T[] => {
      rejectedRows += mapped.rejected;
      return mapped.observations;
    };
    const wifi: WifiClientObservation[] = [];
    for (const table of WIFI_TABLES) {
      const rows = rowsOf.get(table.path);
      if (!rows) continue;
      for (const client of take(mapWifiClients(table.kind, rows))) {
        // With traffic off, byte counters must not become traffic series either.
        if (!this.switches.traffic) {
          client.bytesToClient = null;
          client.bytesFromClient = null;
        }
        wifi.push(client);
      }
    }
    const kidRows = rowsOf.get(KID_CONTROL.path);
    const neighborRows = rowsOf.get(IPV6_NEIGHBORS.path);
    const poolRows = rowsOf.get(POOLS.path);
    // Pools need both prints: sizes without usage (or the reverse) would export a wrong "used".
    const poolsReadable = poolRows !== undefined && rowsOf.has(POOLS_USED.path);
    if (!poolsReadable) sources.pools.available = false;
    return {
      wifi,
      kidControl: kidRows ? take(mapKidControl(kidRows)) : [],
      ipv6Neighbors: neighborRows ? take(mapIpv6Neighbors(neighborRows)) : [],
      pools: poolsReadable ? take(mapPools(poolRows, rowsOf.get(POOLS_USED.path)!)) : null,
      sources,
      rejectedRows,
    };
  }
}
