import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnMemory, NOT_REMEMBERED, RETRY_AFTER_PRINTS, RowMemory } from './row-memory.js';

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

type ColumnRow = Array<string | undefined>;

/**
 * Reads one print through a column memory as WireTransport does (previousAt, changedColumns when the
 * previous row mapped, remember) and returns each row's changed set (-1: mapped afresh). Row r maps to
 * null (rejected) when rejected(r).
 */
function readColumns(memory: ColumnMemory, rows: readonly ColumnRow[], rejected: (row: number) => boolean): number[] {
  const changes: number[] = [];
  memory.begin();
  for (const [r, row] of rows.entries()) {
    const at = memory.previousAt();
    const previous = at >= 0 ? memory.previousResult() : null;
    changes.push(previous === null || previous === undefined ? -1 : memory.changedColumns(row));
    memory.remember(row, rejected(r) ? null : { r });
  }
  memory.end();
  return changes;
}

/** Columns whose value differs from the same row position of the previous print (what remap must be told). */
function realChanges(before: readonly ColumnRow[] | undefined, row: ColumnRow, r: number): number {
  const previous = before?.[r];
  let mask = 0;
  for (let c = 0; c < row.length; c++) if (previous === undefined || row[c] !== previous[c]) mask |= 1 << c;
  return mask;
}

describe('ColumnMemory', () => {
  it('reports every column that really changed, whatever columns move and stop moving, over any run of prints', () => {
    const columns = 3;
    // Few values, so columns repeat, move in most rows for a while, and stop.
    const value = fc.option(fc.constantFrom('1', '2', '3', '1h2m3s', ''), { nil: undefined, freq: 6 });
    const print = fc.array(fc.array(value, { minLength: columns, maxLength: columns }), { maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(print, { minLength: 1, maxLength: 2 * RETRY_AFTER_PRINTS + 8 }),
        fc.array(fc.nat(5), { maxLength: 3 }),
        (prints, rejectedRows) => {
          const memory = new ColumnMemory(null, 'a,b,c', columns);
          let before: ColumnRow[] | undefined;
          let beforeRejected: (r: number) => boolean = () => true;
          for (const rows of prints) {
            const rejected = (r: number) => rejectedRows.includes(r);
            const changes = readColumns(memory, rows, rejected);
            rows.forEach((row, r) => {
              const remapped = before !== undefined && r < before.length && !beforeRejected(r);
              expect(changes[r] !== -1).toBe(remapped);
              if (!remapped) return;
              const real = realChanges(before, row, r);
              // A superset is exact (remap parses a changed column as map does); a missed change is not.
              expect(changes[r]! & real).toBe(real);
            });
            before = rows;
            beforeRejected = rejected;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps no values of a column that moves in most rows, and keeps them again once it stops', () => {
    const memory = new ColumnMemory(null, 'mac,uptime', 2);
    const rows = (tick: number) => [0, 1, 2, 3].map((r): ColumnRow => [`mac-${r}`, `${tick + r}s`]);
    readColumns(memory, rows(0), () => false);
    // The second print compares: uptime changed in every row, the MAC in none.
    expect(readColumns(memory, rows(1), () => false)).toEqual([0b10, 0b10, 0b10, 0b10]);
    readColumns(memory, rows(2), () => false);
    expect(memory.values).toEqual(['mac-0', null, 'mac-1', null, 'mac-2', null, 'mac-3', null]);
    // The clock stops: uptime still counts as changed (not kept) until a print keeps every column again.
    const stopped: number[][] = [];
    for (let print = 0; print < RETRY_AFTER_PRINTS + 2; print++) stopped.push(readColumns(memory, rows(2), () => false));
    expect(stopped[0]).toEqual([0b10, 0b10, 0b10, 0b10]);
    expect(stopped.at(-1)).toEqual([0, 0, 0, 0]);
    expect(memory.values).toEqual(['mac-0', '2s', 'mac-1', '3s', 'mac-2', '4s', 'mac-3', '5s']);
  });
});
