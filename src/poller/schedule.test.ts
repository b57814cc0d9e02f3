import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextSlotMs, spreadOffsetSeconds } from './schedule.js';

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

describe('spreadOffsetSeconds', () => {
  it('is the documented fraction of SHA-256 over the name, stable and within the window', () => {
    // printf '%s' home | sha256sum | cut -c1-8  ->  4ea14058; 0x4ea14058 / 2^32 * 10 s = 3.071 s
    expect(spreadOffsetSeconds('home', 10)).toBe(3.071);
    expect(spreadOffsetSeconds('home', 0)).toBe(0);
    const places = Array.from({ length: 1000 }, (_, i) => spreadOffsetSeconds(`site-${i}`, 60));
    expect(places.every((place) => place >= 0 && place < 60)).toBe(true);
    // Spread evenly: each 10 s of the minute holds about a sixth of 1000 routers.
    for (let window = 0; window < 6; window++) {
      const inWindow = places.filter((place) => place >= window * 10 && place < (window + 1) * 10).length;
      expect(Math.abs(inWindow - 1000 / 6)).toBeLessThan(50);
    }
  });
});
