/**
 * Reconnect delays: exponential, capped, with jitter so that many exporters (or
 * many routers behind one exporter) that failed together do not retry in step.
 * "Equal jitter": half the delay is fixed, half random, so a retry is never
 * immediate yet never later than the cap.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

/** Delay before the next attempt after `failures` consecutive failures (>= 1). */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
