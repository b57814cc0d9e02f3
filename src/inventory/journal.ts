import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { ChunkedWriter } from './chunked-writer.js';
import { type PersistedDevice, type PersistedState, persistedDeviceSchema, persistedRouterSchema } from './persisted-state.js';
import type { RefreshedDevice, StateChanges } from './registry.js';

/**
 * The state journal: `<state path>.journal`, an append-only file of what
 * changed since the snapshot (`<state path>`) was written, so that a poll
 * writes what changed instead of the whole state.
 *
 * One record per line: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. The
 * first line is a header naming the journal format and the generation of the
 * snapshot it continues; every compaction writes a snapshot of generation
 * g + 1 and then starts a new journal of generation g + 1. A journal older
 * than the snapshot (a crash between those two steps) is already contained in
 * the snapshot and is ignored.
 *
 * Records are applied in order: removals, then changed devices (full
 * records, replacing what was known), then refreshed times, then router poll
 * times. A crash in the middle of an append leaves a last line without its
 * newline or with a wrong checksum: a torn tail, which is ignored (the append
 * was never acknowledged). A bad line followed by good ones is corruption.
 */

export const JOURNAL_FORMAT = 1;

const headerSchema = z.object({ journal: z.literal(JOURNAL_FORMAT), generation: z.number().int().min(0) });

const time = z.number().nullable();
/** [mac, lastSeen] or [mac, lastSeen, lastListedAt] when the two differ. */
const refreshedSchema = z.union([z.tuple([z.string(), time]), z.tuple([z.string(), time, time])]);

const recordSchema = z.object({
  at: z.number(),
  removed: z.array(z.tuple([z.string(), z.string()])).default([]),
  changed: z.array(persistedDeviceSchema).default([]),
  /** Router name -> refreshed devices. */
  refreshed: z.record(z.string(), z.array(refreshedSchema)).default({}),
  routers: z.array(persistedRouterSchema).default([]),
});

export type JournalRecord = z.output<typeof recordSchema>;

/**
 * `<crc> <json>\n` as bytes, the JSON encoded straight into its place in the
 * line. A poll that first sees 50k devices writes a 13 MB record: building the
 * line as a string and then encoding it held a flattened copy of the text and
 * its bytes besides the JSON itself, at the moment the heap is fullest.
 */
function frameBytes(json: string): Buffer {
  const length = Buffer.byteLength(json, 'utf8');
  const line = Buffer.allocUnsafe(9 + length + 1);
  line.write(json, 9, length, 'utf8');
  const crc = crc32(line.subarray(9, 9 + length));
  line.write(crc.toString(16).padStart(8, '0'), 0, 'latin1');
  line[8] = 0x20;
  line[9 + length] = 0x0a;
  return line;
}

function frame(json: string): string {
  return frameBytes(json).toString('utf8');
}

export function encodeHeader(generation: number): string {
  return frame(JSON.stringify({ journal: JOURNAL_FORMAT, generation }));
}

export function isEmptyChange(changes: StateChanges): boolean {
  return (
    changes.changed.length === 0 && changes.refreshed.length === 0 && changes.removed.length === 0 && changes.routers.length === 0
  );
}

/** One journal line for a drain of the registry (compact: refreshed devices are grouped by router, times only). */
export function encodeRecord(changes: StateChanges, at: number): string {
  return encodeRecordBytes(changes, at).toString('utf8');
}

/** encodeRecord's line as the bytes written to the journal. */
export function encodeRecordBytes(changes: StateChanges, at: number): Buffer {
  return frameBytes([...recordPieces(changes, at)].join(''));
}

/**
 * The JSON of a record (without its frame), in pieces of at most one device
 * or refreshed time each, so a large one can be written through a bounded
 * buffer (chunked-writer.ts): the first poll of a 50k-device LAN makes a
 * 13 MB record. Joined, the pieces are the JSON.stringify() of the record
 * object { at, removed?, changed?, refreshed?, routers? } with refreshed
 * devices grouped by router (journal.test.ts holds the two equal).
 */
export function* recordPieces(changes: StateChanges, at: number): Generator<string> {
  yield `{"at":${JSON.stringify(at)}`;
  if (changes.removed.length > 0) {
    let separator = ',"removed":[';
    for (const gone of changes.removed) {
      yield separator + JSON.stringify([gone.router, gone.mac]);
      separator = ',';
    }
    yield ']';
  }
  if (changes.changed.length > 0) {
    let separator = ',"changed":[';
    for (const device of changes.changed) {
      yield separator + JSON.stringify(device);
      separator = ',';
    }
    yield ']';
  }
  if (changes.refreshed.length > 0) {
    const byRouter = new Map<string, RefreshedDevice[]>();
    for (const device of changes.refreshed) {
      const list = byRouter.get(device.router);
      if (list === undefined) byRouter.set(device.router, [device]);
      else list.push(device);
    }
    let routerSeparator = ',"refreshed":{';
    for (const [router, list] of byRouter) {
      let separator = `${routerSeparator}${JSON.stringify(router)}:[`;
      for (const device of list) {
        yield separator +
          JSON.stringify(
            device.lastListedAt === device.lastSeen
              ? [device.mac, device.lastSeen]
              : [device.mac, device.lastSeen, device.lastListedAt],
          );
        separator = ',';
      }
      yield ']';
      routerSeparator = ',';
    }
    yield '}';
  }
  if (changes.routers.length > 0) yield `,"routers":${JSON.stringify(changes.routers)}`;
  yield '}';
}

/** The 9 bytes in front of a record's JSON: its CRC-32 as 8 hex digits and a space. */
export function checksumPrefix(crc: number): Buffer {
  return Buffer.from(`${crc.toString(16).padStart(8, '0')} `, 'latin1');
}

/**
 * Writes one record's line through `writer`, which starts where the line
 * goes: a placeholder no reader accepts ('?' is not a hex digit) where the
 * checksum goes, the JSON piece by piece, the newline, and the checksum
 * last (in the same write when the line fit in the buffer).
 */
export async function writeRecordLine(writer: ChunkedWriter, pieces: Iterable<string>): Promise<void> {
  writer.reserve(9, 0x3f);
  for (const piece of pieces) {
    const pending = writer.add(piece);
    if (pending !== undefined) await pending;
  }
  const checksum = writer.checksum();
  await writer.add('\n');
  await writer.finish(checksumPrefix(checksum));
}

export type JournalReadResult =
  | { kind: 'bad-header' }
  | {
      kind: 'ok';
      generation: number;
      records: JournalRecord[];
      /** Bytes of the header and the good records: where the next append goes. */
      validBytes: number;
      /** What follows the good records: nothing, a torn last record, or good-looking lines after a bad one. */
      tail: 'clean' | 'torn' | 'corrupt';
      /** 1-based line number of the first bad line, when tail is not clean. */
      badLine: number | null;
    };

/** Parses a journal; never quotes its content (a misplaced file may hold secrets). */
export function readJournal(bytes: Buffer): JournalReadResult {
  let offset = 0;
  let line = 0;
  let generation: number | null = null;
  const records: JournalRecord[] = [];
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    line++;
    const parsed: JournalRecord | JournalHeader | null =
      end < 0 ? null : parseLine(bytes.subarray(offset, end), generation === null);
    if (parsed === null) {
      if (generation === null) return { kind: 'bad-header' };
      // Torn: the bad line is the last one (no newline after it, or nothing after its newline).
      const torn = end < 0 || end + 1 >= bytes.length;
      return { kind: 'ok', generation, records, validBytes: offset, tail: torn ? 'torn' : 'corrupt', badLine: line };
    }
    if (generation === null) generation = (parsed as JournalHeader).generation;
    else records.push(parsed as JournalRecord);
    offset = end + 1;
  }
  if (generation === null) return { kind: 'bad-header' };
  return { kind: 'ok', generation, records, validBytes: offset, tail: 'clean', badLine: null };
}

type JournalHeader = z.output<typeof headerSchema>;

function parseLine(line: Buffer, header: boolean): JournalRecord | JournalHeader | null {
  if (line.length < 10 || line[8] !== 0x20) return null;
  const body = line.subarray(9);
  const sum = Number.parseInt(line.subarray(0, 8).toString('latin1'), 16);
  if (!Number.isFinite(sum) || crc32(body) !== sum) return null;
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  const result = (header ? headerSchema : recordSchema).safeParse(json);
  return result.success ? result.data : null;
}

/** Applies journal records to a snapshot's state (which it modifies and returns). */
export function replay(state: PersistedState, records: ReadonlyArray<JournalRecord>): PersistedState {
  const key = (router: string, mac: string) => `${router}\u0000${mac}`;
  const devices = new Map<string, PersistedDevice>();
  for (const device of state.devices) devices.set(key(device.router, device.mac), device);
  const routers = new Map(state.routers.map((router) => [router.name, router]));
  let savedAt = state.savedAt;
  for (const record of records) {
    for (const [router, mac] of record.removed) devices.delete(key(router, mac));
    for (const device of record.changed) devices.set(key(device.router, device.mac), device);
    for (const [router, list] of Object.entries(record.refreshed)) {
      for (const entry of list) {
        const known = devices.get(key(router, entry[0]));
        if (!known) continue; // removed later in the same batch, or never written: nothing to refresh
        known.lastSeen = entry[1];
        known.lastListedAt = entry.length === 3 ? entry[2] : entry[1];
      }
    }
    for (const router of record.routers) routers.set(router.name, router);
    savedAt = Math.max(savedAt, record.at);
  }
  return { version: state.version, savedAt, routers: [...routers.values()], devices: [...devices.values()] };
}
