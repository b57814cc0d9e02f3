import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import type { DeviceRecord } from '../inventory/types.js';
import { initialPollStatus } from '../poller/router-poll-status.js';
import { DepthFamiliesRenderer, renderDepthFragments } from './depth-families.js';

const macOf = (i: number) =>
  `AA:BB:CC:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase();

const arbitraryWifi = fc.record({
  ap: fc.constantFrom('home', 'attic-ap'),
  interface: fc.option(fc.constantFrom('wlan1', 'wlan "2"'), { nil: null }),
  ssid: fc.option(fc.constantFrom('Home', 'Кафе', 'a"b\\c\nd'), { nil: null }),
  band: fc.option(fc.constantFrom('2ghz-n', '5ghz-ac'), { nil: null }),
  signalDbm: fc.option(fc.constantFrom(-40, -67, -81), { nil: null }),
  txRateBps: fc.option(fc.constantFrom(6_000_000, 7_000_000, 866_700_000), { nil: null }),
  rxRateBps: fc.option(fc.constantFrom(1_000_000, 433_300_000), { nil: null }),
  connectedSince: fc.option(fc.constantFrom(1_700_000_000, 1_700_000_100.5), { nil: null }),
});

const arbitraryTraffic = fc.record({
  source: fc.constant('kid-control' as const),
  // Values of one width too: a counter that moved is patched into its kept line.
  bytesDown: fc.constantFrom(0, 1_000, 1_001, 9_999, 2_500_000_000, 2_500_000_123),
  bytesUp: fc.constantFrom(0, 512, 513, 9_000_000, 9_000_001),
  rateDownBps: fc.constant(null),
  rateUpBps: fc.constant(null),
});

const arbitraryDevice = (i: number) =>
  fc
    .record({
      router: fc.constantFrom('home', 'office "2"'),
      wifi: fc.option(arbitraryWifi, { nil: null }),
      traffic: fc.option(arbitraryTraffic, { nil: null }),
    })
    .map((fields) => deviceRecord({ mac: macOf(i), ...fields }) as DeviceRecord);

/** A sorted list of distinct devices, some of 0..29. */
const arbitraryPoll = fc
  .uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 20 })
  .chain((indexes) => fc.tuple(...[...indexes].sort((a, b) => a - b).map(arbitraryDevice)));

const status = initialPollStatus('home');

function text(fragments: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...fragments].map(([family, bytes]) => [family, bytes.toString('utf8')]));
}

function wifiDevice(i: number, signalDbm: number, ssid = 'Home'): DeviceRecord {
  return deviceRecord({
    router: 'home',
    mac: macOf(i),
    wifi: {
      ap: 'home',
      interface: 'wlan1',
      ssid,
      band: '5ghz-ac',
      signalDbm,
      txRateBps: 8_000,
      rxRateBps: 16_000,
      connectedSince: 100,
    },
    traffic: { source: 'kid-control', bytesDown: 10 * i, bytesUp: i, rateDownBps: null, rateUpBps: null },
  });
}

describe('DepthFamiliesRenderer', () => {
  it('renders every poll exactly as a fresh rendering would, whatever changed since the last one', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryPoll, { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (drawn, carried) => {
          // A device of the last poll comes back with the very same facts (as the registry hands out
          // unchanged facts) where `carried` says so for its MAC, else with the drawn ones.
          const polls = drawn.map((devices) => [...devices]);
          for (let k = 1; k < polls.length; k++) {
            const before = new Map(polls[k - 1]!.map((device) => [device.mac, device]));
            polls[k] = polls[k]!.map((device, i) => {
              const same = before.get(device.mac);
              return same !== undefined && carried[(i + k) % carried.length] ? same : device;
            });
          }
          const renderer = new DepthFamiliesRenderer();
          for (const devices of polls) {
            expect(text(renderer.render(status, devices))).toEqual(text(renderDepthFragments(status, devices)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes the lines a changed device needs and reuses the others', () => {
    const renderer = new DepthFamiliesRenderer();
    const first = renderer.render(
      status,
      [0, 1, 2].map((i) => wifiDevice(i, -50)),
    );
    const next = [wifiDevice(0, -50), wifiDevice(1, -72, 'Guest "5"'), wifiDevice(2, -50)];
    const second = renderer.render(status, next);
    expect(second.get('netmon_device_wifi_signal_dbm')!.toString()).toBe(
      [
        'netmon_device_wifi_signal_dbm{router="home",mac="AA:BB:CC:00:00:00"} -50',
        'netmon_device_wifi_signal_dbm{router="home",mac="AA:BB:CC:00:00:01"} -72',
        'netmon_device_wifi_signal_dbm{router="home",mac="AA:BB:CC:00:00:02"} -50',
        '',
      ].join('\n'),
    );
    expect(second.get('netmon_device_wifi_info')!.toString().split('\n')[1]).toBe(
      'netmon_device_wifi_info{router="home",mac="AA:BB:CC:00:00:01",ap="home",interface="wlan1",ssid="Guest \\"5\\"",band="5ghz-ac"} 1',
    );
    // Nothing changed in these families: the previous poll's Buffer itself.
    expect(second.get('netmon_device_wifi_tx_rate_bytes_per_second')).toBe(
      first.get('netmon_device_wifi_tx_rate_bytes_per_second'),
    );
    expect(second.get('netmon_device_traffic_bytes_total')).toBe(first.get('netmon_device_traffic_bytes_total'));
  });

  it('still renders devices that arrive out of MAC order', () => {
    const renderer = new DepthFamiliesRenderer();
    const devices = [3, 1, 2].map((i) => wifiDevice(i, -40 - i));
    renderer.render(status, devices);
    const again = [...devices].reverse();
    expect(text(renderer.render(status, again))).toEqual(text(renderDepthFragments(status, again)));
  });
});
