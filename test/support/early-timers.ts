/**
 * Imported into a `serve` process by tests (startExporter's `preload`): every
 * timer of 100 ms or more fires 3 ms early. Timers run on a monotonic clock and
 * the poll grid on the wall clock, so in the field a timer may fire just before
 * its slot by the wall clock; this makes it happen on every slot.
 */
const nodeSetTimeout = globalThis.setTimeout;

globalThis.setTimeout = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) =>
  nodeSetTimeout(callback, typeof delay === 'number' && delay >= 100 ? delay - 3 : delay, ...args)) as typeof setTimeout;
