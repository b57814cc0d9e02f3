/**
 * Basic auth against the bcrypt hashes of the web config, in a way a flood of
 * wrong passwords cannot turn into slow scrapes:
 * - bcrypt runs in worker threads (bcrypt-pool.ts), so the event loop that
 *   answers scrapes never computes a hash;
 * - verified credentials are remembered (Prometheus sends the same ones every
 *   scrape, so an authorised scrape costs no bcrypt at all), and so are recent
 *   failures (a client repeating a wrong password costs nothing either);
 * - each client address may have a few checks in flight, and the pool's queue
 *   is bounded: beyond that the answer is 429 (after a second), not a growing
 *   backlog.
 * An unknown user is checked against a dummy hash of the same cost as the
 * configured ones, and every cache and limit applies to known and unknown
 * users alike, so timing does not reveal which users exist.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { NextFunction, Request, Response } from 'express';
import { BcryptPool } from './bcrypt-pool.js';

export interface BasicAuthOptions {
  pool?: BcryptPool;
  /** Password checks one client address may have in flight; more are answered 429. */
  maxInFlightPerClient?: number;
}

const REMEMBERED_SUCCESSES = 1024;
const REMEMBERED_FAILURES = 4096;
const BUSY_DELAY_MS = 1000;

export function basicAuth(users: Record<string, string>, options: BasicAuthOptions = {}) {
  const pool = options.pool ?? sharedPool();
  const maxInFlightPerClient = options.maxInFlightPerClient ?? 4;
  const dummyHash = bcrypt.hashSync('network-monitor-dummy', highestCost(Object.values(users)));
  const verified = new RecentKeys(REMEMBERED_SUCCESSES);
  const failed = new RecentKeys(REMEMBERED_FAILURES);
  const inFlight = new Map<string, number>();

  const deny = (res: Response): void => {
    res.setHeader('WWW-Authenticate', 'Basic realm="network-monitor", charset="UTF-8"');
    res.status(401).type('text/plain').send('unauthorized\n');
  };
  // Answered after the delay it asks for: refused at once, a flooding client would loop as fast as the event loop
  // answers and cost scrapes more than its password checks did; held, it costs a timer.
  const busy = (res: Response): void => {
    const timer = setTimeout(() => {
      if (res.writableEnded || res.destroyed) return;
      res.setHeader('Retry-After', String(BUSY_DELAY_MS / 1000));
      res.status(429).type('text/plain').send('too many password checks in progress, retry later\n');
    }, BUSY_DELAY_MS);
    res.once('close', () => clearTimeout(timer));
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    const credentials = parseBasicAuth(req.headers.authorization);
    if (!credentials) {
      deny(res);
      return;
    }
    const hash = lookupUser(users, credentials.user);
    // The hash is part of the key, so a remembered answer never outlives a changed password.
    const key = createHash('sha256')
      .update(`${credentials.user}\0${credentials.password}\0${hash ?? ''}`)
      .digest('hex');
    if (hash !== undefined && verified.has(key)) {
      next();
      return;
    }
    if (failed.has(key)) {
      deny(res);
      return;
    }
    const client = req.socket.remoteAddress ?? '';
    const mine = inFlight.get(client) ?? 0;
    const check = mine < maxInFlightPerClient ? pool.compare(credentials.password, hash ?? dummyHash) : 'busy';
    if (check === 'busy') {
      busy(res);
      return;
    }
    inFlight.set(client, mine + 1);
    check
      .finally(() => {
        const left = (inFlight.get(client) ?? 1) - 1;
        if (left > 0) inFlight.set(client, left);
        else inFlight.delete(client);
      })
      .then(
        (ok) => {
          if (ok && hash !== undefined) {
            verified.add(key);
            next();
          } else {
            failed.add(key);
            deny(res);
          }
        },
        (error: unknown) => next(error),
      );
  };
}

let defaultPool: BcryptPool | undefined;

/** One pool per process: a web config loaded again (a reload) reuses its threads. */
function sharedPool(): BcryptPool {
  defaultPool ??= new BcryptPool();
  return defaultPool;
}

/** The cost of the most expensive configured hash, so the dummy check takes as long as a real one. */
function highestCost(hashes: string[]): number {
  let cost = 4;
  for (const hash of hashes) {
    const match = /^\$2[aby]?\$(\d{2})\$/.exec(hash);
    if (match?.[1]) cost = Math.max(cost, Number(match[1]));
  }
  return cost;
}

/** A set of keys that forgets the oldest once full. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.size >= this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    this.keys.add(key);
  }
}

/** Compares every configured name in constant time, so response timing does not reveal which users exist. */
function lookupUser(users: Record<string, string>, user: string): string | undefined {
  const wanted = createHash('sha256').update(user).digest();
  let found: string | undefined;
  for (const [name, hash] of Object.entries(users)) {
    if (timingSafeEqual(createHash('sha256').update(name).digest(), wanted)) found = hash;
  }
  return found;
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
