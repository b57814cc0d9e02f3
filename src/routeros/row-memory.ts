/**
 * What the previous print of a table received, row by row: each row's bytes
 * and what mapping them gave. A row whose bytes equal the previous print's row
 * at the same position maps to the same observation, so the client hands that
 * one back instead of decoding and mapping the row again (one native compare
 * instead of a string per value and an object per row). Routers list a table
 * in a stable order, and ARP and bridge-host rows rarely change between polls.
 * Only for tables whose observations nothing modifies after mapping (the
 * mapping says so: TableMapping.reuseUnchangedRows), since one object then
 * serves several polls.
 *
 * Exact by construction: a result is only ever reused for byte-identical input
 * to the same mapping, which is a pure function of the row's bytes.
 *
 * Memory: one copy of the rows' bytes (outside the JS heap) and the previous
 * observations, per table. The rows are rewritten in place while they keep
 * their positions and lengths (unchanged rows cost no copy); the first row that
 * moves or changes length starts a fresh buffer for the rest of the print.
 * A table whose rows mostly change every poll (lease durations count on a real
 * router, Wi-Fi counters) is not remembered: after a print that reused fewer
 * than half its rows, the memory is dropped and tried again only after
 * RETRY_AFTER_PRINTS prints.
 *
 * Measured at 10k devices (docs/performance.md, "The read path").
 */

/** Returned by recall() when the row must be decoded. */
export const NOT_REMEMBERED: unique symbol = Symbol('not remembered');

/** Prints a table is read without memory after its rows stopped repeating, before trying again. */
export const RETRY_AFTER_PRINTS = 32;

const EMPTY = Buffer.alloc(0);

/**
 * Rows up to this many bytes are compared by a loop: Buffer#compare costs about 70-100 ns
 * for any length (a call into C++), a loop about 20 ns for 11 bytes and 45 for 30 (Node 24).
 * A used pool address row is about 12 bytes; 8.5k of them at 10k devices.
 */
const SHORT_ROW = 32;

function sameBytes(a: Buffer, at: number, b: Buffer, from: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a[at + k] !== b[from + k]) return false;
  return true;
}

export class RowMemory {
  /** The rows, back to back; row r is bytes[starts[r] .. starts[r] + lengths[r]). */
  private bytes: Buffer = EMPTY;
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  private results: unknown[] = [];
  /** Rows of the last complete print. */
  private count = 0;

  // The print being read:
  private row = 0;
  private writeAt = 0;
  /** Set once a row moved or changed length: the rest of the print goes here. */
  private fresh: Buffer | null = null;
  private recalled = false;
  private hits = 0;
  private skipPrints = 0;
  private reading = false;

  constructor(
    /** The mapping and proplist the results belong to: a print with others starts afresh. */
    readonly map: unknown,
    readonly proplist: string,
  ) {}

  /** Starts reading a print; false when this print goes without memory (its rows stopped repeating). */
  begin(): boolean {
    if (this.skipPrints > 0) {
      this.skipPrints--;
      return false;
    }
    this.row = 0;
    this.writeAt = 0;
    this.fresh = null;
    this.hits = 0;
    this.reading = true;
    return true;
  }

  /**
   * What the previous print's row at this position mapped to, when its bytes
   * equal `buf[from..to)`; else NOT_REMEMBERED. Call remember() next, for every row.
   */
  recall(buf: Buffer, from: number, to: number): unknown {
    const r = this.row;
    const length = to - from;
    if (r < this.count && this.lengths[r] === length) {
      const at = this.starts[r]!;
      if (
        length <= SHORT_ROW
          ? sameBytes(this.bytes, at, buf, from, length)
          : buf.compare(this.bytes, at, at + length, from, to) === 0
      ) {
        this.recalled = true;
        this.hits++;
        return this.results[r];
      }
    }
    this.recalled = false;
    return NOT_REMEMBERED;
  }

  /** Keeps this row (`buf[from..to)`) and what it mapped to, for the next print. */
  remember(buf: Buffer, from: number, to: number, result: unknown): void {
    const r = this.row++;
    const length = to - from;
    if (r >= this.starts.length) this.grow();
    const at = this.writeAt;
    if (this.fresh === null) {
      // In place while every row so far kept its slot: the previous rows from r on are still intact.
      const inSlot = r < this.count ? this.starts[r] === at && this.lengths[r] === length : at + length <= this.bytes.length;
      if (inSlot) {
        if (!this.recalled) buf.copy(this.bytes, at, from, to);
      } else {
        this.fresh = Buffer.allocUnsafe(Math.max(this.bytes.length, (at + length) * 2, 4096));
        this.bytes.copy(this.fresh, 0, 0, at);
      }
    }
    if (this.fresh !== null) {
      if (at + length > this.fresh.length) {
        const grown = Buffer.allocUnsafe((at + length) * 2);
        this.fresh.copy(grown, 0, 0, at);
        this.fresh = grown;
      }
      buf.copy(this.fresh, at, from, to);
    }
    this.starts[r] = at;
    this.lengths[r] = length;
    this.results[r] = result;
    this.writeAt = at + length;
  }

  /** The print completed: its rows are what the next print is compared with. */
  end(): void {
    if (!this.reading) return;
    this.reading = false;
    const previous = this.count;
    if (this.fresh !== null) this.bytes = this.fresh;
    this.fresh = null;
    this.count = this.row;
    this.results.length = this.row;
    if (previous > 0 && this.hits * 2 < this.row) {
      this.forget();
      this.skipPrints = RETRY_AFTER_PRINTS;
    } else if (this.bytes.length > this.writeAt + (this.writeAt >> 3) + 65536) {
      // Grown by doubling, or the table shrank: keep what the rows need, and room for a few more.
      const fitted = Buffer.allocUnsafe(this.writeAt + (this.writeAt >> 4));
      this.bytes.copy(fitted, 0, 0, this.writeAt);
      this.bytes = fitted;
    }
  }

  /** The print failed part way: what was rewritten no longer matches the results; start afresh. */
  forget(): void {
    this.reading = false;
    this.bytes = EMPTY;
    this.fresh = null;
    this.starts = new Int32Array(0);
    this.lengths = new Int32Array(0);
    this.results = [];
    this.count = 0;
  }

  /** Bytes held for the rows (for diagnostics and tests). */
  get heldBytes(): number {
    return this.bytes.length;
  }

  private grow(): void {
    const size = Math.max(64, this.starts.length * 2);
    const starts = new Int32Array(size);
    const lengths = new Int32Array(size);
    starts.set(this.starts);
    lengths.set(this.lengths);
    this.starts = starts;
    this.lengths = lengths;
  }
}

/**
 * For tables whose rows change at every poll in one or two columns (a Wi-Fi
 * registration row's `uptime` counts, its byte counters move), where
 * RowMemory's whole-row comparison never hits: per row position, the previous
 * print's value of every column and what the row mapped to. The client
 * compares each word's bytes with the value the same column had in the
 * previous print's row at this position (WireTransport, ReplyDecoder
 * decodeColumns), hands back that same string when equal, and gives the
 * mapping's `remap` the columns that changed and the previous observation, so
 * only the changed columns are decoded and parsed again.
 *
 * Columns that move in most rows at every print (counters, uptimes, kid
 * control's rates) are not kept: their values are held as null, which no
 * decoded value equals, so they count as changed (what they nearly always
 * are). Kept, each such string lived exactly one poll, long enough to be
 * promoted by the young collections inside the poll and to die in the old
 * generation: at 10k devices with traffic moving about 15k strings per poll
 * (docs/performance.md, "The depth poll path with traffic moving"). A print
 * where more than half the compared rows changed a column marks it moving;
 * every RETRY_AFTER_PRINTS prints one print keeps every column again and the
 * next one measures afresh, so a column that stopped moving is kept again.
 *
 * Exact by construction: a column counts as unchanged only when its value is
 * the very string of the previous row (reused because the bytes were equal
 * ASCII); a moving column is only ever reported as changed more often, and
 * `remap` of a changed column is `map` of it. `remap` is held to give what
 * `map` gives (a property test with the plain mapping as the oracle,
 * depth-observations.test.ts), the changed set to include every real change
 * (row-memory.test.ts). Each row's values and result are written together,
 * so a print that fails part way leaves every row position consistent.
 *
 * Measured at 10k devices (docs/performance.md, "Device depth").
 */
export class ColumnMemory {
  /** Row r's value of column c is values[r * columns + c]; null: not kept (a moving column), counts as changed. */
  readonly values: Array<string | undefined | null> = [];
  private results: unknown[] = [];
  /** Rows of the last complete print. */
  private count = 0;
  private row = 0;
  /** Bit c set: column c moves in most rows, its values are not kept. */
  private moving = 0;
  /** Prints left before one keeps every column again. */
  private untilProbe = 0;
  /** Whether this print's changes decide which columns move (not the print right after a probe's start). */
  private measuring = true;
  /** Rows of this print compared with a previous row, and per column how many of them changed it. */
  private compared = 0;
  private readonly changes: Int32Array;

  constructor(
    /** The mapping and proplist the results belong to: a print with others starts afresh. */
    readonly map: unknown,
    readonly proplist: string,
    readonly columns: number,
  ) {
    this.changes = new Int32Array(columns);
  }

  begin(): void {
    this.row = 0;
    this.compared = 0;
    this.changes.fill(0);
    this.measuring = true;
    if (this.moving !== 0 && --this.untilProbe <= 0) {
      // Probe: this print keeps every column; the next one compares all of them and measures.
      this.moving = 0;
      this.measuring = false;
    }
  }

  /** Where the previous print's row at the current position starts in `values`, or -1 when it had none. */
  previousAt(): number {
    return this.row < this.count ? this.row * this.columns : -1;
  }

  /** What the previous print's row at the current position mapped to (null: rejected). Only after previousAt() >= 0. */
  previousResult(): unknown {
    return this.results[this.row];
  }

  /** Bit c set when column c differs from the previous print's row at this position, or is not kept (previousAt() >= 0). */
  changedColumns(row: ReadonlyArray<string | undefined>): number {
    const at = this.row * this.columns;
    let changed = 0;
    for (let c = 0; c < this.columns; c++) {
      if (row[c] !== this.values[at + c]) {
        changed |= 1 << c;
        this.changes[c]!++;
      }
    }
    this.compared++;
    return changed;
  }

  /** Keeps this row's values (but for moving columns) and what they mapped to, for the next print. */
  remember(row: ReadonlyArray<string | undefined>, result: unknown): void {
    const at = this.row * this.columns;
    const moving = this.moving;
    for (let c = 0; c < this.columns; c++) this.values[at + c] = (moving & (1 << c)) === 0 ? row[c] : null;
    this.results[this.row] = result;
    this.row++;
  }

  end(): void {
    this.count = this.row;
    this.values.length = this.row * this.columns;
    this.results.length = this.row;
    if (this.measuring && this.compared > 0) {
      let moving = 0;
      for (let c = 0; c < this.columns; c++) if (this.changes[c]! * 2 > this.compared) moving |= 1 << c;
      if (moving !== 0 && this.moving === 0) this.untilProbe = RETRY_AFTER_PRINTS;
      this.moving = moving;
    }
  }

  forget(): void {
    this.count = 0;
    this.row = 0;
    this.values.length = 0;
    this.results.length = 0;
    this.moving = 0;
    this.measuring = true;
  }
}

/** Columns a ColumnMemory can follow: the changed set is a bit mask of a 32-bit integer. */
export const COLUMN_MEMORY_MAX_COLUMNS = 30;
