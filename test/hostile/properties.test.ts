/**
 * Property tests over what a hostile router controls: the bytes on the wire
 * (the codec's framer, and the reference decoder kept as a test oracle; reply
 * parsing) and the rows of its tables (value parsers,
 * merge, registry, exposition), run through the same code a poll runs.
 */
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceRegistry } from '../../src/inventory/registry.js';
import { Monitor, type RouterClient } from '../../src/monitor.js';
import { FramingError, replyKind, SentenceCollector } from '../../src/routeros/codec.js';
import { mapArp, mapBridgeHosts, mapIdentity, mapLeases, type RawRow } from '../../src/routeros/observations.js';
import { parseExposition } from '../support/exposition-parser.js';
import { promtoolCheckMetrics } from '../support/promtool.js';
import { parseReply, parseReplyRaw, SentenceDecoder, WireError } from '../support/reference-decoder.js';
import { apiStream as stream } from './arbitraries.js';

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------
// Wire

function chunksOf(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of cuts) {
    if (at >= bytes.length) break;
    out.push(bytes.subarray(at, at + cut));
    at += cut;
  }
  if (at < bytes.length) out.push(bytes.subarray(at));
  return out;
}

describe('the codec framer on arbitrary bytes', () => {
  it('throws nothing but FramingError, stays failed after one, and holds no word or sentence over its limits', () => {
    let failures = 0;
    let sentences = 0;
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4096 }),
        (bytes, cuts, maxWordLength) => {
          const maxSentence = 4 * maxWordLength;
          const collector = new SentenceCollector(maxWordLength, maxSentence);
          let failed: unknown = null;
          for (const chunk of chunksOf(bytes, cuts)) {
            try {
              for (const sentence of collector.push(chunk)) {
                sentences++;
                for (const word of sentence) expect(word.length).toBeLessThanOrEqual(maxWordLength);
                try {
                  replyKind(sentence[0]!.toString('latin1'));
                } catch (error) {
                  expect(error).toBeInstanceOf(FramingError);
                }
              }
            } catch (error) {
              expect(error).toBeInstanceOf(FramingError);
              failed = error;
              failures++;
              break;
            }
          }
          if (failed) expect(() => collector.push(Buffer.from([0]))).toThrow(FramingError);
        },
      ),
      { numRuns: 2000 },
    );
    expect(failures, 'runs that failed').toBeGreaterThan(100);
    expect(sentences, 'sentences decoded').toBeGreaterThan(100);
  });
});

describe('the reference decoder (test oracle) on arbitrary bytes', () => {
  it('throws nothing but WireError, stays failed after one, and never allocates more than one word limit', () => {
    const sizes: number[] = [];
    let largestAllocation = 0;
    let failures = 0;
    let sentences = 0;
    const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    const alloc = Buffer.alloc.bind(Buffer);
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
      sizes.push(size);
      return allocUnsafe(size);
    });
    vi.spyOn(Buffer, 'alloc').mockImplementation(((size: number, fill?: never, enc?: never) => {
      sizes.push(size);
      return alloc(size, fill, enc);
    }) as typeof Buffer.alloc);

    fc.assert(
      fc.property(
        stream,
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4096 }),
        (bytes, cuts, maxWordLength) => {
          sizes.length = 0;
          const decoder = new SentenceDecoder({ maxWordLength });
          let failed: unknown = null;
          for (const chunk of chunksOf(bytes, cuts)) {
            try {
              for (const sentence of decoder.push(chunk)) {
                sentences++;
                for (const word of sentence) expect(word.length).toBeLessThanOrEqual(maxWordLength);
                try {
                  parseReplyRaw(sentence);
                  parseReply(sentence);
                } catch (error) {
                  expect(error).toBeInstanceOf(WireError);
                }
              }
            } catch (error) {
              expect(error).toBeInstanceOf(WireError);
              failed = error;
              failures++;
              break;
            }
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(maxWordLength);
          }
          if (failed) {
            expect(() => decoder.push(Buffer.from([0]))).toThrow(WireError);
          }
          const largest = Math.max(0, ...sizes);
          largestAllocation = Math.max(largestAllocation, largest);
          expect(largest).toBeLessThanOrEqual(Math.max(5, maxWordLength));
        },
      ),
      { numRuns: 2000 },
    );
    // The generators reach both outcomes, and the spy does see the decoder's word buffers.
    expect(failures, 'runs that failed').toBeGreaterThan(100);
    expect(sentences, 'sentences decoded').toBeGreaterThan(100);
    expect(largestAllocation).toBeGreaterThan(5);
  });
});

// ---------------------------------------------------------------------------
// Rows -> values -> merge -> registry -> exposition, as a poll runs them

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'never',
    'true',
    'false',
    'yes',
    'bound',
    'waiting',
    'reachable',
    'stale',
    '"}\n# TYPE x gauge',
    '\\',
    '\u0000',
    '\ud800',
    '1w2d3h',
    '-1s',
    '99999999999999999999s',
  ),
  fc.integer({ min: 0, max: 400 }).map((n) => 'z'.repeat(n * 100)),
);
// Few distinct MACs in many spellings, so rows of different tables and polls meet.
const macText = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom('colon', 'dash', 'dot', 'bare', 'lower')).map(([n, form]) => {
    const hex = `00aabb0000${n.toString(16).padStart(2, '0')}`;
    const pairs = hex.match(/../g)!;
    if (form === 'colon') return pairs.join(':').toUpperCase();
    if (form === 'dash') return pairs.join('-');
    if (form === 'dot') return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`;
    if (form === 'bare') return hex.toUpperCase();
    return pairs.join(':');
  }),
  hostileText,
);
const ipText = fc.oneof(
  fc.integer({ min: 1, max: 20 }).map((n) => `10.9.0.${n}`),
  fc.constantFrom('::1', 'fe80::1', 'pool1'),
  hostileText,
);

const row = (fields: Record<string, fc.Arbitrary<string>>) => fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<RawRow>;
const leaseRow = row({
  'mac-address': macText,
  'active-mac-address': macText,
  address: ipText,
  'active-address': ipText,
  'host-name': hostileText,
  status: fc.oneof(fc.constantFrom('bound', 'waiting', 'offered'), hostileText),
  dynamic: hostileText,
  disabled: hostileText,
  'last-seen': hostileText,
  'expires-after': hostileText,
  server: hostileText,
  'active-server': hostileText,
  comment: hostileText,
});
const arpRow = row({
  address: ipText,
  'mac-address': macText,
  interface: hostileText,
  status: fc.oneof(fc.constant('reachable'), hostileText),
  dynamic: hostileText,
  complete: hostileText,
  invalid: hostileText,
  disabled: hostileText,
  comment: hostileText,
});
const bridgeRow = row({
  'mac-address': macText,
  bridge: hostileText,
  interface: hostileText,
  'on-interface': hostileText,
  vid: hostileText,
  dynamic: hostileText,
  local: hostileText,
  external: hostileText,
});
const pollTables = fc.record({
  leases: fc.array(leaseRow, { maxLength: 12 }),
  arp: fc.array(arpRow, { maxLength: 12 }),
  bridgeHosts: fc.array(bridgeRow, { maxLength: 12 }),
  identity: fc.array(row({ name: hostileText }), { maxLength: 2 }),
  resource: fc.array(row({ version: hostileText, 'board-name': hostileText }), { maxLength: 2 }),
});
type PollTables = typeof pollTables extends fc.Arbitrary<infer T> ? T : never;

/** What RouterSession does with the rows of one poll (session.ts pollOnce), minus the socket. */
function mapped(tables: PollTables) {
  const leases = mapLeases(tables.leases);
  const arp = mapArp(tables.arp);
  const bridgeHosts = mapBridgeHosts(tables.bridgeHosts);
  return {
    leases: leases.observations,
    arp: arp.observations,
    bridgeHosts: bridgeHosts.observations,
    system: mapIdentity(tables.identity, tables.resource),
    missingTables: [],
    rejectedRows: leases.rejected + arp.rejected + bridgeHosts.rejected,
  };
}

function monitorFor(polls: PollTables[]) {
  let next = 0;
  let now = 1_700_000_000_000;
  const client: RouterClient = {
    poll: async () => mapped(polls[next++ % polls.length]!),
    close: async () => undefined,
  };
  const config = {
    routers: [
      {
        name: 'r1',
        host: '127.0.0.1',
        port: 1,
        user: 'u',
        password: 'p',
        tls: { enabled: false, ca: null, rejectUnauthorized: true, anonymous: false },
        timeoutSeconds: 1,
      },
    ],
    poll: { intervalSeconds: 1, offsetSeconds: 0 },
  };
  const registry = new DeviceRegistry({
    presence: { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] },
    retention: { forgetAfterDays: 30, maxDevicesPerRouter: 10 },
    watched: [{ mac: '00:AA:BB:00:00:01', name: 'watched "one"', router: 'r1' }],
    routers: ['r1'],
  });
  const monitor = new Monitor({
    config,
    logger: pino({ level: 'silent' }),
    inventory: registry,
    createClient: () => client,
    nowMs: () => (now += 1000),
  });
  return { monitor, registry };
}

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LABEL =
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkPage(exposition: string, deviceCount: number): void {
  const samples = parseExposition(exposition);
  const present = samples.filter((s) => s.name === 'netmon_device_present');
  expect(present).toHaveLength(deviceCount);
  expect(new Set(present.map((s) => s.labels.mac)).size).toBe(deviceCount);
  for (const s of samples.filter((x) => x.name === 'netmon_device_info' || x.name === 'netmon_router_info')) {
    for (const value of Object.values(s.labels)) expect(value).not.toMatch(UNSAFE_IN_LABEL);
  }
  for (const s of present) expect(s.labels.mac).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/);
  const counts = samples.filter((s) => s.name === 'netmon_devices').reduce((sum, s) => sum + s.value, 0);
  expect(counts).toBe(deviceCount);
}

describe('any table contents, polled', () => {
  it('every poll succeeds, and every snapshot is a valid page with each device once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pollTables, { minLength: 1, maxLength: 4 }), async (polls) => {
        const { monitor } = monitorFor(polls);
        for (let i = 0; i < polls.length; i++) {
          const outcome = await monitor.pollRouter('r1');
          expect(outcome.error).toBeUndefined();
          expect(outcome.ok).toBe(true);
          const snapshot = monitor.snapshot();
          checkPage(snapshot.exposition, snapshot.devices.length);
          // The JSON of /api/devices round-trips.
          expect(JSON.parse(JSON.stringify(snapshot.devices))).toHaveLength(snapshot.devices.length);
          // Retention holds whatever arrives (the limit is 10 here; the watched device is never dropped).
          expect(snapshot.devices.length).toBeLessThanOrEqual(11);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('promtool accepts the page, whatever the tables held', async () => {
    await fc.assert(
      fc.asyncProperty(pollTables, async (tables) => {
        const { monitor } = monitorFor([tables]);
        await monitor.pollRouter('r1');
        expect(promtoolCheckMetrics(monitor.snapshot().exposition)).toEqual({ status: 0, output: '' });
      }),
      { numRuns: 40 },
    );
  });
});
