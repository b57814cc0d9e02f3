import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeader, encodeRecord, encodeRecordBytes, readJournal, recordPieces, replay } from './journal.js';
import type { PersistedDevice, PersistedState } from './persisted-state.js';
import type { StateChanges } from './registry.js';
import { savedDevice } from './test-support.js';

const A = '02:00:00:00:00:0A';
const B = '02:00:00:00:00:0B';

/** Details that need escaping in JSON, so the encoding is exercised. */
function device(mac: string, at: number, extra: Partial<PersistedDevice> = {}): PersistedDevice {
  return savedDevice(mac, at, {
    ip: '10.0.0.1',
    hostname: 'a "quoted"\nname',
    interface: 'bridge',
    dhcpServer: 'lan',
    lease: 'dynamic',
    ...extra,
  });
}

function changes(parts: Partial<StateChanges>): StateChanges {
  return { changed: [], refreshed: [], removed: [], routers: [], ...parts };
}

const base = (): PersistedState => ({
  version: 1,
  savedAt: 100,
  routers: [{ name: 'home', lastGoodPollAt: 100 }],
  devices: [device(A, 100)],
});

const journal = (...lines: string[]) => Buffer.from(lines.join(''), 'utf8');

describe('state journal: encoding and replay', () => {
  it('replays changes, refreshes, removals and router times in order onto the snapshot', () => {
    const bytes = journal(
      encodeHeader(3),
      encodeRecord(changes({ changed: [device(B, 110)] }), 110),
      encodeRecord(
        changes({
          refreshed: [
            { router: 'home', mac: A, lastSeen: 120, lastListedAt: 120 },
            { router: 'home', mac: B, lastSeen: 115, lastListedAt: 120 },
          ],
          routers: [{ name: 'home', lastGoodPollAt: 120 }],
        }),
        120,
      ),
      encodeRecord(changes({ removed: [{ router: 'home', mac: A }] }), 130),
    );
    const read = readJournal(bytes);
    expect(read).toMatchObject({ kind: 'ok', generation: 3, tail: 'clean', validBytes: bytes.length, badLine: null });
    if (read.kind !== 'ok') return;
    expect(read.records).toHaveLength(3);
    expect(replay(base(), read.records)).toEqual({
      version: 1,
      savedAt: 130,
      routers: [{ name: 'home', lastGoodPollAt: 120 }],
      devices: [device(B, 110, { lastSeen: 115, lastListedAt: 120 })],
    });
  });

  it('writes refreshed devices compactly: times only, grouped by router', () => {
    const line = encodeRecord(changes({ refreshed: [{ router: 'home', mac: A, lastSeen: 120.5, lastListedAt: 120.5 }] }), 121);
    expect(line.slice(9)).toBe(`{"at":121,"refreshed":{"home":[["${A}",120.5]]}}\n`);
  });

  it('frames a record as the bytes of `<crc32 of the UTF-8 JSON, 8 hex digits> <JSON>\\n`, multi-byte text included', () => {
    const record = changes({
      changed: [device(B, 110, { hostname: 'Küche \u{1F4F1} "tablet"', leaseComment: '\u00e9t\u00e9' })],
    });
    const bytes = encodeRecordBytes(record, 110);
    const json = JSON.stringify({ at: 110, changed: record.changed });
    expect(bytes.equals(Buffer.from(`${crc32(json).toString(16).padStart(8, '0')} ${json}\n`, 'utf8'))).toBe(true);
    const read = readJournal(journal(encodeHeader(0), bytes.toString('utf8')));
    if (read.kind !== 'ok') throw new Error('unreadable');
    expect(read.records[0]?.changed).toEqual(record.changed);
  });

  it('a device removed and found again in the same batch is back, with its new first-seen', () => {
    const record = encodeRecord(changes({ removed: [{ router: 'home', mac: A }], changed: [device(A, 500)] }), 500);
    const read = readJournal(journal(encodeHeader(0), record));
    if (read.kind !== 'ok') throw new Error('unreadable');
    expect(replay(base(), read.records).devices).toEqual([device(A, 500)]);
  });

  it('a torn last record (no newline, or cut inside) is reported as torn and not applied', () => {
    const good = encodeRecord(changes({ changed: [device(B, 110)] }), 110);
    const next = encodeRecord(changes({ removed: [{ router: 'home', mac: A }] }), 120);
    for (const cut of [1, 20, next.length - 1]) {
      const bytes = journal(encodeHeader(0), good, next.slice(0, cut));
      const read = readJournal(bytes);
      expect(read, `cut at ${cut}`).toMatchObject({ kind: 'ok', tail: 'torn', badLine: 3 });
      if (read.kind !== 'ok') continue;
      expect(read.validBytes).toBe(Buffer.byteLength(encodeHeader(0) + good));
      expect(read.records).toHaveLength(1);
    }
    // Zeros after the last record (a filesystem that extended the file but lost the data) are torn too.
    const zeros = Buffer.concat([journal(encodeHeader(0), good), Buffer.alloc(50)]);
    expect(readJournal(zeros)).toMatchObject({ kind: 'ok', tail: 'torn' });
  });

  it('a record whose checksum does not match is bad; good lines after it make the journal corrupt', () => {
    const good = encodeRecord(changes({ changed: [device(B, 110)] }), 110);
    const flipped = good.replace('10.0.0.1', '10.0.0.9'); // valid JSON, wrong checksum
    expect(readJournal(journal(encodeHeader(0), flipped))).toMatchObject({ kind: 'ok', tail: 'torn', records: [] });
    const read = readJournal(journal(encodeHeader(0), good, flipped, good));
    expect(read).toMatchObject({ kind: 'ok', tail: 'corrupt', badLine: 3 });
    if (read.kind === 'ok') expect(read.records).toHaveLength(1);
  });

  it('a file that does not start with a journal header is not a journal', () => {
    expect(readJournal(Buffer.from('root:x:0:0:root:/root:/bin/bash\n'))).toEqual({ kind: 'bad-header' });
    expect(readJournal(Buffer.alloc(0))).toEqual({ kind: 'bad-header' });
    expect(readJournal(journal(encodeRecord(changes({}), 1)))).toEqual({ kind: 'bad-header' });
  });
});

/** The record's JSON as it was encoded before it was written in pieces: one object, one JSON.stringify. */
function recordJsonAsOneString(changes: StateChanges, at: number): string {
  const record: Record<string, unknown> = { at };
  if (changes.removed.length > 0) record.removed = changes.removed.map((gone) => [gone.router, gone.mac]);
  if (changes.changed.length > 0) record.changed = changes.changed;
  if (changes.refreshed.length > 0) {
    const byRouter: Record<string, unknown[]> = {};
    for (const device of changes.refreshed) {
      const list = byRouter[device.router] ?? [];
      byRouter[device.router] = list;
      list.push(
        device.lastListedAt === device.lastSeen
          ? [device.mac, device.lastSeen]
          : [device.mac, device.lastSeen, device.lastListedAt],
      );
    }
    record.refreshed = byRouter;
  }
  if (changes.routers.length > 0) record.routers = changes.routers;
  return JSON.stringify(record);
}

describe('state journal: a record in pieces', () => {
  const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }));
  const nullableText = fc.option(text, { nil: null });
  const time = fc.option(fc.oneof(fc.integer({ min: 0, max: 2e9 }), fc.double({ min: 0, max: 2e9, noNaN: true })), { nil: null });
  // Router names as configured: never integer-like (a JSON object would list those first), never "__proto__".
  const router = fc.constantFrom('home', 'office', 'r0', 'Küche "AP"', 'a\nb');
  const persisted = fc.record({
    router,
    mac: text,
    firstSeen: time,
    lastSeen: time,
    lastListedAt: time,
    ip: nullableText,
    hostname: nullableText,
    leaseComment: nullableText,
    interface: nullableText,
    bridgePort: nullableText,
    dhcpServer: nullableText,
    lease: fc.constantFrom('dynamic' as const, 'static' as const, 'none' as const),
  });
  const changesArbitrary = fc.record({
    changed: fc.array(persisted, { maxLength: 5 }),
    refreshed: fc.array(fc.record({ router, mac: text, lastSeen: time, lastListedAt: time }), { maxLength: 8 }),
    removed: fc.array(fc.record({ router, mac: text }), { maxLength: 4 }),
    routers: fc.array(fc.record({ name: router, lastGoodPollAt: time }), { maxLength: 3 }),
  });

  it('joined, the pieces are the JSON of the record as one string was, for any changes and hostile text', () => {
    fc.assert(
      fc.property(changesArbitrary, fc.double({ min: 0, max: 2e9, noNaN: true }), (changes, at) => {
        expect([...recordPieces(changes, at)].join('')).toBe(recordJsonAsOneString(changes, at));
      }),
      { numRuns: 300 },
    );
  });

  it('every piece but the frame holds at most one device, one removal or one refreshed time', () => {
    const changes: StateChanges = {
      changed: [device(A, 1), device(B, 2)],
      refreshed: [
        { router: 'home', mac: A, lastSeen: 3, lastListedAt: 3 },
        { router: 'office', mac: B, lastSeen: 3, lastListedAt: 4 },
      ],
      removed: [{ router: 'home', mac: B }],
      routers: [{ name: 'home', lastGoodPollAt: 4 }],
    };
    expect([...recordPieces(changes, 5)]).toEqual([
      '{"at":5',
      `,"removed":[["home","${B}"]`,
      ']',
      `,"changed":[${JSON.stringify(device(A, 1))}`,
      `,${JSON.stringify(device(B, 2))}`,
      ']',
      `,"refreshed":{"home":[["${A}",3]`,
      ']',
      `,"office":[["${B}",3,4]`,
      ']',
      '}',
      ',"routers":[{"name":"home","lastGoodPollAt":4}]',
      '}',
    ]);
  });
});
