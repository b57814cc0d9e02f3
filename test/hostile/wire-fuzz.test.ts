/**
 * The real session (our own client underneath) fed
 * by a router that sends arbitrary bytes: as replies, and as the text of its
 * tables. A poll must end in a result or a PollError with one of the four
 * reasons, never an uncaught exception (vitest fails the run on one), and the
 * session must read good data again once the router behaves.
 */
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollError, RouterSession } from '../../src/routeros/session.js';
import { decodeRouterBytes, sanitizeComment, sanitizeHostname } from '../../src/routeros/values.js';
import { type LanData, type RunningSimulator, sampleLan, startSimulator } from '../../src/simulator/index.js';
import { apiStream } from './arbitraries.js';

const PASSWORD = 'pw-wire-fuzz';
const REASONS = ['auth', 'timeout', 'connection', 'protocol'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('arbitrary bytes as replies', () => {
  let sim: RunningSimulator;
  let session: RouterSession;
  const lan = sampleLan();

  beforeAll(async () => {
    sim = await startSimulator({ users: [{ name: 'monitor', password: PASSWORD }], lan });
    session = new RouterSession({
      name: 'fuzz',
      host: sim.host,
      port: sim.port,
      user: 'monitor',
      password: PASSWORD,
      timeoutSeconds: 0.3,
      backoff: { initialMs: 1, maxMs: 1 },
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  it('every poll resolves or fails with a PollError, and the next good router is read exactly', async () => {
    const outcomes = new Map<string, number>();
    await session.poll();
    await fc.assert(
      fc.asyncProperty(apiStream, async (bytes) => {
        sim.setFaults({ garbage: bytes });
        let outcome = 'resolved';
        try {
          await session.poll();
        } catch (error) {
          expect(error).toBeInstanceOf(PollError);
          expect(REASONS).toContain((error as PollError).reason);
          expect((error as PollError).message).not.toContain(PASSWORD);
          outcome = (error as PollError).reason;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        sim.clearFaults();
        // A failed poll dropped the connection, so the very next poll must be good. Bytes
        // that happened to pass for replies may leave sentences for a later command on
        // the wire; then the session must get back to the truth within a few polls.
        const allowed = outcome === 'resolved' ? 4 : 1;
        let good = null;
        for (let attempt = 0; attempt < allowed && good === null; attempt++) {
          await sleep(3);
          good = await session.poll().catch(() => null);
        }
        expect(good, 'recovered').not.toBeNull();
        expect(good!.leases).toHaveLength(lan.leases.length);
        expect(good!.arp).toHaveLength(lan.arp.length);
      }),
      { numRuns: 40 },
    );
    // The generator reaches the interesting outcomes, not just one of them.
    expect(outcomes.get('protocol') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('timeout') ?? 0).toBeGreaterThan(0);
  }, 60_000);
});

describe('arbitrary bytes as table text', () => {
  let sim: RunningSimulator;
  let session: RouterSession;

  beforeAll(async () => {
    sim = await startSimulator({ users: [{ name: 'monitor', password: PASSWORD }] });
    session = new RouterSession({
      name: 'fuzz',
      host: sim.host,
      port: sim.port,
      user: 'monitor',
      password: PASSWORD,
      timeoutSeconds: 5,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => new Uint8Array(Buffer.from(s))),
  );

  it('host names, comments and the identity arrive exactly as UTF-8-else-Windows-1252, sanitised', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(bytes, bytes), { minLength: 1, maxLength: 8 }), bytes, async (texts, identity) => {
        const table: LanData = {
          system: { ...sampleLan().system, identity: Buffer.from(identity) },
          leases: [],
          arp: [],
          bridgeHosts: [],
        };
        texts.forEach(([hostName, comment], i) => {
          table.leases.push({
            macAddress: `00:1B:CC:00:00:${i.toString(16).padStart(2, '0')}`,
            address: `10.1.0.${i + 1}`,
            server: 'dhcp1',
            status: 'bound',
            dynamic: true,
            lastSeen: 1,
            expiresAfter: 60,
            hostName: Buffer.from(hostName),
            comment: Buffer.from(comment),
          });
        });
        sim.tables = table;
        const result = await session.poll();
        expect(result.rejectedRows).toBe(0);
        expect(result.leases.map((l) => [l.hostname, l.comment])).toEqual(
          texts.map(([h, c]) => [sanitizeHostname(decodeRouterBytes(h)), sanitizeComment(decodeRouterBytes(c))]),
        );
        // The identity is an admin-set name, held to the same 255 code points as a comment.
        expect(result.system.identity).toBe(sanitizeComment(decodeRouterBytes(identity)));
      }),
      { numRuns: 60 },
    );
    expect(sim.stats.logins).toBe(1);
  }, 60_000);
});
