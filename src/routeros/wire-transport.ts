/**
 * RouterTransport on node:net / node:tls and our own framing, built for polls
 * of tens of thousands of rows.
 *
 * The only RouterOS client the exporter runs. Why not node-routeros (kept as a
 * development dependency for the comparison bench and for
 * node-routeros-defects.test.ts, which shows each defect): it crashes the
 * process on RouterOS 7.18's `!empty`, leaves commands pending forever on
 * `!fatal` or a closed socket, decodes every chunk through iconv-lite as
 * Windows-1252 (which destroys UTF-8), and at 10k devices costs 7-12x the CPU
 * of this client per poll (docs/performance.md).
 *
 * Protocol (MikroTik "API" manual): sentences of length-prefixed words, framed
 * by codec.ts (the prefix table, limits, reply kinds and framing errors). Every command carries `.tag=N` and every reply
 * sentence echoes it, so replies are dispatched by tag; tags are small integers
 * reused once their command is done. Replies: `!re` (a row), `!done` (end,
 * login's may carry `=ret=`, the pre-6.43 MD5 challenge), `!trap` (the command
 * failed; a `!done` follows), `!empty` (7.18+: no rows; a `!done` follows) and
 * `!fatal` (the router is closing the session; untagged).
 *
 * Failure rules, as RouterTransport promises them: anything that breaks the
 * connection (socket error or close, `!fatal`, a framing error, a reply nobody
 * asked for) fails the transport once: every pending call rejects with the same
 * PollError and the failure listeners run. A length prefix announcing more than
 * MAX_WORD_BYTES is a protocol error before anything is allocated for it.
 *
 * Text: attribute names and values are decoded as UTF-8 when the bytes are
 * valid UTF-8, else as Windows-1252 (values.ts decodeRouterBytes). Pure ASCII,
 * nearly every word, takes a fast path with the same result.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import {
  encodeSentence,
  FramingError,
  MAX_SENTENCE_BYTES,
  MAX_WORD_BYTES,
  type ReplyKind,
  replyKind,
  SentenceReader,
} from './codec.js';
import { CommandTrap, PollError } from './errors.js';
import type { Columns, Mapped, RawRow } from './observations.js';
import { COLUMN_MEMORY_MAX_COLUMNS, ColumnMemory, NOT_REMEMBERED, RowMemory } from './row-memory.js';
import {
  type PrintRowsOptions,
  type ReplyLimits,
  type RouterTransport,
  replyLimitsFor,
  type TransportOptions,
} from './transport.js';
import { decodeRouterBytes, sanitizeText } from './values.js';

// ---------------------------------------------------------------------------
// Reply sentences

export interface DecodedReply {
  kind: ReplyKind;
  tag: string | null;
  /** Attribute words `=name=value`, decoded; a repeated name keeps its last value. */
  attributes: Record<string, string>;
  /** The first word that is neither an attribute nor `.tag=` (how `!fatal` gives its reason). */
  bare: string | null;
}

const NON_ASCII = /[\x80-\xff]/;
const EQUALS = 0x3d;
const DOT = 0x2e;
const BANG = 0x21;
const LETTER_R = 0x72;
const LETTER_E = 0x65;
const DIGIT_0 = 0x30;
/** Tags are small integers reused once their command is done; more digits than this is not one of ours. */
const MAX_TAG_DIGITS = 9;

/**
 * Decodes reply sentences into attribute records. Keeps, per word position, the
 * last attribute name seen there: rows of one print repeat their names in the
 * same order, so a name is recognised with one comparison instead of building
 * (and hashing) a fresh string for every word.
 */
export class ReplyDecoder {
  private names: string[] = [];
  /** Per word position, the last short ASCII value seen there (see REPEATED_VALUE_MAX). */
  private values: string[] = [];
  /** decodeColumns' own cache: per word position, the last name seen there and its column in `cachedFor`. */
  private columnNames: string[] = [];
  private columnIndexes: number[] = [];
  private cachedFor: ReadonlyMap<string, number> | null = null;
  /** The position of the `.tag=` word the last rowTag() call found, or -1. */
  tagWord = -1;

  /**
   * The tag of a `!re` sentence as the number we sent, read from its bytes
   * without building a string: -1 when the sentence is not `!re`, has no
   * `.tag=` word, or its tag is not a number as we write them (decimal, no
   * leading zero). Those take decode(), which treats them as before.
   */
  rowTag(buf: Buffer, start: number, count: number, pos: Int32Array, len: Int32Array): number {
    this.tagWord = -1;
    const first = start + pos[0]!;
    if (len[0] !== 3 || buf[first] !== BANG || buf[first + 1] !== LETTER_R || buf[first + 2] !== LETTER_E) return -1;
    // decode() keeps the last `.tag=` word; search from the end (where RouterOS puts it).
    for (let i = count - 1; i > 0; i--) {
      const at = start + pos[i]!;
      const length = len[i]!;
      if (
        length >= 5 &&
        buf[at] === DOT &&
        buf[at + 1] === 0x74 &&
        buf[at + 2] === 0x61 &&
        buf[at + 3] === 0x67 &&
        buf[at + 4] === EQUALS
      ) {
        this.tagWord = i;
        return tagNumber(buf, at + 5, at + length);
      }
    }
    return -1;
  }

  /**
   * Decodes a `!re` sentence's attributes straight into `values` by column:
   * `columns` maps an attribute name to its index (the print's `.proplist`
   * order); names outside it are skipped; a repeated name keeps its last value.
   * Values are decoded exactly as decode() does (each word's text depends only
   * on its own bytes), but from the bytes: a name equal to the one seen at the
   * same word position in the previous row is recognised by comparing bytes,
   * and a short value equal to the previous row's is that same string, so an
   * unchanged word costs no string at all. With `previous` (a ColumnMemory's
   * values, this row position's starting at `previousAt`), a value whose bytes
   * are ASCII and equal to that column's previous value is that same string.
   */
  decodeColumns(
    buf: Buffer,
    start: number,
    count: number,
    pos: Int32Array,
    len: Int32Array,
    knownAscii: boolean,
    columns: ReadonlyMap<string, number>,
    values: Array<string | undefined>,
    previous: ReadonlyArray<string | undefined | null> | null = null,
    previousAt = -1,
  ): void {
    values.fill(undefined);
    if (this.cachedFor !== columns) {
      this.cachedFor = columns;
      this.columnNames = [];
      this.columnIndexes = [];
    }
    for (let i = 1; i < count; i++) {
      const at = start + pos[i]!;
      if (buf[at] !== EQUALS) continue;
      const end = at + len[i]!;
      let column: number;
      const cached = this.columnNames[i];
      // Where the name would end if it is the cached one (names hold no "=").
      let eq = cached === undefined ? end + 1 : at + 1 + cached.length;
      if (eq <= end && (eq === end || buf[eq] === EQUALS) && equalsAscii(buf, at + 1, cached!)) {
        column = this.columnIndexes[i]!;
      } else {
        eq = at + 1;
        let ascii = true;
        while (eq < end && buf[eq] !== EQUALS) {
          if (buf[eq]! >= 0x80) ascii = false;
          eq++;
        }
        if (ascii) {
          const name = latin1(buf, at + 1, eq);
          column = columns.get(name) ?? -1;
          this.columnNames[i] = name;
          this.columnIndexes[i] = column;
        } else {
          // Not cached: the byte comparison above only stands for ASCII names.
          column = columns.get(decodeRouterBytes(buf.subarray(at + 1, eq))) ?? -1;
        }
      }
      if (column < 0) continue;
      const from = eq < end ? eq + 1 : end;
      if (previousAt >= 0) {
        const before = previous![previousAt + column];
        if (before !== undefined && before !== null && before.length === end - from && equalsAsciiBytes(buf, from, before)) {
          values[column] = before;
          continue;
        }
      }
      values[column] = this.wordValue(i, buf, from, end, knownAscii);
    }
  }

  /** The text of `buf[from..to)`, the value of the word at position `i`, as decode() gives it. */
  private wordValue(i: number, buf: Buffer, from: number, to: number, knownAscii: boolean): string {
    const length = to - from;
    if (length === 0) return '';
    if (length <= REPEATED_VALUE_MAX) {
      // Only ASCII values are cached, so equal bytes mean equal text.
      const previous = this.values[i];
      if (previous !== undefined && previous.length === length && equalsAscii(buf, from, previous)) return previous;
    }
    if (!knownAscii && !isAsciiRange(buf, from, to)) return decodeRouterBytes(buf.subarray(from, to));
    const value = shortText(buf, from, to);
    if (length <= REPEATED_VALUE_MAX) this.values[i] = value;
    return value;
  }

  decode(buf: Buffer, start: number, count: number, pos: Int32Array, len: Int32Array, knownAscii = false): DecodedReply {
    const last = count - 1;
    // One string for the whole sentence; each word is a slice of it. Latin-1 keeps
    // one character per byte, so offsets carry over and ASCII text is already right.
    const text = buf.toString('latin1', start, start + pos[last]! + len[last]!);
    const ascii = knownAscii || !NON_ASCII.test(text);
    const kind = replyKind(text.slice(pos[0]!, pos[0]! + len[0]!));
    const attributes: Record<string, string> = {};
    let tag: string | null = null;
    let bare: string | null = null;
    for (let i = 1; i < count; i++) {
      const from = pos[i]!;
      const to = from + len[i]!;
      if (text.charCodeAt(from) === EQUALS) {
        let eq = text.indexOf('=', from + 1);
        if (eq === -1 || eq > to) eq = to;
        let name: string;
        if (!ascii) {
          // The cache compares Latin-1 text, which only equals the decoded name for ASCII.
          name = decodeRouterBytes(buf.subarray(start + from + 1, start + eq));
        } else {
          const cached = this.names[i];
          if (cached !== undefined && eq - from - 1 === cached.length && text.startsWith(cached, from + 1)) {
            name = cached;
          } else {
            name = text.slice(from + 1, eq);
            this.names[i] = name;
          }
        }
        // An own property named __proto__ would turn into a prototype change on copy.
        if (name === '__proto__') continue;
        const valueFrom = eq < to ? eq + 1 : to;
        if (!ascii) {
          attributes[name] = textValue(buf, start, valueFrom, to);
        } else if (to - valueFrom <= REPEATED_VALUE_MAX) {
          const previous = this.values[i];
          if (previous !== undefined && previous.length === to - valueFrom && text.startsWith(previous, valueFrom)) {
            attributes[name] = previous;
          } else {
            attributes[name] = this.values[i] = text.slice(valueFrom, to);
          }
        } else {
          attributes[name] = asciiValue(buf, start, text, valueFrom, to);
        }
      } else if (text.startsWith('.tag=', from)) {
        tag = text.slice(from + 5, to);
      } else if (bare === null) {
        bare = ascii ? text.slice(from, to) : decodeRouterBytes(buf.subarray(start + from, start + to));
      }
    }
    return { kind, tag, attributes, bare };
  }
}

/**
 * V8 returns a slice of 13 characters or more as a view that keeps the whole
 * sentence alive, and values such as MACs are kept for as long as the device
 * is known: those get a string of their own.
 */
const SLICE_KEEPS_PARENT = 13;

/**
 * Short values mostly repeat down a column (`true`, `bound`, `dhcp1`, `bridge`):
 * a value equal to the one in the same position of the previous sentence is
 * that same string, so 50k rows hold one copy of each instead of 50k.
 */
const REPEATED_VALUE_MAX = 12;

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

function latin1(buf: Buffer, from: number, to: number): string {
  return (buf as unknown as Latin1Slicer).latin1Slice(from, to);
}

/**
 * `buf[from..to)` as Latin-1 text. Up to 17 bytes (a MAC address) through
 * String.fromCharCode with the bytes as arguments: about 15-30 ns against 60 ns
 * for latin1Slice, whose cost is mostly the call into C++ (measured on node 20;
 * most values of a row are this short). Longer text takes latin1Slice.
 */
// biome-ignore format: one line per length reads better than 150 lines of arguments
function shortText(b: Buffer, i: number, to: number): string {
  switch (to - i) {
    case 0: return '';
    case 1: return char(b[i]!);
    case 2: return char(b[i]!, b[i + 1]!);
    case 3: return char(b[i]!, b[i + 1]!, b[i + 2]!);
    case 4: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
    case 5: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!);
    case 6: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!);
    case 7: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!);
    case 8: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    case 9: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!);
    case 10: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!);
    case 11: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!);
    case 12: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!);
    case 13: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!);
    case 14: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!);
    case 15: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!);
    case 16: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!);
    case 17: return char(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!, b[i + 8]!, b[i + 9]!, b[i + 10]!, b[i + 11]!, b[i + 12]!, b[i + 13]!, b[i + 14]!, b[i + 15]!, b[i + 16]!);
    default: return latin1(b, i, to);
  }
}

const char = String.fromCharCode;

/** Whether `buf[at..)` starts with `text`, which must be ASCII (so equal bytes mean equal text). */
function equalsAscii(buf: Buffer, at: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    if (buf[at + k] !== text.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Whether `buf[at..)` holds `text` as ASCII bytes: every byte below 0x80 and equal to the character
 * code. Such bytes decode to exactly `text` (wordValue), whatever `text` was decoded from.
 */
function equalsAsciiBytes(buf: Buffer, at: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const byte = buf[at + k]!;
    if (byte >= 0x80 || byte !== text.charCodeAt(k)) return false;
  }
  return true;
}

function isAsciiRange(buf: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    if (buf[k]! >= 0x80) return false;
  }
  return true;
}

/** The tag `buf[from..to)` as a number when it is written as we write tags (String(n)), else -1. */
function tagNumber(buf: Buffer, from: number, to: number): number {
  const digits = to - from;
  if (digits === 0 || digits > MAX_TAG_DIGITS || (digits > 1 && buf[from] === DIGIT_0)) return -1;
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = buf[k]! - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function asciiValue(buf: Buffer, start: number, text: string, from: number, to: number): string {
  return to - from < SLICE_KEEPS_PARENT
    ? text.slice(from, to)
    : (buf as unknown as Latin1Slicer).latin1Slice(start + from, start + to);
}

function textValue(buf: Buffer, start: number, from: number, to: number): string {
  const bytes = buf.subarray(start + from, start + to);
  return isAscii(bytes) ? bytes.toString('latin1') : decodeRouterBytes(bytes);
}

// ---------------------------------------------------------------------------
// The transport

/** A print whose rows are mapped as they arrive (printRows). */
interface RowSink {
  readonly columns: ReadonlyMap<string, number>;
  readonly values: Array<string | undefined>;
  readonly map: (row: Columns) => unknown;
  /** Sized for as many rows as the last print of the command mapped; filled up to `mapped`. */
  readonly observations: unknown[];
  mapped: number;
  /** The table's rows as its last print received them, or null when this print goes without. */
  readonly memory: RowMemory | null;
  /** With a remap: the table's column values as its last print received them (row-memory.ts ColumnMemory). */
  readonly columnMemory: ColumnMemory | null;
  readonly remap: ((row: Columns, changed: number, previous: unknown) => unknown) | null;
  rejected: number;
}

interface Pending {
  readonly tag: string;
  readonly command: string;
  readonly rows: RawRow[];
  /** Set for printRows: rows go through it instead of into `rows`. */
  readonly sink: RowSink | null;
  /** `!re` sentences received so far. */
  rowCount: number;
  /** Bytes of the `!re` sentences received so far. */
  rowBytes: number;
  trap: string | null;
  resolve(done: { rows: RawRow[]; attributes: Record<string, string> }): void;
  reject(error: Error): void;
}

/** The size of a plain TCP connection's read buffer: what node reads at once into a fresh one otherwise. */
const READ_BUFFER_BYTES = 64 * 1024;

const REFUSED_LOGIN = /invalid user name or password|cannot log in/i;

function describeSocketError(error: Error & { code?: string }): string {
  const text = sanitizeText(error.message, 200) ?? 'socket error';
  return error.code && !text.includes(error.code) ? `${text} (${error.code})` : text;
}

/** The legacy (pre-6.43) login response: "00" + hex(md5(0x00 + password + challenge bytes)). */
export function md5LoginResponse(password: string, challengeHex: string): string {
  const hash = createHash('md5');
  hash.update(Buffer.from([0]));
  hash.update(Buffer.from(password, 'utf8'));
  hash.update(Buffer.from(challengeHex, 'hex'));
  return `00${hash.digest('hex')}`;
}

export class WireTransport implements RouterTransport {
  private socket: net.Socket | null = null;
  private readonly reader: SentenceReader;
  private readonly decoder = new ReplyDecoder();
  private readonly pending = new Map<string, Pending>();
  /** The same pending calls by tag number, for the `!re` rows of printRows (looked up without a tag string). */
  private readonly rowsByTag: Array<Pending | undefined> = [];
  /** Per print command, its rows as the last print received them (row-memory.ts). */
  private readonly rowMemories = new Map<string, RowMemory>();
  /** Per print command with a remap, its column values as the last print received them. */
  private readonly columnMemories = new Map<string, ColumnMemory>();
  /**
   * Per print command, how many rows its last print mapped: the next print's list is made that
   * long at once. Grown by push, a list of 9k rows allocated about three times its final size
   * (measured with V8's sampling heap profiler at 10k devices: 1.3 MB per poll with every source on).
   */
  private readonly mappedRows = new Map<string, number>();
  private readonly freeTags: number[] = [];
  private nextTag = 0;
  private readonly failureListeners: Array<(error: PollError) => void> = [];
  private failure: PollError | null = null;
  private closed = false;
  private loggedIn = false;
  private started = false;
  private socketError: (Error & { code?: string }) | null = null;
  private fatal: string | null = null;

  private readonly limits: ReplyLimits;

  constructor(private readonly options: TransportOptions) {
    this.limits = options.replyLimits ?? replyLimitsFor(10_000);
    this.reader = new SentenceReader(
      (buf, start, count, pos, len, ascii) => this.onSentence(buf, start, count, pos, len, ascii),
      Math.min(MAX_WORD_BYTES, this.limits.maxBytes),
      Math.min(MAX_SENTENCE_BYTES, this.limits.maxBytes),
    );
  }

  private get where(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  onFailure(listener: (error: PollError) => void): void {
    this.failureListeners.push(listener);
  }

  async connect(): Promise<void> {
    if (this.started) throw new PollError('protocol', 'transport already used; create a new one');
    this.started = true;
    if (this.closed) throw new PollError('connection', 'session closed');
    const seconds = this.options.connectTimeoutSeconds;
    const timer = setTimeout(
      () => {
        this.fail(new PollError('timeout', `${this.where}: no answer within ${seconds} s while connecting`));
      },
      Math.max(1, seconds * 1000),
    );
    try {
      await this.open();
      await this.login();
      this.loggedIn = true;
    } finally {
      clearTimeout(timer);
    }
  }

  async print(path: string, proplist: readonly string[]): Promise<RawRow[]> {
    const command = `${path}/print`;
    if (!this.loggedIn && !this.failure && !this.closed) throw new PollError('protocol', `${command} before login`);
    const done = await this.send(command, [`=.proplist=${proplist.join(',')}`]);
    return done.rows;
  }

  /**
   * `print =count-only=` with the count in the `!done` sentence's `ret`: the shape public API
   * clients use (MikrotikDotNet issue #4 reads the reply's `Ret`; PEAR2 Net_RouterOS issue #33
   * counts /ip/arp and /ip/address with queries that way), and what the simulator answers.
   */
  async countRows(path: string): Promise<number | null> {
    const command = `${path}/print`;
    if (!this.loggedIn && !this.failure && !this.closed) throw new PollError('protocol', `${command} before login`);
    const done = await this.send(command, ['=count-only=']);
    const ret = done.attributes['ret'];
    return ret !== undefined && /^\d{1,15}$/.test(ret) ? Number(ret) : null;
  }

  /**
   * `<path>/print =.proplist=...` with each `!re` row mapped as it is decoded:
   * its values land by proplist column in one reused array handed to `map`, so
   * no record is built per row. `map` returns the observation, or null to
   * reject (count) the row.
   */
  async printRows<T>(
    path: string,
    proplist: readonly string[],
    map: (row: Columns) => T | null,
    options: PrintRowsOptions<T> = {},
  ): Promise<Mapped<T>> {
    const command = `${path}/print`;
    if (!this.loggedIn && !this.failure && !this.closed) throw new PollError('protocol', `${command} before login`);
    const fields = proplist.join(',');
    const remap = options.remap !== undefined && proplist.length <= COLUMN_MEMORY_MAX_COLUMNS ? options.remap : null;
    // A table with a remap changes in a few columns at every poll: remembered by column, not by whole row.
    const columnMemory = remap !== null ? this.columnMemoryOf(command, fields, map, proplist.length) : null;
    const memory = columnMemory === null && options.reuseUnchangedRows === true ? this.memoryOf(command, fields, map) : null;
    columnMemory?.begin();
    const sink: RowSink = {
      columns: new Map(proplist.map((name, index) => [name, index])),
      values: new Array<string | undefined>(proplist.length).fill(undefined),
      map,
      observations: new Array(this.mappedRows.get(command) ?? 0),
      mapped: 0,
      memory: memory?.begin() ? memory : null,
      columnMemory,
      remap: remap as RowSink['remap'],
      rejected: 0,
    };
    try {
      await this.send(command, [`=.proplist=${fields}`], sink);
    } catch (error) {
      memory?.forget();
      columnMemory?.forget();
      throw error;
    }
    memory?.end();
    columnMemory?.end();
    sink.observations.length = sink.mapped;
    this.mappedRows.set(command, sink.mapped);
    return { observations: sink.observations as T[], rejected: sink.rejected };
  }

  /** The column memory of one print command, for this mapping and proplist. */
  private columnMemoryOf(command: string, proplist: string, map: unknown, columns: number): ColumnMemory {
    const known = this.columnMemories.get(command);
    if (known !== undefined && known.map === map && known.proplist === proplist) return known;
    const memory = new ColumnMemory(map, proplist, columns);
    this.columnMemories.set(command, memory);
    return memory;
  }

  /** The row memory of one print command, for this mapping and proplist. */
  private memoryOf(command: string, proplist: string, map: unknown): RowMemory {
    const known = this.rowMemories.get(command);
    if (known !== undefined && known.map === map && known.proplist === proplist) return known;
    const memory = new RowMemory(map, proplist);
    this.rowMemories.set(command, memory);
    return memory;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader.stop();
    const socket = this.socket;
    if (socket && !socket.closed) {
      socket.destroy();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    // Rejected last, as close() resolves: a caller that awaits close() before
    // looking at its pending calls must not see their rejections as unhandled.
    this.rejectAll(new PollError('connection', 'session closed'));
  }

  // -- connection ---------------------------------------------------------------

  private open(): Promise<void> {
    const { host, port, tls: tlsOptions } = this.options;
    return new Promise<void>((resolve, reject) => {
      // Registered first, so a failure before the socket is up rejects this promise too.
      const opening: Pending = {
        tag: '',
        command: 'connect',
        rows: [],
        sink: null,
        rowCount: 0,
        rowBytes: 0,
        trap: null,
        resolve: () => resolve(),
        reject,
      };
      this.pending.set('', opening);
      const ready = (): void => {
        this.pending.delete('');
        if (this.failure || this.closed) reject(this.failure ?? new PollError('connection', 'session closed'));
        else resolve();
      };
      let socket: net.Socket;
      if (tlsOptions) {
        socket = tls.connect({ ...tlsOptions, host, port }, ready);
        socket.on('data', (chunk: Buffer) => this.onData(chunk));
      } else {
        // Plain TCP reads into one buffer of our own (node's `onread`), which the reader may use only
        // during the call (codec.ts SentenceSink). Read as 'data' chunks, every read was a new buffer
        // outside the JS heap, and V8 starts a full collection for each 64 MB of those: at 10k devices
        // with every depth source on, 6.6 of the 11 MB allocated that way per poll were socket reads.
        const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
        socket = net.connect(
          {
            host,
            port,
            onread: {
              buffer: readBuffer,
              callback: (bytes: number) => {
                this.onData(readBuffer.subarray(0, bytes));
                return true;
              },
            },
          },
          ready,
        );
      }
      this.socket = socket;
      socket.setNoDelay(true);
      // Half-open connections (a router that lost power) show up between polls.
      socket.setKeepAlive(true, 30_000);
      socket.on('error', (error: Error & { code?: string }) => {
        this.socketError ??= error;
      });
      socket.on('close', () => this.fail(this.closedError()));
    });
  }

  private async login(): Promise<void> {
    const { user, password } = this.options;
    let done: { attributes: Record<string, string> };
    try {
      done = await this.send('/login', [`=name=${user}`, `=password=${password}`]);
      const challenge = done.attributes['ret'];
      if (challenge !== undefined) {
        // A router older than 6.43 ignores the password and answers with a challenge.
        await this.send('/login', [`=name=${user}`, `=response=${md5LoginResponse(password, challenge)}`]);
      }
    } catch (error) {
      if (error instanceof CommandTrap) {
        const reason = REFUSED_LOGIN.test(error.trapMessage) ? 'invalid user name or password' : error.trapMessage;
        throw new PollError('auth', `${this.where}: login refused (${reason})`);
      }
      throw error;
    }
  }

  private send(
    command: string,
    args: readonly string[],
    sink: RowSink | null = null,
  ): Promise<{ rows: RawRow[]; attributes: Record<string, string> }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed || !this.socket) return Promise.reject(new PollError('connection', 'session closed'));
    const tagNumber = this.freeTags.pop() ?? this.nextTag++;
    const tag = String(tagNumber);
    return new Promise((resolve, reject) => {
      const release = (): void => {
        if (this.pending.get(tag) === entry) {
          this.pending.delete(tag);
          this.rowsByTag[tagNumber] = undefined;
          this.freeTags.push(tagNumber);
        }
      };
      const entry: Pending = {
        tag,
        command,
        rows: [],
        sink,
        rowCount: 0,
        rowBytes: 0,
        trap: null,
        resolve: (value) => {
          release();
          resolve(value);
        },
        reject: (error) => {
          release();
          reject(error);
        },
      };
      this.pending.set(tag, entry);
      this.rowsByTag[tagNumber] = entry;
      this.socket!.write(encodeSentence([command, ...args, `.tag=${tag}`]));
    });
  }

  // -- replies ------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.failure || this.closed) return;
    try {
      this.reader.push(chunk);
    } catch (error) {
      if (error instanceof FramingError) this.fail(new PollError('protocol', `${this.where}: ${error.message}`));
      else this.fail(new PollError('protocol', `${this.where}: undecodable reply (${describe(error)})`));
    }
  }

  private onSentence(buf: Buffer, start: number, count: number, pos: Int32Array, len: Int32Array, ascii: boolean): void {
    const tag = this.decoder.rowTag(buf, start, count, pos, len);
    if (tag >= 0) {
      const entry = this.rowsByTag[tag];
      if (entry?.sink) {
        if (!this.withinLimits(entry, pos[count - 1]! + len[count - 1]!)) return;
        const sink = entry.sink;
        const memory = sink.memory;
        // The row compared with the last print's is the sentence without its tag word (our tag may
        // differ between prints): the words after it when it follows `!re` (as RouterOS sends it),
        // those before it when it comes last (its length prefix is one byte: at most 14 bytes).
        let rowFrom = -1;
        let rowTo = -1;
        if (memory !== null) {
          const tagWord = this.decoder.tagWord;
          if (tagWord === 1) {
            rowFrom = start + pos[1]! + len[1]!;
            rowTo = start + pos[count - 1]! + len[count - 1]!;
          } else if (tagWord === count - 1) {
            rowFrom = start;
            rowTo = start + pos[tagWord]! - 1;
          }
        }
        let observation = rowFrom < 0 ? NOT_REMEMBERED : memory!.recall(buf, rowFrom, rowTo);
        const columnMemory = sink.columnMemory;
        if (columnMemory !== null) {
          const previousAt = columnMemory.previousAt();
          const values = sink.values;
          this.decoder.decodeColumns(buf, start, count, pos, len, ascii, sink.columns, values, columnMemory.values, previousAt);
          const previous = previousAt >= 0 ? columnMemory.previousResult() : null;
          observation =
            previous === null || previous === undefined
              ? sink.map(values)
              : sink.remap!(values, columnMemory.changedColumns(values), previous);
          columnMemory.remember(values, observation);
        } else if (observation === NOT_REMEMBERED) {
          this.decoder.decodeColumns(buf, start, count, pos, len, ascii, sink.columns, sink.values);
          observation = sink.map(sink.values);
        }
        if (rowFrom >= 0) memory!.remember(buf, rowFrom, rowTo, observation);
        if (observation === null) sink.rejected++;
        else sink.observations[sink.mapped++] = observation;
        return;
      }
    }
    const reply = this.decoder.decode(buf, start, count, pos, len, ascii);
    if (reply.kind === '!fatal') {
      this.fatal = sanitizeText(reply.bare ?? reply.attributes['message'], 200) ?? 'no reason given';
      this.fail(new PollError('connection', `${this.where}: router ended the API session (!fatal: ${this.fatal})`));
      return;
    }
    const entry = reply.tag === null ? undefined : this.pending.get(reply.tag);
    if (entry === undefined || entry.tag === '') {
      throw new FramingError('BAD_REPLY', `reply ${reply.kind} for ${reply.tag === null ? 'no' : 'an unknown'} tag`);
    }
    switch (reply.kind) {
      case '!re':
        if (!this.withinLimits(entry, pos[count - 1]! + len[count - 1]!)) return;
        entry.rows.push(reply.attributes);
        break;
      case '!trap':
        entry.trap ??= sanitizeText(reply.attributes['message'], 300) ?? 'trap without a message';
        break;
      case '!done':
        if (entry.trap !== null) entry.reject(new CommandTrap(entry.command, entry.trap));
        else entry.resolve({ rows: entry.rows, attributes: reply.attributes });
        break;
      case '!empty':
        break;
    }
  }

  // -- failure ------------------------------------------------------------------

  /** Counts one more `!re` row of `bytes`; false (and the connection failed) when the reply goes over its bounds. */
  private withinLimits(entry: Pending, bytes: number): boolean {
    entry.rowCount++;
    entry.rowBytes += bytes;
    if (entry.rowCount > this.limits.maxRows) {
      this.overLimit(entry, `more than ${this.limits.maxRows} rows (the row limit)`);
      return false;
    }
    if (entry.rowBytes > this.limits.maxBytes) {
      this.overLimit(entry, `more than ${this.limits.maxBytes} bytes of rows (the byte limit)`);
      return false;
    }
    return true;
  }

  /** A reply over its bounds: stop reading it, drop the connection, fail the poll as `protocol`. */
  private overLimit(entry: Pending, what: string): void {
    this.fail(
      new PollError(
        'protocol',
        `${this.where}: ${entry.command} reply exceeds its bounds: ${what}, set from retention.maxDevicesPerRouter; connection dropped`,
      ),
    );
  }

  private closedError(): PollError {
    if (this.socketError) return new PollError('connection', `${this.where}: ${describeSocketError(this.socketError)}`);
    return new PollError('connection', `${this.where}: connection closed by the router`);
  }

  private fail(error: PollError): void {
    if (this.failure || this.closed) return;
    this.failure = error;
    this.reader.stop();
    this.socket?.destroy();
    this.rejectAll(error);
    for (const listener of this.failureListeners) listener(error);
  }

  private rejectAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.rowsByTag.length = 0;
    for (const entry of entries) entry.reject(error);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return sanitizeText(error.message, 200) ?? error.name;
  return sanitizeText(String(error), 200) ?? 'unknown error';
}

export const createWireTransport = (options: TransportOptions): WireTransport => new WireTransport(options);
