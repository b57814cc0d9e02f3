import type { DeviceRecord } from '../inventory/types.js';
import type { RouterPollState } from '../poller/router-state.js';
import { renderDeviceFragments } from './device-families.js';
import { SNAPSHOT_FAMILIES } from './families.js';
import { renderRouterFragments, type RouterDeviceSummary } from './router-families.js';
import { assembleFamilies } from './text-format.js';

/** Everything a scrape or an API call reads; immutable once built, replaced whole after each poll. */
export interface Snapshot {
  readonly generatedAt: number;
  readonly devices: ReadonlyArray<DeviceRecord>;
  readonly routers: ReadonlyArray<Readonly<RouterPollState>>;
  /** The per-poll metric families in text format, ready to send. */
  readonly exposition: string;
}

interface RouterPart {
  state: RouterPollState;
  devices: ReadonlyArray<DeviceRecord>;
  fragments: Map<string, string>;
}

/**
 * Keeps each router's rendered fragments so a poll re-renders only its own
 * router; building a snapshot is then a concatenation.
 */
export class SnapshotBuilder {
  private readonly parts = new Map<string, RouterPart>();

  constructor(routerNames: ReadonlyArray<string>, initialState: (name: string) => RouterPollState) {
    for (const name of routerNames) {
      const state = initialState(name);
      this.parts.set(name, {
        state,
        devices: [],
        fragments: renderRouterFragments(state, emptySummary()),
      });
    }
  }

  updateRouter(state: RouterPollState, devices: ReadonlyArray<DeviceRecord>, summary: RouterDeviceSummary): void {
    const fragments = renderDeviceFragments(devices);
    for (const [family, text] of renderRouterFragments(state, summary)) fragments.set(family, text);
    // Copy the state: the poller keeps mutating its own object, the snapshot must not change under a scrape.
    this.parts.set(state.name, { state: structuredClone(state), devices, fragments });
  }

  build(now: number): Snapshot {
    const byFamily = new Map<string, string[]>();
    const devices: DeviceRecord[] = [];
    const routers: RouterPollState[] = [];
    for (const part of this.parts.values()) {
      routers.push(part.state);
      for (const device of part.devices) devices.push(device);
      for (const [family, text] of part.fragments) {
        if (text.length === 0) continue;
        let list = byFamily.get(family);
        if (!list) byFamily.set(family, (list = []));
        list.push(text);
      }
    }
    return Object.freeze({
      generatedAt: now,
      devices: Object.freeze(devices),
      routers: Object.freeze(routers),
      exposition: assembleFamilies(SNAPSHOT_FAMILIES, byFamily),
    });
  }
}

export function emptySummary(): RouterDeviceSummary {
  return { present: 0, absent: 0, conflicts: 0, leasesByServerStatus: [], droppedTotal: 0, forgottenTotal: 0 };
}
