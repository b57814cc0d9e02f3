import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceMergeObservations } from '../../test/support/reference-merge.js';
import { normalizeMac } from '../net/mac.js';
import type {
  ArpObservation,
  BridgeHostObservation,
  LeaseObservation,
  RouterObservations,
} from '../routeros/observation-types.js';
import { mergeObservations, type PresenceConfig } from './merge.js';
import { arp, bridgeHost, lan, lease, observations } from './test-support.js';

const presence: PresenceConfig = { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] };
const T = 1_700_000_000;
const A = 'AA:BB:CC:00:00:01';
const B = 'AA:BB:CC:00:00:02';
const C = 'AA:BB:CC:00:00:03';

function merge(obs: RouterObservations, pollTime = T) {
  return mergeObservations('home', obs, pollTime, presence);
}

function only(obs: RouterObservations) {
  const result = merge(obs);
  expect(result.devices.size).toBe(1);
  return [...result.devices.values()][0]!;
}

describe('mergeObservations: one device from several tables', () => {
  it('joins lease, ARP and bridge host of the same MAC', () => {
    const d = only(
      observations({
        leases: [
          lease(A, '192.168.88.10', {
            hostname: 'laptop',
            comment: 'Alice',
            server: 'lan',
            expiresAfterSeconds: 1200,
            lastSeenAgoSeconds: 42,
          }),
        ],
        arp: [arp(A, '192.168.88.10', { interface: 'bridge1', status: 'stale' })],
        bridgeHosts: [bridgeHost(A, { port: 'ether5' })],
      }),
    );
    expect(d).toEqual({
      mac: A,
      ip: '192.168.88.10',
      hostname: 'laptop',
      leaseComment: 'Alice',
      lease: 'dynamic',
      leaseStatus: 'bound',
      leaseExpiresAt: T + 1200,
      leaseAddress: '192.168.88.10',
      dhcpServer: 'lan',
      interface: 'bridge1',
      arpStatus: 'stale',
      arpAddress: '192.168.88.10',
      bridgePort: 'ether5',
      sources: { dhcp: true, arp: true, bridge: true },
      // the bridge host is dynamic and non-local: seen at poll time, later than the lease's last-seen
      observedAt: T,
      conflicts: [],
    });
  });

  it('normalises MACs so rows in different spellings join', () => {
    const result = merge(
      observations({ leases: [lease('aa-bb-cc-00-00-01', '10.0.0.1')], arp: [arp('aabb.cc00.0001', '10.0.0.1')] }),
    );
    expect([...result.devices.keys()]).toEqual([A]);
    expect(result.devices.get(A)!.sources).toEqual({ dhcp: true, arp: true, bridge: false });
  });

  it('a lease alone, an ARP entry alone and a bridge host alone are each a device', () => {
    const result = merge(
      observations({ leases: [lease(A, '10.0.0.1')], arp: [arp(B, '10.0.0.2')], bridgeHosts: [bridgeHost(C)] }),
    );
    expect([...result.devices.keys()].sort()).toEqual([A, B, C]);
    expect(result.devices.get(A)!.lease).toBe('dynamic');
    expect(result.devices.get(B)!.lease).toBe('none');
    expect(result.devices.get(B)!.ip).toBe('10.0.0.2');
    expect(result.devices.get(C)!.ip).toBeNull();
    expect(result.devices.get(C)!.bridgePort).toBe('ether2');
  });

  it('incomplete ARP entries (no MAC), local bridge hosts and unparseable MACs are not devices', () => {
    const result = merge(
      observations({
        arp: [arp(null, '10.0.0.9', { status: 'failed' }), arp('not-a-mac', '10.0.0.8')],
        bridgeHosts: [bridgeHost(A, { local: true, dynamic: false })],
        leases: [lease('', '10.0.0.7')],
      }),
    );
    expect(result.devices.size).toBe(0);
  });

  it('disabled rows neither create devices nor claim addresses, but are counted as leases', () => {
    const result = merge(
      observations({
        leases: [lease(A, '10.0.0.1', { disabled: true, dynamic: false, status: 'waiting' })],
        arp: [arp(B, '10.0.0.1', { disabled: true })],
      }),
    );
    expect(result.devices.size).toBe(0);
    expect(result.conflictCount).toBe(0);
    expect(result.leasesByServerStatus).toEqual([{ server: 'dhcp1', status: 'waiting', count: 1 }]);
  });
});

describe('mergeObservations: which address is the ip', () => {
  it('prefers the current ARP address over a different lease address', () => {
    const d = only(observations({ leases: [lease(A, '10.0.0.5', { dynamic: false })], arp: [arp(A, '10.0.0.77')] }));
    expect(d.ip).toBe('10.0.0.77');
    expect(d.leaseAddress).toBe('10.0.0.5');
    expect(d.arpAddress).toBe('10.0.0.77');
  });

  it('prefers the lease address over a stale ARP address', () => {
    const d = only(observations({ leases: [lease(A, '10.0.0.5')], arp: [arp(A, '10.0.0.77', { status: 'stale' })] }));
    expect(d.ip).toBe('10.0.0.5');
  });

  it('falls back to a stale ARP address when there is no lease', () => {
    const d = only(observations({ arp: [arp(A, '10.0.0.77', { status: 'stale' })] }));
    expect(d.ip).toBe('10.0.0.77');
    expect(d.observedAt).toBeNull();
  });
});

describe('mergeObservations: leases', () => {
  it('static = non-dynamic lease; expiry only for bound leases', () => {
    const result = merge(
      observations({
        leases: [
          lease(A, '10.0.0.1', { dynamic: false, status: 'waiting', expiresAfterSeconds: null, lastSeenAgoSeconds: 86_400 }),
          lease(B, '10.0.0.2', { dynamic: false, status: 'bound', expiresAfterSeconds: 300 }),
          lease(C, '10.0.0.3', { status: 'offered', expiresAfterSeconds: 30 }),
        ],
      }),
    );
    const a = result.devices.get(A)!;
    expect([a.lease, a.leaseStatus, a.leaseExpiresAt, a.observedAt]).toEqual(['static', 'waiting', null, null]);
    const b = result.devices.get(B)!;
    expect([b.lease, b.leaseStatus, b.leaseExpiresAt, b.observedAt]).toEqual(['static', 'bound', T + 300, T]);
    const c = result.devices.get(C)!;
    expect([c.lease, c.leaseExpiresAt, c.observedAt]).toEqual(['dynamic', null, null]);
  });

  it('a bound lease is observed at poll time minus last-seen, or at poll time when last-seen is missing', () => {
    expect(only(observations({ leases: [lease(A, '10.0.0.1', { lastSeenAgoSeconds: 90 })] })).observedAt).toBe(T - 90);
    expect(only(observations({ leases: [lease(A, '10.0.0.1', { lastSeenAgoSeconds: null })] })).observedAt).toBe(T);
    // a router clock ahead of ours must not date an observation in the future
    expect(only(observations({ leases: [lease(A, '10.0.0.1', { lastSeenAgoSeconds: -30 })] })).observedAt).toBe(T);
  });

  it('with several leases for one MAC the bound one describes the device', () => {
    const d = only(
      observations({
        leases: [
          lease(A, '10.1.0.1', { server: 'guest', status: 'waiting', dynamic: false, expiresAfterSeconds: null }),
          lease(A, '10.2.0.1', { server: 'lan', status: 'bound', hostname: 'phone' }),
        ],
      }),
    );
    expect([d.dhcpServer, d.leaseAddress, d.hostname, d.ip]).toEqual(['lan', '10.2.0.1', 'phone', '10.2.0.1']);
  });

  it('counts every lease row by server and status, sorted', () => {
    const result = merge(
      observations({
        leases: [
          lease(A, '10.0.0.1', { server: 'lan' }),
          lease(B, '10.0.0.2', { server: 'lan' }),
          lease(C, '10.0.0.3', { server: 'lan', status: 'waiting', dynamic: false }),
          lease(A, '10.9.0.1', { server: 'guest' }),
          lease(B, '10.9.0.2', { server: null, status: 'offered' }),
        ],
      }),
    );
    expect(result.leasesByServerStatus).toEqual([
      { server: '', status: 'offered', count: 1 },
      { server: 'guest', status: 'bound', count: 1 },
      { server: 'lan', status: 'bound', count: 2 },
      { server: 'lan', status: 'waiting', count: 1 },
    ]);
  });
});

describe('mergeObservations: ARP and bridge presence rules', () => {
  it('an ARP entry counts when its status is in presence.arpStates', () => {
    for (const status of ['reachable', 'delay', 'probe']) {
      expect(only(observations({ arp: [arp(A, '10.0.0.1', { status })] })).observedAt).toBe(T);
    }
    for (const status of ['stale', 'failed', 'permanent', 'incomplete']) {
      expect(only(observations({ arp: [arp(A, '10.0.0.1', { status })] })).observedAt).toBeNull();
    }
    const custom = mergeObservations('home', observations({ arp: [arp(A, '10.0.0.1', { status: 'stale' })] }), T, {
      timeoutSeconds: 300,
      arpStates: ['stale'],
    });
    expect(custom.devices.get(A)!.observedAt).toBe(T);
  });

  it('without status (RouterOS < 7.14) only a complete, valid, dynamic entry counts', () => {
    const legacy = (extra: Partial<ArpObservation>) =>
      only(observations({ arp: [arp(A, '10.0.0.1', { status: null, ...extra })] })).observedAt;
    expect(legacy({})).toBe(T);
    expect(legacy({ complete: false })).toBeNull();
    expect(legacy({ invalid: true })).toBeNull();
    expect(legacy({ dynamic: false })).toBeNull();
  });

  it('a bridge host counts only when dynamic and not local', () => {
    expect(only(observations({ bridgeHosts: [bridgeHost(A)] })).observedAt).toBe(T);
    expect(only(observations({ bridgeHosts: [bridgeHost(A, { dynamic: false })] })).observedAt).toBeNull();
    expect(only(observations({ bridgeHosts: [bridgeHost(A, { external: true })] })).observedAt).toBe(T);
  });

  it('with several ARP rows for one MAC, the current one matching the lease is chosen', () => {
    const d = only(
      observations({
        leases: [lease(A, '10.0.0.2')],
        arp: [
          arp(A, '10.0.0.1', { status: 'stale', interface: 'vlan9' }),
          arp(A, '10.0.0.3', { interface: 'vlan3' }),
          arp(A, '10.0.0.2', { interface: 'vlan2' }),
        ],
      }),
    );
    expect([d.ip, d.arpAddress, d.interface, d.conflicts]).toEqual(['10.0.0.2', '10.0.0.2', 'vlan2', []]);
  });
});

describe('mergeObservations: conflicts', () => {
  it('an IP in a bound lease of one MAC and the current ARP entry of another is a conflict on both', () => {
    const result = merge(observations({ leases: [lease(A, '10.0.0.10')], arp: [arp(B, '10.0.0.10')] }));
    expect(result.conflictCount).toBe(1);
    expect(result.devices.get(A)!.conflicts).toEqual([`ip 10.0.0.10 also claimed by ${B}`]);
    expect(result.devices.get(B)!.conflicts).toEqual([`ip 10.0.0.10 also claimed by ${A}`]);
  });

  it('two ARP entries and three MACs on one IP: one conflicting IP, each device names the others', () => {
    const result = merge(
      observations({
        arp: [arp(C, '10.0.0.10', { interface: 'a' }), arp(A, '10.0.0.10', { interface: 'b' })],
        leases: [lease(B, '10.0.0.10')],
      }),
    );
    expect(result.conflictCount).toBe(1);
    expect(result.devices.get(A)!.conflicts).toEqual([`ip 10.0.0.10 also claimed by ${B}, ${C}`]);
    expect(result.devices.get(C)!.conflicts).toEqual([`ip 10.0.0.10 also claimed by ${A}, ${B}`]);
  });

  it('claims that are not current are not conflicts', () => {
    const result = merge(
      observations({
        leases: [lease(A, '10.0.0.10', { status: 'waiting', dynamic: false, expiresAfterSeconds: null })],
        arp: [arp(B, '10.0.0.10'), arp(C, '10.0.0.10', { status: 'stale', interface: 'x' })],
      }),
    );
    expect(result.conflictCount).toBe(0);
    for (const d of result.devices.values()) expect(d.conflicts).toEqual([]);
  });

  it('the same MAC claiming an IP twice is not a conflict', () => {
    const result = merge(
      observations({ leases: [lease(A, '10.0.0.10')], arp: [arp(A, '10.0.0.10'), arp(A, '10.0.0.10', { interface: 'x' })] }),
    );
    expect(result.conflictCount).toBe(0);
  });

  it('a bound or static lease whose address differs from the current ARP address is described, not counted', () => {
    const result = merge(
      observations({
        leases: [
          lease(A, '10.0.0.5'),
          lease(B, '10.0.0.6', { dynamic: false, status: 'waiting', expiresAfterSeconds: null }),
          lease(C, '10.0.0.7', { status: 'offered' }),
        ],
        arp: [arp(A, '10.0.0.50'), arp(B, '10.0.0.60'), arp(C, '10.0.0.70')],
      }),
    );
    expect(result.conflictCount).toBe(0);
    expect(result.devices.get(A)!.conflicts).toEqual(['lease address 10.0.0.5 differs from ARP address 10.0.0.50']);
    expect(result.devices.get(B)!.conflicts).toEqual(['lease address 10.0.0.6 differs from ARP address 10.0.0.60']);
    // a dynamic lease merely offered is a transient state, not a conflict
    expect(result.devices.get(C)!.conflicts).toEqual([]);
  });

  it('a thousand MACs on one IP stay linear and name at most five others each', () => {
    const macs = Array.from({ length: 1000 }, (_, i) =>
      `02:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase(),
    );
    const result = merge(observations({ arp: macs.map((mac, i) => arp(mac, '10.0.0.1', { interface: `i${i}` })) }));
    expect(result.conflictCount).toBe(1);
    const first = result.devices.get(macs[0]!)!.conflicts[0]!;
    expect(first).toBe(`ip 10.0.0.1 also claimed by ${macs.slice(1, 6).join(', ')} and 994 more`);
  });
});

// ---- properties -------------------------------------------------------------------------------

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'bound', 'waiting', 'reachable', 'stale', 'delay'));
const nullableText = fc.option(text, { nil: null });
const number = fc.option(fc.oneof(fc.double(), fc.integer({ min: -100, max: 100_000 })), { nil: null });
// Few distinct MACs (in several spellings) and few IPs, so joins and conflicts happen often.
const macText = fc.oneof(
  fc.constantFrom(A, B, C, 'aa:bb:cc:00:00:01', 'AABBCC000002', 'aa-bb-cc-00-00-03', 'garbage', ''),
  fc.string({ maxLength: 17 }),
);
const address = fc.oneof(fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', ''), fc.string({ maxLength: 8 }));

const leaseArb: fc.Arbitrary<LeaseObservation> = fc.record({
  mac: macText,
  address: fc.option(address, { nil: null }),
  hostname: nullableText,
  comment: nullableText,
  server: nullableText,
  status: text,
  dynamic: fc.boolean(),
  disabled: fc.boolean(),
  lastSeenAgoSeconds: number,
  expiresAfterSeconds: number,
});
const arpArb: fc.Arbitrary<ArpObservation> = fc.record({
  mac: fc.option(macText, { nil: null }),
  address,
  interface: nullableText,
  status: nullableText,
  dynamic: fc.boolean(),
  complete: fc.boolean(),
  invalid: fc.boolean(),
  disabled: fc.boolean(),
  comment: nullableText,
});
const bridgeArb: fc.Arbitrary<BridgeHostObservation> = fc.record({
  mac: macText,
  bridge: nullableText,
  port: nullableText,
  dynamic: fc.boolean(),
  local: fc.boolean(),
  external: fc.boolean(),
  vlanId: fc.option(fc.integer(), { nil: null }),
});
const obsArb = fc.record({
  leases: fc.array(leaseArb, { maxLength: 12 }),
  arp: fc.array(arpArb, { maxLength: 12 }),
  bridgeHosts: fc.array(bridgeArb, { maxLength: 12 }),
  system: fc.constant({ identity: null, version: null, board: null }),
  missingTables: fc.constant([] as string[]),
});
const arpStatesArb = fc.subarray(['reachable', 'delay', 'probe', 'stale', 'bound']);

describe('mergeObservations: properties', () => {
  it('never throws, and every eligible MAC appears exactly once, normalised', () => {
    fc.assert(
      fc.property(obsArb, arpStatesArb, fc.double({ min: 0, max: 2e9, noNaN: true }), (obs, arpStates, pollTime) => {
        const result = mergeObservations('r', obs, pollTime, { timeoutSeconds: 300, arpStates });
        const expected = new Set<string>();
        for (const l of obs.leases) if (!l.disabled && normalizeMac(l.mac)) expected.add(normalizeMac(l.mac)!);
        for (const a of obs.arp) if (!a.disabled && a.mac !== null && normalizeMac(a.mac)) expected.add(normalizeMac(a.mac)!);
        for (const h of obs.bridgeHosts) if (!h.local && normalizeMac(h.mac)) expected.add(normalizeMac(h.mac)!);
        expect(new Set(result.devices.keys())).toEqual(expected);
        for (const [mac, device] of result.devices) {
          expect(device.mac).toBe(mac);
          expect(mac).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/);
          if (device.observedAt !== null) expect(device.observedAt).toBeLessThanOrEqual(pollTime);
        }
        expect(result.leasesByServerStatus.reduce((sum, c) => sum + c.count, 0)).toBe(obs.leases.length);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same devices, facts, conflicts and lease counts as the merge that wrote scratch facts row by row', () => {
    fc.assert(
      fc.property(obsArb, arpStatesArb, fc.double({ min: 0, max: 2e9, noNaN: true }), (obs, arpStates, pollTime) => {
        const config = { timeoutSeconds: 300, arpStates };
        const result = mergeObservations('r', obs, pollTime, config);
        const reference = referenceMergeObservations('r', obs, pollTime, config);
        expect([...result.devices.entries()]).toEqual([...reference.devices.entries()]);
        expect(result.conflictCount).toBe(reference.conflictCount);
        expect(result.leasesByServerStatus).toEqual(reference.leasesByServerStatus);
      }),
      { numRuns: 2000 },
    );
  });

  it('the conflict count equals the IPs that more than one MAC currently claims, and each is on its devices', () => {
    fc.assert(
      fc.property(obsArb, arpStatesArb, (obs, arpStates) => {
        const result = mergeObservations('r', obs, T, { timeoutSeconds: 300, arpStates });
        // Independent, naive recount.
        const claims = new Map<string, Set<string>>();
        const add = (ip: string | null, mac: string | null) => {
          if (!ip || !mac) return;
          if (!claims.has(ip)) claims.set(ip, new Set());
          claims.get(ip)!.add(mac);
        };
        for (const l of obs.leases) if (!l.disabled && l.status === 'bound') add(l.address, normalizeMac(l.mac));
        for (const a of obs.arp) {
          if (a.disabled || a.mac === null) continue;
          const current = a.status !== null ? arpStates.includes(a.status) : a.complete && !a.invalid && a.dynamic;
          if (current) add(a.address, normalizeMac(a.mac));
        }
        const conflicting = [...claims].filter(([, macs]) => macs.size > 1);
        expect(result.conflictCount).toBe(conflicting.length);
        for (const [ip, macs] of conflicting) {
          for (const mac of macs) {
            expect(result.devices.get(mac)!.conflicts.some((c) => c.startsWith(`ip ${ip} also claimed by`))).toBe(true);
          }
        }
        const described = [...result.devices.values()].flatMap((d) => d.conflicts.filter((c) => c.startsWith('ip ')));
        expect(described.length).toBe(conflicting.reduce((sum, [, macs]) => sum + macs.size, 0));
      }),
      { numRuns: 500 },
    );
  });

  it('merging a large LAN gives one device per MAC with every source', () => {
    const result = merge(lan(5000));
    expect(result.devices.size).toBe(5000);
    expect(result.conflictCount).toBe(0);
    for (const d of result.devices.values()) {
      expect(d.sources).toEqual({ dhcp: true, arp: true, bridge: true });
      expect(d.observedAt).toBe(T);
    }
  });
});
