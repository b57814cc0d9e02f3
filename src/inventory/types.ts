/**
 * What the inventory produces: one merged record per (router, MAC), read by the
 * exposition and HTTP layers. The observations it merges are defined by the
 * RouterOS layer that produces them (routeros/observation-types.ts).
 *
 * Times are Unix seconds (floating point allowed) unless a name says otherwise.
 */

import type { TrafficFacts, WifiFacts } from './depth-ledger.js';

export type { TrafficFacts, WifiFacts } from './depth-ledger.js';

export type LeaseKind = 'dynamic' | 'static' | 'none';

/** One device: the merged view of (router, MAC). This is what /api/devices returns. */
export interface DeviceRecord {
  router: string;
  mac: string;
  ip: string | null;
  hostname: string | null;
  /** Configured name for watched devices, else the lease comment, else null. */
  name: string | null;
  interface: string | null;
  bridgePort: string | null;
  dhcpServer: string | null;
  lease: LeaseKind;
  leaseStatus: string | null;
  leaseExpiresAt: number | null; // bound leases only
  randomized: boolean;
  watched: boolean;
  firstSeen: number | null; // null only for watched devices never seen
  lastSeen: number | null;
  present: boolean;
  sources: { dhcp: boolean; arp: boolean; bridge: boolean };
  /** Human-readable conflict descriptions, e.g. "ip 192.168.88.10 also claimed by AA:..". Empty when none. */
  conflicts: string[];
  arpStatus: string | null;
  arpAddress: string | null;
  leaseAddress: string | null;
  /** The device's Wi-Fi association (which access point, signal, rates); null when no registration table lists it. */
  wifi?: WifiFacts | null;
  /** Byte counters and current rate from kid control or Wi-Fi; null without either. */
  traffic?: TrafficFacts | null;
  /** IPv6 addresses from the router's neighbour table, sorted; empty without any. */
  ipv6Addresses?: string[];
}

/**
 * The fields of a device that the exposition reads. A DeviceRecord is one;
 * so is the registry's live entry, which the snapshot renders from directly
 * (no record per device per poll): read it during the call it is passed to.
 */
export type DeviceView = Readonly<
  Pick<
    DeviceRecord,
    | 'router'
    | 'mac'
    | 'ip'
    | 'hostname'
    | 'name'
    | 'interface'
    | 'bridgePort'
    | 'dhcpServer'
    | 'lease'
    | 'leaseExpiresAt'
    | 'randomized'
    | 'watched'
    | 'firstSeen'
    | 'lastSeen'
    | 'present'
    | 'wifi'
    | 'traffic'
  >
> & {
  /**
   * Changes whenever a label of the device's info series (ip, hostname,
   * name, interface, bridge port, DHCP server, lease kind, watched) may
   * have changed, and is never the same for two devices: equal to what it
   * was at the last rendering, the info line is the same. Absent (records):
   * the labels are compared.
   */
  readonly infoVersion?: number;
};

/** One router's devices as the snapshot takes them: live views to render now, records built when asked for. */
export interface RouterDevices {
  /** In MAC order. Valid until the registry changes again: read them within the call. */
  readonly views: ReadonlyArray<DeviceView>;
  /** Immutable records of the same devices (as of the moment of the call), in MAC order. */
  records(): ReadonlyArray<DeviceRecord>;
}
