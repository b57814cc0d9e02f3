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
