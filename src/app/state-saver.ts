import type { StatePersistence } from '../monitor.js';

/**
 * Coalesces save requests: polls of many routers may finish together, but at
 * most one write runs at a time and at most one more is queued behind it, so
 * the file is written at most once per poll and always with the newest state.
 */
export class CoalescingSaver implements StatePersistence {
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

  /** Waits for any write in progress, then writes the current state once more. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    await this.save();
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
