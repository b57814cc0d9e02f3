import type { PoolObservation } from '../routeros/depth-observations.js';
import type { DepthSource, SourceStatus } from '../routeros/depth-sources.js';
import type { PollErrorReason } from '../routeros/errors.js';
import type { RouterIdentity } from '../routeros/observation-types.js';

/** What the exporter knows about one router's polling, independent of its devices. */
export interface RouterPollStatus {
  name: string;
  /** True once a poll has finished, good or bad: /readyz waits for this on every router. */
  attempted: boolean;
  up: boolean;
  lastSuccess: number | null;
  lastPollDurationSeconds: number | null;
  lastError: { reason: PollErrorReason; message: string; at: number } | null;
  errorsTotal: Record<PollErrorReason, number>;
  system: RouterIdentity | null;
  /** API rows that could not be parsed (bad values), summed over all polls. */
  rejectedRowsTotal: number;
  /** Poll slots skipped because the previous poll of this router was still running. */
  skippedSlotsTotal: number;
  missingTables: string[];
  /** Device-depth sources at the last good poll; null before one (or when nothing read them). */
  depthSources: Record<DepthSource, SourceStatus> | null;
  /** IP pools at the last good poll; null when the router has no pools menu or the source is off. */
  pools: PoolObservation[] | null;
}

export function initialPollStatus(name: string): RouterPollStatus {
  return {
    name,
    attempted: false,
    up: false,
    lastSuccess: null,
    lastPollDurationSeconds: null,
    lastError: null,
    errorsTotal: { auth: 0, timeout: 0, connection: 0, protocol: 0 },
    system: null,
    rejectedRowsTotal: 0,
    skippedSlotsTotal: 0,
    missingTables: [],
    depthSources: null,
    pools: null,
  };
}
