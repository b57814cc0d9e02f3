/**
 * The RouterOS API wire codec: the one place that knows length prefixes, the
 * framing limits, the reply kinds and what a framing error is. Our client
 * (wire-transport.ts) and the simulator (src/simulator) both frame with it.
 *
 * A word is a length prefix followed by that many bytes; a sentence is a run of
 * words closed by a zero-length word. Length prefixes (big-endian, per the
 * MikroTik API manual, "API words"):
 *
 *   len < 0x80        1 byte   len
 *   len < 0x4000      2 bytes  len | 0x8000
 *   len < 0x200000    3 bytes  len | 0xC00000
 *   len < 0x10000000  4 bytes  len | 0xE0000000
 *   otherwise         5 bytes  0xF0, then len as 4 bytes
 *
 * A first byte >= 0xF8 is a reserved control byte and 0xF1..0xF7 are not
 * defined: either way framing is lost and the connection must be dropped.
 *
 * Words stay bytes: router text (DHCP host names, comments) is arbitrary bytes,
 * not necessarily UTF-8, and the reader of a word decides how to decode it.
 * Strings are encoded as UTF-8; pass a Buffer to send other bytes verbatim.
 */

// ---------------------------------------------------------------------------
// Limits and errors

/** Longest word accepted: a length prefix announcing more is refused before anything is allocated. */
export const MAX_WORD_BYTES = 16 * 1024 * 1024;
/** Longest sentence held while incomplete: a row of many words is still a few kB. */
export const MAX_SENTENCE_BYTES = 4 * MAX_WORD_BYTES;

export type FramingErrorCode =
  | 'WORD_TOO_LONG'
  | 'SENTENCE_TOO_LONG'
  | 'CONTROL_BYTE'
  | 'BAD_LENGTH_PREFIX'
  | 'BAD_REPLY'
  | 'FAILED';

/** The stream broke the framing rules: the connection cannot continue. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  constructor(
    readonly code: FramingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// Encoding

import { isAscii } from 'node:buffer';
import { sanitizeText } from './values.js';

const MAX_ENCODABLE_LENGTH = 0xffffffff;

export type Word = string | Buffer;

export function encodedLengthSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** Writes the length prefix of `n` at `offset`, returns the offset after it. */
export function writeLength(n: number, target: Buffer, offset: number): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_ENCODABLE_LENGTH) {
    throw new RangeError(`word length out of range: ${n}`);
  }
  if (n < 0x80) {
    target[offset] = n;
    return offset + 1;
  }
  if (n < 0x4000) {
    target[offset] = (n >>> 8) | 0x80;
    target[offset + 1] = n & 0xff;
    return offset + 2;
  }
  if (n < 0x200000) {
    target[offset] = (n >>> 16) | 0xc0;
    target[offset + 1] = (n >>> 8) & 0xff;
    target[offset + 2] = n & 0xff;
    return offset + 3;
  }
  if (n < 0x10000000) {
    target[offset] = (n >>> 24) | 0xe0;
    target[offset + 1] = (n >>> 16) & 0xff;
    target[offset + 2] = (n >>> 8) & 0xff;
    target[offset + 3] = n & 0xff;
    return offset + 4;
  }
  target[offset] = 0xf0;
  target.writeUInt32BE(n, offset + 1);
  return offset + 5;
}

export function encodeLength(n: number): Buffer {
  const out = Buffer.allocUnsafe(encodedLengthSize(n));
  writeLength(n, out, 0);
  return out;
}

function byteLengthOf(word: Word): number {
  return typeof word === 'string' ? Buffer.byteLength(word, 'utf8') : word.length;
}

export function encodeWord(word: Word): Buffer {
  const len = byteLengthOf(word);
  const out = Buffer.allocUnsafe(encodedLengthSize(len) + len);
  const at = writeLength(len, out, 0);
  if (typeof word === 'string') out.write(word, at, 'utf8');
  else word.copy(out, at);
  return out;
}

/** Size in bytes of a sentence once encoded (words plus the closing empty word). */
export function encodedSentenceSize(words: readonly Word[]): number {
  let total = 1;
  for (const w of words) {
    const len = byteLengthOf(w);
    total += encodedLengthSize(len) + len;
  }
  return total;
}

/** Writes one sentence at `offset`; returns the offset after it. `target` must be large enough. */
export function writeSentence(words: readonly Word[], target: Buffer, offset: number): number {
  let at = offset;
  for (const w of words) {
    if (typeof w === 'string') {
      const len = Buffer.byteLength(w, 'utf8');
      at = writeLength(len, target, at);
      at += target.write(w, at, 'utf8');
    } else {
      at = writeLength(w.length, target, at);
      at += w.copy(target, at);
    }
  }
  target[at] = 0;
  return at + 1;
}

/** Strings are sent as UTF-8; pass a Buffer to send other bytes verbatim. */
export function encodeSentence(words: readonly Word[]): Buffer {
  const out = Buffer.allocUnsafe(encodedSentenceSize(words));
  writeSentence(words, out, 0);
  return out;
}

// ---------------------------------------------------------------------------
// Decoding

/**
 * Receives a complete sentence: its words are `buf[start + pos[i] ..
 * start + pos[i] + len[i])` for i < count. The buffer is only valid during the
 * call (it may be the socket's chunk or the reader's own reused buffer).
 * `ascii` is true when the reader already knows every byte is below 0x80.
 */
export type SentenceSink = (buf: Buffer, start: number, count: number, pos: Int32Array, len: Int32Array, ascii: boolean) => void;

/**
 * Incremental sentence framer. Sentences that lie wholly inside one socket
 * chunk are handed over in place. The unfinished tail of a chunk is copied into
 * a buffer of the reader's own (grown by doubling, so a 16 MB word costs
 * amortised linear copying); the next chunk is appended there only until that
 * sentence is complete, and the rest of the chunk is read in place again.
 */
export class SentenceReader {
  private held: Buffer = Buffer.alloc(0);
  private heldLength = 0;
  /** Bytes of the held sentence already split into words (offset of the next prefix). */
  private scanned = 0;
  private count = 0;
  private pos = new Int32Array(64);
  private len = new Int32Array(64);
  private stopped = false;

  constructor(
    private readonly sink: SentenceSink,
    private readonly maxWordBytes = MAX_WORD_BYTES,
    private readonly maxSentenceBytes = MAX_SENTENCE_BYTES,
  ) {}

  /** Stops delivering sentences (after a failure, further bytes mean nothing). */
  stop(): void {
    this.stopped = true;
    this.held = Buffer.alloc(0);
    this.heldLength = 0;
  }

  /** Bytes of an unfinished sentence currently held. */
  get bufferedBytes(): number {
    return this.heldLength;
  }

  /** Throws FramingError; the caller must then drop the connection. */
  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    let from = 0;
    if (this.heldLength > 0) {
      const before = this.heldLength;
      this.append(chunk);
      const after = this.scan(this.held, 0, this.scanned, this.heldLength, false, true);
      if (this.stopped) return;
      if (after < 0) return; // still incomplete; scan() kept it
      // The held sentence ended inside this chunk (its last word ran past the old tail).
      from = after - before;
      this.heldLength = 0;
      this.scanned = 0;
      if (from >= chunk.length) return;
    }
    // One vectorised check per chunk spares a per-sentence scan for the usual all-ASCII reply.
    this.scan(chunk, from, from, chunk.length, isAscii(chunk), false);
  }

  /**
   * Splits `buf[at..end)` into words, `start` being where the current sentence
   * began. Delivers every complete sentence (only the first when `firstOnly`,
   * returning the offset after it) and keeps an unfinished one; returns -1 when
   * it stopped without completing one.
   */
  private scan(buf: Buffer, start: number, at: number, end: number, ascii: boolean, firstOnly: boolean): number {
    while (at < end) {
      const b0 = buf[at]!;
      let size: number;
      let length: number;
      if (b0 < 0x80) {
        size = 1;
        length = b0;
      } else {
        size = prefixSize(b0);
        if (at + size > end) break;
        length = readLength(buf, at, size);
      }
      if (length > this.maxWordBytes) {
        throw new FramingError('WORD_TOO_LONG', `word announces ${length} bytes (limit ${this.maxWordBytes})`);
      }
      if (length === 0) {
        at += 1;
        // An empty sentence carries nothing (API manual); skip it.
        if (this.count > 0) {
          const count = this.count;
          this.count = 0;
          this.sink(buf, start, count, this.pos, this.len, ascii);
          if (this.stopped || firstOnly) return at;
        }
        start = at;
        continue;
      }
      if (at + size + length > end) break;
      this.addWord(at + size - start, length);
      at += size + length;
    }
    this.keep(buf, start, end, at);
    return -1;
  }

  private addWord(relative: number, length: number): void {
    if (this.count === this.pos.length) {
      const pos = new Int32Array(this.count * 2);
      const len = new Int32Array(this.count * 2);
      pos.set(this.pos);
      len.set(this.len);
      this.pos = pos;
      this.len = len;
    }
    this.pos[this.count] = relative;
    this.len[this.count] = length;
    this.count++;
  }

  /** Holds the unfinished sentence `buf[start..end)`, of which `scannedTo - start` bytes are split into words. */
  private keep(buf: Buffer, start: number, end: number, scannedTo: number): void {
    const rest = end - start;
    if (rest > this.maxSentenceBytes) {
      throw new FramingError('SENTENCE_TOO_LONG', `sentence exceeds ${this.maxSentenceBytes} bytes`);
    }
    if (buf === this.held) {
      if (start > 0 && rest > 0) this.held.copyWithin(0, start, end);
    } else if (rest > 0) {
      if (this.held.length < rest) this.held = Buffer.allocUnsafe(Math.max(rest, 4096));
      buf.copy(this.held, 0, start, end);
    }
    this.heldLength = rest;
    this.scanned = scannedTo - start;
  }

  private append(chunk: Buffer): void {
    const need = this.heldLength + chunk.length;
    if (need > this.held.length) {
      let capacity = Math.max(this.held.length * 2, 4096);
      while (capacity < need) capacity *= 2;
      const grown = Buffer.allocUnsafe(capacity);
      this.held.copy(grown, 0, 0, this.heldLength);
      this.held = grown;
    }
    chunk.copy(this.held, this.heldLength);
    this.heldLength = need;
  }
}

function prefixSize(b0: number): number {
  if (b0 < 0xc0) return 2;
  if (b0 < 0xe0) return 3;
  if (b0 < 0xf0) return 4;
  if (b0 === 0xf0) return 5;
  // 0xF8.. are control bytes, 0xF1..0xF7 are not defined: either way framing is lost.
  throw new FramingError(b0 >= 0xf8 ? 'CONTROL_BYTE' : 'BAD_LENGTH_PREFIX', `invalid length prefix byte 0x${b0.toString(16)}`);
}

function readLength(buf: Buffer, at: number, size: number): number {
  switch (size) {
    case 2:
      return ((buf[at]! & 0x3f) << 8) | buf[at + 1]!;
    case 3:
      return ((buf[at]! & 0x1f) << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
    case 4:
      // Multiplying keeps the value positive where a shift into bit 31 would not.
      return (buf[at]! & 0x0f) * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
    default:
      return buf.readUInt32BE(at + 1);
  }
}

/**
 * SentenceReader for callers that want each sentence as an array of words (the
 * simulator's command reader, the bench's capture): push socket chunks, get the
 * sentences they completed. A word inside the pushed chunk is a view of it; a
 * word from the reader's own reused buffer is copied. After a FramingError it
 * stays failed: the stream has lost framing and the connection must be dropped.
 */
export class SentenceCollector {
  private readonly reader: SentenceReader;
  private out: Buffer[][] = [];
  private chunk: Buffer | null = null;
  private failed: FramingError | null = null;

  constructor(maxWordBytes = MAX_WORD_BYTES, maxSentenceBytes = MAX_SENTENCE_BYTES) {
    this.reader = new SentenceReader(
      (buf, start, count, pos, len) => {
        const words: Buffer[] = new Array(count);
        const inPlace = buf === this.chunk;
        for (let i = 0; i < count; i++) {
          const word = buf.subarray(start + pos[i]!, start + pos[i]! + len[i]!);
          words[i] = inPlace ? word : Buffer.from(word);
        }
        this.out.push(words);
      },
      maxWordBytes,
      maxSentenceBytes,
    );
  }

  /** True when no partial sentence is held (a clean boundary). */
  get idle(): boolean {
    return this.reader.bufferedBytes === 0;
  }

  /** Throws FramingError. */
  push(chunk: Buffer): Buffer[][] {
    if (this.failed) throw new FramingError('FAILED', `reader already failed: ${this.failed.message}`);
    this.chunk = chunk;
    try {
      this.reader.push(chunk);
    } catch (error) {
      if (error instanceof FramingError) {
        this.failed = error;
        this.reader.stop();
      }
      throw error;
    } finally {
      this.chunk = null;
    }
    const out = this.out;
    this.out = [];
    return out;
  }
}

// ---------------------------------------------------------------------------
// Reply kinds

export const REPLY_KINDS = ['!re', '!done', '!trap', '!empty', '!fatal'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

/** The kind a reply's first word names; FramingError BAD_REPLY for anything else. */
export function replyKind(word: string): ReplyKind {
  switch (word) {
    case '!re':
    case '!done':
    case '!trap':
    case '!empty':
    case '!fatal':
      return word;
    default:
      throw new FramingError('BAD_REPLY', `unexpected reply word ${JSON.stringify(sanitizeText(word, 40) ?? '')}`);
  }
}
