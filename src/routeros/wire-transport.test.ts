/**
 * WireTransport against the RouterOS simulator over real sockets, through
 * RouterSession as production uses it, plus its framer and decoder on exact
 * bytes. node-routeros (a development dependency only) serves as an
 * independent reader of the same replies.
 */
import fc from 'fast-check';
import { RouterOSAPI } from 'node-routeros';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeMac } from '../net/mac.js';
import {
  DEFAULT_GARBAGE,
  generateLan,
  HUGE_WORD_PREFIX,
  type RunningSimulator,
  type SimulatorOptions,
  sampleLan,
  startSimulator,
} from '../simulator/index.js';
import { encodeLength, encodeSentence, FramingError, SentenceReader } from './codec.js';
import { KID_CONTROL, WIFI_CLIENTS } from './depth-observations.js';
import { CommandTrap, PollError } from './errors.js';
import { mapRecords, PROPLISTS, type TableMapping } from './observations.js';
import { POLLED_TABLES, type PolledTable, type RouterSessionOptions, TABLES } from './session.js';
import { rejectionOf, sessionFor } from './test-support.js';
import { createWireTransport, type DecodedReply, md5LoginResponse, ReplyDecoder, WireTransport } from './wire-transport.js';

const PASSWORD = 'correct-horse-battery-staple';

let sims: RunningSimulator[] = [];
let closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  closers = [];
});

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ users: [{ name: 'monitor', password: PASSWORD }], ...options });
  sims.push(sim);
  return sim;
}

function connect(sim: RunningSimulator, overrides: Partial<RouterSessionOptions> = {}) {
  const made = sessionFor(sim, { password: PASSWORD, transport: createWireTransport, ...overrides });
  closers.push(() => made.session.close());
  return made;
}

function transportTo(
  sim: RunningSimulator,
  overrides: Partial<ConstructorParameters<typeof WireTransport>[0]> = {},
): WireTransport {
  const transport = new WireTransport({
    host: '127.0.0.1',
    port: sim.port,
    user: 'monitor',
    password: PASSWORD,
    tls: null,
    connectTimeoutSeconds: 2,
    ...overrides,
  });
  closers.push(() => transport.close());
  return transport;
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client printing `path` through `mapping`'s remap (the column memory): `read` prints,
 * `expectEachChange` applies each change to the simulated rows and checks that the next
 * print maps to exactly what the printed records give through the plain mapping.
 */
async function remappedPrints<T>(sim: RunningSimulator, path: string, mapping: TableMapping<T>) {
  const transport = transportTo(sim);
  await transport.connect();
  const options = { reuseUnchangedRows: true, remap: mapping.remap!.bind(mapping) };
  const read = () => transport.printRows(path, mapping.proplist, mapping.map, options);
  const expectEachChange = async (changes: Array<() => void>) => {
    for (const change of changes) {
      change();
      sim.changed();
      const records = await transport.print(path, mapping.proplist);
      expect(await read()).toEqual(mapRecords(records, mapping.proplist, mapping.map));
    }
  };
  return { read, expectEachChange };
}

describe('polls through RouterSession', () => {
  it('returns every row of the sample LAN with one print per table, each with a .proplist', async () => {
    const sim = await simulator();
    const result = await connect(sim).session.poll();
    const lan = sampleLan();
    expect(result.leases.map((l) => l.mac).sort()).toEqual(lan.leases.map((l) => normalizeMac(l.macAddress)).sort());
    expect(result.arp).toHaveLength(lan.arp.length);
    expect(result.bridgeHosts).toHaveLength(lan.bridgeHosts.length);
    expect(result.system).toEqual({ identity: 'demo', version: '7.19.4 (stable)', board: lan.system.boardName });
    expect(result.rejectedRows).toBe(0);
    for (const path of ['/ip/dhcp-server/lease', '/ip/arp', '/interface/bridge/host', '/system/identity', '/system/resource']) {
      const prints = sim.stats.commandsFor(`${path}/print`);
      expect(prints, path).toHaveLength(1);
      expect(prints[0]!.words.filter((w) => w.startsWith('=.proplist='))).toHaveLength(1);
      expect(prints[0]!.words.some((w) => w.startsWith('.tag='))).toBe(true);
    }
    expect(sim.stats.commands).toHaveLength(14); // login, five prints, eight depth tables asked once
  });

  it('reads the same rows as node-routeros does from the same replies, field for field (ASCII LAN)', async () => {
    const sim = await simulator({ lan: generateLan({ devices: 300, seed: 11 }) });
    const ours = transportTo(sim);
    await ours.connect();
    const theirs = new RouterOSAPI({ host: '127.0.0.1', port: sim.port, user: 'monitor', password: PASSWORD });
    await theirs.connect();
    closers.push(() => theirs.close().then(() => undefined));
    for (const table of POLLED_TABLES) {
      const expected = await theirs.write(`${table.path}/print`, [`=.proplist=${table.proplist.join(',')}`]);
      const rows = await ours.print(table.path, table.proplist);
      expect(rows.length, table.path).toBeGreaterThan(0);
      expect(
        rows.map((row) => ({ ...row })),
        table.path,
      ).toEqual(expected);
    }
  });

  it('logs in with the legacy MD5 challenge, and fails it with reason auth', async () => {
    const sim = await simulator({ login: 'md5' });
    expect((await connect(sim).session.poll()).leases.length).toBeGreaterThan(40);
    expect(sim.stats.logins).toBe(1);
    const refused = await rejectionOf(connect(sim, { password: 'nope' }).session.poll());
    expect(refused.reason).toBe('auth');
    expect(refused.message).toBe(`127.0.0.1:${sim.port}: login refused (invalid user name or password)`);
  });

  it('a wrong password: reason auth, and the password appears in no error', async () => {
    const sim = await simulator();
    const error = await rejectionOf(connect(sim, { password: 'hunter2-wrong' }).session.poll());
    expect(error.reason).toBe('auth');
    expect(error.message).toBe(`127.0.0.1:${sim.port}: login refused (invalid user name or password)`);
    expect(error.message).not.toContain('hunter2');
  });

  it('reads an empty table answered with !empty (7.18+) and keeps the connection', async () => {
    const sim = await simulator({ lan: { ...sampleLan(), bridgeHosts: [] }, emptyReplies: true });
    const { session } = connect(sim);
    expect((await session.poll()).bridgeHosts).toEqual([]);
    expect((await session.poll()).leases.length).toBeGreaterThan(40);
    expect(sim.stats.logins).toBe(1);
  });

  it('skips a table the router lacks and fails the poll on any other trap, keeping the connection', async () => {
    const sim = await simulator({ faults: { trapPaths: { '/interface/bridge/host': 'no such command prefix' } } });
    const { session } = connect(sim);
    expect((await session.poll()).missingTables).toEqual(['/interface/bridge/host']);
    sim.setFaults({ trapPaths: { '/ip/arp': 'not enough permissions (9)' } });
    const error = await rejectionOf(session.poll());
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain('/ip/arp/print: not enough permissions (9)');
    sim.clearFaults();
    await session.poll();
    expect(sim.stats.logins).toBe(1);
  });

  it('returns text exactly: UTF-8 when valid, else Windows-1252', async () => {
    const lan = sampleLan();
    lan.leases[0]!.hostName = 'Вася-ноутбук';
    lan.leases[1]!.hostName = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // "Café" typed in WinBox (cp1252)
    lan.leases[2]!.hostName = 'Łódź 😀';
    lan.leases[3]!.hostName = Buffer.from([0x80, 0x41, 0x9f]); // "€AŸ" in cp1252
    const sim = await simulator({ lan });
    const names = (await connect(sim).session.poll()).leases.map((lease) => lease.hostname);
    expect(names).toEqual(expect.arrayContaining(['Вася-ноутбук', 'Café', 'Łódź 😀', '€AŸ']));
  });

  it('reads a LAN whose replies span many socket chunks', async () => {
    const lan = generateLan({ devices: 3000, seed: 7 });
    const sim = await simulator({ lan });
    const result = await connect(sim, { timeoutSeconds: 20 }).session.poll();
    expect(result.leases).toHaveLength(lan.leases.length);
    expect(result.arp).toHaveLength(lan.arp.length);
    expect(result.bridgeHosts).toHaveLength(lan.bridgeHosts.length);
    expect(result.rejectedRows).toBe(0);
  });

  it('idles past its timeout between polls without losing the connection', async () => {
    const sim = await simulator();
    const { session, log } = connect(sim, { timeoutSeconds: 0.5 });
    await session.poll();
    await tick(900);
    await session.poll();
    expect(sim.stats.logins).toBe(1);
    expect(log.text()).not.toContain('connection lost');
  });
});

describe('failures', () => {
  it('!fatal: reason connection at once (not at the deadline), then a fresh connection works', async () => {
    const sim = await simulator();
    const { session } = connect(sim, { timeoutSeconds: 120, backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();
    sim.setFaults({ fatal: 'out of memory' });
    const error = await rejectionOf(session.poll());
    expect(error.reason).toBe('connection');
    expect(error.message).toContain('!fatal: out of memory');
    sim.clearFaults();
    await tick();
    expect((await session.poll()).leases.length).toBeGreaterThan(40);
    expect(sim.stats.logins).toBe(2);
  });

  it('the router closes the socket mid-reply: reason connection at once', async () => {
    const sim = await simulator();
    const { session } = connect(sim, { timeoutSeconds: 120, backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();
    sim.setFaults({ closeAfterBytes: 12 });
    const error = await rejectionOf(session.poll());
    expect(error.reason).toBe('connection');
    expect(error.message).toContain('closed by the router');
  });

  it('a login that never answers: reason timeout within the connect deadline', async () => {
    const sim = await simulator({ faults: { stall: true, includeLogin: true } });
    const transport = transportTo(sim, { connectTimeoutSeconds: 0.2 });
    const error = await rejectionOf(transport.connect());
    expect(error).toBeInstanceOf(PollError);
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('while connecting');
  });

  // The outcome (protocol, then recovery; and the 4 GB prefix) runs over both transports in session.test.ts;
  // this is what only the wire transport says about the garbage.
  it('names the bad length prefix byte in the protocol error', async () => {
    const sim = await simulator();
    const { session } = connect(sim, { timeoutSeconds: 60, backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();
    sim.setFaults({ garbage: DEFAULT_GARBAGE });
    const garbage = await rejectionOf(session.poll());
    expect(garbage.reason).toBe('protocol');
    expect(garbage.message).toContain('invalid length prefix byte 0xff');
  });

  it('printRows maps each row as it is decoded to exactly what mapping the printed records gives', async () => {
    const lan = generateLan({ devices: 300, seed: 5 });
    lan.leases[0]!.hostName = 'Вася-ноутбук';
    lan.leases[1]!.hostName = Buffer.from([0x43, 0x61, 0x66, 0xe9]);
    const sim = await simulator({ lan });
    const transport = transportTo(sim);
    await transport.connect();
    for (const table of Object.values(TABLES) as PolledTable<unknown>[]) {
      const { proplist, map } = table.mapping;
      const records = await transport.print(table.path, proplist);
      const mapped = await transport.printRows(table.path, proplist, map);
      expect(mapped.observations.length, table.path).toBeGreaterThan(0);
      expect(mapped, table.path).toEqual(mapRecords(records, proplist, map));
    }
    const leases = await transport.printRows(TABLES.leases.path, TABLES.leases.mapping.proplist, TABLES.leases.mapping.map);
    expect(leases.observations.map((lease) => lease.hostname)).toEqual(expect.arrayContaining(['Вася-ноутбук', 'Café']));
  });

  it("printRows hands back the last print's observation for a row whose bytes did not change, and maps changed rows afresh", async () => {
    const lan = generateLan({ devices: 200, seed: 9 });
    const sim = await simulator({ lan });
    const transport = transportTo(sim);
    await transport.connect();
    const { path, mapping } = TABLES.leases;
    const leases = () => transport.printRows(path, mapping.proplist, mapping.map, { reuseUnchangedRows: true });
    const first = await leases();
    const second = await leases();
    expect(second.observations).toHaveLength(first.observations.length);
    expect(second.observations.every((lease, row) => lease === first.observations[row])).toBe(true);
    // Without the option (mappings whose observations are modified later) every print maps afresh.
    const fresh = await transport.printRows(path, mapping.proplist, mapping.map);
    expect(fresh).toEqual(second);
    expect(fresh.observations.some((lease, row) => lease === second.observations[row])).toBe(false);

    // A host name changes in place (same length, then longer, then hostile bytes) and a row goes away:
    // every print still maps to exactly what the printed records give.
    const changes: Array<() => void> = [
      () => {
        sim.tables.leases[3]!.hostName = 'renamed-3';
      },
      () => {
        sim.tables.leases[3]!.hostName = 'renamed-to-something-longer';
      },
      () => {
        sim.tables.leases[4]!.hostName = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a, 0x07]);
      },
      () => {
        sim.tables.leases.splice(1, 1);
      },
    ];
    let previous = second;
    for (const change of changes) {
      change();
      sim.changed();
      const records = await transport.print(path, mapping.proplist);
      const mapped = await leases();
      expect(mapped).toEqual(mapRecords(records, mapping.proplist, mapping.map));
      expect(mapped.observations[0]).toBe(previous.observations[0]);
      previous = mapped;
    }
    expect(previous.observations.map((lease) => lease.hostname)).toContain('Café');
  });

  it('printRows with a remap maps every print to exactly what the printed records give while Wi-Fi rows change column by column', async () => {
    const sim = await simulator({ lan: generateLan({ devices: 300, seed: 11, depth: true }) });
    const { read: clients, expectEachChange } = await remappedPrints(
      sim,
      '/interface/wifi/registration-table',
      WIFI_CLIENTS.wifi,
    );
    const rows = sim.tables.wifiRegistrations!;
    expect(rows.length).toBeGreaterThan(10);
    const first = await clients();
    const second = await clients();
    // Nothing changed (the simulator's uptime counts whole seconds; none passed between these prints, or all did).
    expect(second).toEqual(first);
    const changes: Array<() => void> = [
      () => {
        for (const row of rows) row.uptimeSeconds += 15;
        rows[2]!.bytesTx += 1500;
      },
      () => {
        rows[3]!.ssid = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // Windows-1252, then UTF-8 of the same text
      },
      () => {
        rows[3]!.ssid = 'Caf\u00e9';
        rows[4]!.signal = 'weak';
        rows[5]!.txRate = '1.2Mbps';
      },
      () => {
        rows.splice(1, 1);
        rows[6]!.macAddress = rows[7]!.macAddress;
      },
    ];
    await expectEachChange(changes);
    const last = await clients();
    expect(last.rejected).toBe(1);
    expect(last.observations.map((client) => client.ssid)).toContain('Caf\u00e9');
  });

  it('printRows with a remap maps every print to exactly what the printed records give while kid-control counters move', async () => {
    const sim = await simulator({ lan: generateLan({ devices: 300, seed: 12, depth: true }) });
    const { read: devices, expectEachChange } = await remappedPrints(sim, '/ip/kid-control/device', KID_CONTROL);
    const rows = sim.tables.kidControlDevices!;
    expect(rows.length).toBeGreaterThan(10);
    const first = await devices();
    const second = await devices();
    expect(second).toEqual(first);
    // Nothing changed: the very objects of the previous print.
    expect(second.observations[0]).toBe(first.observations[0]);
    const changes: Array<() => void> = [
      () => {
        // A busy network: every counter moves, every rate is new, one device falls idle.
        rows.forEach((row, i) => {
          row.bytesDown += 1500 * (i + 1);
          row.bytesUp += 40 * (i + 1);
          row.rateDown = `${i + 1}.5Mbps`;
          row.rateUp = `${96 + i}kbps`;
        });
        rows[1]!.rateDown = '0bps';
        rows[1]!.rateUp = '0bps';
      },
      () => {
        rows[2]!.rateUp = 'lots';
        rows[3]!.extra = { 'bytes-down': '\u00ff\u00fe' };
        rows[4]!.macAddress = '00:00:00:00:00:00';
      },
      () => {
        rows[2]!.rateUp = '96kbps';
        delete rows[3]!.extra;
        rows[4]!.macAddress = 'aa:bb:cc:00:00:04';
        rows[5]!.bytesUp += 1;
      },
      () => {
        rows.splice(1, 1);
        rows[6]!.macAddress = rows[7]!.macAddress;
      },
    ];
    await expectEachChange(changes);
    const last = await devices();
    expect(last.rejected).toBe(0);
    expect(last.observations).toHaveLength(rows.length);
    expect(last.observations[3]!.mac).toBe('AA:BB:CC:00:00:04');
    expect(last.observations[0]!.rateDownBps).toBe(1_500_000);
  });

  it('a reply over its row limit fails the print as protocol, naming the limit, and drops the connection', async () => {
    const sim = await simulator();
    const leases = sampleLan().leases.length;
    const exact = transportTo(sim, { replyLimits: { maxRows: leases, maxBytes: 10_000_000 } });
    await exact.connect();
    expect(await exact.print('/ip/dhcp-server/lease', PROPLISTS.leases)).toHaveLength(leases);
    const over = transportTo(sim, { replyLimits: { maxRows: leases - 1, maxBytes: 10_000_000 } });
    const failures: PollError[] = [];
    over.onFailure((error) => failures.push(error));
    await over.connect();
    const error = await rejectionOf(over.print('/ip/dhcp-server/lease', PROPLISTS.leases));
    expect(error).toBeInstanceOf(PollError);
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain(
      `/ip/dhcp-server/lease/print reply exceeds its bounds: more than ${leases - 1} rows (the row limit)`,
    );
    expect(failures).toHaveLength(1);
    expect((await rejectionOf(over.print('/ip/arp', PROPLISTS.arp))).message).toBe(error.message);
  });

  it('a reply over its byte limit fails the print as protocol, naming the limit', async () => {
    const sim = await simulator();
    const transport = transportTo(sim, { replyLimits: { maxRows: 1_000_000, maxBytes: 2_000 } });
    await transport.connect();
    const error = await rejectionOf(transport.print('/ip/dhcp-server/lease', PROPLISTS.leases));
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain('reply exceeds its bounds: more than 2000 bytes of rows (the byte limit)');
  });

  it('a router that never ends a reply: the poll fails as protocol at the row limit, however long it talks', async () => {
    const sim = await simulator();
    const limits = { maxRows: 5_000, maxBytes: 5_000 * 2048 };
    const { session, log } = connect(sim, { timeoutSeconds: 60, replyLimits: limits, backoff: { initialMs: 1, maxMs: 1 } });
    await session.poll();
    sim.setFaults({ endlessReply: true });
    const error = await rejectionOf(session.poll());
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain('more than 5000 rows (the row limit)');
    // The router did send more than the limit: the poll ended on the bound, not on the stream.
    expect(sim.stats.bytesSent).toBeGreaterThan(5_000 * 150);
    sim.clearFaults();
    await tick();
    expect((await session.poll()).leases).toHaveLength(sampleLan().leases.length);
    expect(log.text()).not.toContain('uncaught');
  });

  it('a failed connection rejects every pending command with the same error, and tells its listeners once', async () => {
    const sim = await simulator();
    const transport = transportTo(sim);
    const failures: PollError[] = [];
    transport.onFailure((error) => failures.push(error));
    await transport.connect();
    sim.setFaults({ stall: true });
    const leases = rejectionOf(transport.print('/ip/dhcp-server/lease', PROPLISTS.leases));
    const arp = rejectionOf(transport.print('/ip/arp', PROPLISTS.arp));
    await tick(20);
    sim.dropConnections();
    const [a, b] = await Promise.all([leases, arp]);
    expect(a).toBe(b);
    expect(a.reason).toBe('connection');
    await tick(20);
    expect(failures).toEqual([a]);
    expect((await rejectionOf(transport.print('/ip/arp', PROPLISTS.arp))).reason).toBe('connection');
  });

  it('close() rejects a command in flight and does not call the failure listeners', async () => {
    const sim = await simulator({ faults: { stall: true } });
    const transport = transportTo(sim);
    const failures: PollError[] = [];
    transport.onFailure((error) => failures.push(error));
    await transport.connect();
    const printing = rejectionOf(transport.print('/ip/arp', PROPLISTS.arp));
    await transport.close();
    const error = await printing;
    expect(error.reason).toBe('connection');
    expect(error.message).toContain('session closed');
    await transport.close();
    expect(failures).toEqual([]);
  });

  it('a trap rejects only its own command with CommandTrap', async () => {
    const sim = await simulator({ faults: { trapPaths: { '/ip/arp': 'not enough permissions (9)' } } });
    const transport = transportTo(sim);
    await transport.connect();
    const [arp, leases] = await Promise.allSettled([
      transport.print('/ip/arp', PROPLISTS.arp),
      transport.print('/ip/dhcp-server/lease', PROPLISTS.leases),
    ]);
    expect(arp.status).toBe('rejected');
    expect((arp as PromiseRejectedResult).reason).toBeInstanceOf(CommandTrap);
    expect((arp as PromiseRejectedResult).reason.trapMessage).toBe('not enough permissions (9)');
    expect(leases.status).toBe('fulfilled');
    expect((leases as PromiseFulfilledResult<unknown[]>).value.length).toBeGreaterThan(40);
  });

  it('connect() twice is refused; print() before login is refused', async () => {
    const sim = await simulator();
    const transport = transportTo(sim);
    expect((await rejectionOf(transport.print('/ip/arp', ['address']))).reason).toBe('protocol');
    await transport.connect();
    expect((await rejectionOf(transport.connect())).message).toContain('already used');
  });
});

// ---------------------------------------------------------------------------
// Framing and decoding on exact bytes

function collect(maxWord?: number) {
  const decoder = new ReplyDecoder();
  const replies: DecodedReply[] = [];
  const raw: string[][] = [];
  const reader = new SentenceReader((buf, start, count, pos, len, ascii) => {
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(buf.toString('latin1', start + pos[i]!, start + pos[i]! + len[i]!));
    raw.push(words);
    replies.push(decoder.decode(buf, start, count, pos, len, ascii));
  }, maxWord);
  return { reader, replies, raw };
}

describe('SentenceReader', () => {
  const sentences = [
    ['!re', '.tag=3', '=mac-address=AA:BB:CC:DD:EE:FF', `=comment=${'x'.repeat(200)}`],
    ['!re', '.tag=3', `=comment=${'y'.repeat(20_000)}`],
    ['!re', '.tag=3', `=big=${'z'.repeat(0x200000 + 5)}`],
    ['!done', '.tag=3'],
  ];
  const bytes = Buffer.concat(sentences.map((s) => encodeSentence(s)));

  it('splits a stream into sentences, whatever the chunk boundaries, with 1- to 4-byte length prefixes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const { reader, raw } = collect(8 * 1024 * 1024);
        let from = 0;
        for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
          reader.push(bytes.subarray(from, cut));
          from = cut;
        }
        reader.push(bytes.subarray(from));
        expect(raw).toEqual(sentences);
        expect(reader.bufferedBytes).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('reads the 5-byte prefix and skips empty sentences', () => {
    const { reader, raw } = collect();
    const word = Buffer.concat([Buffer.from([0xf0, 0x00, 0x00, 0x00, 0x05]), Buffer.from('!done')]);
    reader.push(Buffer.concat([Buffer.from([0]), word, Buffer.from([0])]));
    expect(raw).toEqual([['!done']]);
  });

  it('refuses a word longer than the limit as soon as its prefix is read, holding only the bytes received', () => {
    const { reader } = collect(1024);
    expect(() => reader.push(Buffer.concat([encodeLength(1025), Buffer.from('ab')]))).toThrow(FramingError);
    const huge = collect();
    expect(() => huge.reader.push(HUGE_WORD_PREFIX)).toThrow('announces 4294967295 bytes');
    // A long word that is allowed is held as it arrives, never allocated at its announced size up front.
    const partial = collect();
    partial.reader.push(Buffer.concat([encodeLength(10_000_000), Buffer.alloc(100, 0x61)]));
    expect(partial.reader.bufferedBytes).toBeLessThan(200);
  });

  it('refuses control bytes and undefined prefixes', () => {
    for (const first of [0xf8, 0xff, 0xf1, 0xf7]) {
      const { reader } = collect();
      expect(() => reader.push(Buffer.from([first, 0, 0, 0, 0, 0]))).toThrow(/invalid length prefix/);
    }
  });
});

describe('ReplyDecoder', () => {
  function decodeOne(words: Array<string | Buffer>): DecodedReply {
    const { reader, replies } = collect();
    reader.push(encodeSentence(words));
    expect(replies).toHaveLength(1);
    return replies[0]!;
  }

  it('splits attributes at the first "=" after the name, keeps the tag and a bare word', () => {
    const reply = decodeOne(['!re', '=comment=a=b==c', '.tag=17', '=empty=', '=flag', '=__proto__=polluted']);
    expect(reply).toEqual({ kind: '!re', tag: '17', attributes: { comment: 'a=b==c', empty: '', flag: '' }, bare: null });
    expect(Object.getPrototypeOf(reply.attributes)).toBe(Object.prototype);
    expect(decodeOne(['!fatal', 'session terminated on request'])).toMatchObject({
      kind: '!fatal',
      bare: 'session terminated on request',
    });
  });

  it('decodes names and values as UTF-8 when valid, else Windows-1252, in the same sentence', () => {
    const reply = decodeOne([
      '!re',
      Buffer.from('=host-name=Вася'),
      Buffer.concat([Buffer.from('=comment='), Buffer.from([0x93, 0x71, 0x94])]),
      '=ascii=plain',
    ]);
    expect(reply.attributes).toEqual({ 'host-name': 'Вася', comment: '\u201cq\u201d', ascii: 'plain' });
  });

  it('gives every row its own names even when rows differ', () => {
    const { reader, replies } = collect();
    reader.push(
      Buffer.concat([
        encodeSentence(['!re', '=a=1', '=b=2']),
        encodeSentence(['!re', '=b=3', '=ab=4']),
        encodeSentence(['!re', '=a=5']),
      ]),
    );
    expect(replies.map((r) => r.attributes)).toEqual([{ a: '1', b: '2' }, { b: '3', ab: '4' }, { a: '5' }]);
  });

  it('refuses an unknown reply word', () => {
    expect(() => decodeOne(['!bogus'])).toThrow(FramingError);
  });

  it('decodeColumns gives each column exactly what decode() gives that attribute, for any run of rows (hostile bytes too), with or without the previous values of a column memory', () => {
    const columns = ['mac-address', 'host-name', 'status', 'Café', 'a'];
    const byName = new Map(columns.map((name, index) => [name, index]));
    // Names and values drawn so that rows repeat each other's words (the decoder's caches) and carry
    // "=", control characters, UTF-8, invalid UTF-8 and Windows-1252 bytes.
    const nameBytes = fc.oneof(
      fc.constantFrom(...columns, 'other', 'mac-address-x', 'mac', 'Caf\u00e9', '').map((name) => Buffer.from(name)),
      fc.constant(Buffer.from([0x43, 0x61, 0x66, 0xe9])), // "Café" in Windows-1252
      fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes)),
    );
    const valueBytes = fc.oneof(
      fc
        .constantFrom('true', 'bound', 'AA:BB:CC:DD:EE:FF', 'a=b', '', 'x'.repeat(13), 'x'.repeat(12), 'Caf\u00e9')
        .map((value) => Buffer.from(value)),
      fc.constant(Buffer.from('Вася')),
      fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
      // ASCII text of every length up to past a MAC's (short values are built one way, longer ones another).
      fc
        .integer({ min: 0, max: 24 })
        .chain((length) =>
          fc.string({
            unit: fc.constantFrom('a', 'Z', '0', ':', '.', '=', ' ', '~', '\u0001'),
            minLength: length,
            maxLength: length,
          }),
        )
        .map((text) => Buffer.from(text)),
    );
    const word = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(nameBytes, valueBytes)
          .map(([name, value]) => Buffer.concat([Buffer.from('='), name, Buffer.from('='), value])),
      },
      { weight: 1, arbitrary: nameBytes.map((name) => Buffer.concat([Buffer.from('='), name])) },
      { weight: 1, arbitrary: fc.constantFrom('.tag=7', '.tag=', 'bare').map((text) => Buffer.from(text)) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.from(bytes)) },
    );
    const row = fc.array(word, { minLength: 1, maxLength: 8 });
    // What a column memory may hold for a column: the last row's value (the common hit), or text that is
    // not what these bytes decode to but matches them byte for byte or in length (non-ASCII, Latin-1 of UTF-8).
    const previousValue = fc.oneof(
      fc.constant(undefined),
      fc.constant(null), // a moving column's value, not kept
      fc.constantFrom('true', 'bound', 'AA:BB:CC:DD:EE:FF', '', 'Caf\u00e9', 'Caf\u00c3\u00a9', 'Вася', '\u20ac', 'x'.repeat(12)),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    const previousRow = fc.array(fc.option(previousValue, { nil: undefined, freq: 2 }), {
      minLength: columns.length,
      maxLength: columns.length,
    });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 12 }),
        fc.array(previousRow, { minLength: 12, maxLength: 12 }),
        fc.boolean(),
        (rows, previousRows, oneChunk) => {
          const fast = new ReplyDecoder();
          const withMemory = new ReplyDecoder();
          const oracle = new ReplyDecoder();
          const got: Array<Array<string | undefined>> = [];
          const gotWithMemory: Array<Array<string | undefined>> = [];
          const expected: Array<Array<string | undefined>> = [];
          const values = new Array<string | undefined>(columns.length);
          let lastValues: Array<string | undefined> = new Array<string | undefined>(columns.length);
          let n = 0;
          const reader = new SentenceReader((buf, start, count, pos, len, ascii) => {
            fast.decodeColumns(buf, start, count, pos, len, ascii, byName, values);
            got.push([...values]);
            // The memory holds, per column, either the last row's decoded value or a hostile one.
            const drawn = previousRows[n++]!;
            const memory = ['pad', 'pad', 'pad', ...drawn.map((value, c) => (value === undefined ? lastValues[c] : value))];
            withMemory.decodeColumns(buf, start, count, pos, len, ascii, byName, values, memory, 3);
            gotWithMemory.push([...values]);
            lastValues = [...values];
            const { attributes } = oracle.decode(buf, start, count, pos, len, ascii);
            expected.push(columns.map((name) => (Object.hasOwn(attributes, name) ? attributes[name] : undefined)));
          });
          const bytes = Buffer.concat(rows.map((words) => encodeSentence(['!re', ...words])));
          if (oneChunk) reader.push(bytes);
          else for (let i = 0; i < bytes.length; i += 7) reader.push(bytes.subarray(i, i + 7));
          expect(got).toEqual(expected);
          expect(gotWithMemory).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('rowTag reads the tag of a !re row as we write tags, and -1 for anything decode() must judge', () => {
    const tagOf = (words: string[]): number => {
      let tag = -2;
      const reader = new SentenceReader((buf, start, count, pos, len) => {
        tag = new ReplyDecoder().rowTag(buf, start, count, pos, len);
      });
      reader.push(encodeSentence(words));
      return tag;
    };
    expect(tagOf(['!re', '=a=1', '.tag=17'])).toBe(17);
    expect(tagOf(['!re', '.tag=0', '=a=1'])).toBe(0);
    expect(tagOf(['!re', '.tag=3', '=a=1', '.tag=4'])).toBe(4); // the last one, as decode() keeps
    expect(tagOf(['!re', '=a=1'])).toBe(-1);
    expect(tagOf(['!re', '.tag=017'])).toBe(-1);
    expect(tagOf(['!re', '.tag=1x'])).toBe(-1);
    expect(tagOf(['!re', '.tag='])).toBe(-1);
    expect(tagOf(['!re', '.tag=1234567890'])).toBe(-1);
    expect(tagOf(['!done', '.tag=17'])).toBe(-1);
    expect(tagOf(['!rex', '.tag=17'])).toBe(-1);
  });
});

describe('md5LoginResponse', () => {
  it('is "00" + md5(0x00, password, challenge), as the simulator and RouterOS < 6.43 expect', async () => {
    const { md5Response } = await import('../simulator/index.js');
    const challenge = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    expect(md5LoginResponse('pässword', challenge.toString('hex'))).toBe(md5Response('pässword', challenge));
  });
});
