import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapArp, mapBridgeHosts, mapIdentity, mapLeases, PROPLISTS } from './observations.js';

// Rows as RouterOS 7 prints them (attribute spellings per terraform-provider-routeros
// datasources sampled from 7.x and the RouterOS manual).
const boundDynamic = {
  '.id': '*1A',
  address: '192.168.88.23',
  'mac-address': 'f0:9f:c2:11:22:33',
  'client-id': '1:f0:9f:c2:11:22:33',
  'address-lists': '',
  server: 'defconf',
  'dhcp-option': '',
  status: 'bound',
  'expires-after': '9m37s',
  'last-seen': '23s',
  'active-address': '192.168.88.23',
  'active-mac-address': 'F0:9F:C2:11:22:33',
  'active-client-id': '1:f0:9f:c2:11:22:33',
  'active-server': 'defconf',
  'host-name': 'laptop',
  radius: 'false',
  dynamic: 'true',
  blocked: 'false',
  disabled: 'false',
};

describe('mapLeases', () => {
  it('maps a bound dynamic lease', () => {
    const { observations, rejected } = mapLeases([boundDynamic]);
    expect(rejected).toBe(0);
    expect(observations).toEqual([
      {
        mac: 'F0:9F:C2:11:22:33',
        address: '192.168.88.23',
        hostname: 'laptop',
        comment: null,
        server: 'defconf',
        status: 'bound',
        dynamic: true,
        disabled: false,
        lastSeenAgoSeconds: 23,
        expiresAfterSeconds: 577,
      },
    ]);
  });

  it('a bound static lease reports where the client is, and the real server', () => {
    const [lease] = mapLeases([
      {
        address: '192.168.88.200',
        'mac-address': 'AA:BB:CC:00:00:01',
        server: 'all',
        status: 'bound',
        'active-address': '192.168.88.201',
        'active-server': 'lan',
        'last-seen': '1m',
        'expires-after': '1d',
        comment: 'NAS\nin the attic',
        dynamic: 'false',
      },
    ]).observations;
    expect(lease).toMatchObject({ address: '192.168.88.201', server: 'lan', dynamic: false, comment: 'NAS in the attic' });
  });

  it('a waiting static lease: the reservation, never seen, no expiry', () => {
    const [lease] = mapLeases([
      {
        address: '192.168.88.50',
        'mac-address': '00-11-22-33-44-55',
        server: 'defconf',
        status: 'waiting',
        'last-seen': 'never',
        dynamic: 'false',
        disabled: 'false',
      },
    ]).observations;
    expect(lease).toMatchObject({
      mac: '00:11:22:33:44:55',
      address: '192.168.88.50',
      status: 'waiting',
      lastSeenAgoSeconds: null,
      expiresAfterSeconds: null,
    });
  });

  it('falls back to active-mac-address; rejects and counts rows with no usable MAC', () => {
    const result = mapLeases([
      { ...boundDynamic, 'mac-address': '', 'active-mac-address': 'aabb.ccdd.eeff' },
      { ...boundDynamic, 'mac-address': 'garbage', 'active-mac-address': undefined as unknown as string },
      { ...boundDynamic, 'mac-address': '00:00:00:00:00:00', 'active-mac-address': '' },
      'not a row',
      null,
    ]);
    expect(result.observations.map((lease) => lease.mac)).toEqual(['AA:BB:CC:DD:EE:FF']);
    expect(result.rejected).toBe(4);
  });

  it('a pool name instead of an address gives null, unknown values give defaults', () => {
    const [lease] = mapLeases([
      {
        'mac-address': 'AA:BB:CC:DD:EE:01',
        address: 'dhcp_pool1',
        status: 'offered',
        dynamic: 'sometimes',
        'last-seen': 'yesterday',
      },
    ]).observations;
    expect(lease).toMatchObject({ address: null, dynamic: false, lastSeenAgoSeconds: null, status: 'offered' });
    const [noStatus] = mapLeases([{ 'mac-address': 'AA:BB:CC:DD:EE:02' }]).observations;
    expect(noStatus?.status).toBe('unknown');
  });

  it('hostile host names are sanitised and capped', () => {
    const [lease] = mapLeases([{ ...boundDynamic, 'host-name': `a"b\\c}\u0000\n${'x'.repeat(70_000)}` }]).observations;
    expect(lease?.hostname?.startsWith('a"b\\c} x')).toBe(true);
    expect(lease?.hostname).toHaveLength(253);
  });
});

describe('mapArp', () => {
  it('RouterOS 7.14+ entry with status', () => {
    const { observations } = mapArp([
      {
        '.id': '*3',
        address: '192.168.88.23',
        'mac-address': 'F0:9F:C2:11:22:33',
        interface: 'bridge',
        status: 'reachable',
        DHCP: 'true',
        dynamic: 'true',
        complete: 'true',
        invalid: 'false',
        published: 'false',
        disabled: 'false',
      },
    ]);
    expect(observations).toEqual([
      {
        mac: 'F0:9F:C2:11:22:33',
        address: '192.168.88.23',
        interface: 'bridge',
        status: 'reachable',
        dynamic: true,
        complete: true,
        invalid: false,
        disabled: false,
        comment: null,
      },
    ]);
  });

  it('pre-7.14 entry has no status; complete is taken from the router', () => {
    const [entry] = mapArp([
      { address: '10.0.0.2', 'mac-address': '00:11:22:33:44:55', interface: 'ether2', dynamic: 'true', complete: 'false' },
    ]).observations;
    expect(entry).toMatchObject({ status: null, complete: false });
  });

  it('unresolved entries stay (mac null, incomplete); invalid MAC text or address rejects', () => {
    const result = mapArp([
      { address: '192.168.88.99', interface: 'bridge', status: 'failed', dynamic: 'true' },
      { address: '192.168.88.98', 'mac-address': 'zz:zz', interface: 'bridge' },
      { 'mac-address': '00:11:22:33:44:55', interface: 'bridge' },
      { address: 'not-an-ip', 'mac-address': '00:11:22:33:44:55' },
      { address: 'fe80::1', 'mac-address': '00:11:22:33:44:56' },
    ]);
    expect(result.observations).toHaveLength(2);
    expect(result.observations[0]).toMatchObject({ mac: null, complete: false, status: 'failed' });
    expect(result.observations[1]).toMatchObject({ address: 'fe80::1', mac: '00:11:22:33:44:56', complete: true });
    expect(result.rejected).toBe(3);
  });
});

describe('mapBridgeHosts', () => {
  it('port from `interface` (v7) or `on-interface` (v6); vid only when a real VLAN id', () => {
    const result = mapBridgeHosts([
      {
        'mac-address': 'F0:9F:C2:11:22:33',
        bridge: 'bridge',
        interface: 'ether3',
        vid: '10',
        dynamic: 'true',
        local: 'false',
        external: 'false',
      },
      { 'mac-address': 'f0:9f:c2:11:22:34', bridge: 'bridge', 'on-interface': 'wlan1', vid: '5000', dynamic: 'true' },
      { 'mac-address': '', bridge: 'bridge', interface: 'ether4' },
    ]);
    expect(result.rejected).toBe(1);
    expect(result.observations).toEqual([
      { mac: 'F0:9F:C2:11:22:33', bridge: 'bridge', port: 'ether3', dynamic: true, local: false, external: false, vlanId: 10 },
      { mac: 'F0:9F:C2:11:22:34', bridge: 'bridge', port: 'wlan1', dynamic: true, local: false, external: false, vlanId: null },
    ]);
  });
});

describe('mapIdentity', () => {
  it('identity, version and board from their tables; missing tables give nulls', () => {
    expect(
      mapIdentity([{ name: 'core-router' }], [{ version: '7.18.2 (stable)', 'board-name': 'RB5009UG+S+', uptime: '1w' }]),
    ).toEqual({
      identity: 'core-router',
      version: '7.18.2 (stable)',
      board: 'RB5009UG+S+',
    });
    expect(mapIdentity([], [])).toEqual({ identity: null, version: null, board: null });
  });
});

describe('never throws on hostile rows', () => {
  const hostileValue = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom('', 'never', 'true', 'yes', '00:00:00:00:00:00', 'aa-bb-cc-dd-ee-ff', '192.168.1.1', '::1', '1w2d'),
    fc.anything(),
  );
  // Every attribute a poll asks for, plus names that are dangerous as object keys.
  const keys = fc.constantFrom(...new Set(Object.values(PROPLISTS).flat()), '__proto__', 'constructor');
  const row = fc.dictionary(keys, hostileValue);
  const rows = fc.array(fc.oneof(row, fc.anything()), { maxLength: 20 });

  it('every row is either an observation or counted as rejected', () => {
    fc.assert(
      fc.property(rows, (input) => {
        for (const map of [mapLeases, mapArp, mapBridgeHosts]) {
          const result = map(input as never);
          expect(result.observations.length + result.rejected).toBe(input.length);
        }
        mapIdentity(input, input);
      }),
      { numRuns: 1000 },
    );
  });
});
