import { createHash } from 'node:crypto';

/**
 * Poll slots sit at wall-clock multiples of the interval (plus an offset), so a
 * Prometheus scraping at the same interval always reads data at most one
 * interval old, and several exporters line up without coordination.
 */
export function nextSlotMs(nowMs: number, intervalSeconds: number, offsetSeconds: number): number {
  const interval = intervalSeconds * 1000;
  const offset = (offsetSeconds * 1000) % interval;
  const slotsSinceEpoch = Math.floor((nowMs - offset) / interval) + 1;
  return slotsSinceEpoch * interval + offset;
}

/**
 * A router's own place within `spreadSeconds` after each slot: the first 4
 * bytes of SHA-256 over its name, as a fraction of 2^32, times spreadSeconds.
 * Stable across restarts and instances, so a fleet's polls (and the logins
 * after a restart) are spread evenly over that window instead of all falling
 * on the same second.
 */
export function spreadOffsetSeconds(routerName: string, spreadSeconds: number): number {
  if (spreadSeconds <= 0) return 0;
  const fraction = createHash('sha256').update(routerName, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
  return Math.floor(fraction * spreadSeconds * 1000) / 1000;
}
