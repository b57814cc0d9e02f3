import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './limit.js';

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the others in arrival order', async () => {
    const limit = new ConcurrencyLimit(3);
    const gates = new Map<number, () => void>();
    const started: number[] = [];
    let peak = 0;
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        peak = Math.max(peak, limit.running);
        await new Promise<void>((resolve) => gates.set(i, resolve));
        return i * 2;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    expect(limit.queued).toBe(7);
    gates.get(1)!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 10; i++) {
      gates.get(i)?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 10; i++) gates.get(i)?.();
    expect(await Promise.all(tasks)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
    expect(limit.running).toBe(0);
  });

  it('frees the place of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'next')).toBe('next');
  });
});
