import { describe, expect, it } from 'vitest';
import { CoalescingSaver } from './state-saver.js';

describe('CoalescingSaver', () => {
  it('never runs two writes at once and always ends with the newest state', async () => {
    let version = 0;
    const written: number[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const saver = new CoalescingSaver(async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      const seen = version;
      await new Promise((resolve) => setTimeout(resolve, 5));
      written.push(seen);
      concurrent--;
    });
    for (let i = 1; i <= 10; i++) {
      version = i;
      saver.requestSave();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await saver.flush();
    expect(maxConcurrent).toBe(1);
    expect(written.at(-1)).toBe(10);
    // Ten requests during slow writes collapse into far fewer writes.
    expect(written.length).toBeLessThan(10);
  });
});
