/**
 * At most `limit` tasks at once, the rest wait in arrival order. Bounds how
 * many routers are connected to, logged in to and read at the same moment, so
 * a fleet of hundreds does not open hundreds of sockets (and TLS handshakes,
 * and logins) in the same second at start-up or on every slot.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`concurrency limit must be at least 1, got ${limit}`);
  }

  /** Tasks started and not yet finished. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a free place. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}
