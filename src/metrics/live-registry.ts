import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface LiveMetricsSources {
  version: string;
  /** Read at scrape time: state writes happen between polls and at shutdown. */
  stateWrites: () => { errorsTotal: number; lastSuccess: number | null };
}

/**
 * Metrics that change between polls (process figures, state persistence) are
 * kept in a prom-client registry and rendered per scrape, beside the
 * per-poll snapshot.
 */
export function createLiveRegistry(sources: LiveMetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'netmon_build_info',
    help: 'Version and runtime of the exporter; always 1.',
    labelNames: ['version', 'nodejs'],
    registers: [registry],
  }).set({ version: sources.version, nodejs: process.version }, 1);
  new Counter({
    name: 'netmon_state_write_errors_total',
    help: 'Failed writes of the device state file.',
    registers: [registry],
    collect() {
      const total = sources.stateWrites().errorsTotal;
      this.reset();
      this.inc(total);
    },
  });
  new Gauge({
    name: 'netmon_state_last_write_success_timestamp_seconds',
    help: 'Unix time of the last successful write of the device state file (0 before the first).',
    registers: [registry],
    collect() {
      this.set(sources.stateWrites().lastSuccess ?? 0);
    },
  });
  return registry;
}
