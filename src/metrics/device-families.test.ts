import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import { DeviceRegistry } from '../inventory/registry.js';
import { bridgeHost, lease, observations } from '../inventory/test-support.js';
import type { DeviceRecord } from '../inventory/types.js';
import { DeviceFamiliesRenderer, renderDeviceFragments } from './device-families.js';

const macOf = (i: number) =>
  `AA:BB:CC:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase();

const arbitraryDevice = (i: number) =>
  fc
    .record({
      router: fc.constantFrom('home', 'office "2"'),
      present: fc.boolean(),
      firstSeen: fc.option(fc.constantFrom(1_600_000_000, 1_600_000_000.5, 1_700_000_123.457), { nil: null }),
      lastSeen: fc.option(fc.double({ min: 0, max: 2e9, noNaN: true }), { nil: null }),
      leaseExpiresAt: fc.option(fc.integer({ min: 0, max: 2e9 }), { nil: null }),
      hostname: fc.option(fc.constantFrom('nas', 'Вася', 'a"b\\c\nd', ''), { nil: null }),
      ip: fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2'), { nil: null }),
      watched: fc.boolean(),
    })
    .map((fields) => deviceRecord({ mac: macOf(i), ...fields }));

/** A sorted list of distinct devices, some of 0..39. */
const arbitraryPoll = fc
  .uniqueArray(fc.integer({ min: 0, max: 39 }), { maxLength: 25 })
  .chain((indexes) => fc.tuple(...[...indexes].sort((a, b) => a - b).map(arbitraryDevice)));

function text(fragments: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...fragments].map(([family, bytes]) => [family, bytes.toString('utf8')]));
}

describe('DeviceFamiliesRenderer', () => {
  it('renders every poll exactly as a fresh rendering would, whatever changed since the last one', () => {
    fc.assert(
      fc.property(fc.array(arbitraryPoll, { minLength: 1, maxLength: 6 }), (polls) => {
        const renderer = new DeviceFamiliesRenderer();
        for (const devices of polls) {
          expect(text(renderer.render(devices as DeviceRecord[]))).toEqual(
            text(renderDeviceFragments(devices as DeviceRecord[])),
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('writes the lines a changed device needs and reuses the others', () => {
    const renderer = new DeviceFamiliesRenderer();
    const devices = [0, 1, 2].map((i) =>
      deviceRecord({ router: 'home', mac: macOf(i), present: true, firstSeen: 100, lastSeen: 200, hostname: `h${i}` }),
    );
    renderer.render(devices);
    const next = devices.map((d) => ({ ...d, lastSeen: 215 }));
    next[1] = { ...next[1]!, hostname: 'renamed', present: false };
    const info = renderer.render(next).get('netmon_device_info')!.toString();
    expect(
      info
        .split('\n')
        .filter(Boolean)
        .map((line) => /hostname="([^"]*)"/.exec(line)?.[1]),
    ).toEqual(['h0', 'renamed', 'h2']);
  });

  it('writes a moved time of the same width over the copied line, leaving the previous Buffer as it was', () => {
    const renderer = new DeviceFamiliesRenderer();
    const at = (lastSeen: number, leaseExpiresAt: number) =>
      [0, 1, 2].map((i) =>
        deviceRecord({ router: 'home', mac: macOf(i), present: true, firstSeen: 100, lastSeen, leaseExpiresAt }),
      );
    const family = 'netmon_device_last_seen_timestamp_seconds';
    const first = renderer.render(at(200.5, 900));
    const before = first.get(family)!.toString();
    // Same widths (215.5, 915), then other widths (215.25, 1000), then a time that does not move.
    for (const [seen, expires] of [
      [215.5, 915],
      [215.25, 1000],
      [215.25, 1000],
      [230.75, 1015],
    ] as const) {
      const devices = at(seen, expires);
      expect(text(renderer.render(devices))).toEqual(text(renderDeviceFragments(devices)));
    }
    expect(first.get(family)!.toString()).toBe(before);
    expect(before).toContain(`mac="${macOf(2)}"} 200.5\n`);
  });

  it('still renders devices that arrive out of MAC order', () => {
    const renderer = new DeviceFamiliesRenderer();
    const devices = [3, 1, 2].map((i) => deviceRecord({ router: 'home', mac: macOf(i), present: true, hostname: `h${i}` }));
    renderer.render(devices);
    const again = renderer.render([...devices].reverse());
    expect(text(again)).toEqual(text(renderDeviceFragments([...devices].reverse())));
  });
});

describe('DeviceFamiliesRenderer: unchanged families', () => {
  it('hands back the previous Buffer itself for a family in which nothing changed', () => {
    const renderer = new DeviceFamiliesRenderer();
    const devices = [0, 1, 2].map((i) =>
      deviceRecord({ router: 'home', mac: macOf(i), present: true, firstSeen: 100, lastSeen: 200, hostname: `h${i}` }),
    );
    const first = renderer.render(devices);
    const next = renderer.render(devices.map((d) => ({ ...d, lastSeen: 215 })));
    for (const family of ['netmon_device_present', 'netmon_device_first_seen_timestamp_seconds', 'netmon_device_info']) {
      expect(next.get(family), family).toBe(first.get(family));
    }
    expect(next.get('netmon_device_last_seen_timestamp_seconds')).not.toBe(
      first.get('netmon_device_last_seen_timestamp_seconds'),
    );
    expect(next.get('netmon_device_last_seen_timestamp_seconds')!.toString()).toContain('} 215\n');
  });
});

describe("DeviceFamiliesRenderer: the registry's live entries", () => {
  // The exposition renders the entries themselves and reuses an info line while the
  // entry's infoVersion is unchanged: any label change must change it.
  const macPool = [0, 1, 2, 3].map(macOf);
  const B = macPool[1]!;
  const pollArb = fc.record({
    rows: fc.array(
      fc.record({
        mac: fc.constantFrom(...macPool),
        ip: fc.constantFrom('10.0.0.1', '10.0.0.2'),
        host: fc.constantFrom('a', 'b', null),
        comment: fc.constantFrom('x', null),
        port: fc.constantFrom('ether1', 'ether2'),
        expires: fc.constantFrom(600, 900),
        dynamic: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    watched: fc.constantFrom(null, 'one', 'two'),
  });

  it('gives the same text as a fresh rendering of the records, poll after poll', () => {
    fc.assert(
      fc.property(fc.array(pollArb, { minLength: 1, maxLength: 10 }), (polls) => {
        const reg = new DeviceRegistry({
          presence: { timeoutSeconds: 300, arpStates: ['reachable'] },
          retention: { forgetAfterDays: 30, maxDevicesPerRouter: 100 },
          routers: ['home'],
        });
        const renderer = new DeviceFamiliesRenderer();
        let now = 1_700_000_000;
        for (const poll of polls) {
          now += 15;
          reg.setWatched(poll.watched === null ? [] : [{ mac: B, name: poll.watched, router: 'home' }]);
          reg.applyPoll(
            'home',
            observations({
              leases: poll.rows.map((r) =>
                lease(r.mac, r.ip, { hostname: r.host, comment: r.comment, expiresAfterSeconds: r.expires, dynamic: r.dynamic }),
              ),
              bridgeHosts: poll.rows.map((r) => bridgeHost(r.mac, { port: r.port })),
            }),
            now,
          );
          const live = renderer.render(reg.routerView('home').views);
          const fresh = renderDeviceFragments(reg.routerDevices('home'));
          expect([...live].map(([family, bytes]) => [family, bytes.toString()])).toEqual(
            [...fresh].map(([family, bytes]) => [family, bytes.toString()]),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
