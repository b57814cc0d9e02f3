import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { savedDevice } from '../inventory/test-support.js';
import { readSiblingState, shardStatePath, siblingStatePaths } from './shard-state.js';

describe('state files of sharded instances', () => {
  it('puts the shard index before the extension, and leaves an unsharded path alone', () => {
    expect(shardStatePath('/data/state.json', null)).toBe('/data/state.json');
    expect(shardStatePath('/data/state.json', { index: 0, count: 1 })).toBe('/data/state.json');
    expect(shardStatePath('/data/state.json', { index: 1, count: 3 })).toBe('/data/state.shard-1.json');
    expect(shardStatePath('/data/state', { index: 2, count: 3 })).toBe('/data/state.shard-2');
  });

  it('finds the other instances files, and reads only the routers asked for', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-shard-state-'));
    const device = (router: string, mac: string) => savedDevice(mac, 1000, { router, lastSeen: 2000, lastListedAt: 2000 });
    const state = {
      version: 1,
      savedAt: 2000,
      routers: [
        { name: 'a', lastGoodPollAt: 2000 },
        { name: 'b', lastGoodPollAt: 2000 },
      ],
      devices: [device('a', 'AA:00:00:00:00:01'), device('b', 'AA:00:00:00:00:02')],
    };
    for (const name of ['state.json', 'state.shard-0.json', 'state.shard-1.json', 'state.json.bak', 'other.json']) {
      writeFileSync(path.join(dir, name), JSON.stringify(state));
    }
    writeFileSync(path.join(dir, 'state.shard-7.json'), 'not json');
    const own = path.join(dir, 'state.shard-1.json');
    expect(siblingStatePaths(path.join(dir, 'state.json'), own).map((file) => path.basename(file))).toEqual([
      'state.json',
      'state.shard-0.json',
      'state.shard-7.json',
    ]);
    const read = readSiblingState(path.join(dir, 'state.shard-0.json'), new Set(['b']));
    expect('state' in read && read.state.devices.map((d) => [d.router, d.mac])).toEqual([['b', 'AA:00:00:00:00:02']]);
    expect('state' in read && read.state.routers.map((r) => r.name)).toEqual(['b']);
    expect(readSiblingState(path.join(dir, 'state.shard-7.json'), new Set(['b']))).toEqual({ error: 'not valid JSON' });
  });
});
