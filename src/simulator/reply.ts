/**
 * Builds the bytes of a whole reply (many sentences) in one growing buffer, so
 * a 50k-row print costs one allocation chain instead of one Buffer per word.
 */
import { encodedLengthSize, writeLength } from '../routeros/codec.js';
import type { Text } from './lan.js';
import type { Attr } from './render.js';

export class ReplyBuilder {
  private buf: Buffer;
  private len = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  word(w: Text): this {
    const n = typeof w === 'string' ? Buffer.byteLength(w, 'utf8') : w.length;
    this.ensure(5 + n);
    this.len = writeLength(n, this.buf, this.len);
    if (typeof w === 'string') this.len += this.buf.write(w, this.len, 'utf8');
    else this.len += w.copy(this.buf, this.len);
    return this;
  }

  /**
   * Writes an ASCII string byte by byte; returns false (having written garbage
   * that the caller overwrites) at the first non-ASCII character. For the short
   * strings of a print this beats a native Buffer.write call per word.
   */
  private writeAscii(s: string, at: number): boolean {
    const buf = this.buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return false;
      buf[at + i] = c;
    }
    return true;
  }

  /** `=name=value` without building the joined string first. */
  attribute(name: string, value: Text): this {
    if (typeof value === 'string') {
      // Fast path: ASCII name and value, so byte length == string length.
      const n = name.length + value.length + 2;
      const start = this.len;
      this.ensure(5 + n);
      let at = writeLength(n, this.buf, start);
      this.buf[at++] = 0x3d;
      if (this.writeAscii(name, at)) {
        at += name.length;
        this.buf[at++] = 0x3d;
        if (this.writeAscii(value, at)) {
          this.len = at + value.length;
          return this;
        }
      }
      this.len = start;
    }
    return this.attributeSlow(name, value);
  }

  private attributeSlow(name: string, value: Text): this {
    const nameLen = Buffer.byteLength(name, 'utf8');
    const valueLen = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
    const n = nameLen + valueLen + 2;
    this.ensure(encodedLengthSize(n) + n);
    this.len = writeLength(n, this.buf, this.len);
    this.buf[this.len++] = 0x3d;
    this.len += this.buf.write(name, this.len, 'utf8');
    this.buf[this.len++] = 0x3d;
    if (typeof value === 'string') this.len += this.buf.write(value, this.len, 'utf8');
    else this.len += value.copy(this.buf, this.len);
    return this;
  }

  end(): this {
    this.ensure(1);
    this.buf[this.len++] = 0;
    return this;
  }

  /** One complete sentence: reply word, `.tag=` right after it (as RouterOS sends it), attributes. */
  sentence(type: string, tag: string | null, attrs: readonly Attr[] = [], bare: readonly Text[] = []): this {
    this.word(type);
    if (tag !== null) this.word(`.tag=${tag}`);
    for (const [name, value] of attrs) this.attribute(name, value);
    for (const w of bare) this.word(w);
    return this.end();
  }

  get length(): number {
    return this.len;
  }

  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
