import bcrypt from 'bcryptjs';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { basicAuth } from './basic-auth.js';
import { BcryptPool } from './bcrypt-pool.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('basicAuth', () => {
  const pool = new BcryptPool({ size: 1, maxQueued: 1 });
  const app = express();
  app.use(basicAuth({ prometheus: bcrypt.hashSync('right', 6) }, { pool, maxInFlightPerClient: 2 }));
  app.get('/', (_req, res) => {
    res.send('in\n');
  });

  afterAll(() => pool.close());

  it('lets the right password in, again from memory, and keeps wrong ones and unknown users out', async () => {
    expect((await request(app).get('/').set('authorization', basic('prometheus', 'right'))).status).toBe(200);
    expect((await request(app).get('/').set('authorization', basic('prometheus', 'right'))).status).toBe(200);
    const wrong = await request(app).get('/').set('authorization', basic('prometheus', 'wrong'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="network-monitor", charset="UTF-8"');
    // Remembered as a failure: the same answer again.
    expect((await request(app).get('/').set('authorization', basic('prometheus', 'wrong'))).status).toBe(401);
    expect((await request(app).get('/').set('authorization', basic('mallory', 'right'))).status).toBe(401);
    expect((await request(app).get('/')).status).toBe(401);
  });

  it('answers 429 with Retry-After to a client beyond its checks in flight, and checks the others', async () => {
    // The first two checks are held until the third request has arrived, so it always finds both in flight
    // (a cost-6 hash can otherwise finish before the third request is read).
    let arrived = 0;
    let allArrived!: () => void;
    const third = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    class HeldPool extends BcryptPool {
      override compare(password: string, hash: string): Promise<boolean> | 'busy' {
        const check = super.compare(password, hash);
        if (check === 'busy') return check;
        return check.then(async (ok) => {
          await third;
          return ok;
        });
      }
    }
    const heldPool = new HeldPool({ size: 1, maxQueued: 2 });
    const held = express();
    held.use((_req, _res, next) => {
      arrived += 1;
      if (arrived === 3) allArrived();
      next();
    });
    held.use(basicAuth({ prometheus: bcrypt.hashSync('right', 6) }, { pool: heldPool, maxInFlightPerClient: 2 }));
    held.get('/', (_req, res) => {
      res.send('in\n');
    });
    const server = held.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const answers = await Promise.all(
        [1, 2, 3].map((n) =>
          request(server)
            .get('/')
            .set('authorization', basic('prometheus', `guess-${n}`)),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([401, 401, 429]);
      expect(answers.find((a) => a.status === 429)?.headers['retry-after']).toBe('1');
      expect((await request(server).get('/').set('authorization', basic('prometheus', 'right'))).status).toBe(200);
    } finally {
      server.close();
      await heldPool.close();
    }
  });
});
