import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BcryptPool } from './bcrypt-pool.js';

describe('BcryptPool', () => {
  const pool = new BcryptPool({ size: 1, maxQueued: 2 });
  const hash = bcrypt.hashSync('right', 8);

  afterAll(() => pool.close());

  it('answers each comparison in a worker', async () => {
    expect(await pool.compare('right', hash)).toBe(true);
    expect(await pool.compare('wrong', hash)).toBe(false);
    expect(await pool.compare('right', '$2b$08$not-a-real-hash-at-all-not-a-real-hash-at-all')).toBe(false);
  });

  it('queues what the workers cannot take, up to its bound, and says busy beyond it without queueing', async () => {
    const running = pool.compare('right', hash);
    const queued = [pool.compare('wrong', hash), pool.compare('right', hash)];
    expect(pool.queued).toBe(2);
    expect(pool.compare('right', hash)).toBe('busy');
    expect(pool.queued).toBe(2);
    expect(await Promise.all([running, ...queued])).toEqual([true, false, true]);
    expect(pool.queued).toBe(0);
    expect(await pool.compare('right', hash)).toBe(true);
  });
});
