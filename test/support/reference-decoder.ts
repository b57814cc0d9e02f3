/**
 * An independent decoder of the RouterOS API wire format, kept only as a test
 * oracle: tests check what src/routeros/codec.ts reads against what this reads
 * from the same bytes, and the hostile-input properties run on both. It was the
 * simulator's framer before the client and the simulator shared one codec; the
 * exporter and the simulator never use it. It shares no code with codec.ts on
 * purpose (its own prefix table and its own error type).
 *
 * Words stay Buffers: router text is arbitrary bytes.
 */

export type WireErrorCode = 'WORD_TOO_LONG' | 'CONTROL_BYTE' | 'BAD_LENGTH_PREFIX' | 'BAD_REPLY' | 'DECODER_FAILED';

export class WireError extends Error {
  readonly code: WireErrorCode;
  constructor(code: WireErrorCode, message: string) {
    super(message);
    this.name = 'WireError';
    this.code = code;
  }
}

export const DEFAULT_MAX_WORD_LENGTH = 16 * 1024 * 1024;

export type Word = string | Buffer;

export interface SentenceDecoderOptions {
  /** Longest word accepted; a longer announced length throws before any allocation. */
  maxWordLength?: number;
}

/**
 * Incremental decoder: feed it socket chunks of any size, it returns the
 * sentences completed so far. A word lying wholly inside one chunk is returned as
 * a zero-copy view of that chunk; only words split across chunks are copied, into
 * a buffer of exactly their length. After an error the decoder stays failed: the
 * stream has lost framing and the connection must be dropped.
 */
export class SentenceDecoder {
  readonly maxWordLength: number;
  private words: Buffer[] = [];
  // Length prefix being assembled across chunks.
  private prefix = Buffer.alloc(5);
  private prefixHave = 0;
  private prefixNeed = 0;
  // Word body being assembled across chunks.
  private partial: Buffer | null = null;
  private partialHave = 0;
  private failed: WireError | null = null;

  constructor(options: SentenceDecoderOptions = {}) {
    this.maxWordLength = options.maxWordLength ?? DEFAULT_MAX_WORD_LENGTH;
  }

  /** True when no partial sentence is buffered (a clean boundary). */
  get idle(): boolean {
    return this.words.length === 0 && this.prefixHave === 0 && this.partial === null;
  }

  /** Bytes of unfinished words currently held (for memory accounting). */
  get bufferedBytes(): number {
    return this.partialHave;
  }

  reset(): void {
    this.words = [];
    this.prefixHave = 0;
    this.prefixNeed = 0;
    this.partial = null;
    this.partialHave = 0;
    this.failed = null;
  }

  push(chunk: Buffer): Buffer[][] {
    if (this.failed) {
      throw new WireError('DECODER_FAILED', `decoder already failed: ${this.failed.message}`);
    }
    try {
      return this.consume(chunk);
    } catch (err) {
      if (err instanceof WireError) this.failed = err;
      throw err;
    }
  }

  private consume(chunk: Buffer): Buffer[][] {
    const out: Buffer[][] = [];
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      if (this.partial !== null) {
        const want = this.partial.length - this.partialHave;
        const take = Math.min(want, end - i);
        chunk.copy(this.partial, this.partialHave, i, i + take);
        this.partialHave += take;
        i += take;
        if (this.partialHave === this.partial.length) {
          this.words.push(this.partial);
          this.partial = null;
          this.partialHave = 0;
        }
        continue;
      }

      let len: number;
      if (this.prefixHave === 0) {
        const b0 = chunk[i]!;
        if (b0 < 0x80) {
          len = b0;
          i += 1;
        } else {
          const need = this.prefixSize(b0);
          if (end - i >= need) {
            len = this.readLength(chunk, i, need);
            i += need;
          } else {
            chunk.copy(this.prefix, 0, i, end);
            this.prefixHave = end - i;
            this.prefixNeed = need;
            i = end;
            continue;
          }
        }
      } else {
        const take = Math.min(this.prefixNeed - this.prefixHave, end - i);
        chunk.copy(this.prefix, this.prefixHave, i, i + take);
        this.prefixHave += take;
        i += take;
        if (this.prefixHave < this.prefixNeed) continue;
        len = this.readLength(this.prefix, 0, this.prefixNeed);
        this.prefixHave = 0;
        this.prefixNeed = 0;
      }

      if (len === 0) {
        // Empty sentences carry nothing and are ignored, as the API manual says.
        if (this.words.length > 0) {
          out.push(this.words);
          this.words = [];
        }
        continue;
      }
      if (len > this.maxWordLength) {
        throw new WireError('WORD_TOO_LONG', `word of ${len} bytes announced, limit is ${this.maxWordLength}`);
      }
      if (end - i >= len) {
        this.words.push(chunk.subarray(i, i + len));
        i += len;
      } else {
        this.partial = Buffer.allocUnsafe(len);
        this.partialHave = 0;
      }
    }
    return out;
  }

  private prefixSize(b0: number): number {
    if (b0 >= 0xf8) {
      throw new WireError('CONTROL_BYTE', `reserved control byte 0x${b0.toString(16)}`);
    }
    if ((b0 & 0xc0) === 0x80) return 2;
    if ((b0 & 0xe0) === 0xc0) return 3;
    if ((b0 & 0xf0) === 0xe0) return 4;
    if (b0 === 0xf0) return 5;
    throw new WireError('BAD_LENGTH_PREFIX', `invalid length prefix byte 0x${b0.toString(16)}`);
  }

  private readLength(src: Buffer, at: number, size: number): number {
    switch (size) {
      case 2:
        return ((src[at]! & 0x3f) << 8) | src[at + 1]!;
      case 3:
        return ((src[at]! & 0x1f) << 16) | (src[at + 1]! << 8) | src[at + 2]!;
      case 4:
        // Multiply instead of shifting the top byte so the result never turns negative.
        return (src[at]! & 0x0f) * 0x1000000 + ((src[at + 1]! << 16) | (src[at + 2]! << 8) | src[at + 3]!);
      default:
        return src.readUInt32BE(at + 1);
    }
  }
}

// ---------------------------------------------------------------------------
// Reply sentences

export type ReplyType = '!re' | '!done' | '!trap' | '!fatal' | '!empty';
const REPLY_TYPES: ReadonlySet<string> = new Set(['!re', '!done', '!trap', '!fatal', '!empty']);

export type TextEncoding = 'utf8' | 'latin1';

export interface Reply {
  type: ReplyType;
  tag: string | null;
  attributes: Record<string, string>;
  /** `!fatal` carries its reason as a bare word (e.g. "session terminated on request"). */
  message: string | null;
}

export interface RawReply {
  type: ReplyType;
  tag: string | null;
  attributes: Map<string, Buffer>;
  message: Buffer | null;
}

const EQ = 0x3d; // '='
const DOT = 0x2e; // '.'

function wordBuffer(word: Word): Buffer {
  return typeof word === 'string' ? Buffer.from(word, 'utf8') : word;
}

/**
 * Splits a reply sentence into type, tag and attributes with values kept as
 * bytes. An attribute word is `=name=value`; the value may itself contain `=`.
 * A repeated attribute keeps its last value.
 */
export function parseReplyRaw(sentence: readonly Word[]): RawReply {
  if (sentence.length === 0) throw new WireError('BAD_REPLY', 'empty reply sentence');
  const first = sentence[0]!;
  const type = typeof first === 'string' ? first : first.toString('latin1');
  if (!REPLY_TYPES.has(type)) {
    throw new WireError('BAD_REPLY', `unknown reply word ${JSON.stringify(type.slice(0, 40))}`);
  }
  const attributes = new Map<string, Buffer>();
  let tag: string | null = null;
  let message: Buffer | null = null;
  for (let k = 1; k < sentence.length; k++) {
    const w = wordBuffer(sentence[k]!);
    if (w.length > 0 && w[0] === EQ) {
      const sep = w.indexOf(EQ, 1);
      if (sep === -1) attributes.set(w.toString('latin1', 1), Buffer.alloc(0));
      else attributes.set(w.toString('latin1', 1, sep), w.subarray(sep + 1));
    } else if (w.length >= 5 && w[0] === DOT && w.toString('latin1', 0, 5) === '.tag=') {
      tag = w.toString('utf8', 5);
    } else if (type === '!fatal' && message === null) {
      message = w;
    }
  }
  return { type: type as ReplyType, tag, attributes, message };
}

export function parseReply(sentence: readonly Word[], encoding: TextEncoding = 'utf8'): Reply {
  const raw = parseReplyRaw(sentence);
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of raw.attributes) attributes[name] = value.toString(encoding);
  return {
    type: raw.type,
    tag: raw.tag,
    attributes,
    message: raw.message === null ? null : raw.message.toString(encoding),
  };
}

export function wordToString(word: Word, encoding: TextEncoding = 'utf8'): string {
  return typeof word === 'string' ? word : word.toString(encoding);
}
