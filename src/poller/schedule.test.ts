import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextSlotMs } from './schedule.js';

describe('nextSlotMs', () => {
  it('returns the next wall-clock multiple of the interval', () => {
    expect(nextSlotMs(Date.UTC(2026, 0, 1, 0, 0, 7), 15, 0)).toBe(Date.UTC(2026, 0, 1, 0, 0, 15));
    expect(nextSlotMs(Date.UTC(2026, 0, 1, 0, 0, 15), 15, 0)).toBe(Date.UTC(2026, 0, 1, 0, 0, 30));
    expect(nextSlotMs(Date.UTC(2026, 0, 1, 0, 0, 7), 15, 5)).toBe(Date.UTC(2026, 0, 1, 0, 0, 20));
    expect(nextSlotMs(Date.UTC(2026, 0, 1, 0, 0, 3), 15, 5)).toBe(Date.UTC(2026, 0, 1, 0, 0, 5));
  });

  it('is always in the future, within one interval, and on the grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 7200 }),
        (now, interval, offset) => {
          const next = nextSlotMs(now, interval, offset);
          expect(next).toBeGreaterThan(now);
          expect(next - now).toBeLessThanOrEqual(interval * 1000);
          expect((((next - offset * 1000) % (interval * 1000)) + interval * 1000) % (interval * 1000)).toBe(0);
        },
      ),
    );
  });
});
