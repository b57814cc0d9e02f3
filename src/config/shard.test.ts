import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseShardEnv, routersOfShard, shardOf, shardWeight } from './shard.js';

const names = Array.from({ length: 1000 }, (_, i) => `site-${i.toString().padStart(4, '0')}`);

describe('shard assignment (rendezvous hashing over SHA-256)', () => {
  it('weights are the documented hash: the first 16 hex digits of sha256("<index>:<name>")', () => {
    // From coreutils: printf '%s' '0:home' | sha256sum | cut -c1-16 (and '1:home')
    expect(shardWeight('home', 0)).toBe(createHash('sha256').update('0:home').digest('hex').slice(0, 16));
    expect(shardWeight('home', 0)).toBe('17f96e3b9c1c1221');
    expect(shardWeight('home', 1)).toBe('52405111a07fc383');
  });

  it('gives stable shards for fixed names', () => {
    expect(['home', 'office', 'site-0001', 'site-0002', 'ÜberRouter'].map((name) => shardOf(name, 2))).toEqual([1, 1, 0, 1, 1]);
    expect(['home', 'office', 'site-0001', 'site-0002', 'ÜberRouter'].map((name) => shardOf(name, 3))).toEqual([2, 1, 2, 1, 2]);
  });

  it('puts every router in exactly one of n shards, roughly evenly', () => {
    for (const count of [1, 2, 3, 5, 8]) {
      const seen = new Map<string, number>();
      for (let index = 0; index < count; index++) {
        for (const router of routersOfShard(
          names.map((name) => ({ name })),
          { index, count },
        )) {
          seen.set(router.name, (seen.get(router.name) ?? 0) + 1);
        }
      }
      expect(seen.size).toBe(names.length);
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
      for (let index = 0; index < count; index++) {
        const share = names.filter((name) => shardOf(name, count) === index).length / names.length;
        expect(Math.abs(share - 1 / count)).toBeLessThan(0.06);
      }
    }
  });

  it('moves about 1/(n+1) of 1000 routers from n to n+1 shards, and only to the new shard', () => {
    for (const n of [1, 2, 3, 4, 7]) {
      const moved = names.filter((name) => shardOf(name, n) !== shardOf(name, n + 1));
      expect(moved.every((name) => shardOf(name, n + 1) === n)).toBe(true);
      expect(Math.abs(moved.length / names.length - 1 / (n + 1))).toBeLessThan(0.05);
    }
  });

  it('parses NETMON_SHARD', () => {
    expect(parseShardEnv('0/2')).toEqual({ index: 0, count: 2 });
    expect(parseShardEnv(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(parseShardEnv('2/2')).toBeNull();
    expect(parseShardEnv('1/0')).toBeNull();
    expect(parseShardEnv('-1/2')).toBeNull();
    expect(parseShardEnv('1')).toBeNull();
    expect(parseShardEnv('a/b')).toBeNull();
  });
});

describe('shard in the config', () => {
  const document = { routers: [{ name: 'home', host: 'h', user: 'u', password: 'p' }], shard: { index: 0, count: 3 } };

  it('takes NETMON_SHARD over the file, and refuses a malformed one naming the variable', async () => {
    const { buildConfig } = await import('./load.js');
    expect(buildConfig(document, 'c.json', {}).config.shard).toEqual({ index: 0, count: 3 });
    expect(buildConfig(document, 'c.json', { NETMON_SHARD: '1/2' }).config.shard).toEqual({ index: 1, count: 2 });
    expect(() => buildConfig(document, 'c.json', { NETMON_SHARD: '2/2' })).toThrow(
      /NETMON_SHARD: expected "i\/n" with 0 <= i < n/,
    );
    expect(() => buildConfig({ ...document, shard: { index: 3, count: 3 } }, 'c.json', {})).toThrow(/\$\.shard\.index/);
  });
});
