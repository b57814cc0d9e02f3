import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkedWriter, writePieces } from './chunked-writer.js';
import { encodeHeader, readJournal, recordPieces, writeRecordLine } from './journal.js';
import type { StateChanges } from './registry.js';
import { savedDevice } from './test-support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netmon-chunks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Text with multi-byte characters, quotes and control characters, as host names can be. */
const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u00e9', '\u{1F4F1}', '\u0000'), maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 60 }),
);

describe('ChunkedWriter', () => {
  it('writes pieces of any size through a small buffer, byte for byte, at its start position, with their CRC-32', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileText, { maxLength: 40 }), fc.integer({ min: 0, max: 20 }), async (pieces, start) => {
        const path = join(dir, 'out');
        const handle = await open(path, 'w+');
        try {
          await handle.write(Buffer.alloc(start, 0x2e), 0, start, 0);
          const writer = new ChunkedWriter(handle, start, 16);
          await writePieces(writer, pieces);
          // Each piece on its own (a lone surrogate at a piece's end is not joined with the next one).
          const expected = Buffer.concat(pieces.map((piece) => Buffer.from(piece, 'utf8')));
          expect(writer.written).toBe(expected.length);
          expect(writer.checksum()).toBe(crc32(expected));
          const bytes = await readFile(path);
          expect(bytes.subarray(start).equals(expected)).toBe(true);
          expect(bytes.subarray(0, start).equals(Buffer.alloc(start, 0x2e))).toBe(true);
        } finally {
          await handle.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('fills the reserved bytes in the same write when everything fit, and last when it did not', async () => {
    for (const chunk of [1024, 32]) {
      const path = join(dir, `reserved-${chunk}`);
      const handle = await open(path, 'w+');
      const writer = new ChunkedWriter(handle, 0, chunk);
      writer.reserve(4, 0x3f);
      for (const piece of ['0123456789', 'abcdefghij', 'ABCDEFGHIJ', 'klmnopqrst']) await writer.add(piece);
      expect(writer.checksum()).toBe(crc32('0123456789abcdefghijABCDEFGHIJklmnopqrst'));
      // Before finish(), only what had to be flushed is in the file, behind the placeholder.
      const before = await readFile(path, 'latin1');
      expect(before).toBe(chunk === 32 ? '????0123456789abcdefghijABCDEFGHIJ' : '');
      await writer.finish(Buffer.from('HEAD'));
      await handle.close();
      expect(await readFile(path, 'latin1')).toBe('HEAD0123456789abcdefghijABCDEFGHIJklmnopqrst');
    }
  });
});

describe('a journal record written in pieces', () => {
  /** Killed after the line's bytes were written and before its checksum was. */
  class KilledBeforeChecksum extends ChunkedWriter {
    override async finish(): Promise<void> {
      await this.flush();
    }
  }

  /** What StateStore.append writes at `position`; `crash` stops it before the checksum (a kill -9 in the middle of the line). */
  async function appendRecord(path: string, position: number, changes: StateChanges, crash: boolean): Promise<number> {
    const handle = await open(path, 'r+');
    try {
      const writer = crash ? new KilledBeforeChecksum(handle, position, 4096) : new ChunkedWriter(handle, position, 4096);
      await writeRecordLine(writer, recordPieces(changes, 500));
      return writer.written;
    } finally {
      await handle.close();
    }
  }

  const many = (count: number, at: number): StateChanges => ({
    changed: Array.from({ length: count }, (_, i) =>
      savedDevice(`02:00:00:00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`, at, {
        hostname: `host "${i}" \u00e9`,
      }),
    ),
    refreshed: [],
    removed: [],
    routers: [],
  });

  it('reads back as one record when complete, larger than the buffer', async () => {
    const path = join(dir, 'state.json.journal');
    const header = encodeHeader(4);
    await (await open(path, 'w')).close();
    const handle = await open(path, 'r+');
    await handle.write(header, 0, 'utf8');
    await handle.close();
    const changes = many(300, 100);
    const written = await appendRecord(path, Buffer.byteLength(header), changes, false);
    expect(written).toBeGreaterThan(4096 * 5);
    const read = readJournal(await readFile(path));
    expect(read).toMatchObject({ kind: 'ok', generation: 4, tail: 'clean' });
    if (read.kind === 'ok') expect(read.records[0]!.changed).toEqual(changes.changed);
  });

  it('cut before its checksum is written (a crash), it is a torn tail: the records before it load, it is ignored', async () => {
    const path = join(dir, 'state.json.journal');
    const header = encodeHeader(4);
    const handle = await open(path, 'w');
    await handle.write(header, 0, 'utf8');
    await handle.close();
    const first = await appendRecord(path, Buffer.byteLength(header), many(2, 50), false);
    await appendRecord(path, Buffer.byteLength(header) + first, many(300, 100), true);
    const bytes = await readFile(path);
    expect(bytes[bytes.length - 1]).toBe(0x0a); // the whole line is there, newline included, but its checksum is not
    const read = readJournal(bytes);
    expect(read).toMatchObject({ kind: 'ok', tail: 'torn', badLine: 3, validBytes: Buffer.byteLength(header) + first });
    if (read.kind === 'ok') expect(read.records.map((record) => record.changed.length)).toEqual([2]);
  });
});
