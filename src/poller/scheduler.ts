import { nextSlotMs } from './schedule.js';

export interface SchedulerOptions {
  routers: ReadonlyArray<string>;
  intervalSeconds: number;
  offsetSeconds: number;
  /** A router's extra offset within each interval (poll.spreadSeconds); none by default. */
  routerOffsetSeconds?: (router: string) => number;
  /** Runs one poll of one router; must not reject (the caller records failures). */
  pollRouter: (router: string) => Promise<void>;
  /** Called when a slot comes while the router's previous poll still runs. */
  onSkippedSlot: (router: string) => void;
  nowMs?: () => number;
  /** Timer functions (tests inject timers that fire early or late). */
  timers?: SchedulerTimers;
}

export interface SchedulerTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: SchedulerTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * One timer per router on the wall-clock grid. A router's poll never overlaps
 * its previous one: a slot that finds it still busy is skipped, not queued,
 * so a slow router cannot build a backlog.
 *
 * Each timer knows the slot it was set for, and the next slot is computed from
 * that slot, not from the clock reading when it fires: timers run on a
 * monotonic clock and the grid on the wall clock, so a timer may fire a
 * millisecond before its slot, and a next slot computed from that reading is
 * the same slot again (a phantom skipped slot, or two polls in one slot).
 */
export class PollScheduler {
  private readonly timers = new Map<string, unknown>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly routers = new Set<string>();
  private stopped = false;
  private readonly nowMs: () => number;
  private readonly clock: SchedulerTimers;

  constructor(private readonly options: SchedulerOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.clock = options.timers ?? NODE_TIMERS;
  }

  /** Polls every router at once (so /readyz turns ready quickly), then on the grid. */
  start(): void {
    for (const router of this.options.routers) this.addRouter(router);
  }

  /** Starts polling one more router (a reload added it): first poll now, then on the grid. */
  addRouter(router: string): void {
    if (this.stopped || this.routers.has(router)) return;
    this.routers.add(router);
    this.runSlot(router, this.nowMs());
  }

  /**
   * Stops scheduling a router. A poll in flight is not awaited here: the caller
   * closes the router's connection, which ends it.
   */
  removeRouter(router: string): void {
    this.routers.delete(router);
    const timer = this.timers.get(router);
    if (timer !== undefined) this.clock.clearTimeout(timer);
    this.timers.delete(router);
  }

  /** Stops scheduling and waits for polls in flight, at most `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
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

  /** Runs (or skips) the poll of the slot at `slotMs`, and sets the timer for the slot after it. */
  private runSlot(router: string, slotMs: number): void {
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
    this.scheduleAfter(router, slotMs);
  }

  private scheduleAfter(router: string, slotMs: number): void {
    if (this.stopped || !this.routers.has(router)) return;
    const now = this.nowMs();
    const intervalMs = this.options.intervalSeconds * 1000;
    // From the later of the slot and the clock: a timer that fired late does not run the slots it missed. A wall
    // clock set back by more than an interval is followed, or the next poll would wait for it to catch up.
    const from = slotMs - now > intervalMs ? now : Math.max(slotMs, now);
    const offset = this.options.offsetSeconds + (this.options.routerOffsetSeconds?.(router) ?? 0);
    const next = nextSlotMs(from, this.options.intervalSeconds, offset);
    const timer = this.clock.setTimeout(() => this.runSlot(router, next), Math.max(0, next - now));
    this.timers.set(router, timer);
  }
}
