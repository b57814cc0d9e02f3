import type { DeviceRecord } from '../inventory/types.js';
import type { RouterPollState } from '../poller/router-state.js';
import { DeviceFamiliesRenderer } from './device-families.js';
import { SNAPSHOT_FAMILIES } from './families.js';
import { type RouterDeviceSummary, renderRouterFragments } from './router-families.js';
import { familyHeader } from './text-format.js';

/** Everything a scrape or an API call reads; immutable once built, replaced whole after each poll. */
export interface Snapshot {
  readonly generatedAt: number;
  readonly devices: ReadonlyArray<DeviceRecord>;
  readonly routers: ReadonlyArray<Readonly<RouterPollState>>;
  /**
   * The per-poll metric families as UTF-8 text, in order: send them one after
   * another. They are the routers' rendered fragments themselves, not copies.
   */
  readonly expositionChunks: ReadonlyArray<Buffer>;
  /** Total bytes of expositionChunks. */
  readonly expositionByteLength: number;
  /** The same text as a string, decoded on first use (a large page costs its size again in heap). */
  readonly exposition: string;
}

interface RouterPart {
  state: RouterPollState;
  devices: ReadonlyArray<DeviceRecord>;
  fragments: Map<string, Buffer>;
}

const HEADERS = new Map(
  SNAPSHOT_FAMILIES.map((family) => [family.name, Buffer.from(familyHeader(family.name, family.help, family.type), 'utf8')]),
);

/**
 * Keeps each router's rendered fragments so a poll re-renders only its own
 * router; building a snapshot then only lists buffers.
 */
export class SnapshotBuilder {
  private readonly parts = new Map<string, RouterPart>();
  private readonly renderers = new Map<string, DeviceFamiliesRenderer>();

  constructor(routerNames: ReadonlyArray<string>, initialState: (name: string) => RouterPollState) {
    for (const name of routerNames) {
      const state = initialState(name);
      this.parts.set(name, {
        state,
        devices: [],
        fragments: routerFragments(state, emptySummary()),
      });
    }
  }

  updateRouter(state: RouterPollState, devices: ReadonlyArray<DeviceRecord>, summary: RouterDeviceSummary): void {
    let renderer = this.renderers.get(state.name);
    if (renderer === undefined) {
      renderer = new DeviceFamiliesRenderer();
      this.renderers.set(state.name, renderer);
    }
    const fragments = renderer.render(devices);
    for (const [family, bytes] of routerFragments(state, summary)) fragments.set(family, bytes);
    // Copy the state: the poller keeps mutating its own object, the snapshot must not change under a scrape.
    this.parts.set(state.name, { state: structuredClone(state), devices, fragments });
  }

  /** A router left the configuration: its series and devices leave the next snapshot. */
  removeRouter(name: string): void {
    this.parts.delete(name);
    this.renderers.delete(name);
  }

  build(now: number): Snapshot {
    const devices: DeviceRecord[] = [];
    const routers: RouterPollState[] = [];
    for (const part of this.parts.values()) {
      routers.push(part.state);
      for (const device of part.devices) devices.push(device);
    }
    const chunks: Buffer[] = [];
    let byteLength = 0;
    for (const family of SNAPSHOT_FAMILIES) {
      const header = HEADERS.get(family.name)!;
      chunks.push(header);
      byteLength += header.length;
      for (const part of this.parts.values()) {
        const fragment = part.fragments.get(family.name);
        if (fragment === undefined || fragment.length === 0) continue;
        chunks.push(fragment);
        byteLength += fragment.length;
      }
    }
    let text: string | null = null;
    const snapshot = {
      generatedAt: now,
      devices: Object.freeze(devices),
      routers: Object.freeze(routers),
      expositionChunks: Object.freeze(chunks),
      expositionByteLength: byteLength,
    } as Snapshot;
    Object.defineProperty(snapshot, 'exposition', {
      enumerable: true,
      get: () => (text ??= Buffer.concat(chunks, byteLength).toString('utf8')),
    });
    return Object.freeze(snapshot);
  }
}

function routerFragments(state: RouterPollState, summary: RouterDeviceSummary): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [family, text] of renderRouterFragments(state, summary)) out.set(family, Buffer.from(text, 'utf8'));
  return out;
}

export function emptySummary(): RouterDeviceSummary {
  return { present: 0, absent: 0, conflicts: 0, leasesByServerStatus: [], droppedTotal: 0, forgottenTotal: 0 };
}
