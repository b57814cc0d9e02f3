import { describe, expect, it } from 'vitest';
import type { WifiClientObservation } from '../routeros/depth-observations.js';
import type { DepthObservations } from '../routeros/depth-sources.js';
import { DeviceRegistry } from './registry.js';
import { arp, bridgeHost, observations } from './test-support.js';
import type { DeviceRecord } from './types.js';

const T = 1_700_000_000;
const PHONE = 'D0:BB:CC:00:00:01';
const CAMERA = 'D0:BB:CC:00:00:02';
const SENSOR = 'D0:BB:CC:00:00:03';
const LAPTOP = 'D0:BB:CC:00:00:04';
const GATEWAY_PORT = 'D0:BB:CC:00:00:FE';

function registry(): DeviceRegistry {
  return new DeviceRegistry({
    presence: { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] },
    retention: { forgetAfterDays: 30, maxDevicesPerRouter: 10_000 },
    routers: ['gw', 'ap1', 'ap2'],
    gateways: new Map([
      ['ap1', 'gw'],
      ['ap2', 'gw'],
    ]),
  });
}

function client(mac: string, extra: Partial<WifiClientObservation> = {}): WifiClientObservation {
  return {
    mac,
    table: 'wifi',
    interface: 'wifi1',
    ssid: 'Home',
    band: '5ghz-ax',
    signalDbm: -60,
    txRateBps: 866_600_000,
    rxRateBps: 6_000_000,
    uptimeSeconds: 100,
    bytesToClient: 1000,
    bytesFromClient: 500,
    ...extra,
  };
}

function depth(parts: Partial<DepthObservations>): DepthObservations {
  const off = { available: false, rows: 0 };
  return {
    wifi: [],
    kidControl: [],
    ipv6Neighbors: [],
    pools: null,
    sources: { wifi: off, traffic: off, ipv6: off, pools: off },
    rejectedRows: 0,
    ...parts,
  };
}

function device(reg: DeviceRegistry, mac: string): DeviceRecord | undefined {
  return reg.routerDevices('gw').find((d) => d.mac === mac);
}

describe('device depth in the registry', () => {
  it("an access point's Wi-Fi clients and bridge hosts join the gateway's devices; the AP has none of its own", () => {
    const reg = registry();
    reg.applyPoll(
      'ap1',
      observations({
        bridgeHosts: [bridgeHost(CAMERA, { port: 'wlan1' }), bridgeHost(GATEWAY_PORT, { port: 'ether1' })],
        depth: depth({ wifi: [client(CAMERA, { signalDbm: -67, uptimeSeconds: 3723 })] }),
      }),
      T,
    );
    expect(reg.routerDevices('ap1')).toEqual([]);
    const changes = reg.applyPoll(
      'gw',
      observations({ arp: [arp(PHONE, '192.168.88.10')], bridgeHosts: [bridgeHost(GATEWAY_PORT, { local: true })] }),
      T + 5,
    );
    expect(changes.newDevices.map((d) => d.mac).sort()).toEqual([PHONE, CAMERA]);
    const camera = device(reg, CAMERA)!;
    expect(camera).toMatchObject({ router: 'gw', present: true, lastSeen: T, firstSeen: T, ip: null });
    expect(camera.wifi).toEqual({
      ap: 'ap1',
      interface: 'wifi1',
      ssid: 'Home',
      band: '5ghz-ax',
      signalDbm: -67,
      txRateBps: 866_600_000,
      rxRateBps: 6_000_000,
      connectedSince: T - 3723,
    });
    expect(camera.traffic).toEqual({ source: 'wifi', bytesDown: 1000, bytesUp: 500, rateDownBps: null, rateUpBps: null });
    expect(device(reg, GATEWAY_PORT)).toBeUndefined(); // the gateway's own port, learned by the AP on its uplink
  });

  it('an IPv6-only device is a device; a stale neighbour lists it without seeing it', () => {
    const reg = registry();
    const neighbor = (status: string, address: string) => ({ mac: SENSOR, address, interface: 'bridge', status });
    reg.applyPoll('gw', observations({ depth: depth({ ipv6Neighbors: [neighbor('reachable', 'fe80::1')] }) }), T);
    expect(device(reg, SENSOR)).toMatchObject({ present: true, lastSeen: T, ipv6Addresses: ['fe80::1'] });
    reg.applyPoll(
      'gw',
      observations({ depth: depth({ ipv6Neighbors: [neighbor('stale', 'fe80::1'), neighbor('stale', '2001:db8::1')] }) }),
      T + 60,
    );
    expect(device(reg, SENSOR)).toMatchObject({ lastSeen: T, ipv6Addresses: ['2001:db8::1', 'fe80::1'] });
  });

  it('roaming between access points changes only the Wi-Fi facts', () => {
    const reg = registry();
    reg.applyPoll('ap1', observations({ depth: depth({ wifi: [client(PHONE, { signalDbm: -70 })] }) }), T);
    reg.applyPoll('gw', observations({ arp: [arp(PHONE, '192.168.88.10')] }), T + 1);
    expect(device(reg, PHONE)!.wifi).toMatchObject({ ap: 'ap1', signalDbm: -70 });
    // The phone roams: ap2 lists it, ap1 still does in its older poll.
    reg.applyPoll(
      'ap2',
      observations({ depth: depth({ wifi: [client(PHONE, { signalDbm: -52, interface: 'wifi2' })] }) }),
      T + 10,
    );
    reg.applyPoll('gw', observations({ arp: [arp(PHONE, '192.168.88.10')] }), T + 11);
    const roamed = device(reg, PHONE)!;
    expect(roamed.wifi).toMatchObject({ ap: 'ap2', interface: 'wifi2', signalDbm: -52 });
    expect(roamed).toMatchObject({ router: 'gw', ip: '192.168.88.10', firstSeen: T, lastSeen: T + 11 });
  });

  it('an access point that is down freezes its contribution: its clients stay present', () => {
    const reg = registry();
    reg.applyPoll('ap1', observations({ depth: depth({ wifi: [client(CAMERA)] }) }), T);
    reg.applyPoll('gw', observations(), T + 1);
    // ap1 stops answering; the gateway keeps polling for an hour.
    for (let t = T + 60; t <= T + 3600; t += 60) reg.applyPoll('gw', observations(), t);
    expect(device(reg, CAMERA)).toMatchObject({ present: true, lastSeen: T, wifi: { ap: 'ap1' } });
    expect(reg.routerSummary('gw')).toMatchObject({ present: 1, absent: 0 });
    // Back, without the camera: it is no longer listed, its Wi-Fi facts go, and it ages normally.
    reg.applyPoll('ap1', observations(), T + 3700);
    reg.applyPoll('gw', observations(), T + 3701);
    expect(device(reg, CAMERA)).toMatchObject({ present: false, wifi: null, traffic: null });
  });

  it('traffic: kid control where it has the device, else Wi-Fi; the first source is kept', () => {
    const reg = registry();
    const kid = (mac: string, down: number) => ({ mac, bytesDown: down, bytesUp: 7, rateDownBps: 1_200_000, rateUpBps: 96_000 });
    reg.applyPoll(
      'gw',
      observations({
        arp: [arp(PHONE, '192.168.88.10'), arp(LAPTOP, '192.168.88.11')],
        depth: depth({
          wifi: [client(PHONE, { bytesToClient: 10_000 }), client(LAPTOP, { bytesToClient: 800 })],
          kidControl: [kid(PHONE, 5_000_000), kid(SENSOR, 1)],
        }),
      }),
      T,
    );
    expect(device(reg, PHONE)!.traffic).toEqual({
      source: 'kid-control',
      bytesDown: 5_000_000,
      bytesUp: 7,
      rateDownBps: 1_200_000,
      rateUpBps: 96_000,
    });
    expect(device(reg, LAPTOP)!.traffic).toMatchObject({ source: 'wifi', bytesDown: 800 });
    expect(device(reg, SENSOR)).toBeUndefined(); // kid control alone makes no device
    // The laptop joins kid control later: it stays on Wi-Fi counters (no jump backwards), with a rate now.
    reg.applyPoll(
      'gw',
      observations({
        arp: [arp(PHONE, '192.168.88.10'), arp(LAPTOP, '192.168.88.11')],
        depth: depth({ wifi: [client(LAPTOP, { bytesToClient: 10_800, bytesFromClient: 1500 })], kidControl: [kid(LAPTOP, 1)] }),
      }),
      T + 10,
    );
    expect(device(reg, LAPTOP)!.traffic).toEqual({
      source: 'wifi',
      bytesDown: 10_800,
      bytesUp: 1500,
      rateDownBps: 8000,
      rateUpBps: 800,
    });
    // The phone left kid control: no traffic rather than a switch to Wi-Fi counters.
    expect(device(reg, PHONE)!.traffic).toBeNull();
  });

  it("a poll never changes the facts an earlier poll handed out; unchanged facts are the earlier poll's objects", () => {
    const reg = registry();
    const kid = (down: number) => ({ mac: LAPTOP, bytesDown: down, bytesUp: 7, rateDownBps: 1_200_000, rateUpBps: 96_000 });
    const neighbor = (address: string) => ({ mac: SENSOR, address, interface: 'bridge', status: 'reachable' });
    const poll = (t: number, signalDbm: number, down: number, addresses: string[]) =>
      reg.applyPoll(
        'gw',
        observations({
          arp: [arp(LAPTOP, '192.168.88.11')],
          depth: depth({
            wifi: [client(PHONE, { signalDbm, uptimeSeconds: 100 + (t - T) })],
            kidControl: [kid(down)],
            ipv6Neighbors: addresses.map(neighbor),
          }),
        }),
        t,
      );
    poll(T, -60, 5000, ['fe80::2', 'fe80::1']);
    const first = { phone: device(reg, PHONE)!, laptop: device(reg, LAPTOP)!, sensor: device(reg, SENSOR)! };
    poll(T + 10, -70, 6000, ['fe80::1', 'fe80::3']);
    const second = { phone: device(reg, PHONE)!, laptop: device(reg, LAPTOP)!, sensor: device(reg, SENSOR)! };
    expect(first.phone.wifi).toMatchObject({ signalDbm: -60, connectedSince: T - 100 });
    expect(first.laptop.traffic).toMatchObject({ source: 'kid-control', bytesDown: 5000 });
    expect(first.sensor.ipv6Addresses).toEqual(['fe80::1', 'fe80::2']);
    expect(second.phone.wifi).toMatchObject({ signalDbm: -70, connectedSince: T - 100 });
    expect(second.laptop.traffic).toMatchObject({ source: 'kid-control', bytesDown: 6000 });
    expect(second.sensor.ipv6Addresses).toEqual(['fe80::1', 'fe80::3']);
    // Nothing changed: the same objects as the poll before.
    poll(T + 20, -70, 6000, ['fe80::3', 'fe80::1']);
    const third = { phone: device(reg, PHONE)!, laptop: device(reg, LAPTOP)!, sensor: device(reg, SENSOR)! };
    expect(third.phone.wifi).toBe(second.phone.wifi);
    expect(third.laptop.traffic).toBe(second.laptop.traffic);
    expect(third.sensor.ipv6Addresses).toBe(second.sensor.ipv6Addresses);
    expect(third.phone.lastSeen).toBe(T + 20);
    // Gone from every source: no facts, and the earlier ones are untouched.
    reg.applyPoll('gw', observations({ arp: [arp(LAPTOP, '192.168.88.11')] }), T + 30);
    expect(device(reg, PHONE)).toMatchObject({ wifi: null, traffic: null, ipv6Addresses: [] });
    expect(device(reg, SENSOR)).toMatchObject({ wifi: null, ipv6Addresses: [] });
    expect(device(reg, LAPTOP)!.traffic).toBeNull();
    expect(third.phone.wifi).toMatchObject({ signalDbm: -70 });
    expect(third.sensor.ipv6Addresses).toEqual(['fe80::1', 'fe80::3']);
  });

  it('a start time a second off (uptime counts whole seconds) keeps the known start; a new association does not', () => {
    const reg = registry();
    const poll = (t: number, uptimeSeconds: number, bytesToClient: number) =>
      reg.applyPoll('gw', observations({ depth: depth({ wifi: [client(PHONE, { uptimeSeconds, bytesToClient })] }) }), t);
    poll(T + 0.4, 100, 1000);
    const first = device(reg, PHONE)!;
    expect(first.wifi?.connectedSince).toBe(T - 100);
    // 15.6 s later the router says 115 s (it truncates): T + 16 - 115 = T - 99 by rounding, the same association.
    poll(T + 16, 115, 1000);
    const second = device(reg, PHONE)!;
    expect(second.wifi).toBe(first.wifi);
    expect(second.traffic).toEqual({ source: 'wifi', bytesDown: 1000, bytesUp: 500, rateDownBps: 0, rateUpBps: 0 });
    // Idle: the same traffic object, the rate still computed from this poll's counters.
    poll(T + 31, 130, 1000);
    expect(device(reg, PHONE)!.traffic).toBe(second.traffic);
    poll(T + 41, 140, 11_000);
    expect(device(reg, PHONE)!.traffic).toEqual({
      source: 'wifi',
      bytesDown: 11_000,
      bytesUp: 500,
      rateDownBps: 8000,
      rateUpBps: 0,
    });
    // Reconnected: uptime starts again, so does the start time.
    poll(T + 56, 3, 11_000);
    expect(device(reg, PHONE)!.wifi?.connectedSince).toBe(T + 53);
    poll(T + 71, 17, 11_000);
    expect(device(reg, PHONE)!.wifi?.connectedSince).toBe(T + 53);
    poll(T + 86, 30, 11_000);
    expect(device(reg, PHONE)!.wifi?.connectedSince).toBe(T + 56);
  });

  it('rows that move, leave and come back (and devices forgotten in between) keep their own facts', () => {
    const reg = registry();
    const macs = [PHONE, CAMERA, SENSOR, LAPTOP];
    const poll = (t: number, listed: Array<[string, number]>) => {
      reg.applyPoll(
        'gw',
        observations({
          depth: depth({
            wifi: listed.map(([mac, signalDbm]) => client(mac, { signalDbm })),
            ipv6Neighbors: listed.map(([mac, signalDbm]) => ({
              mac,
              address: `fe80::${-signalDbm}`,
              interface: 'bridge',
              status: 'reachable',
            })),
            kidControl: listed.map(([mac, signalDbm]) => ({
              mac,
              bytesDown: -signalDbm,
              bytesUp: 1,
              rateDownBps: null,
              rateUpBps: null,
            })),
          }),
        }),
        t,
      );
      for (const mac of macs) {
        const signal = listed.find(([listedMac]) => listedMac === mac)?.[1];
        const found = device(reg, mac);
        if (signal === undefined) {
          expect(found?.wifi ?? null, `${mac} at ${t - T}`).toBeNull();
          continue;
        }
        expect(found, `${mac} at ${t - T}`).toMatchObject({
          wifi: { signalDbm: signal },
          ipv6Addresses: [`fe80::${-signal}`],
          traffic: { source: 'kid-control', bytesDown: -signal },
          lastSeen: t,
        });
      }
    };
    poll(T, [
      [PHONE, -40],
      [CAMERA, -41],
      [SENSOR, -42],
    ]);
    poll(T + 10, [
      [SENSOR, -43],
      [PHONE, -44],
    ]);
    poll(T + 20, [
      [CAMERA, -45],
      [LAPTOP, -46],
      [SENSOR, -47],
      [PHONE, -48],
    ]);
    // 31 days without the camera and the laptop: they are forgotten, then listed again in the same rows.
    const later = T + 31 * 86_400;
    poll(later, [
      [PHONE, -49],
      [SENSOR, -50],
    ]);
    expect(device(reg, CAMERA)).toBeUndefined();
    expect(device(reg, LAPTOP)).toBeUndefined();
    poll(later + 10, [
      [CAMERA, -51],
      [LAPTOP, -52],
      [SENSOR, -53],
      [PHONE, -54],
    ]);
    expect(device(reg, CAMERA)).toMatchObject({ firstSeen: later + 10 });
  });
});
