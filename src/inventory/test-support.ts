import type {
  ArpObservation,
  BridgeHostObservation,
  LeaseObservation,
  RouterObservations,
} from '../routeros/observation-types.js';
import type { PersistedDevice } from './persisted-state.js';

/** Row factories for tests and benchmarks: defaults describe a healthy, current device. */

export function lease(mac: string, address: string | null, extra: Partial<LeaseObservation> = {}): LeaseObservation {
  return {
    mac,
    address,
    hostname: null,
    comment: null,
    server: 'dhcp1',
    status: 'bound',
    dynamic: true,
    disabled: false,
    lastSeenAgoSeconds: 0,
    expiresAfterSeconds: 600,
    ...extra,
  };
}

export function arp(mac: string | null, address: string, extra: Partial<ArpObservation> = {}): ArpObservation {
  return {
    mac,
    address,
    interface: 'bridge',
    status: 'reachable',
    dynamic: true,
    complete: mac !== null,
    invalid: false,
    disabled: false,
    comment: null,
    ...extra,
  };
}

export function bridgeHost(mac: string, extra: Partial<BridgeHostObservation> = {}): BridgeHostObservation {
  return {
    mac,
    bridge: 'bridge',
    port: 'ether2',
    dynamic: true,
    local: false,
    external: false,
    vlanId: null,
    ...extra,
  };
}

export function observations(parts: Partial<RouterObservations> = {}): RouterObservations {
  return {
    leases: [],
    arp: [],
    bridgeHosts: [],
    system: { identity: 'test', version: '7.16', board: 'test' },
    missingTables: [],
    ...parts,
  };
}

/** The n-th MAC of a block; `prefix` picks the first octet (e.g. 0x02 for locally administered). */
export function macAt(n: number, prefix = 0x00): string {
  const bytes = [prefix, 0x11, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

export function ipAt(n: number): string {
  return `10.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** A LAN of n devices, each with a bound lease, a current ARP entry and a bridge host. */
export function lan(n: number, prefix = 0x00, offset = 0): RouterObservations {
  const leases: LeaseObservation[] = [];
  const arpRows: ArpObservation[] = [];
  const hosts: BridgeHostObservation[] = [];
  for (let i = offset; i < offset + n; i++) {
    const mac = macAt(i, prefix);
    const ip = ipAt(i);
    leases.push(lease(mac, ip, { hostname: `host-${i}` }));
    arpRows.push(arp(mac, ip));
    hosts.push(bridgeHost(mac));
  }
  return observations({ leases, arp: arpRows, bridgeHosts: hosts });
}

/** A device as the state file keeps it, seen once at `at` on router "home". */
export function savedDevice(mac: string, at: number, extra: Partial<PersistedDevice> = {}): PersistedDevice {
  return {
    router: 'home',
    mac,
    firstSeen: at,
    lastSeen: at,
    lastListedAt: at,
    ip: null,
    hostname: null,
    leaseComment: null,
    interface: null,
    bridgePort: null,
    dhcpServer: null,
    lease: 'none',
    ...extra,
  };
}
