import type { StateStore } from '../inventory/persistence.js';
import type { DeviceRegistry } from '../inventory/registry.js';
import type { StatePersistence } from '../monitor.js';

/**
 * Coalesces save requests: polls of many routers may finish together, but at
 * most one write runs at a time and at most one more is queued behind it, so
 * the file is written at most once per poll and always with the newest state.
 */
export class CoalescingSaver {
  private writing: Promise<void> | null = null;
  private pending = false;

  constructor(private readonly save: () => Promise<void>) {}

  requestSave(): void {
    if (this.writing) {
      this.pending = true;
      return;
    }
    this.writing = this.run();
  }

  /** Waits for any write in progress, then runs `last` (by default the save itself) once more. */
  async flush(last: () => Promise<void> = this.save): Promise<void> {
    await this.idle();
    await last();
  }

  /** Resolves once no write is running or queued. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async run(): Promise<void> {
    try {
      do {
        this.pending = false;
        await this.save();
      } while (this.pending);
    } finally {
      this.writing = null;
    }
  }
}

/**
 * How often devices whose only change is a later last-seen are written to the
 * journal: what a crash can lose of last-seen (plus one poll interval, as the
 * batch is written after the first poll round past this interval). A
 * 10k-device LAN costs about 0.4 MB per batch; writing it every 5 s poll would
 * be the 3 MB a minute this design exists to avoid.
 */
export const REFRESH_INTERVAL_SECONDS = 60;
/** How long a poll waits for its first sightings to reach the disk before it is published anyway. */
export const COMMIT_WAIT_MS = 2000;
/** The journal is folded into a new snapshot once it is this large, or twice the snapshot's size if that is more. */
export const MIN_COMPACTION_BYTES = 64 * 1024;

/**
 * Decides what each write is (state file design in docs/deployment.md, "State"):
 * - after every poll, before it is published: the poll's first sightings and
 *   changed facts are appended to the journal and fdatasynced (commitPoll);
 * - after a poll round, once REFRESH_INTERVAL_SECONDS have passed: the newer
 *   last-seen times of every device, in one compact journal record;
 * - when the journal has grown past twice the snapshot, after a failed write,
 *   when there is no snapshot yet, and at shutdown: a full snapshot
 *   (compaction), which empties the journal.
 */
export class StateWriter implements StatePersistence {
  private readonly saver = new CoalescingSaver(() => this.write(false));
  private lastRefreshMs: number;

  constructor(
    private readonly registry: Pick<DeviceRegistry, 'drainStateChanges' | 'stateToSave'>,
    private readonly store: StateStore,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastRefreshMs = clock();
  }

  async commitPoll(): Promise<void> {
    const changes = this.registry.drainStateChanges(false);
    if (changes.changed.length === 0 && changes.removed.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, COMMIT_WAIT_MS);
      timer.unref();
    });
    await Promise.race([this.store.append(changes), waited]);
    clearTimeout(timer);
  }

  requestSave(): void {
    this.saver.requestSave();
  }

  /** Resolves once the writes asked for so far are done. */
  idle(): Promise<void> {
    return this.saver.idle();
  }

  /** Waits for writes in progress, then writes the whole state (shutdown). */
  flush(): Promise<void> {
    return this.saver.flush(() => this.write(true));
  }

  private async write(full: boolean): Promise<void> {
    const store = this.store;
    const now = this.clock();
    const journalTooLarge = store.journalBytes > Math.max(2 * store.snapshotBytes, MIN_COMPACTION_BYTES);
    // No snapshot yet (first start): write one after the first round, so the state file exists from then on.
    if (full || store.needsCompaction || store.snapshotBytes === 0 || journalTooLarge) {
      // Drained and exported together: whatever was pending is in this snapshot.
      this.registry.drainStateChanges(true);
      const state = this.registry.stateToSave(now / 1000);
      this.lastRefreshMs = now;
      await store.save(state);
      return;
    }
    const refresh = now - this.lastRefreshMs >= REFRESH_INTERVAL_SECONDS * 1000;
    if (refresh) this.lastRefreshMs = now;
    await store.append(this.registry.drainStateChanges(refresh));
  }
}
