/**
 * What the RouterOS layer produces from one poll: typed observations of each
 * table, already parsed from RouterOS strings. The inventory merges them into
 * devices; nothing here knows about devices.
 *
 * Times are Unix seconds (floating point allowed) unless a name says otherwise.
 *
 * Lease, ARP and bridge-host observations are read-only: the client hands back
 * the previous poll's object for a row whose bytes did not change
 * (row-memory.ts), so one object may be in several polls' results. The one
 * write allowed keeps the value: the inventory's merge replaces a row's MAC
 * by an equal string (its device's own), so that one string is held per MAC.
 */

import type { DepthObservations } from './depth-sources.js';

/** One DHCP lease row, already parsed from RouterOS strings. */
export interface LeaseObservation {
  mac: string; // normalised upper-case colon form
  address: string | null;
  hostname: string | null; // sanitised, see values.ts
  comment: string | null;
  server: string | null;
  status: string; // "bound", "waiting", "offered", "busy", ... as RouterOS says
  dynamic: boolean;
  disabled: boolean;
  /** Seconds since the router last heard from the client (`last-seen`), null for `never`/absent. */
  lastSeenAgoSeconds: number | null;
  /** Seconds until the lease expires (`expires-after`), null when none. */
  expiresAfterSeconds: number | null;
}

/** One ARP table row. */
export interface ArpObservation {
  mac: string | null; // null for incomplete entries: these are not devices
  address: string;
  interface: string | null;
  /** RouterOS >= 7.14 neighbour state ("reachable", "stale", "failed", ...); null when the router has none. */
  status: string | null;
  dynamic: boolean;
  complete: boolean;
  invalid: boolean;
  disabled: boolean;
  comment: string | null;
}

/** One bridge host (FDB) row. */
export interface BridgeHostObservation {
  mac: string;
  bridge: string | null;
  port: string | null; // the `interface` column on RouterOS 7 (`on-interface` on v6)
  dynamic: boolean;
  local: boolean;
  external: boolean;
  vlanId: number | null;
}

export interface RouterIdentity {
  identity: string | null;
  version: string | null;
  board: string | null;
}

/** Everything one successful poll of one router produced. */
export interface RouterObservations {
  leases: LeaseObservation[];
  arp: ArpObservation[];
  bridgeHosts: BridgeHostObservation[];
  system: RouterIdentity;
  /** Tables the router does not have ("no such command prefix"); their observations are empty. */
  missingTables: string[];
  /** Wi-Fi clients, traffic counters, IPv6 neighbours and pools; absent when nothing read them (tests, old callers). */
  depth?: DepthObservations;
}
