import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_REMEMBERED, RETRY_AFTER_PRINTS, RowMemory } from './row-memory.js';

/** The mapping under test: a fresh object per call, so a reused result is recognisable by identity. */
const mapBytes = (bytes: Buffer) => ({ hex: bytes.toString('hex') });
type Result = ReturnType<typeof mapBytes>;

/**
 * Reads one print through the memory as WireTransport does: each row recalled or mapped, then
 * remembered. The rows sit at an offset inside a larger buffer, as sentences do in a socket chunk.
 * Returns the results and which rows were recalled.
 */
function readPrint(memory: RowMemory, rows: readonly Buffer[], failAt = -1): { results: Result[]; recalled: boolean[] } {
  const results: Result[] = [];
  const recalled: boolean[] = [];
  const remembering = memory.begin();
  for (const [index, row] of rows.entries()) {
    if (index === failAt) {
      memory.forget();
      return { results, recalled };
    }
    const chunk = Buffer.concat([Buffer.from('pad'), row, Buffer.from('tail')]);
    const from = 3;
    const to = 3 + row.length;
    let result = remembering ? memory.recall(chunk, from, to) : NOT_REMEMBERED;
    recalled.push(result !== NOT_REMEMBERED);
    if (result === NOT_REMEMBERED) result = mapBytes(chunk.subarray(from, to));
    if (remembering) memory.remember(chunk, from, to, result);
    // The chunk is reused by the socket afterwards: the memory must have copied what it needs.
    chunk.fill(0x7a);
    results.push(result as Result);
  }
  memory.end();
  return { results, recalled };
}

const rowsOf = (...texts: string[]) => texts.map((text) => Buffer.from(text));

describe('RowMemory', () => {
  it('hands back the previous result for a row whose bytes are unchanged at its position, and maps the others', () => {
    const memory = new RowMemory(mapBytes, 'a,b');
    const first = readPrint(memory, rowsOf('aaaa', 'bbbb', 'cccc', 'dddd'));
    expect(first.recalled).toEqual([false, false, false, false]);

    const second = readPrint(memory, rowsOf('aaaa', 'bXbb', 'cccc', 'dddd'));
    expect(second.recalled).toEqual([true, false, true, true]);
    expect(second.results[0]).toBe(first.results[0]);
    expect(second.results[1]).toEqual({ hex: Buffer.from('bXbb').toString('hex') });
    expect(second.results[2]).toBe(first.results[2]);

    // The changed row replaced the old one in place: its old bytes must not bring back its new result.
    const back = readPrint(memory, rowsOf('aaaa', 'bbbb', 'cccc', 'dddd'));
    expect(back.recalled).toEqual([true, false, true, true]);
    expect(back.results[1]).toEqual({ hex: Buffer.from('bbbb').toString('hex') });
    readPrint(memory, rowsOf('aaaa', 'bXbb', 'cccc', 'dddd'));

    // A row that grows moves the rest: they are still compared with the previous print's rows.
    const third = readPrint(memory, rowsOf('aaaa', 'bXbb-longer', 'cccc', 'dddd', 'eeee'));
    expect(third.recalled).toEqual([true, false, true, true, false]);
    expect(third.results[3]).toBe(first.results[3]);

    const fourth = readPrint(memory, rowsOf('aaaa', 'bXbb-longer', 'cccc', 'dddd', 'eeee'));
    expect(fourth.recalled).toEqual([true, true, true, true, true]);
    expect(fourth.results.map((r) => r.hex)).toEqual(
      rowsOf('aaaa', 'bXbb-longer', 'cccc', 'dddd', 'eeee').map((b) => b.toString('hex')),
    );
  });

  it('keeps rows of any size and number (its buffers grow and shrink with the table)', () => {
    const memory = new RowMemory(mapBytes, 'a');
    const big = Array.from({ length: 40 }, (_, i) => Buffer.alloc(3000 + i, 0x61 + (i % 26)));
    readPrint(memory, big);
    expect(readPrint(memory, big).recalled.every(Boolean)).toBe(true);
    expect(memory.heldBytes).toBeGreaterThanOrEqual(big.reduce((sum, row) => sum + row.length, 0));
    const small = big.slice(0, 2);
    readPrint(memory, small);
    expect(memory.heldBytes).toBeLessThan(100_000);
    expect(readPrint(memory, small).recalled).toEqual([true, true]);
  });

  it('forgets everything after a print that failed part way', () => {
    const memory = new RowMemory(mapBytes, 'a');
    readPrint(memory, rowsOf('aaaa', 'bbbb'));
    readPrint(memory, rowsOf('aaaa', 'XXXX'), 1);
    expect(readPrint(memory, rowsOf('aaaa', 'bbbb')).recalled).toEqual([false, false]);
  });

  it('stops remembering a table whose rows mostly change, and tries again after a while', () => {
    const memory = new RowMemory(mapBytes, 'a');
    const changing = (print: number) => rowsOf(`a${print}`, `b${print}`, 'same');
    readPrint(memory, changing(0));
    expect(readPrint(memory, changing(1)).recalled).toEqual([false, false, true]);
    expect(memory.heldBytes).toBe(0);
    for (let print = 0; print < RETRY_AFTER_PRINTS; print++) {
      expect(memory.begin()).toBe(false);
      memory.end();
    }
    readPrint(memory, changing(2));
    expect(memory.heldBytes).toBeGreaterThan(0);
    expect(readPrint(memory, changing(2)).recalled).toEqual([true, true, true]);
  });

  it('gives exactly what mapping every row gives, for any run of prints (rows added, dropped, grown, failed prints)', () => {
    const row = fc.oneof(
      fc.constantFrom('lease-1', 'lease-2', 'lease-3', 'arp-1', 'arp-22', 'x', '', 'y'.repeat(3000), 'z'.repeat(3001)),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    // Each print is the previous one with a few rows replaced, inserted or dropped (as tables change
    // between polls), so most rows repeat and the memory stays in use; now and then a print fails.
    const edit = fc.record({ at: fc.nat(20), kind: fc.constantFrom('replace', 'insert', 'drop'), row });
    const print = fc.record({ edits: fc.array(edit, { maxLength: 3 }), failAt: fc.integer({ min: -1, max: 40 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 16 }), fc.array(print, { minLength: 1, maxLength: 10 }), (initial, prints) => {
        const memory = new RowMemory(mapBytes, 'p');
        let rows = initial;
        for (const { edits, failAt } of prints) {
          rows = [...rows];
          for (const { at, kind, row: text } of edits) {
            const index = rows.length === 0 ? 0 : at % rows.length;
            if (kind === 'replace' && rows.length > 0) rows[index] = text;
            else if (kind === 'insert') rows.splice(index, 0, text);
            else rows.splice(index, 1);
          }
          const bytes = rows.map((text) => Buffer.from(text, 'latin1'));
          const { results } = readPrint(memory, bytes, failAt < rows.length && failAt % 4 === 0 ? failAt : -1);
          expect(results.map((r) => r.hex)).toEqual(bytes.slice(0, results.length).map((b) => b.toString('hex')));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
