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

export class ByteWriter {
  private buf: Buffer;
  private at = 0;

  /** `capacity` is a hint (the size of the same text last time); the buffer grows as needed. */
  constructor(capacity = 4096) {
    this.buf = Buffer.allocUnsafe(Math.max(256, Math.ceil(capacity)));
  }

  get length(): number {
    return this.at;
  }

  private ensure(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < this.at + extra) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
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

  sampleValue(value: number): void {
    this.ascii(formatSampleValue(value));
  }

  private utf8(text: string): void {
    this.ensure(3 * text.length);
    this.at += this.buf.write(text, this.at, 'utf8');
  }

  /**
   * The bytes written. The result shares memory with the writer, which must not
   * be used afterwards; a buffer much larger than its text is copied down so
   * the snapshot does not keep the slack alive.
   */
  finish(): Buffer {
    const text = this.buf.subarray(0, this.at);
    if (this.buf.length - this.at > 64 * 1024 && this.buf.length > this.at * 1.25) return Buffer.from(text);
    return text;
  }
}
