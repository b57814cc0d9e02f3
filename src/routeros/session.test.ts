/**
 * RouterSession against the RouterOS simulator over real sockets: what a poll
 * returns, that the login is kept, and what every failure looks like.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeMac } from '../net/mac.js';
import {
  DEFAULT_GARBAGE,
  generateLan,
  type RunningSimulator,
  type SimulatorOptions,
  sampleLan,
  startSimulator,
} from '../simulator/index.js';
import { mapRecords } from './observations.js';
import type { RouterSession, RouterSessionOptions } from './session.js';
import { rejectionOf, sessionFor } from './test-support.js';
import type { TransportFactory, TransportOptions } from './transport.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/tls/${name}`, import.meta.url));
const PASSWORD = 'correct-horse-battery-staple';

let sims: RunningSimulator[] = [];
let sessions: RouterSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  sessions = [];
});

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ users: [{ name: 'monitor', password: PASSWORD }], ...options });
  sims.push(sim);
  return sim;
}

function connect(sim: RunningSimulator, overrides: Partial<RouterSessionOptions> = {}) {
  const made = sessionFor(sim, { password: PASSWORD, ...overrides });
  sessions.push(made.session);
  return made;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the transport seam', () => {
  it('hands the transport the resolved port and TLS settings, and maps what it returns', async () => {
    const seen: TransportOptions[] = [];
    const transport: TransportFactory = (options) => {
      seen.push(options);
      const print = async (path: string) =>
        path === '/ip/arp' ? [{ address: '10.0.0.9', 'mac-address': 'aa-bb-cc-dd-ee-01', status: 'reachable' }] : [];
      return {
        connect: async () => undefined,
        print,
        printRows: async (path, proplist, map) => mapRecords(await print(path), proplist, map),
        countRows: async (path) => (await print(path)).length,
        close: async () => undefined,
        onFailure: () => undefined,
      };
    };
    const { session } = sessionFor(
      { port: 0 },
      {
        port: undefined,
        transport,
        tls: { enabled: true, ca: null, rejectUnauthorized: true, anonymous: true },
      },
    );
    sessions.push(session);
    const result = await session.poll();
    expect(result.arp).toEqual([expect.objectContaining({ mac: 'AA:BB:CC:DD:EE:01', status: 'reachable' })]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.port).toBe(8729);
    expect(seen[0]!.tls?.ciphers).toContain('ADH-AES256-GCM-SHA384');
    expect(seen[0]!.tls?.maxVersion).toBe('TLSv1.2');
  });
});

// Every scenario runs over the client production uses (the session's default transport).
describe('over our own client', () => {
  describe('a poll', () => {
    it('returns every row of the sample LAN, mapped, with one print per table and a .proplist', async () => {
      const sim = await simulator();
      const { session } = connect(sim);
      const result = await session.poll();

      const lan = sampleLan();
      expect(result.leases.map((l) => l.mac).sort()).toEqual(lan.leases.map((l) => normalizeMac(l.macAddress)).sort());
      expect(result.arp).toHaveLength(lan.arp.length);
      expect(result.bridgeHosts).toHaveLength(lan.bridgeHosts.length);
      expect(result.system).toEqual({ identity: 'demo', version: '7.19.4 (stable)', board: lan.system.boardName });
      expect(result.missingTables).toEqual([]);
      expect(result.rejectedRows).toBe(0);

      for (const path of ['/ip/dhcp-server/lease', '/ip/arp', '/interface/bridge/host', '/system/identity', '/system/resource']) {
        const prints = sim.stats.commandsFor(`${path}/print`);
        expect(prints, path).toHaveLength(1);
        expect(prints[0]!.words.some((w) => w.startsWith('=.proplist='))).toBe(true);
      }
      // login, five prints, and each of the eight device-depth tables once (the sample LAN has none of them)
      expect(sim.stats.commands).toHaveLength(14);
    });

    it('keeps one logged-in connection across polls and sees table changes', async () => {
      const sim = await simulator();
      const { session } = connect(sim);
      const first = await session.poll();
      sim.tables.leases.splice(0, 1);
      sim.tables.arp.push({ address: '192.168.88.250', macAddress: 'DE:AD:BE:EF:00:01', interface: 'bridge', dynamic: true });
      const second = await session.poll();
      await session.poll();
      expect(second.leases).toHaveLength(first.leases.length - 1);
      expect(second.arp.find((a) => a.address === '192.168.88.250')?.mac).toBe('DE:AD:BE:EF:00:01');
      expect(sim.stats.logins).toBe(1);
      expect(sim.stats.connectionsOpened).toBe(1);
      expect(session.connectionCount).toBe(1);
    });

    it('shares one poll between concurrent callers', async () => {
      const sim = await simulator();
      const { session } = connect(sim);
      const [a, b] = await Promise.all([session.poll(), session.poll()]);
      expect(a).toBe(b);
      expect(sim.stats.commandsFor('/ip/arp/print')).toHaveLength(1);
    });

    it('logs in with the legacy MD5 challenge (RouterOS < 6.43)', async () => {
      const sim = await simulator({ login: 'md5' });
      const { session } = connect(sim);
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
      expect(sim.stats.logins).toBe(1);
    });

    it('reads ARP without status before RouterOS 7.14, and prints without !empty before 7.18', async () => {
      const lan = { ...sampleLan(), bridgeHosts: [] };
      const old = await simulator({ versionProfile: 'pre-7.14', lan });
      const result = await connect(old).session.poll();
      expect(result.arp.every((a) => a.status === null)).toBe(true);
      expect(result.arp.filter((a) => a.mac !== null).every((a) => a.complete)).toBe(true);
      expect(result.bridgeHosts).toEqual([]);
      expect(result.system.version).toBe('7.12.1 (stable)');

      const newer = await simulator({ versionProfile: '7.14-7.17', lan });
      const statuses = new Set((await connect(newer).session.poll()).arp.map((a) => a.status));
      expect(statuses.has('reachable')).toBe(true);
    });

    it('counts rows it cannot use instead of failing', async () => {
      const lan = sampleLan();
      lan.leases[0]!.extra = { 'mac-address': 'not-a-mac' };
      lan.leases[0]!.omit = ['active-mac-address'];
      lan.bridgeHosts[0]!.extra = { 'mac-address': '' };
      const sim = await simulator({ lan });
      const result = await connect(sim).session.poll();
      expect(result.rejectedRows).toBe(2);
      expect(result.leases).toHaveLength(lan.leases.length - 1);
    });

    it('handles a 10 000-device LAN in one poll', async () => {
      const lan = generateLan({ devices: 10_000, seed: 7 });
      const sim = await simulator({ lan });
      const { session } = connect(sim, { timeoutSeconds: 20 });
      const result = await session.poll();
      expect(result.leases).toHaveLength(lan.leases.length);
      expect(result.arp).toHaveLength(lan.arp.length);
      expect(result.bridgeHosts).toHaveLength(lan.bridgeHosts.length);
      expect(result.rejectedRows).toBe(0);
      expect(new Set(result.leases.map((l) => l.hostname)).size).toBe(lan.leases.filter((l) => l.hostName).length + 1);
    });
  });

  describe('tables the router lacks, and refused commands', () => {
    it('skips a missing table, reports it, and logs it once', async () => {
      const sim = await simulator({ faults: { trapPaths: { '/interface/bridge/host': 'no such command prefix' } } });
      const { session, log } = connect(sim);
      const first = await session.poll();
      const second = await session.poll();
      expect(first.missingTables).toEqual(['/interface/bridge/host']);
      expect(second.missingTables).toEqual(['/interface/bridge/host']);
      expect(first.bridgeHosts).toEqual([]);
      expect(first.leases.length).toBeGreaterThan(40);
      expect(log.lines.filter((l) => l.msg === 'router has no such table; skipping it')).toHaveLength(1);
      expect(sim.stats.logins).toBe(1);
    });

    it('fails the poll with reason protocol on any other trap, keeping the connection', async () => {
      const sim = await simulator();
      const { session } = connect(sim);
      await session.poll();
      sim.setFaults({ trapPaths: { '/ip/arp': 'not enough permissions (9)' } });
      const error = await rejectionOf(session.poll());
      expect(error.reason).toBe('protocol');
      expect(error.message).toContain('/ip/arp/print: not enough permissions (9)');
      sim.clearFaults();
      await session.poll();
      expect(sim.stats.logins).toBe(1);
    });
  });

  describe('failures', () => {
    it('wrong password: reason auth, and the password appears in no error or log line', async () => {
      const sim = await simulator();
      const { session, log } = connect(sim, { password: 'hunter2-wrong-password' });
      const error = await rejectionOf(session.poll());
      expect(error.reason).toBe('auth');
      expect(error.message).toBe(`127.0.0.1:${sim.port}: login refused (invalid user name or password)`);
      expect(error.message).not.toContain('hunter2');
      expect(log.text()).not.toContain('hunter2');
    });

    it('a trap message that repeats the password is redacted', async () => {
      const sim = await simulator();
      const { session } = connect(sim);
      await session.poll();
      sim.setFaults({ trapPaths: { '/ip/arp': `bad value ${PASSWORD}` } });
      const error = await rejectionOf(session.poll());
      expect(error.message).toContain('bad value [redacted]');
      expect(error.message).not.toContain(PASSWORD);
    });

    it('MD5 login refused: reason auth', async () => {
      const sim = await simulator({ login: 'md5' });
      const error = await rejectionOf(connect(sim, { password: 'nope' }).session.poll());
      expect(error.reason).toBe('auth');
    });

    it('connection refused: reason connection, naming the address', async () => {
      const sim = await simulator();
      await sim.stopListening();
      const error = await rejectionOf(connect(sim).session.poll());
      expect(error.reason).toBe('connection');
      expect(error.message).toContain(`127.0.0.1:${sim.port}`);
      expect(error.message).toContain('ECONNREFUSED');
    });

    it('a stalled reply: reason timeout at the per-command deadline, then a fresh connection', async () => {
      const sim = await simulator();
      const { session } = connect(sim, { timeoutSeconds: 0.3, backoff: { initialMs: 1, maxMs: 1 } });
      await session.poll();
      sim.setFaults({ stall: true });
      const error = await rejectionOf(session.poll());
      expect(error.reason).toBe('timeout');
      expect(error.message).toContain('/ip/dhcp-server/lease/print: no answer within 0.3 s');
      sim.clearFaults();
      await tick();
      await session.poll();
      expect(sim.stats.logins).toBe(2);
    });

    it('garbage and a 4 GB word prefix: reason protocol, without waiting for the deadline', async () => {
      const sim = await simulator();
      const { session } = connect(sim, { timeoutSeconds: 60, backoff: { initialMs: 1, maxMs: 1 } });
      await session.poll();
      sim.setFaults({ garbage: DEFAULT_GARBAGE });
      const garbage = await rejectionOf(session.poll());
      expect(garbage.reason).toBe('protocol');
      sim.setFaults({ garbage: null, hugeWord: true });
      await tick();
      const huge = await rejectionOf(session.poll());
      expect(huge.reason).toBe('protocol');
      expect(huge.message).toContain('announces 4294967295 bytes');
      sim.clearFaults();
      await tick();
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
    });

    it('after a failure, polls fail fast with reason connection until the backoff has passed', async () => {
      const sim = await simulator();
      let now = 1_000_000;
      const { session } = connect(sim, {
        nowMs: () => now,
        random: () => 1,
        backoff: { initialMs: 1000, maxMs: 8000 },
      });
      await sim.stopListening();
      const attempts = () => sim.stats.connectionsOpened;

      expect((await rejectionOf(session.poll())).reason).toBe('connection');
      expect(session.connectionCount).toBe(1);
      const fast = await rejectionOf(session.poll());
      expect(fast.reason).toBe('connection');
      expect(fast.message).toContain('not reconnecting for another 1.0 s after:');
      expect(fast.message).toContain('ECONNREFUSED');
      expect(session.connectionCount).toBe(1);

      now += 1000; // random 1 -> the full 1 s delay
      await rejectionOf(session.poll());
      expect(session.connectionCount).toBe(2);
      now += 1999; // second failure: 2 s
      expect((await rejectionOf(session.poll())).message).toContain('not reconnecting for another 0.0 s');
      expect(session.connectionCount).toBe(2);

      await sim.startListening();
      now += 1;
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
      expect(session.connectionCount).toBe(3);
      expect(attempts()).toBe(1);
    });

    it('during the backoff after a refused login, polls keep failing with reason auth', async () => {
      const sim = await simulator();
      let now = 1_000_000;
      const { session } = connect(sim, { nowMs: () => now, random: () => 1, backoff: { initialMs: 1000, maxMs: 8000 } });
      sim.setFaults({ refuseLogin: true });
      expect((await rejectionOf(session.poll())).reason).toBe('auth');
      const fast = await rejectionOf(session.poll());
      expect(fast.reason).toBe('auth');
      expect(fast.message).toContain('not reconnecting for another 1.0 s after:');
      expect(session.connectionCount).toBe(1);
      sim.clearFaults();
      now += 1000;
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
    });

    it('a router reboot between polls: the next poll logs in again, no backoff', async () => {
      const sim = await simulator();
      const { session, log } = connect(sim);
      await session.poll();
      await sim.reboot(20);
      await tick();
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
      expect(sim.stats.logins).toBe(2);
      expect(log.lines.some((l) => String(l.msg).startsWith('connection lost'))).toBe(true);
    });

    it('close() ends a poll in flight with reason connection', async () => {
      const sim = await simulator({ faults: { stall: true } });
      const { session } = connect(sim, { timeoutSeconds: 60 });
      const polling = session.poll();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await session.close();
      const error = await rejectionOf(polling);
      expect(error.reason).toBe('connection');
      expect((await rejectionOf(session.poll())).message).toContain('session closed');
    });
  });

  describe('TLS', () => {
    const cert = () => ({
      mode: 'certificate' as const,
      cert: readFileSync(fixture('server.pem')),
      key: readFileSync(fixture('server-key.pem')),
    });
    const tlsConfig = { enabled: true, ca: null as string | null, rejectUnauthorized: true, anonymous: false };

    it('verifies the router certificate against the configured CA file', async () => {
      const sim = await simulator({ tls: cert() });
      const { session } = connect(sim, { tls: { ...tlsConfig, ca: fixture('ca.pem') } });
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
      expect(sim.stats.tlsHandshakes).toBe(1);
    });

    it('refuses a certificate the CA did not sign: reason connection', async () => {
      const sim = await simulator({ tls: cert() });
      const error = await rejectionOf(connect(sim, { tls: { ...tlsConfig, ca: fixture('other-ca.pem') } }).session.poll());
      expect(error.reason).toBe('connection');
      expect(error.message).toMatch(/certificate/i);
      expect(sim.stats.logins).toBe(0);
    });

    it('accepts any certificate only when rejectUnauthorized is false', async () => {
      const sim = await simulator({ tls: cert() });
      const strict = await rejectionOf(connect(sim, { tls: tlsConfig }).session.poll());
      expect(strict.reason).toBe('connection');
      const { session } = connect(sim, { tls: { ...tlsConfig, rejectUnauthorized: false } });
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
    });

    it('speaks anonymous DH to api-ssl without a certificate, only when opted in', async () => {
      const sim = await simulator({ tls: { mode: 'anonymous' } });
      const { session } = connect(sim, { tls: { ...tlsConfig, anonymous: true } });
      expect((await session.poll()).leases.length).toBeGreaterThan(40);
      const refused = await rejectionOf(connect(sim, { tls: { ...tlsConfig, rejectUnauthorized: false } }).session.poll());
      expect(refused.reason).toBe('connection');
    });

    it('a TLS handshake slower than the deadline: reason timeout', async () => {
      const sim = await simulator({ tls: cert(), faults: { tlsHandshakeDelayMs: 1000 } });
      const error = await rejectionOf(
        connect(sim, { timeoutSeconds: 0.3, tls: { ...tlsConfig, ca: fixture('ca.pem') } }).session.poll(),
      );
      expect(error.reason).toBe('timeout');
    });

    it('an unreadable CA file: reason connection, naming the file', async () => {
      const sim = await simulator({ tls: cert() });
      const error = await rejectionOf(connect(sim, { tls: { ...tlsConfig, ca: '/nonexistent/ca.pem' } }).session.poll());
      expect(error.reason).toBe('connection');
      expect(error.message).toContain('/nonexistent/ca.pem');
    });
  });
});
