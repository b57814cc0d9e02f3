import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../inventory/persistence.js';
import { DeviceRegistry } from '../inventory/registry.js';
import { arp, lan, macAt, observations } from '../inventory/test-support.js';
import { CoalescingSaver, REFRESH_INTERVAL_SECONDS, StateWriter } from './state-saver.js';

describe('CoalescingSaver', () => {
  it('never runs two writes at once and always ends with the newest state', async () => {
    let version = 0;
    const written: number[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const saver = new CoalescingSaver(async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      const seen = version;
      await new Promise((resolve) => setTimeout(resolve, 5));
      written.push(seen);
      concurrent--;
    });
    for (let i = 1; i <= 10; i++) {
      version = i;
      saver.requestSave();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await saver.flush();
    expect(maxConcurrent).toBe(1);
    expect(written.at(-1)).toBe(10);
    // Ten requests during slow writes collapse into far fewer writes.
    expect(written.length).toBeLessThan(10);
  });
});

describe('StateWriter: writes proportional to change', () => {
  const T = 1_700_000_000;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netmon-writer-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function setup(devices: number) {
    let nowMs = T * 1000;
    const registry = new DeviceRegistry({
      presence: { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] },
      retention: { forgetAfterDays: 30, maxDevicesPerRouter: 100_000 },
      routers: ['home'],
    });
    const path = join(dir, 'state.json');
    const store = new StateStore(path, undefined, () => nowMs);
    const writer = new StateWriter(registry, store, () => nowMs);
    const rows = lan(devices);
    /** One poll at the current time, the way Monitor drives it; resolves when the round's save is done. */
    const poll = async (obs = rows) => {
      registry.applyPoll('home', obs, nowMs / 1000);
      await writer.commitPoll();
      writer.requestSave();
      await writer.idle();
    };
    return {
      registry,
      store,
      writer,
      path,
      poll,
      advance: (seconds: number) => {
        nowMs += seconds * 1000;
      },
    };
  }

  it('a first sighting is in the journal, fdatasynced, when commitPoll resolves', async () => {
    const { registry, store, writer, path } = setup(0);
    await store.load();
    registry.applyPoll('home', observations({ arp: [arp(macAt(7), '10.0.0.7')] }), T);
    await writer.commitPoll();
    const journal = await readFile(`${path}.journal`, 'utf8');
    expect(journal).toContain(macAt(7));
    expect((await new StateStore(path).load())!.devices.map((d) => [d.mac, d.firstSeen])).toEqual([[macAt(7), T]]);
  });

  it('refreshes last-seen once per interval, compacts when the journal outgrows the snapshot, snapshots at flush', async () => {
    const { store, writer, path, poll, advance } = setup(200);
    await store.load();
    await poll(); // 200 first sightings in the journal, then the first snapshot
    expect(store.snapshotBytes).toBeGreaterThan(200 * 200);
    const afterFirst = store.bytesWrittenTotal;
    for (let i = 0; i < REFRESH_INTERVAL_SECONDS / 5 - 1; i++) {
      advance(5);
      await poll();
    }
    // Nothing changed but times, and the refresh interval has not passed: nothing written.
    expect(store.bytesWrittenTotal).toBe(afterFirst);
    advance(5);
    await poll();
    const refresh = store.bytesWrittenTotal - afterFirst;
    expect(refresh).toBeGreaterThan(200 * 20);
    expect(refresh).toBeLessThan(200 * 45);
    const loaded = await new StateStore(path).load();
    expect(new Set(loaded!.devices.map((d) => d.lastSeen))).toEqual(new Set([T + REFRESH_INTERVAL_SECONDS]));

    // Keep polling until the journal passes twice the snapshot: then it is folded into a new snapshot.
    let compacted = false;
    for (let i = 0; i < 400 && !compacted; i++) {
      const before = store.journalBytes;
      advance(5);
      await poll();
      compacted = store.journalBytes < before;
    }
    expect(compacted).toBe(true);
    expect(store.journalBytes).toBeLessThan(100);

    advance(5);
    await poll();
    await writer.flush();
    expect((await stat(`${path}.journal`)).size).toBeLessThan(100);
    const final = await new StateStore(path).load();
    expect(final!.devices.every((d) => d.lastSeen === final!.savedAt)).toBe(true);
  });

  it('writes well under 3 MB a minute at the rate of 10k devices polled every 5 s', async () => {
    const devices = 2000;
    const { store, poll, advance } = setup(devices);
    await store.load();
    await poll();
    advance(5);
    await poll();
    const start = store.bytesWrittenTotal;
    const minutes = 30;
    for (let i = 0; i < minutes * 12; i++) {
      advance(5);
      await poll();
    }
    const perMinuteAt10k = ((store.bytesWrittenTotal - start) / minutes) * (10_000 / devices);
    expect(perMinuteAt10k).toBeLessThan(3 * 1024 * 1024);
    expect(perMinuteAt10k).toBeGreaterThan(100 * 1024); // it does write: refreshes and compactions
  }, 60_000);
});
