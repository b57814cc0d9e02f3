/**
 * Writes exposition text straight into a Buffer. At 50k devices the per-device
 * families are 27 MB of text; built with string concatenation they became a
 * tree of millions of rope nodes (125 MB of heap) that was flattened and then
 * encoded to UTF-8 again on every scrape. Bytes are written once per poll and
 * sent as they are.
 */
import { escapeLabelValue, formatSampleValue } from './text-format.js';

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const LETTER_N = 0x6e;
const DIGIT_0 = 0x30;
const DOT = 0x2e;
const MINUS = 0x2d;
const EMPTY = Buffer.alloc(0);
const NO_PATCHES = new Int32Array(0);
/** Reused runs up to this many bytes are copied by a loop (see flushRun). */
const SHORT_RUN = 256;
/** The longest text writeMilliseconds writes ("-1.7976931348623157e+308" is 24). */
const MAX_MILLISECONDS_WIDTH = 32;

/**
 * Writes `seconds` rounded to the millisecond into `buf` at `at`, exactly as
 * formatSampleValue(Math.round(seconds * 1000) / 1000) writes it, without
 * building a string; returns where the text ends. `buf` needs
 * MAX_MILLISECONDS_WIDTH bytes of room.
 */
function writeMilliseconds(buf: Uint8Array, start: number, seconds: number): number {
  const ms = Math.round(seconds * 1000);
  // Below 1e14 ms (year 5138) a double prints as its plain decimal digits;
  // anything else (negative, huge, NaN) takes the general path.
  if (!(ms >= 0 && ms < 1e14)) {
    const text = formatSampleValue(ms / 1000);
    let at = start;
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    return at;
  }
  let whole = Math.floor(ms / 1000);
  let fraction = ms - whole * 1000;
  let digits = 1;
  for (let rest = whole; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let at = start + digits;
  const end = at;
  do {
    const next = Math.floor(whole / 10);
    buf[--at] = DIGIT_0 + (whole - next * 10);
    whole = next;
  } while (whole > 0);
  at = end;
  if (fraction !== 0) {
    buf[at++] = DOT;
    buf[at++] = DIGIT_0 + Math.floor(fraction / 100);
    fraction %= 100;
    if (fraction !== 0) {
      buf[at++] = DIGIT_0 + Math.floor(fraction / 10);
      fraction %= 10;
      if (fraction !== 0) buf[at++] = DIGIT_0 + fraction;
    }
  }
  return at;
}

/**
 * The text of a timestamp (as ByteWriter.milliseconds writes it), formatted
 * again only when the value changes: most devices of a poll are last seen at
 * the poll's own time. Allocates nothing.
 */
export class MillisecondsText {
  readonly bytes = new Uint8Array(MAX_MILLISECONDS_WIDTH);
  width = 0;
  /** Counts the changes of the text. */
  version = 0;
  private seconds = Number.NaN;

  /** Sets the text to `seconds`'; returns its width. */
  of(seconds: number): number {
    if (seconds !== this.seconds) {
      this.width = writeMilliseconds(this.bytes, 0, seconds);
      this.seconds = seconds;
      this.version++;
    }
    return this.width;
  }
}

/**
 * How many decimal digits sampleValue writes for `value` when it is a whole number in
 * 0..2^53 (as reuseWithNumber writes it); -1 for any other value.
 */
export function digitCount(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) return -1;
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

export class ByteWriter {
  /** Allocated on the first write: a page that is reused whole never needs one (see finish). */
  private buf: Buffer = EMPTY;
  private readonly capacity: number;
  private at = 0;
  // A pending run of bytes reused from an earlier buffer (see reuse()).
  private runSource: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  // Texts to write over reused bytes once they are in place (see reuseWith()): triples in
  // patches (where, then the text's start and end in patchData, where the texts are kept).
  private patches: Int32Array = NO_PATCHES;
  private patchCount = 0;
  private patchData: Uint8Array = EMPTY;
  private patchDataUsed = 0;
  private patchTextOf: MillisecondsText | null = null;
  private patchTextVersion = -1;

  /** `capacity` is a hint (the size of the same text last time); the buffer grows as needed. */
  constructor(capacity = 4096) {
    this.capacity = Math.max(256, Math.ceil(capacity));
  }

  /** Bytes written so far, a pending reused run included. */
  get length(): number {
    return this.at + (this.runEnd - this.runStart);
  }

  /** Room for `extra` more bytes at `this.at`; every write starts here, so a pending run is copied first. */
  private ensure(extra: number): void {
    if (this.runSource !== null) this.flushRun();
    if (this.at + extra > this.buf.length) this.grow(extra);
  }

  private grow(extra: number): void {
    let capacity = Math.max(this.buf.length * 2, this.capacity);
    while (capacity < this.at + extra) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private flushRun(): void {
    const source = this.runSource!;
    const start = this.runStart;
    const end = this.runEnd;
    this.runSource = null;
    this.runStart = this.runEnd = 0;
    if (this.at + (end - start) > this.buf.length) this.grow(end - start);
    if (end - start > SHORT_RUN) {
      this.at += source.copy(this.buf, this.at, start, end);
      return;
    }
    // A line or two between changed ones: Buffer#copy costs a view object and a native call, more than the loop.
    const buf = this.buf;
    let at = this.at;
    for (let i = start; i < end; i++) buf[at++] = source[i]!;
    this.at = at;
  }

  /**
   * Appends `source[start..end)`: lines kept from an earlier rendering. Runs
   * that continue one another in `source` are joined and copied in one native
   * call when anything else is written, so a page that barely changed costs a
   * few large copies rather than a call per line.
   */
  reuse(source: Buffer, start: number, end: number): void {
    if (this.runSource === source && this.runEnd === start) {
      this.runEnd = end;
      return;
    }
    if (this.runSource !== null) this.flushRun();
    this.runSource = source;
    this.runStart = start;
    this.runEnd = end;
  }

  /**
   * reuse(), with `text` (as it is now) written over the reused bytes from offset `at` of
   * `source[start..end)`: a line whose only change is a number of the same
   * width stays part of its run (one native copy for the run) and only the
   * number is written, when the text is finished.
   */
  reuseWith(source: Buffer, start: number, end: number, at: number, text: MillisecondsText): void {
    // Consecutive patches mostly carry the same text (the poll's time): it is kept once.
    if (text !== this.patchTextOf || text.version !== this.patchTextVersion) {
      const width = text.width;
      const data = this.patchRoom(width);
      const bytes = text.bytes;
      let used = this.patchDataUsed;
      for (let k = 0; k < width; k++) data[used++] = bytes[k]!;
      this.patchDataUsed = used;
      this.patchTextOf = text;
      this.patchTextVersion = text.version;
    }
    this.patch(source, start, end, at, this.patchDataUsed - text.width, this.patchDataUsed);
  }

  /**
   * reuse(), with the whole number `value` written over the reused bytes from offset `at`
   * of `source[start..end)`, where the old number has exactly `width` digits: the caller
   * checks that `value` has as many (digitCount). A byte counter that moved keeps its line
   * in the run; measured at 10k devices with traffic moving, breaking the run at every
   * counter cost a native copy per line, 9k per poll.
   */
  reuseWithNumber(source: Buffer, start: number, end: number, at: number, value: number, width: number): void {
    const data = this.patchRoom(width);
    const from = this.patchDataUsed;
    let whole = value;
    for (let k = from + width - 1; k >= from; k--) {
      const next = Math.floor(whole / 10);
      data[k] = DIGIT_0 + (whole - next * 10);
      whole = next;
    }
    this.patchDataUsed = from + width;
    // The kept text is no longer the last one in patchData.
    this.patchTextOf = null;
    this.patch(source, start, end, at, from, from + width);
  }

  /** patchData with room for `width` more bytes. */
  private patchRoom(width: number): Uint8Array {
    if (this.patchDataUsed + width > this.patchData.length) {
      const data = Buffer.allocUnsafe(Math.max(4096, 2 * (this.patchDataUsed + width)));
      data.set(this.patchData.subarray(0, this.patchDataUsed));
      this.patchData = data;
    }
    return this.patchData;
  }

  /** Reuses `source[start..end)`, with patchData[from..to) to be written over it from offset `at`. */
  private patch(source: Buffer, start: number, end: number, at: number, from: number, to: number): void {
    let patches = this.patches;
    const i = 3 * this.patchCount++;
    if (i + 3 > patches.length) {
      patches = new Int32Array(Math.max(3072, 2 * patches.length));
      patches.set(this.patches);
      this.patches = patches;
    }
    patches[i] = this.length + at;
    patches[i + 1] = from;
    patches[i + 2] = to;
    this.reuse(source, start, end);
  }

  private applyPatches(): void {
    const buf = this.buf;
    const patches = this.patches;
    const data = this.patchData;
    for (let i = 0; i < 3 * this.patchCount; i += 3) {
      let at = patches[i]!;
      const end = patches[i + 2]!;
      for (let k = patches[i + 1]!; k < end; k++) buf[at++] = data[k]!;
    }
    this.patches = NO_PATCHES;
    this.patchCount = 0;
    this.patchData = EMPTY;
    this.patchDataUsed = 0;
    this.patchTextOf = null;
  }

  /** `bytes`, or its first `n` bytes. */
  bytes(bytes: Uint8Array, n = bytes.length): void {
    this.ensure(n);
    // Measured here: TypedArray#set costs about 40 ns a call, a JS loop about 2.5 ns a byte.
    if (n <= 12 || n < bytes.length) {
      const buf = this.buf;
      let at = this.at;
      for (let i = 0; i < n; i++) buf[at++] = bytes[i]!;
      this.at = at;
    } else {
      this.buf.set(bytes, this.at);
      this.at += n;
    }
  }

  /** Text the caller knows is ASCII (metric names, numbers, fixed label values). */
  ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) buf[at++] = text.charCodeAt(i);
    this.at = at;
  }

  newline(): void {
    this.ensure(1);
    this.buf[this.at++] = NEWLINE;
  }

  /**
   * A label value, escaped (backslash, quote, line feed) and UTF-8 encoded. A lone
   * surrogate cannot be encoded and is written as U+FFFD, as any UTF-8 encoder does.
   */
  labelValue(text: string): void {
    const n = text.length;
    // Escaping at most doubles ASCII text.
    this.ensure(2 * n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.at = at;
        this.utf8(escapeLabelValue(text.slice(i)));
        return;
      }
      if (c === BACKSLASH || c === QUOTE) {
        buf[at++] = BACKSLASH;
        buf[at++] = c;
      } else if (c === NEWLINE) {
        buf[at++] = BACKSLASH;
        buf[at++] = LETTER_N;
      } else {
        buf[at++] = c;
      }
    }
    this.at = at;
  }

  /**
   * `value` as formatSampleValue writes it. A whole number of magnitude below
   * 2^53 (byte counters, rates in bytes, signals) prints as its decimal digits:
   * written without building a string, since on a busy network every traffic
   * line gets a new counter at every poll (20k lines at 10k devices).
   */
  sampleValue(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.ascii(formatSampleValue(value));
      return;
    }
    // 16 digits and a sign at most.
    this.ensure(17);
    const buf = this.buf;
    let whole = value;
    if (whole < 0) {
      buf[this.at++] = MINUS;
      whole = -whole;
    }
    let digits = 1;
    for (let rest = whole; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    do {
      const next = Math.floor(whole / 10);
      buf[--at] = DIGIT_0 + (whole - next * 10);
      whole = next;
    } while (whole > 0);
  }

  /**
   * `seconds` rounded to the millisecond, written exactly as
   * formatSampleValue(Math.round(seconds * 1000) / 1000) writes it, without
   * building a string: timestamps are three of the five device lines.
   */
  milliseconds(seconds: number): void {
    this.ensure(MAX_MILLISECONDS_WIDTH);
    this.at = writeMilliseconds(this.buf, this.at, seconds);
  }

  /** Any text, UTF-8 encoded as it is (no escaping): lines rendered elsewhere. */
  text(text: string): void {
    this.utf8(text);
  }

  private utf8(text: string): void {
    this.ensure(3 * text.length);
    this.at += this.buf.write(text, this.at, 'utf8');
  }

  /**
   * The bytes written. The result shares memory with the writer, which must not
   * be used afterwards; a buffer much larger than its text is copied down so
   * the snapshot does not keep the slack alive. When the whole text was reused
   * from one earlier buffer, that buffer itself is returned: an unchanged page
   * is the same Buffer from poll to poll, so what is derived from it (its gzip)
   * can be reused too (unless reuseWith() patched it: then it is a copy).
   */
  finish(): Buffer {
    // Everything was one run over the whole of an earlier buffer: that buffer is the result, not a copy of it.
    const source = this.runSource;
    const patched = this.patchCount > 0;
    if (!patched && this.at === 0 && source !== null && this.runStart === 0 && this.runEnd === source.length) {
      this.runSource = null;
      return source;
    }
    if (this.runSource !== null) this.flushRun();
    if (patched) this.applyPatches();
    const text = this.buf.subarray(0, this.at);
    if (this.buf.length - this.at > 64 * 1024 && this.buf.length > this.at * 1.25) return Buffer.from(text);
    return text;
  }
}
