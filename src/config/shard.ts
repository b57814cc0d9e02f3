import { createHash } from 'node:crypto';

export interface Shard {
  /** 0-based: 0 <= index < count. */
  index: number;
  count: number;
}

/** `NETMON_SHARD=i/n`, e.g. `0/2`; null when it is not that shape or i >= n. */
export function parseShardEnv(value: string): Shard | null {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(value);
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) return null;
  return { index, count };
}

/**
 * The weight of a router on one shard: the first 8 bytes of SHA-256 over the
 * UTF-8 text `<shard index>:<router name>`, as 16 lowercase hex digits (compared
 * as text, which orders them as the 64-bit numbers they are). Users can
 * compute it with `printf '%s' '0:home' | sha256sum | cut -c1-16`.
 */
export function shardWeight(routerName: string, shardIndex: number): string {
  return createHash('sha256').update(`${shardIndex}:${routerName}`, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Rendezvous (highest random weight) hashing: a router belongs to the shard
 * where its weight is highest (on a tie, which SHA-256 makes practically
 * impossible, the lowest index). Growing from n to n+1 shards moves only the
 * routers whose new shard n outweighs their old one, about 1/(n+1) of them,
 * and nothing moves between the old shards.
 */
export function shardOf(routerName: string, count: number): number {
  let best = 0;
  let bestWeight = shardWeight(routerName, 0);
  for (let index = 1; index < count; index++) {
    const weight = shardWeight(routerName, index);
    if (weight > bestWeight) {
      best = index;
      bestWeight = weight;
    }
  }
  return best;
}

/** The routers this instance polls: all of them without a shard. */
export function routersOfShard<T extends { name: string }>(routers: ReadonlyArray<T>, shard: Shard | null): T[] {
  if (shard === null || shard.count === 1) return [...routers];
  return routers.filter((router) => shardOf(router.name, shard.count) === shard.index);
}
