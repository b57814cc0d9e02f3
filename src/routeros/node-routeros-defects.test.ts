/**
 * Why the exporter speaks the RouterOS API with its own client: the defects of
 * node-routeros 1.6.9 (a development dependency only, kept for this file and
 * the comparison bench). For each one, the first test drives the library
 * directly against the simulator and shows the defect; the second runs the
 * same scenario through RouterSession (our client) and shows it is not there.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RouterOSAPI } from 'node-routeros';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimulatorOptions, sampleLan, startSimulator } from '../simulator/index.js';
import { encodeSentence } from './codec.js';
import { RouterSession } from './session.js';
import { capturingLogger, rejectionOf, sessionFor } from './test-support.js';

const PROBE = fileURLToPath(new URL('./fixtures/raw-node-routeros.cjs', import.meta.url));

let sim: RunningSimulator | null = null;
const sessions: RouterSession[] = [];
const apis: RouterOSAPI[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const api of apis.splice(0)) {
    try {
      (api as unknown as { connector: { destroy(): void } | null }).connector?.destroy();
    } catch {
      // already gone
    }
  }
  await sim?.close();
  sim = null;
});

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  sim = await startSimulator(options);
  return sim;
}

function startSession(s: RunningSimulator, overrides: Parameters<typeof sessionFor>[1] = {}) {
  const made = sessionFor(s, overrides);
  sessions.push(made.session);
  return made;
}

function rawApi(port: number, extra: Record<string, unknown> = {}): RouterOSAPI {
  const api = new RouterOSAPI({ host: '127.0.0.1', port, user: 'monitor', password: 'secret', ...extra });
  apis.push(api);
  return api;
}

/** Runs the raw-library probe in a child process (some defects kill the process). */
function probe(mode: string, port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PROBE, mode, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** 'resolved' | 'rejected' | 'pending' after waiting `ms`. */
async function stateAfter(promise: Promise<unknown>, ms: number): Promise<string> {
  const outcome = promise.then(
    () => 'resolved',
    () => 'rejected',
  );
  return Promise.race([outcome, new Promise<string>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

const withoutBridgeHosts = () => ({ ...sampleLan(), bridgeHosts: [] });

describe('(a) !empty reply to an empty print (RouterOS 7.18+)', () => {
  it('raw node-routeros dies with an uncaught UNKNOWNREPLY exception', async () => {
    const s = await simulator({ lan: withoutBridgeHosts(), emptyReplies: true });
    const result = await probe('empty-print', s.port);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Tried to process unknown reply: !empty');
    expect(result.stdout).not.toContain('rows');
  });

  it('RouterSession returns an empty table and keeps using the same connection', async () => {
    const s = await simulator({ lan: withoutBridgeHosts(), emptyReplies: true });
    const { session } = startSession(s);
    const first = await session.poll();
    expect(first.bridgeHosts).toEqual([]);
    expect(first.missingTables).toEqual([]);
    expect(first.leases.length).toBeGreaterThan(40);
    const second = await session.poll();
    expect(second.leases).toHaveLength(first.leases.length);
    expect(s.stats.logins).toBe(1);
    expect(s.stats.commandsFor('/interface/bridge/host/print')).toHaveLength(2);
  });
});

describe('(a) anything else the receiver throws', () => {
  it('a reply for a tag nobody asked for fails the poll (protocol) instead of the process', async () => {
    const s = await simulator();
    const { session } = startSession(s, { timeoutSeconds: 60, backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();
    // node-routeros's Receiver.sendTagData throws UNREGISTEREDTAG for this, from the socket's 'data' handler;
    // ours fails the poll.
    s.setFaults({ garbage: encodeSentence(['!re', '.tag=nobody', '=name=x']) });
    const error = await rejectionOf(session.poll());
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain('reply !re for an unknown tag');
    s.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await session.poll()).leases.length).toBeGreaterThan(40);
  });
});

describe('(b) !fatal or a closed socket while a command is pending', () => {
  it('raw node-routeros leaves the command promise pending after the connection is gone', async () => {
    const s = await simulator();
    const fatal = rawApi(s.port);
    await fatal.connect();
    s.setFaults({ fatal: 'out of memory' });
    expect(await stateAfter(fatal.write('/ip/arp/print'), 800)).toBe('pending');
    expect(fatal.connected).toBe(false);

    s.clearFaults();
    const closing = rawApi(s.port);
    await closing.connect();
    s.setFaults({ closeAfterBytes: 12 });
    expect(await stateAfter(closing.write('/ip/arp/print'), 800)).toBe('pending');
    expect(closing.connected).toBe(false);
  });

  it('RouterSession fails the poll at once with reason connection (not at its deadline)', async () => {
    const s = await simulator();
    // A deadline far beyond the test timeout: only the client noticing the failure can settle the poll.
    const { session } = startSession(s, { timeoutSeconds: 120, backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();

    s.setFaults({ fatal: 'out of memory' });
    const fatal = await rejectionOf(session.poll());
    expect(fatal.reason).toBe('connection');
    expect(fatal.message).toContain('!fatal');

    s.setFaults({ fatal: null, closeAfterBytes: 12 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = await rejectionOf(session.poll());
    expect(closed.reason).toBe('connection');
    expect(closed.message).toContain('closed by the router');

    s.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await session.poll()).leases.length).toBeGreaterThan(40);
  });
});

describe('(c) idle timeout after login', () => {
  it('raw node-routeros emits an unhandled error event once idle for `timeout` seconds', async () => {
    const s = await simulator();
    const result = await probe('idle', s.port);
    expect(result.stdout).toContain('loggedIn');
    expect(result.stdout).not.toContain('survived');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Timed out after 1 seconds');
  });

  it('RouterSession idles past its timeout and polls again on the same connection', async () => {
    const s = await simulator();
    const { session, log } = startSession(s, { timeoutSeconds: 1 });
    await session.poll();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const again = await session.poll();
    expect(again.leases.length).toBeGreaterThan(40);
    expect(s.stats.logins).toBe(1);
    expect(session.connectionCount).toBe(1);
    expect(log.text()).not.toContain('connection lost');
  });
});

describe('(d) text decoded as Windows-1252', () => {
  async function lanWithHostnames() {
    const lan = sampleLan();
    lan.leases[0]!.hostName = 'Вася-ноутбук';
    lan.leases[1]!.hostName = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // "Café" typed in WinBox (cp1252)
    lan.leases[2]!.hostName = 'Łódź 😀';
    return simulator({ lan });
  }

  it('raw node-routeros turns UTF-8 host names into mojibake and loses bytes', async () => {
    const s = await lanWithHostnames();
    const api = rawApi(s.port);
    await api.connect();
    const rows = (await api.write('/ip/dhcp-server/lease/print')) as Array<Record<string, string>>;
    const names = rows.map((row) => row['host-name']);
    expect(names).toContain('Ð’Ð°Ñ\ufffdÑ\ufffd-Ð½Ð¾ÑƒÑ‚Ð±ÑƒÐº');
    expect(names).not.toContain('Вася-ноутбук');
  });

  it('RouterSession returns the exact text: UTF-8 when valid, else Windows-1252', async () => {
    const s = await lanWithHostnames();
    const { session } = startSession(s);
    const names = (await session.poll()).leases.map((lease) => lease.hostname);
    expect(names).toContain('Вася-ноутбук');
    expect(names).toContain('Café');
    expect(names).toContain('Łódź 😀');
  });
});

describe('(e) TLS without a port', () => {
  it('raw node-routeros dials 8728 even with tls set', async () => {
    const api = rawApi(0, { port: undefined, tls: {} });
    expect(api.port).toBe(8728);
    const connecting = api.connect().catch(() => undefined);
    expect((api as unknown as { connector: { port: number } }).connector.port).toBe(8728);
    await connecting;
  });

  it('RouterSession dials 8729 for TLS and 8728 without', async () => {
    const log = capturingLogger();
    const base = { name: 'r', host: '127.0.0.1', user: 'monitor', password: 'secret', logger: log.logger, timeoutSeconds: 2 };
    const tls = { enabled: true, ca: null, rejectUnauthorized: true, anonymous: false };
    const secure = new RouterSession({ ...base, tls });
    const plain = new RouterSession({ ...base, tls: { ...tls, enabled: false } });
    sessions.push(secure, plain);
    expect(secure.address).toBe('127.0.0.1:8729');
    expect(plain.address).toBe('127.0.0.1:8728');
    // Nothing listens there in tests; the failure names the port actually dialled.
    const error = await rejectionOf(secure.poll());
    expect(error.message).toContain('127.0.0.1:8729');
  });
});
