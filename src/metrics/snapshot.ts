import type { RouterSummary } from '../inventory/registry.js';
import type { DeviceRecord, RouterDevices } from '../inventory/types.js';
import type { RouterPollStatus } from '../poller/router-poll-status.js';
import { DepthFamiliesRenderer } from './depth-families.js';
import { DeviceFamiliesRenderer } from './device-families.js';
import { SNAPSHOT_FAMILIES } from './families.js';
import { renderRouterFragments } from './router-families.js';
import { familyHeader } from './text-format.js';

/** Everything a scrape or an API call reads; immutable once built, replaced whole after each poll. */
export interface Snapshot {
  readonly generatedAt: number;
  /**
   * Built on first read (a scrape never needs records): read it in the same
   * turn of the event loop as snapshot() to see exactly this snapshot's
   * polls; read later, it may show a poll completed since.
   */
  readonly devices: ReadonlyArray<DeviceRecord>;
  readonly routers: ReadonlyArray<Readonly<RouterPollStatus>>;
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
  status: RouterPollStatus;
  records: () => ReadonlyArray<DeviceRecord>;
  fragments: Map<string, Buffer>;
}

const NO_RECORDS = (): ReadonlyArray<DeviceRecord> => [];

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
  private readonly depthRenderers = new Map<string, DepthFamiliesRenderer>();

  constructor(routerNames: ReadonlyArray<string>, initialStatus: (name: string) => RouterPollStatus) {
    for (const name of routerNames) {
      const status = initialStatus(name);
      this.parts.set(name, {
        status,
        records: NO_RECORDS,
        fragments: routerFragments(status, emptySummary()),
      });
    }
  }

  /**
   * Renders a router's part anew. `devices` is either records (read as they
   * are) or the registry's live views plus a way to build records later
   * (RouterDevices: nothing per device is allocated unless records are read).
   */
  updateRouter(status: RouterPollStatus, devices: ReadonlyArray<DeviceRecord> | RouterDevices, summary: RouterSummary): void {
    let renderer = this.renderers.get(status.name);
    if (renderer === undefined) {
      renderer = new DeviceFamiliesRenderer();
      this.renderers.set(status.name, renderer);
    }
    const live = isRouterDevices(devices);
    const fragments = renderer.render(live ? devices.views : devices);
    for (const [family, bytes] of routerFragments(status, summary)) fragments.set(family, bytes);
    const records = live ? () => devices.records() : () => devices;
    let depthRenderer = this.depthRenderers.get(status.name);
    if (depthRenderer === undefined) {
      depthRenderer = new DepthFamiliesRenderer();
      this.depthRenderers.set(status.name, depthRenderer);
    }
    for (const [family, bytes] of depthRenderer.render(status, live ? devices.views : devices)) fragments.set(family, bytes);
    // Copy the status: the poller keeps mutating its own object, the snapshot must not change under a scrape.
    this.parts.set(status.name, { status: structuredClone(status), records, fragments });
  }

  /** A router left the configuration: its series and devices leave the next snapshot. */
  removeRouter(name: string): void {
    this.parts.delete(name);
    this.renderers.delete(name);
    this.depthRenderers.delete(name);
  }

  build(now: number): Snapshot {
    const routers: RouterPollStatus[] = [];
    const parts = [...this.parts.values()];
    for (const part of parts) routers.push(part.status);
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
    let devices: ReadonlyArray<DeviceRecord> | null = null;
    const snapshot = {
      generatedAt: now,
      routers: Object.freeze(routers),
      expositionChunks: Object.freeze(chunks),
      expositionByteLength: byteLength,
    } as Snapshot;
    Object.defineProperty(snapshot, 'exposition', {
      enumerable: true,
      get: () => (text ??= Buffer.concat(chunks, byteLength).toString('utf8')),
    });
    Object.defineProperty(snapshot, 'devices', {
      enumerable: true,
      get: () => {
        if (devices === null) {
          const all: DeviceRecord[] = [];
          for (const part of parts) for (const record of part.records()) all.push(record);
          devices = Object.freeze(all);
        }
        return devices;
      },
    });
    return Object.freeze(snapshot);
  }
}

function isRouterDevices(devices: ReadonlyArray<DeviceRecord> | RouterDevices): devices is RouterDevices {
  return !Array.isArray(devices);
}

function routerFragments(status: RouterPollStatus, summary: RouterSummary): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [family, text] of renderRouterFragments(status, summary)) out.set(family, Buffer.from(text, 'utf8'));
  return out;
}

export function emptySummary(): RouterSummary {
  return { present: 0, absent: 0, conflicts: 0, leasesByServerStatus: [], droppedTotal: 0, forgottenTotal: 0 };
}
