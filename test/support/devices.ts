import type { DeviceRecord } from '../../src/inventory/types.js';

/** A complete device record with plain defaults, for tests that need records without a poll. */
export function deviceRecord(overrides: Partial<DeviceRecord> & Pick<DeviceRecord, 'router' | 'mac'>): DeviceRecord {
  return {
    ip: null,
    hostname: null,
    name: null,
    interface: null,
    bridgePort: null,
    dhcpServer: null,
    lease: 'none',
    leaseStatus: null,
    leaseExpiresAt: null,
    randomized: false,
    watched: false,
    firstSeen: null,
    lastSeen: null,
    present: false,
    sources: { dhcp: false, arp: false, bridge: false },
    conflicts: [],
    arpStatus: null,
    arpAddress: null,
    leaseAddress: null,
    ...overrides,
  };
}
