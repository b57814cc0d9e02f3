import { readFileSync } from 'node:fs';
import net from 'node:net';
import type tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createAnimator } from './animate.js';
import { DEFAULT_GARBAGE, HUGE_WORD_PREFIX, sampleLan, startSimulator } from './index.js';
import { useSimulatorHarness } from './testing/harness.js';
import { RawClient } from './testing/raw-client.js';

const fixtures = new URL('../../test/fixtures/tls/', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, fixtures));

const { sim, client, track } = useSimulatorHarness();

function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('faults', () => {
  it('delay: the reply comes, but not before the delay', async () => {
    const s = await sim();
    const c = await client(s);
    s.faults.delayMs = 400;
    c.send(['/system/identity/print']);
    expect(await c.anythingWithin(100)).toBe(false);
    expect((await c.untilDone()).map((r) => r.text[0])).toEqual(['!re', '!done']);
  });

  it('stall: commands are accepted and never answered; the connection stays open', async () => {
    const s = await sim();
    const c = await client(s);
    s.setFaults({ stall: true });
    c.send(['/ip/arp/print']);
    expect(await c.anythingWithin(300)).toBe(false);
    expect(s.stats.commandsFor('/ip/arp/print')).toHaveLength(1);
    expect(c.socket.destroyed).toBe(false);
  });

  it('/cancel interrupts a command still waiting on its delay, like RouterOS', async () => {
    const s = await sim();
    const c = await client(s);
    s.faults.delayMs = 5000;
    c.send(['/ip/arp/print', '.tag=10']);
    await expect.poll(() => s.stats.commandsFor('/ip/arp/print').length).toBe(1);
    s.faults.delayMs = 0;
    c.send(['/cancel', '=tag=10', '.tag=20']);
    const got = [await c.readSentence(), await c.readSentence(), await c.readSentence()].map((r) => r.text);
    expect(got).toEqual([
      ['!trap', '.tag=10', '=category=2', '=message=interrupted'],
      ['!done', '.tag=20'],
      ['!done', '.tag=10'],
    ]);
    expect(await c.anythingWithin(100)).toBe(false);
  });

  it('closeAfterBytes: exactly N bytes of the reply, then the connection closes', async () => {
    const s = await sim();
    const c = await client(s);
    const before = c.allBytes().length;
    s.faults.closeAfterBytes = 37;
    c.send(['/ip/dhcp-server/lease/print']);
    await c.closed;
    const got = c.allBytes().subarray(before);
    expect(got.length).toBe(37);
    expect(got.subarray(0, 4).toString('latin1')).toBe('\x03!re');
  });

  it('garbage: the configured bytes instead of a reply', async () => {
    const s = await sim();
    const c = await client(s);
    const before = c.allBytes().length;
    s.faults.garbage = DEFAULT_GARBAGE;
    c.send(['/ip/arp/print']);
    await expect.poll(() => c.allBytes().length - before).toBe(DEFAULT_GARBAGE.length);
    expect(c.allBytes().subarray(before).equals(DEFAULT_GARBAGE)).toBe(true);
    expect(DEFAULT_GARBAGE[0]).toBeGreaterThanOrEqual(0xf8); // a reserved control byte
    expect(c.decodeError?.message).toMatch(/control byte 0xff/);
  });

  it('hugeWord: a 5-byte prefix announcing 4 GB, and the connection stays open', async () => {
    const s = await sim();
    const c = await client(s);
    const before = c.allBytes().length;
    s.faults.hugeWord = true;
    c.send(['/ip/arp/print']);
    await expect.poll(() => c.allBytes().length - before).toBe(HUGE_WORD_PREFIX.length);
    expect(
      c
        .allBytes()
        .subarray(before, before + 5)
        .toString('hex'),
    ).toBe('f0ffffffff');
    expect(await c.anythingWithin(100)).toBe(false);
  });

  it('fatal: !fatal with the message, then close', async () => {
    const s = await sim();
    const c = await client(s);
    s.faults.fatal = 'out of memory';
    c.send(['/ip/arp/print']);
    expect((await c.readSentence()).text).toEqual(['!fatal', 'out of memory']);
    await c.closed;
  });

  it('trapPaths: !trap on one table, the others still answer', async () => {
    const s = await sim();
    const c = await client(s);
    s.faults.trapPaths = { '/ip/arp': 'not enough permissions (9)' };
    const arp = await c.command(['/ip/arp/print']);
    expect(arp.map((r) => r.text)).toEqual([['!trap', '=message=not enough permissions (9)'], ['!done']]);
    const identity = await c.command(['/system/identity/print']);
    expect(identity.map((r) => r.text)).toEqual([['!re', '=name=demo'], ['!done']]);
  });

  it('refuseLogin: the RouterOS "invalid user name or password (6)" trap', async () => {
    const s = await sim({ faults: { refuseLogin: true } });
    const c = await client(s, false);
    expect((await c.login()).map((r) => r.text)).toEqual([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
    s.clearFaults();
    expect((await c.login()).map((r) => r.text)).toEqual([['!done']]);
  });

  it('faults do not hit /login unless includeLogin is set', async () => {
    const s = await sim({ faults: { fatal: 'boom' } });
    const c = await client(s); // login succeeds
    s.faults.includeLogin = true;
    const c2 = await client(s, false);
    c2.send(['/login', '=name=monitor', '=password=secret']);
    expect((await c2.readSentence()).text).toEqual(['!fatal', 'boom']);
    expect(c.socket.destroyed).toBe(false);
  });

  it('per-connection faults override global ones for that connection only', async () => {
    const s = await sim();
    const a = await client(s);
    const b = await client(s);
    const conn = s.connections().find((x) => x.id === 1)!;
    conn.faults.fatal = 'only you';
    a.send(['/system/identity/print']);
    expect((await a.readSentence()).text).toEqual(['!fatal', 'only you']);
    expect((await b.command(['/system/identity/print']))[0]!.text).toEqual(['!re', '=name=demo']);
  });

  it('faultsForNextConnection applies to the next accepted connection', async () => {
    const s = await sim();
    s.faultsForNextConnection({ trapPaths: { '/system/identity': 'nope' } });
    const a = await client(s);
    const b = await client(s);
    expect((await a.command(['/system/identity/print']))[0]!.text).toEqual(['!trap', '=message=nope']);
    expect((await b.command(['/system/identity/print']))[0]!.text).toEqual(['!re', '=name=demo']);
  });

  it('stopListening refuses connections; startListening comes back on the same port', async () => {
    const s = await sim();
    const port = s.port;
    const c = await client(s);
    await s.stopListening();
    expect(await connectError(port)).toBe('ECONNREFUSED');
    // Existing sessions survive unless dropped.
    expect((await c.command(['/system/identity/print']))[0]!.text).toEqual(['!re', '=name=demo']);
    await s.startListening();
    expect(s.port).toBe(port);
    await client(s);
  });

  it('reboot drops sessions, refuses for a while, then accepts again', async () => {
    const s = await sim();
    const c = await client(s);
    const rebooting = s.reboot(300);
    await c.closed;
    expect(await connectError(s.port)).toBe('ECONNREFUSED');
    await rebooting;
    const again = await client(s);
    expect((await again.command(['/system/identity/print']))[0]!.text).toEqual(['!re', '=name=demo']);
    expect(s.stats.connectionsOpened).toBe(2);
  });
});

describe('TLS', () => {
  const cert = read('server.pem');
  const key = read('server-key.pem');
  const ca = read('ca.pem');

  it('certificate mode: a client trusting the CA logs in and prints', async () => {
    const s = await sim({ tls: { mode: 'certificate', cert, key } });
    const c = await client(s, true, { ca, servername: 'localhost' });
    expect((c.socket as tls.TLSSocket).authorized).toBe(true);
    expect((await c.command(['/system/identity/print']))[0]!.text).toEqual(['!re', '=name=demo']);
    expect(s.stats.tlsHandshakes).toBe(1);
  });

  it('certificate mode: a client trusting another CA fails verification', async () => {
    const s = await sim({ tls: { mode: 'certificate', cert, key } });
    await expect(RawClient.connect(s.port, { ca: read('other-ca.pem') })).rejects.toThrow(
      /self[- ]signed|unable to verify|issuer/i,
    );
  });

  it('anonymous mode: ADH at @SECLEVEL=0 with no certificate, as api-ssl without one', async () => {
    const s = await sim({ tls: { mode: 'anonymous' } });
    const c = await client(s, true, { ciphers: 'ADH-AES256-GCM-SHA384:@SECLEVEL=0', rejectUnauthorized: false });
    const sock = c.socket as tls.TLSSocket;
    expect(sock.getCipher().name).toBe('ADH-AES256-GCM-SHA384');
    expect(sock.getPeerCertificate()).toEqual({});
    expect((await c.command(['/system/identity/print']))[0]!.text).toEqual(['!re', '=name=demo']);
  });

  it('anonymous mode refuses clients that only offer authenticated ciphers', async () => {
    const s = await sim({ tls: { mode: 'anonymous' } });
    await expect(RawClient.connect(s.port, { rejectUnauthorized: false })).rejects.toThrow();
  });

  it('slow TLS handshake: nothing happens for the delay, then the session works', async () => {
    const s = await sim({ tls: { mode: 'certificate', cert, key }, faults: { tlsHandshakeDelayMs: 400 } });
    let secureAt = 0;
    const started = Date.now();
    const connecting = RawClient.connect(s.port, { ca, servername: 'localhost' }).then((c) => {
      secureAt = Date.now();
      track(c);
      return c;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(secureAt).toBe(0);
    const c = await connecting;
    expect(secureAt - started).toBeGreaterThanOrEqual(150);
    expect((await c.login())[0]!.text).toEqual(['!done']);
  });
});

describe('animate', () => {
  it('ages lease timers, lets a device leave and brings it back', () => {
    const target = {
      tables: sampleLan(),
      changes: 0,
      changed() {
        this.changes++;
      },
    };
    const step = createAnimator(target, { awayTicks: 2, seed: 1 });
    const arpBefore = target.tables.arp.length;
    const expiring = target.tables.leases.find((l) => l.status === 'bound' && (l.expiresAfter ?? 0) > 100)!;
    const before = expiring.expiresAfter!;
    step(5);
    expect(target.changes).toBe(1);
    expect(expiring.expiresAfter).toBe(before - 5);
    step(5); // tick 2: someone leaves
    expect(target.tables.arp.length).toBeLessThan(arpBefore);
    const gone = new Set(target.tables.arp.map((a) => a.macAddress));
    step(5);
    step(5); // tick 4: they come back
    expect(target.tables.arp.length).toBe(arpBefore);
    expect(target.tables.arp.some((a) => !gone.has(a.macAddress))).toBe(true);
  });

  it('a simulator started with animate stops its timer on close', async () => {
    const s = await startSimulator({ animate: { intervalMs: 20 } });
    const lease = s.tables.leases.find((l) => l.status === 'bound')!;
    const before = lease.expiresAfter;
    await expect.poll(() => lease.expiresAfter).not.toBe(before);
    await s.close();
  });
});
