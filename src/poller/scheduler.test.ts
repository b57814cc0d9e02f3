import { describe, expect, it } from 'vitest';
import { PollScheduler, type SchedulerTimers } from './scheduler.js';

const INTERVAL_S = 15;
const INTERVAL_MS = INTERVAL_S * 1000;
const START = Date.UTC(2026, 0, 1, 0, 0, 0) + 500;

/**
 * A wall clock and timers under test control. Each timer longer than 1 ms
 * fires `skewMs` from when it was due: -1 is a timer that fires a millisecond
 * before its slot (timers run on a monotonic clock, the grid on the wall
 * clock), +5 one that fires late.
 */
class SkewedClock implements SchedulerTimers {
  now = START;
  private nextId = 0;
  private pending: Array<{ id: number; at: number; callback: () => void }> = [];

  constructor(private readonly skewMs: number) {}

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = ++this.nextId;
    const at = this.now + delayMs + (delayMs > 1 ? this.skewMs : 0);
    this.pending.push({ id, at: Math.max(this.now, at), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }

  /** A promise that resolves `ms` from now (a poll's duration), exactly. */
  after(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push({ id: ++this.nextId, at: this.now + ms, callback: resolve });
    });
  }

  /** Fires every timer due until `until`, in order, letting each poll's promise settle in between. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      await settle();
      this.pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = this.pending[0];
      if (due === undefined || due.at > until) break;
      this.pending.shift();
      this.now = due.at;
      due.callback();
    }
    await settle();
    this.now = until;
  }
}

/** Lets promise callbacks run (a poll that ended, and the scheduler noticing it) before the next timer fires. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function run(skewMs: number, pollMs: number) {
  const clock = new SkewedClock(skewMs);
  const polls: number[] = [];
  let skipped = 0;
  const scheduler = new PollScheduler({
    routers: ['home'],
    intervalSeconds: INTERVAL_S,
    offsetSeconds: 0,
    nowMs: () => clock.now,
    timers: clock,
    pollRouter: async () => {
      polls.push(clock.now);
      // 0 ms: a poll that fails at once (a router in connection backoff).
      if (pollMs > 0) await clock.after(pollMs);
    },
    onSkippedSlot: () => {
      skipped += 1;
    },
  });
  return {
    clock,
    polls,
    skipped: () => skipped,
    /** The grid slot each poll served (a poll a few ms before or after a slot serves that slot). */
    slots: () => polls.map((at) => Math.round(at / INTERVAL_MS)),
    async start(slots: number) {
      scheduler.start();
      await clock.runUntil(START + slots * INTERVAL_MS + 100);
      await scheduler.stop(0);
    },
  };
}

describe('PollScheduler on the wall-clock grid', () => {
  it('counts no skipped slot when timers fire a millisecond early', async () => {
    const poller = run(-1, 40);
    await poller.start(10);
    expect(poller.skipped()).toBe(0);
    // The first poll at start, then one per slot.
    expect(poller.polls).toHaveLength(11);
  });

  it('never polls twice in one slot when timers fire early and polls fail at once', async () => {
    const poller = run(-1, 0);
    await poller.start(10);
    const slots = poller.slots().slice(1);
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots).toHaveLength(10);
    expect(poller.skipped()).toBe(0);
  });

  it('keeps one poll per slot when timers fire late', async () => {
    const poller = run(5, 40);
    await poller.start(10);
    expect(poller.skipped()).toBe(0);
    expect(poller.polls.slice(1).map((at) => (at - START + 500) % INTERVAL_MS)).toEqual(Array(10).fill(5));
  });

  it('still skips the slots that come while a poll runs longer than the interval, once each', async () => {
    // Polls of 20 s every 15 s: the slot after each poll starts finds it running.
    for (const skew of [-1, 0, 5]) {
      const poller = run(skew, 20_000);
      await poller.start(10);
      expect(poller.skipped(), `skew ${skew}`).toBe(5);
      expect(poller.polls, `skew ${skew}`).toHaveLength(6);
    }
  });
});

describe('PollScheduler with a spread (poll.spreadSeconds)', () => {
  it('polls each router at its own fixed place after every slot, and still once per slot', async () => {
    const clock = new SkewedClock(0);
    const polls = new Map<string, number[]>();
    const places: Record<string, number> = { a: 0, b: 3.25, c: 14.5 };
    const scheduler = new PollScheduler({
      routers: Object.keys(places),
      intervalSeconds: INTERVAL_S,
      offsetSeconds: 0,
      routerOffsetSeconds: (router) => places[router] ?? 0,
      nowMs: () => clock.now,
      timers: clock,
      pollRouter: async (router) => {
        polls.set(router, [...(polls.get(router) ?? []), clock.now]);
      },
      onSkippedSlot: () => undefined,
    });
    scheduler.start();
    await clock.runUntil(START + 4 * INTERVAL_MS + 100);
    await scheduler.stop(0);
    for (const [router, place] of Object.entries(places)) {
      // After the first poll at start: on the grid plus the router's place, one per interval.
      const later = polls.get(router)!.slice(1);
      expect(
        later.map((at) => (at % INTERVAL_MS) / 1000),
        router,
      ).toEqual(Array(later.length).fill(place));
      expect(new Set(later.map((at) => Math.floor((at - place * 1000) / INTERVAL_MS))).size, router).toBe(later.length);
      expect(later.length, router).toBeGreaterThanOrEqual(3);
    }
  });
});
