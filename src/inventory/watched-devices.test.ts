import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from './registry.js';
import { arp, observations } from './test-support.js';

/** Watched devices changed on a running registry (a reload), as opposed to at construction (registry.test.ts). */

const T = 1_700_000_000;
const SEEN = 'D0:BB:CC:00:00:01';
const NEVER_SEEN = 'D0:BB:CC:00:00:02';
const LATER = 'D0:BB:CC:00:00:03';

function registry(): DeviceRegistry {
  return new DeviceRegistry({
    presence: { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] },
    retention: { forgetAfterDays: 30, maxDevicesPerRouter: 10_000 },
    watched: [
      { mac: SEEN, name: 'nas', router: 'home' },
      { mac: NEVER_SEEN, name: 'printer', router: 'home' },
    ],
    routers: ['home'],
  });
}

const summary = (reg: DeviceRegistry) =>
  reg.devices().map((d) => ({ mac: d.mac, name: d.name, watched: d.watched, firstSeen: d.firstSeen }));

describe('DeviceRegistry.setWatched', () => {
  it('renames, adds and unwatches in place; history stays, a never-seen device leaves', () => {
    const reg = registry();
    reg.applyPoll('home', observations({ arp: [arp(SEEN, '192.168.88.10')] }), T);
    expect(summary(reg)).toEqual([
      { mac: SEEN, name: 'nas', watched: true, firstSeen: T },
      { mac: NEVER_SEEN, name: 'printer', watched: true, firstSeen: null },
    ]);

    reg.setWatched([
      { mac: SEEN.toLowerCase(), name: 'storage', router: 'home' },
      { mac: LATER, name: 'tv', router: 'home' },
    ]);
    expect(summary(reg)).toEqual([
      { mac: SEEN, name: 'storage', watched: true, firstSeen: T },
      { mac: LATER, name: 'tv', watched: true, firstSeen: null },
    ]);
    expect(reg.routerView('home').views.map((view) => [view.mac, view.name, view.watched])).toEqual([
      [SEEN, 'storage', true],
      [LATER, 'tv', true],
    ]);

    reg.setWatched([]);
    expect(summary(reg)).toEqual([{ mac: SEEN, name: null, watched: false, firstSeen: T }]);
    // Nothing that was never seen reaches the state file.
    expect(reg.exportState(T).devices.map((d) => d.mac)).toEqual([SEEN]);
  });

  it('watches a device of a router it did not know yet', () => {
    const reg = registry();
    reg.setWatched([{ mac: LATER, name: 'tv', router: 'garage' }]);
    expect(reg.devices().map((d) => [d.router, d.mac, d.name])).toEqual([['garage', LATER, 'tv']]);
  });
});
