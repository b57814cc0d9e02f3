import { nextSlotMs } from './schedule.js';

export interface SchedulerOptions {
  routers: ReadonlyArray<string>;
  intervalSeconds: number;
  offsetSeconds: number;
  /** Runs one poll of one router; must not reject (the caller records failures). */
  pollRouter: (router: string) => Promise<void>;
  /** Called when a slot comes while the router's previous poll still runs. */
  onSkippedSlot: (router: string) => void;
  nowMs?: () => number;
}

/**
 * One timer per router on the wall-clock grid. A router's poll never overlaps
 * its previous one: a slot that finds it still busy is skipped, not queued,
 * so a slow router cannot build a backlog.
 */
export class PollScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly routers = new Set<string>();
  private stopped = false;
  private readonly nowMs: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Polls every router at once (so /readyz turns ready quickly), then on the grid. */
  start(): void {
    for (const router of this.options.routers) this.addRouter(router);
  }

  /** Starts polling one more router (a reload added it): first poll now, then on the grid. */
  addRouter(router: string): void {
    if (this.stopped || this.routers.has(router)) return;
    this.routers.add(router);
    this.runSlot(router);
  }

  /**
   * Stops scheduling a router. A poll in flight is not awaited here: the caller
   * closes the router's connection, which ends it.
   */
  removeRouter(router: string): void {
    this.routers.delete(router);
    const timer = this.timers.get(router);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(router);
  }

  /** Stops scheduling and waits for polls in flight, at most `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const inFlight = [...this.running.values()];
    if (inFlight.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(inFlight),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  isPolling(router: string): boolean {
    return this.running.has(router);
  }

  private runSlot(router: string): void {
    if (this.stopped || !this.routers.has(router)) return;
    if (this.running.has(router)) {
      this.options.onSkippedSlot(router);
    } else {
      const poll: Promise<void> = this.options.pollRouter(router).finally(() => {
        // A router removed and added again while this poll ran has a newer entry.
        if (this.running.get(router) === poll) this.running.delete(router);
      });
      this.running.set(router, poll);
    }
    this.scheduleNext(router);
  }

  private scheduleNext(router: string): void {
    if (this.stopped || !this.routers.has(router)) return;
    const now = this.nowMs();
    const delay = Math.max(0, nextSlotMs(now, this.options.intervalSeconds, this.options.offsetSeconds) - now);
    const timer = setTimeout(() => this.runSlot(router), delay);
    this.timers.set(router, timer);
  }
}
