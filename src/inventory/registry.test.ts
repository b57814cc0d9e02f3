import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouterObservations } from '../routeros/observation-types.js';
import { mergeObservations } from './merge.js';
import { persistedStateSchema } from './persisted-state.js';
import { DeviceRegistry, type RegistryOptions } from './registry.js';
import { arp, bridgeHost, ipAt, lan, lease, macAt, observations, savedDevice } from './test-support.js';
import type { DeviceRecord } from './types.js';

const T = 1_700_000_000;
const DAY = 86_400;
// Globally administered (second digit 0): not randomised.
const A = 'D0:BB:CC:00:00:01';
const B = 'D0:BB:CC:00:00:02';
const C = 'D0:BB:CC:00:00:03';

function registry(extra: Partial<RegistryOptions> = {}): DeviceRegistry {
  return new DeviceRegistry({
    presence: { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] },
    retention: { forgetAfterDays: 30, maxDevicesPerRouter: 10_000 },
    watched: [],
    routers: ['home'],
    ...extra,
  });
}

function device(reg: DeviceRegistry, mac: string, router = 'home'): DeviceRecord {
  const found = reg.devices().find((d) => d.router === router && d.mac === mac);
  if (!found) throw new Error(`no device ${router}/${mac}`);
  return found;
}

const seenByArp = (mac: string, ip: string) => observations({ arp: [arp(mac, ip)] });

describe('DeviceRegistry: records', () => {
  it('builds the full record of a device from one poll', () => {
    const reg = registry();
    reg.applyPoll(
      'home',
      observations({
        leases: [
          lease(A, '192.168.88.10', {
            hostname: 'nas',
            comment: 'Storage',
            server: 'lan',
            lastSeenAgoSeconds: 20,
            expiresAfterSeconds: 900,
          }),
        ],
        arp: [arp(A, '192.168.88.10', { interface: 'bridge' })],
        bridgeHosts: [bridgeHost(A, { port: 'ether3' })],
      }),
      T,
    );
    expect(reg.devices()).toEqual([
      {
        router: 'home',
        mac: A,
        ip: '192.168.88.10',
        hostname: 'nas',
        name: 'Storage',
        interface: 'bridge',
        bridgePort: 'ether3',
        dhcpServer: 'lan',
        lease: 'dynamic',
        leaseStatus: 'bound',
        leaseExpiresAt: T + 900,
        randomized: false,
        watched: false,
        // the ARP entry is current: seen at poll time (later than the lease's last-seen)
        firstSeen: T,
        lastSeen: T,
        present: true,
        sources: { dhcp: true, arp: true, bridge: true },
        conflicts: [],
        arpStatus: 'reachable',
        arpAddress: '192.168.88.10',
        leaseAddress: '192.168.88.10',
        wifi: null,
        traffic: null,
        ipv6Addresses: [],
      },
    ]);
  });

  it('marks locally administered MACs as randomized', () => {
    const reg = registry();
    const macs = [
      '02:00:00:00:00:01',
      '16:00:00:00:00:01',
      'DA:00:00:00:00:01',
      'FE:00:00:00:00:01',
      '00:00:00:00:00:01',
      '0C:00:00:00:00:01',
    ];
    reg.applyPoll('home', observations({ bridgeHosts: macs.map((mac) => bridgeHost(mac)) }), T);
    expect(Object.fromEntries(reg.devices().map((d) => [d.mac, d.randomized]))).toEqual({
      '00:00:00:00:00:01': false,
      '02:00:00:00:00:01': true,
      '0C:00:00:00:00:01': false,
      '16:00:00:00:00:01': true,
      'DA:00:00:00:00:01': true,
      'FE:00:00:00:00:01': true,
    });
  });

  it('sorts by router then MAC, and the same MAC on two routers is two devices', () => {
    const reg = registry({ routers: ['office', 'home'] });
    reg.applyPoll('office', observations({ arp: [arp(B, '10.1.0.2'), arp(A, '10.1.0.1')] }), T);
    reg.applyPoll('home', observations({ arp: [arp(C, '10.0.0.3'), arp(A, '10.0.0.1')] }), T);
    expect(reg.devices().map((d) => `${d.router}/${d.mac}/${d.ip}`)).toEqual([
      `home/${A}/10.0.0.1`,
      `home/${C}/10.0.0.3`,
      `office/${A}/10.1.0.1`,
      `office/${B}/10.1.0.2`,
    ]);
    expect(reg.routerDevices('office').map((d) => d.mac)).toEqual([A, B]);
    expect(reg.routerDevices('nowhere')).toEqual([]);
  });

  it('a device listed but never seen has no first/last seen and is absent', () => {
    const reg = registry();
    reg.applyPoll(
      'home',
      observations({
        leases: [
          lease(A, '10.0.0.1', { dynamic: false, status: 'waiting', expiresAfterSeconds: null, lastSeenAgoSeconds: 3 * DAY }),
        ],
      }),
      T,
    );
    const d = device(reg, A);
    expect([d.firstSeen, d.lastSeen, d.present, d.lease, d.ip]).toEqual([null, null, false, 'static', '10.0.0.1']);
  });
});

describe('DeviceRegistry: first/last seen and presence', () => {
  it('last_seen never goes backwards and first_seen never moves later', () => {
    const reg = registry();
    reg.applyPoll('home', observations({ leases: [lease(A, '10.0.0.1', { lastSeenAgoSeconds: 10 })] }), T);
    expect([device(reg, A).firstSeen, device(reg, A).lastSeen]).toEqual([T - 10, T - 10]);
    // the next poll's lease says it was seen long ago: neither time may move the wrong way
    reg.applyPoll('home', observations({ leases: [lease(A, '10.0.0.1', { lastSeenAgoSeconds: 100 })] }), T + 15);
    expect([device(reg, A).firstSeen, device(reg, A).lastSeen]).toEqual([T - 85, T - 10]);
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 30);
    expect([device(reg, A).firstSeen, device(reg, A).lastSeen]).toEqual([T - 85, T + 30]);
    // a poll with a clock that stepped back still cannot pull last_seen back
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 20);
    expect(device(reg, A).lastSeen).toBe(T + 30);
  });

  it('present until timeoutSeconds after the last observation, absent after', () => {
    const reg = registry();
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T);
    const gone = observations({ arp: [arp(B, '10.0.0.2')] });
    reg.applyPoll('home', gone, T + 300);
    expect(device(reg, A).present).toBe(true);
    reg.applyPoll('home', gone, T + 301);
    expect(device(reg, A).present).toBe(false);
    expect(reg.routerSummary('home')).toMatchObject({ present: 1, absent: 1 });
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 400);
    expect(device(reg, A).present).toBe(true);
  });

  it('a stale ARP entry keeps the device listed but does not keep it present', () => {
    const reg = registry();
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T);
    reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1', { status: 'stale' })] }), T + 1000);
    const d = device(reg, A);
    expect([d.present, d.lastSeen, d.arpStatus, d.sources.arp]).toEqual([false, T, 'stale', true]);
  });

  it('during a router outage devices keep the values of the last good poll and never age into absent', () => {
    const reg = registry({ routers: ['home', 'office'] });
    reg.applyPoll(
      'home',
      observations({ arp: [arp(A, '10.0.0.1')], leases: [lease(B, '10.0.0.2', { lastSeenAgoSeconds: 200 })] }),
      T,
    );
    reg.applyPoll('office', seenByArp(C, '10.1.0.3'), T);
    const before = reg.routerDevices('home');
    const summaryBefore = reg.routerSummary('home');
    expect(before.map((d) => d.present)).toEqual([true, true]);
    // home fails for a day (no applyPoll); office keeps polling
    for (let t = T + 15; t < T + DAY; t += 3600) reg.applyPoll('office', seenByArp(C, '10.1.0.3'), t);
    expect(reg.routerDevices('home')).toEqual(before);
    expect(reg.routerSummary('home')).toEqual(summaryBefore);
    // recovery: A is back, B left during the outage
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + DAY);
    expect(device(reg, A).present).toBe(true);
    expect(device(reg, B).present).toBe(false);
    expect(device(reg, B).lastSeen).toBe(T - 200);
  });

  it('an unlisted device keeps its descriptive facts and loses its live ones', () => {
    const reg = registry();
    reg.applyPoll(
      'home',
      observations({
        leases: [lease(A, '10.0.0.1', { hostname: 'tv', comment: 'Living room' })],
        arp: [arp(A, '10.0.0.1', { interface: 'vlan10' }), arp(B, '10.0.0.1', { interface: 'vlan20' })],
        bridgeHosts: [bridgeHost(A, { port: 'wlan1' })],
      }),
      T,
    );
    expect(device(reg, A).conflicts).toHaveLength(1);
    reg.applyPoll('home', observations({ arp: [arp(B, '10.0.0.1', { interface: 'vlan20' })] }), T + 15);
    expect(device(reg, A)).toMatchObject({
      ip: '10.0.0.1',
      hostname: 'tv',
      name: 'Living room',
      interface: 'vlan10',
      bridgePort: 'wlan1',
      dhcpServer: 'dhcp1',
      lease: 'dynamic',
      leaseStatus: null,
      leaseExpiresAt: null,
      leaseAddress: null,
      arpAddress: null,
      arpStatus: null,
      sources: { dhcp: false, arp: false, bridge: false },
      conflicts: [],
      lastSeen: T,
      present: true,
    });
  });
});

describe('DeviceRegistry: watched devices', () => {
  const watched = [
    { mac: 'd0-bb-cc-00-00-01', name: 'nas', router: 'home' },
    { mac: 'd0bbcc000002', name: 'printer', router: 'home' },
  ];

  it('are exported before they are ever seen: absent, no times, configured name, MAC normalised', () => {
    const reg = registry({ watched });
    expect(reg.devices().map((d) => [d.mac, d.name, d.watched, d.present, d.firstSeen, d.lastSeen, d.lease])).toEqual([
      [A, 'nas', true, false, null, null, 'none'],
      [B, 'printer', true, false, null, null, 'none'],
    ]);
    expect(reg.routerSummary('home')).toMatchObject({ present: 0, absent: 2 });
    expect(reg.exportState(T).devices).toEqual([]);
  });

  it('keep the configured name over the lease comment once seen; unwatched devices use the comment', () => {
    const reg = registry({ watched });
    const changes = reg.applyPoll(
      'home',
      observations({ leases: [lease(A, '10.0.0.1', { comment: 'old nas' }), lease(C, '10.0.0.3', { comment: 'guest laptop' })] }),
      T,
    );
    expect(changes.newDevices.map((d) => d.mac)).toEqual([A, C]);
    expect([device(reg, A).name, device(reg, A).watched, device(reg, A).present]).toEqual(['nas', true, true]);
    expect([device(reg, C).name, device(reg, C).watched]).toEqual(['guest laptop', false]);
  });

  it('rejects a watched MAC that is not a MAC', () => {
    expect(() => registry({ watched: [{ mac: 'nope', name: 'x', router: 'home' }] })).toThrow(/invalid MAC/);
  });
});

describe('DeviceRegistry: changes to log', () => {
  it('reports a new device once, on the poll that first lists it', () => {
    const reg = registry();
    expect(reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T).newDevices.map((d) => d.mac)).toEqual([A]);
    expect(reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 15).newDevices).toEqual([]);
    expect(
      reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1'), arp(B, '10.0.0.2')] }), T + 30).newDevices.map((d) => d.mac),
    ).toEqual([B]);
  });

  it('reports each conflict change once: appears, unchanged, changes, resolves', () => {
    const reg = registry();
    const clash = observations({
      leases: [lease(A, '10.0.0.10')],
      arp: [arp(A, '10.0.0.10'), arp(B, '10.0.0.10', { interface: 'x' })],
    });
    let changes = reg.applyPoll('home', clash, T);
    expect(changes.conflictChanges).toEqual([
      { router: 'home', mac: A, previous: [], current: [`ip 10.0.0.10 also claimed by ${B}`] },
      { router: 'home', mac: B, previous: [], current: [`ip 10.0.0.10 also claimed by ${A}`] },
    ]);
    expect(reg.routerSummary('home').conflicts).toBe(1);
    expect(device(reg, B).conflicts).toEqual([`ip 10.0.0.10 also claimed by ${A}`]);

    expect(reg.applyPoll('home', clash, T + 15).conflictChanges).toEqual([]);

    const third = observations({ ...clash, bridgeHosts: [], arp: [...clash.arp, arp(C, '10.0.0.10', { interface: 'y' })] });
    changes = reg.applyPoll('home', third, T + 30);
    expect(changes.conflictChanges.map((c) => [c.mac, c.current])).toEqual([
      [A, [`ip 10.0.0.10 also claimed by ${B}, ${C}`]],
      [B, [`ip 10.0.0.10 also claimed by ${A}, ${C}`]],
      [C, [`ip 10.0.0.10 also claimed by ${A}, ${B}`]],
    ]);

    // B and C leave the tables: everyone's conflict resolves
    changes = reg.applyPoll('home', observations({ leases: [lease(A, '10.0.0.10')], arp: [arp(A, '10.0.0.10')] }), T + 45);
    expect(changes.conflictChanges.map((c) => [c.mac, c.current])).toEqual([
      [A, []],
      [B, []],
      [C, []],
    ]);
    expect(reg.routerSummary('home').conflicts).toBe(0);
    expect(reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.10')] }), T + 60).conflictChanges).toEqual([]);
  });
});

describe('DeviceRegistry: router summary', () => {
  it('counts present/absent (watched never-seen included), leases and conflicts of the last good poll', () => {
    const reg = registry({ watched: [{ mac: C, name: 'cam', router: 'home' }] });
    reg.applyPoll(
      'home',
      observations({
        leases: [
          lease(A, '10.0.0.1', { server: 'lan' }),
          lease(B, '10.0.0.1', { server: 'lan' }),
          lease('D0:BB:CC:00:00:09', '10.0.0.9', { server: 'lan', status: 'waiting', dynamic: false, lastSeenAgoSeconds: null }),
        ],
      }),
      T,
    );
    expect(reg.routerSummary('home')).toEqual({
      present: 2,
      absent: 2,
      conflicts: 1,
      leasesByServerStatus: [
        { server: 'lan', status: 'bound', count: 2 },
        { server: 'lan', status: 'waiting', count: 1 },
      ],
      droppedTotal: 0,
      forgottenTotal: 0,
    });
    expect(reg.routerSummary('unknown')).toEqual({
      present: 0,
      absent: 0,
      conflicts: 0,
      leasesByServerStatus: [],
      droppedTotal: 0,
      forgottenTotal: 0,
    });
  });
});

describe('DeviceRegistry: retention', () => {
  it('forgets unwatched devices unseen for longer than forgetAfterDays, never watched ones', () => {
    const reg = registry({
      retention: { forgetAfterDays: 2, maxDevicesPerRouter: 100 },
      watched: [{ mac: B, name: 'phone', router: 'home' }],
    });
    reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1'), arp(B, '10.0.0.2')] }), T);
    const empty = observations();
    expect(reg.applyPoll('home', empty, T + 2 * DAY).forgotten).toBe(0);
    const changes = reg.applyPoll('home', empty, T + 2 * DAY + 1);
    expect(changes.forgotten).toBe(1);
    expect(reg.devices().map((d) => d.mac)).toEqual([B]);
    expect(reg.routerSummary('home').forgottenTotal).toBe(1);
    // it comes back as a new device with a new history
    const back = reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 3 * DAY);
    expect(back.newDevices.map((d) => [d.mac, d.firstSeen])).toEqual([[A, T + 3 * DAY]]);
  });

  it('never forgets a device the current poll lists, even if it has not been seen for long', () => {
    const reg = registry({ retention: { forgetAfterDays: 1, maxDevicesPerRouter: 100 } });
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T);
    const stale = observations({ arp: [arp(A, '10.0.0.1', { status: 'stale' })] });
    expect(reg.applyPoll('home', stale, T + 5 * DAY).forgotten).toBe(0);
    expect(device(reg, A).lastSeen).toBe(T);
    expect(reg.applyPoll('home', observations(), T + 5 * DAY + 15).forgotten).toBe(1);
  });

  it('forgets a listed-but-never-seen device by the time it was last listed', () => {
    const reg = registry({ retention: { forgetAfterDays: 1, maxDevicesPerRouter: 100 } });
    reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1', { status: 'failed' })] }), T);
    reg.applyPoll('home', observations(), T + DAY);
    expect(reg.devices()).toHaveLength(1);
    expect(reg.applyPoll('home', observations(), T + DAY + 1).forgotten).toBe(1);
  });

  it('above maxDevicesPerRouter drops the longest-absent unwatched devices first and counts them', () => {
    const reg = registry({
      retention: { forgetAfterDays: 30, maxDevicesPerRouter: 3 },
      watched: [{ mac: macAt(0), name: 'oldest but watched', router: 'home' }],
    });
    for (let i = 0; i < 5; i++) reg.applyPoll('home', seenByArp(macAt(i), ipAt(i)), T + i * 1000);
    // 0 is watched; 1 and 2 were absent longest
    expect(reg.devices().map((d) => d.mac)).toEqual([macAt(0), macAt(3), macAt(4)]);
    expect(reg.routerSummary('home').droppedTotal).toBe(2);
  });

  it('drops unlisted devices before listed ones, never-seen before seen', () => {
    const reg = registry({ retention: { forgetAfterDays: 30, maxDevicesPerRouter: 2 } });
    reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1'), arp(B, '10.0.0.2', { status: 'failed' })] }), T);
    const changes = reg.applyPoll(
      'home',
      observations({ arp: [arp(C, '10.0.0.3'), arp(B, '10.0.0.2', { status: 'failed' })] }),
      T + 60,
    );
    // A (seen, unlisted) goes before B (never seen, but listed now)
    expect(changes.dropped).toBe(1);
    expect(reg.devices().map((d) => d.mac)).toEqual([B, C]);
  });

  it('keeps a LAN of randomised-MAC clients bounded over weeks (forgetting)', () => {
    const reg = registry({ retention: { forgetAfterDays: 3, maxDevicesPerRouter: 100_000 } });
    const perDay = 2000;
    const pollsPerDay = 48; // every 30 simulated minutes
    const stays = 4; // polls each client stays on the LAN
    let next = 0;
    let created = 0;
    let forgotten = 0;
    let max = 0;
    const online: number[][] = [];
    for (let day = 0; day < 21; day++) {
      for (let p = 0; p < pollsPerDay; p++) {
        const now = T + day * DAY + p * 1800;
        const arrivals: number[] = [];
        for (let k = 0; k < perDay / pollsPerDay; k++) arrivals.push(next++);
        online.push(arrivals);
        if (online.length > stays) online.shift();
        const here = online.flat();
        const obs: RouterObservations = observations({
          leases: here.map((n) => lease(macAt(n, 0x02 | ((n & 3) << 2)), ipAt(n % 60_000))),
          arp: here.map((n) => arp(macAt(n, 0x02 | ((n & 3) << 2)), ipAt(n % 60_000))),
        });
        const changes = reg.applyPoll('home', obs, now);
        created += changes.newDevices.length;
        forgotten += changes.forgotten;
        const summary = reg.routerSummary('home');
        max = Math.max(max, summary.present + summary.absent);
      }
    }
    const all = reg.devices();
    expect(all.every((d) => d.randomized)).toBe(true);
    expect(created).toBeGreaterThan(40_000);
    // never more than ~(forgetAfterDays + 1) days of clients
    expect(max).toBeLessThanOrEqual(perDay * 4 + 100);
    expect(all.length + forgotten).toBe(created);
    expect(reg.routerSummary('home').forgottenTotal).toBe(forgotten);
    expect(reg.exportState(T).devices.length).toBe(all.length);
  });

  it('keeps a LAN of randomised-MAC clients bounded by maxDevicesPerRouter, watched devices kept', () => {
    const watchedMac = macAt(999_999);
    const reg = registry({
      retention: { forgetAfterDays: 30, maxDevicesPerRouter: 500 },
      watched: [{ mac: watchedMac, name: 'nas', router: 'home' }],
    });
    let next = 0;
    let created = 0;
    for (let day = 0; day < 14; day++) {
      for (let p = 0; p < 24; p++) {
        const here = Array.from({ length: 125 }, () => next++); // 3000 new MACs a day
        const obs = observations({
          arp: [
            ...here.map((n) => arp(macAt(n, 0x06), ipAt(n % 60_000))),
            ...(day === 0 && p === 0 ? [arp(watchedMac, '10.9.9.9')] : []),
          ],
        });
        created += reg.applyPoll('home', obs, T + day * DAY + p * 3600).newDevices.length;
        expect(reg.devices().length).toBeLessThanOrEqual(500);
      }
    }
    const summary = reg.routerSummary('home');
    expect(reg.devices().length).toBe(500);
    expect(summary.droppedTotal).toBe(created - 500);
    expect(reg.devices().some((d) => d.mac === watchedMac && d.watched)).toBe(true);
    // survivors are the most recent arrivals
    expect(
      reg
        .devices()
        .filter((d) => !d.watched)
        .every((d) => d.lastSeen! >= T + 13 * DAY),
    ).toBe(true);
  });
});

describe('DeviceRegistry: state export/import', () => {
  it('a restart keeps first/last seen and descriptive facts, and presence while the router is still down', () => {
    const watched = [{ mac: C, name: 'cam', router: 'home' }];
    const before = registry({ watched });
    before.applyPoll(
      'home',
      observations({ leases: [lease(A, '10.0.0.1', { hostname: 'a', comment: 'Alpha' })], arp: [arp(A, '10.0.0.1')] }),
      T,
    );
    before.applyPoll('home', seenByArp(B, '10.0.0.2'), T + 100);
    const state = persistedStateSchema.parse(JSON.parse(JSON.stringify(before.exportState(T + 101))));
    expect(state.savedAt).toBe(T + 101);
    expect(state.routers).toEqual([{ name: 'home', lastGoodPollAt: T + 100 }]);

    const after = registry({ watched });
    after.importState(state);
    const records = after.devices();
    expect(records.map((d) => [d.mac, d.firstSeen, d.lastSeen, d.present, d.ip, d.hostname, d.name])).toEqual([
      [A, T, T, true, '10.0.0.1', 'a', 'Alpha'],
      [B, T + 100, T + 100, true, '10.0.0.2', null, null],
      [C, null, null, false, null, null, 'cam'],
    ]);
    expect(records[0]!.sources).toEqual({ dhcp: false, arp: false, bridge: false });

    // first poll after the restart: A is not new, its first_seen survives
    const changes = after.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 500);
    expect(changes.newDevices).toEqual([]);
    expect([device(after, A).firstSeen, device(after, A).lastSeen]).toEqual([T, T + 500]);
  });

  it('import merges monotonically and ignores routers no longer configured and bad MACs', () => {
    const reg = registry();
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 1000);
    reg.importState({
      version: 1,
      savedAt: T,
      routers: [
        { name: 'home', lastGoodPollAt: T },
        { name: 'gone', lastGoodPollAt: T },
      ],
      devices: [
        savedDevice(A, T, { firstSeen: T - 50, ip: '10.9.9.9', hostname: 'x' }),
        savedDevice(B, T, { router: 'gone' }),
        savedDevice('zz', T),
      ],
    });
    const d = device(reg, A);
    // earlier first_seen adopted, later last_seen and the live poll's facts kept
    expect([d.firstSeen, d.lastSeen, d.ip, d.present]).toEqual([T - 50, T + 1000, '10.0.0.1', true]);
    expect(reg.devices().map((x) => `${x.router}/${x.mac}`)).toEqual([`home/${A}`]);
  });

  it('import applies maxDevicesPerRouter', () => {
    const big = registry();
    big.applyPoll('home', lan(50), T);
    const small = registry({ retention: { forgetAfterDays: 30, maxDevicesPerRouter: 10 } });
    small.importState(big.exportState(T));
    expect(small.devices()).toHaveLength(10);
    expect(small.routerSummary('home').droppedTotal).toBe(40);
  });
});

describe('DeviceRegistry: record reuse', () => {
  it('returns the same record objects until something about them changes', () => {
    const reg = registry();
    reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1'), arp(B, '10.0.0.2')] }), T);
    const first = reg.devices();
    expect(reg.devices()[0]).toBe(first[0]);
    // B leaves the tables: its record changes once, then stays the same object while nothing changes
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 15);
    const second = reg.devices();
    expect(second[1]).not.toBe(first[1]);
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 30);
    const third = reg.devices();
    expect(third[1]).toBe(second[1]);
    expect(third[0]).not.toBe(second[0]); // A's last_seen moved
    // absent after the timeout: a new record with present false
    reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 400);
    expect(reg.devices()[1]!.present).toBe(false);
    // mutating the returned array does not corrupt the registry
    third.length = 0;
    expect(reg.devices()).toHaveLength(2);
  });

  it('handles a 10k-device LAN with every device present and no conflicts', () => {
    const reg = registry();
    reg.applyPoll('home', lan(10_000), T);
    reg.applyPoll('home', lan(10_000), T + 15);
    const all = reg.devices();
    expect(all).toHaveLength(10_000);
    expect(all.every((d) => d.present && d.lastSeen === T + 15 && d.firstSeen === T)).toBe(true);
    expect(reg.routerSummary('home')).toMatchObject({ present: 10_000, absent: 0, conflicts: 0 });
  });
});

describe('DeviceRegistry: properties', () => {
  const macPool = [A, B, C, macAt(1, 0x02), macAt(2), macAt(3, 0x06)];
  const ipPool = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
  const pollArb = fc.record({
    advance: fc.integer({ min: 1, max: 4 * DAY }),
    leases: fc.array(
      fc.record({
        mac: fc.constantFrom(...macPool),
        ip: fc.constantFrom(...ipPool),
        status: fc.constantFrom('bound', 'waiting', 'offered'),
        ago: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
      }),
      { maxLength: 4 },
    ),
    arp: fc.array(
      fc.record({
        mac: fc.constantFrom(...macPool),
        ip: fc.constantFrom(...ipPool),
        status: fc.constantFrom('reachable', 'stale', 'failed'),
      }),
      { maxLength: 4 },
    ),
    bridge: fc.array(fc.record({ mac: fc.constantFrom(...macPool), dynamic: fc.boolean() }), { maxLength: 3 }),
  });

  it('first/last seen are monotonic, presence follows the last good poll, the cap holds, watched devices stay', () => {
    fc.assert(
      fc.property(fc.array(pollArb, { minLength: 1, maxLength: 25 }), (polls) => {
        const reg = registry({
          retention: { forgetAfterDays: 3, maxDevicesPerRouter: 4 },
          watched: [{ mac: macAt(2), name: 'watched', router: 'home' }],
        });
        const history = new Map<string, { firstSeen: number | null; lastSeen: number | null }>();
        let now = T;
        for (const poll of polls) {
          now += poll.advance;
          reg.applyPoll(
            'home',
            observations({
              leases: poll.leases.map((l) => lease(l.mac, l.ip, { status: l.status, lastSeenAgoSeconds: l.ago })),
              arp: poll.arp.map((a) => arp(a.mac, a.ip, { status: a.status })),
              bridgeHosts: poll.bridge.map((b) => bridgeHost(b.mac, { dynamic: b.dynamic })),
            }),
            now,
          );
          const all = reg.devices();
          expect(all.filter((d) => !d.watched).length).toBeLessThanOrEqual(4);
          expect(all.some((d) => d.mac === macAt(2) && d.watched && d.name === 'watched')).toBe(true);
          expect(new Set(all.map((d) => d.mac)).size).toBe(all.length);
          for (const d of all) {
            const before = history.get(d.mac);
            if (before && d.firstSeen !== null && before.firstSeen !== null)
              expect(d.firstSeen).toBeLessThanOrEqual(before.firstSeen);
            if (before && d.lastSeen !== null && before.lastSeen !== null)
              expect(d.lastSeen).toBeGreaterThanOrEqual(before.lastSeen);
            if (d.firstSeen !== null) expect(d.firstSeen).toBeLessThanOrEqual(d.lastSeen!);
            expect(d.present).toBe(d.lastSeen !== null && now - d.lastSeen <= 300);
            expect(d.lastSeen === null || d.lastSeen <= now).toBe(true);
            history.set(d.mac, { firstSeen: d.firstSeen, lastSeen: d.lastSeen });
          }
          const summary = reg.routerSummary('home');
          expect(summary.present).toBe(all.filter((d) => d.present).length);
          expect(summary.absent).toBe(all.length - summary.present);
          // a forgotten or dropped device starts a new history
          for (const mac of [...history.keys()]) if (!all.some((d) => d.mac === mac)) history.delete(mac);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('DeviceRegistry: rows matched to devices by position', () => {
  // The registry remembers which device each row position named at the last poll
  // (routers list rows in a stable order); a row must still land on its own device
  // when rows move, MACs are spelled differently, or devices were dropped since.
  const macPool = [A, B, C, macAt(4), macAt(5), macAt(6, 0x02)];
  const spell = (mac: string, how: number): string =>
    how === 0 ? mac : how === 1 ? mac.toLowerCase() : mac.replaceAll(':', '-');
  const rowArb = fc.record({
    mac: fc.constantFrom(...macPool),
    spelling: fc.constantFrom(0, 0, 1, 2),
    ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'),
    host: fc.constantFrom('a', 'b', null),
  });
  const pollArb = fc.record({
    leases: fc.array(rowArb, { maxLength: 6 }),
    arp: fc.array(rowArb, { maxLength: 6 }),
    bridge: fc.array(rowArb, { maxLength: 6 }),
  });
  type Facts = Pick<
    DeviceRecord,
    | 'ip'
    | 'hostname'
    | 'interface'
    | 'bridgePort'
    | 'dhcpServer'
    | 'lease'
    | 'leaseStatus'
    | 'leaseAddress'
    | 'arpStatus'
    | 'arpAddress'
    | 'sources'
    | 'conflicts'
  >;
  const factsOf = (d: Facts) => ({
    ip: d.ip,
    hostname: d.hostname,
    interface: d.interface,
    bridgePort: d.bridgePort,
    dhcpServer: d.dhcpServer,
    lease: d.lease,
    leaseStatus: d.leaseStatus,
    leaseAddress: d.leaseAddress,
    arpStatus: d.arpStatus,
    arpAddress: d.arpAddress,
    sources: { ...d.sources },
    conflicts: d.conflicts,
  });

  it('gives every listed device exactly the facts a fresh merge of that poll gives', () => {
    fc.assert(
      fc.property(fc.array(pollArb, { minLength: 2, maxLength: 12 }), (polls) => {
        const presence = { timeoutSeconds: 300, arpStates: ['reachable'] };
        const reg = registry({ presence, retention: { forgetAfterDays: 30, maxDevicesPerRouter: 3 } });
        let now = T;
        for (const poll of polls) {
          now += 15;
          const obs = observations({
            leases: poll.leases.map((r) => lease(spell(r.mac, r.spelling), r.ip, { hostname: r.host })),
            arp: poll.arp.map((r) => arp(spell(r.mac, r.spelling), r.ip, { interface: r.host })),
            bridgeHosts: poll.bridge.map((r) => bridgeHost(spell(r.mac, r.spelling), { port: r.host })),
          });
          reg.applyPoll('home', obs, now);
          const fresh = mergeObservations('home', obs, now, presence).devices;
          const all = reg.devices();
          for (const d of all) {
            const expected = fresh.get(d.mac);
            if (expected === undefined) expect(d.sources).toEqual({ dhcp: false, arp: false, bridge: false });
            else expect(factsOf(d)).toEqual(factsOf(expected));
          }
          // The cap drops listed devices only when the poll lists more than it allows.
          if (fresh.size <= 3) for (const mac of fresh.keys()) expect(all.some((d) => d.mac === mac)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('finds a conflict on an address whose row positions outlived the sweep of unclaimed addresses', () => {
    const reg = registry();
    reg.applyPoll('home', lan(200), T);
    // Only one address is claimed: the other 199 are swept out of the claim table.
    reg.applyPoll('home', lan(1), T + 15);
    const again = lan(200);
    again.arp.push(arp(macAt(500), ipAt(5)));
    reg.applyPoll('home', again, T + 30);
    expect(reg.routerSummary('home').conflicts).toBe(1);
    expect(device(reg, macAt(500)).conflicts).toEqual([`ip ${ipAt(5)} also claimed by ${macAt(5)}`]);
  });
});

describe('DeviceRegistry: changes for the state journal', () => {
  it('hands over a new device once, in full; later polls only refresh its times', () => {
    const reg = registry();
    reg.applyPoll('home', seenByArp(A, '192.168.88.10'), T);
    const first = reg.drainStateChanges(false);
    expect(first.changed.map((d) => [d.mac, d.firstSeen, d.lastSeen, d.ip])).toEqual([[A, T, T, '192.168.88.10']]);
    expect(first.refreshed).toEqual([]);
    expect(first.routers).toEqual([]);
    expect(reg.drainStateChanges(false).changed).toEqual([]);

    reg.applyPoll('home', seenByArp(A, '192.168.88.10'), T + 5);
    expect(reg.drainStateChanges(false)).toEqual({ changed: [], refreshed: [], removed: [], routers: [] });
    reg.applyPoll('home', seenByArp(A, '192.168.88.10'), T + 10);
    expect(reg.drainStateChanges(true)).toEqual({
      changed: [],
      refreshed: [{ router: 'home', mac: A, lastSeen: T + 10, lastListedAt: T + 10 }],
      removed: [],
      routers: [{ name: 'home', lastGoodPollAt: T + 10 }],
    });
    expect(reg.drainStateChanges(true)).toEqual({ changed: [], refreshed: [], removed: [], routers: [] });
  });

  it('a kept fact that changes is a change; a live one (ARP status) is not', () => {
    const reg = registry();
    reg.applyPoll('home', seenByArp(A, '192.168.88.10'), T);
    reg.drainStateChanges(true);
    reg.applyPoll('home', observations({ arp: [arp(A, '192.168.88.10', { status: 'delay' })] }), T + 5);
    expect(reg.drainStateChanges(false).changed).toEqual([]);
    reg.applyPoll('home', seenByArp(A, '192.168.88.99'), T + 10);
    expect(reg.drainStateChanges(false).changed.map((d) => [d.mac, d.ip, d.firstSeen])).toEqual([[A, '192.168.88.99', T]]);
  });

  it('a device listed but not seen is handed over when listed, and again when first seen', () => {
    const reg = registry();
    reg.applyPoll(
      'home',
      observations({ leases: [lease(A, '192.168.88.10', { status: 'waiting', lastSeenAgoSeconds: null })] }),
      T,
    );
    expect(reg.drainStateChanges(false).changed.map((d) => [d.firstSeen, d.lastListedAt])).toEqual([[null, T]]);
    reg.applyPoll('home', seenByArp(A, '192.168.88.10'), T + 5);
    expect(reg.drainStateChanges(false).changed.map((d) => [d.firstSeen, d.lastSeen])).toEqual([[T + 5, T + 5]]);
  });

  it('forgotten and dropped devices are handed over as removed; watched devices never met are not history', () => {
    const reg = registry({
      retention: { forgetAfterDays: 1, maxDevicesPerRouter: 2 },
      watched: [{ mac: C, name: 'tv', router: 'home' }],
    });
    reg.applyPoll('home', seenByArp(A, '192.168.88.10'), T);
    expect(reg.drainStateChanges(true).changed.map((d) => d.mac)).toEqual([A]);
    reg.applyPoll('home', seenByArp(B, '192.168.88.11'), T + 2 * DAY);
    const changes = reg.drainStateChanges(true);
    expect(changes.removed).toEqual([{ router: 'home', mac: A }]);
    expect(changes.changed.map((d) => d.mac)).toEqual([B]);
  });

  it('replaying every drain onto the last export reproduces the next export', () => {
    const reg = registry({ retention: { forgetAfterDays: 1, maxDevicesPerRouter: 40 } });
    const model = new Map<string, Record<string, unknown>>();
    const key = (router: string, mac: string) => `${router} ${mac}`;
    let now = T;
    for (let round = 0; round < 60; round++) {
      now += round % 10 === 9 ? DAY / 2 : 5;
      // A moving window of devices, some with changing addresses.
      const rows = lan(30, 0x00, round % 17);
      for (const row of rows.leases) if (round % 4 === 0) row.address = ipAt(round);
      reg.applyPoll('home', rows, now);
      const changes = reg.drainStateChanges(round % 3 === 0);
      for (const gone of changes.removed) model.delete(key(gone.router, gone.mac));
      for (const device of changes.changed) model.set(key(device.router, device.mac), { ...device });
      for (const device of changes.refreshed) {
        const known = model.get(key(device.router, device.mac))!;
        expect(known, device.mac).toBeDefined();
        known.lastSeen = device.lastSeen;
        known.lastListedAt = device.lastListedAt;
      }
    }
    const last = reg.drainStateChanges(true);
    for (const device of last.changed) model.set(key(device.router, device.mac), { ...device });
    for (const device of last.refreshed) Object.assign(model.get(key(device.router, device.mac))!, device);
    for (const gone of last.removed) model.delete(key(gone.router, gone.mac));
    const exported = reg.exportState(now).devices;
    expect(exported.length).toBeGreaterThan(20);
    expect([...model.values()].sort((a, b) => String(a.mac).localeCompare(String(b.mac)))).toEqual(exported);
  });
});

describe('DeviceRegistry: times from the future', () => {
  const YEAR = 365 * DAY;
  const saved = (
    devices: Array<{ mac: string; firstSeen: number | null; lastSeen: number | null; lastListedAt: number | null }>,
  ) =>
    persistedStateSchema.parse({
      version: 1,
      savedAt: T + YEAR,
      routers: [{ name: 'home', lastGoodPollAt: T + YEAR }],
      devices: devices.map((d) => ({ router: 'home', ip: '10.0.0.9', ...d })),
    });

  it('on import drops future first/last seen, clamps listing and last good poll to now, and counts them', () => {
    const reg = registry();
    const report = reg.importState(
      saved([
        { mac: A, firstSeen: T + YEAR, lastSeen: T + YEAR, lastListedAt: T + YEAR },
        { mac: B, firstSeen: T - 100, lastSeen: T + YEAR, lastListedAt: T + YEAR },
        // within the tolerance: believed as it is
        { mac: C, firstSeen: T - 100, lastSeen: T + 30, lastListedAt: T + 30 },
      ]),
      T,
    );
    expect(report).toEqual({ futureTimestamps: { devices: 2, routers: 1 } });
    expect(reg.devices().map((d) => [d.mac, d.firstSeen, d.lastSeen, d.present])).toEqual([
      [A, null, null, false],
      // the last sighting still believed is the first one, 100 s before the router's (clamped) last good poll
      [B, T - 100, T - 100, true],
      [C, T - 100, T + 30, true],
    ]);
    expect(reg.exportState(T).routers).toEqual([{ name: 'home', lastGoodPollAt: T }]);
    expect(reg.exportState(T).devices.map((d) => d.lastListedAt)).toEqual([T, T, T + 30]);
    // the state file still holds the future times: they are changes to write
    const changes0 = reg.drainStateChanges(true);
    expect(changes0.changed.map((d) => [d.mac, d.firstSeen, d.lastSeen])).toEqual([
      [A, null, null],
      [B, T - 100, T - 100],
    ]);
    expect(changes0.routers).toEqual([{ name: 'home', lastGoodPollAt: T }]);

    // The next poll lists only C: A and B are absent, nobody is new, nothing lies after the poll.
    const changes = reg.applyPoll('home', seenByArp(C, '10.0.0.3'), T + 400);
    expect(changes.newDevices).toEqual([]);
    expect(changes.futureTimestamps).toBe(0);
    expect(reg.devices().map((d) => [d.mac, d.present])).toEqual([
      [A, false],
      [B, false],
      [C, true],
    ]);
    for (const d of reg.devices()) {
      expect(d.firstSeen === null || d.firstSeen <= T + 400).toBe(true);
      expect(d.lastSeen === null || d.lastSeen <= T + 400).toBe(true);
    }
  });

  it('a device whose future first-seen was dropped takes its first sighting from the next poll that sees it, not as new', () => {
    const reg = registry();
    reg.importState(saved([{ mac: A, firstSeen: T + YEAR, lastSeen: T + YEAR, lastListedAt: T + YEAR }]), T);
    const changes = reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 15);
    expect(changes.newDevices).toEqual([]);
    expect([device(reg, A).firstSeen, device(reg, A).lastSeen, device(reg, A).present]).toEqual([T + 15, T + 15, true]);
  });

  it('when the clock goes back between polls, the next poll drops the times it now finds in the future', () => {
    const reg = registry();
    reg.applyPoll('home', observations({ arp: [arp(A, '10.0.0.1'), arp(B, '10.0.0.2')] }), T + YEAR);
    expect(reg.routerSummary('home').present).toBe(2);
    // NTP corrects the clock: B has left meanwhile
    const changes = reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T);
    expect(changes.futureTimestamps).toBe(3); // A, B and the router's last good poll
    expect(reg.devices().map((d) => [d.mac, d.firstSeen, d.lastSeen, d.present])).toEqual([
      [A, T, T, true],
      [B, null, null, false],
    ]);
    expect(changes.newDevices).toEqual([]);
    // said once: the following poll has nothing more to drop
    expect(reg.applyPoll('home', seenByArp(A, '10.0.0.1'), T + 15).futureTimestamps).toBe(0);
  });

  it('never leaves a time after the poll, whatever the clock does between polls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: -2 * YEAR, max: 2 * YEAR }), macs: fc.subarray([A, B, C]) }), {
          minLength: 1,
          maxLength: 12,
        }),
        (polls) => {
          const reg = registry();
          const sightings = new Map<string, number[]>();
          for (const poll of polls) {
            const now = T + poll.at;
            reg.applyPoll('home', observations({ arp: poll.macs.map((mac, i) => arp(mac, `10.0.0.${i + 1}`)) }), now);
            for (const mac of poll.macs) sightings.set(mac, [...(sightings.get(mac) ?? []), now]);
            for (const d of reg.devices()) {
              expect(d.firstSeen === null || d.firstSeen <= now + 60).toBe(true);
              expect(d.lastSeen === null || d.lastSeen <= now + 60).toBe(true);
              // present only through a sighting within the timeout of this poll, never through one after it (beyond the tolerance)
              if (d.present) expect(sightings.get(d.mac)!.some((at) => at <= now + 60 && now - at <= 300)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('DeviceRegistry: memory', () => {
  /** How many strings in this process's heap hold `text` (a heap snapshot collects garbage first). */
  async function stringsHolding(text: string): Promise<number> {
    const { getHeapSnapshot } = await import('node:v8');
    const chunks: string[] = [];
    for await (const chunk of getHeapSnapshot()) chunks.push(String(chunk));
    const snapshot = JSON.parse(chunks.join('')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    const fields = snapshot.snapshot.meta.node_fields;
    const typeNames = snapshot.snapshot.meta.node_types[0];
    const stringTypes = new Set(['string', 'concatenated string', 'sliced string'].map((name) => typeNames.indexOf(name)));
    const wanted = snapshot.strings.indexOf(text);
    let count = 0;
    for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
      if (stringTypes.has(snapshot.nodes[i]!) && snapshot.nodes[i + 1] === wanted) count++;
    }
    return count;
  }

  it("holds one string per MAC: a poll's lease, ARP and bridge rows are given their device's own", async () => {
    // Each call makes a new string in the heap, as decoding three rows of a reply does.
    const mac = () => ['D0', 'BB', 'CC', '7E', '57', '01'].join(':');
    const reg = registry();
    const polled = observations({
      leases: [lease(mac(), '10.0.0.7')],
      arp: [arp(mac(), '10.0.0.7')],
      bridgeHosts: [bridgeHost(mac())],
    });
    reg.applyPoll('home', polled, T);
    const needle = mac();
    // The device's string (its entry, its facts, its address claim) and the needle: the rows hold no copy of their own.
    expect(await stringsHolding(needle)).toBe(2);
    expect([polled.leases[0]!.mac, polled.arp[0]!.mac, polled.bridgeHosts[0]!.mac]).toEqual([needle, needle, needle]);
    expect(reg.routerSummary('home').present).toBe(1);
  }, 60_000);
});
