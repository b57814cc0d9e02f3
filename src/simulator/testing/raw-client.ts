/**
 * A deliberately separate, minimal RouterOS API client for testing the
 * simulator: its own encoder and decoder (no code shared with routeros/wire.ts),
 * so a bug in wire.ts cannot hide the same bug in the simulator. It keeps every
 * byte received so tests can assert exact bytes.
 */
import net from 'node:net';
import tls from 'node:tls';

function lengthBytes(n: number): number[] {
  if (n < 128) return [n];
  if (n < 16384) return [0x80 + Math.floor(n / 256), n % 256];
  if (n < 2097152) return [0xc0 + Math.floor(n / 65536), Math.floor(n / 256) % 256, n % 256];
  if (n < 268435456) {
    return [0xe0 + Math.floor(n / 16777216), Math.floor(n / 65536) % 256, Math.floor(n / 256) % 256, n % 256];
  }
  return [0xf0, Math.floor(n / 16777216) % 256, Math.floor(n / 65536) % 256, Math.floor(n / 256) % 256, n % 256];
}

export function rawSentence(words: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const w of words) {
    const b = typeof w === 'string' ? Buffer.from(w, 'utf8') : w;
    parts.push(Buffer.from(lengthBytes(b.length)), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Returns [length, prefix size] or null when more bytes are needed. Throws on bytes >= 0xF8. */
function readLength(buf: Buffer, at: number): [number, number] | null {
  if (at >= buf.length) return null;
  const b0 = buf[at]!;
  let size: number;
  if (b0 < 0x80) size = 1;
  else if (b0 < 0xc0) size = 2;
  else if (b0 < 0xe0) size = 3;
  else if (b0 < 0xf0) size = 4;
  else if (b0 === 0xf0) size = 5;
  else throw new Error(`control byte 0x${b0.toString(16)}`);
  if (at + size > buf.length) return null;
  let n = 0;
  for (let i = 0; i < size; i++) n = n * 256 + buf[at + i]!;
  const bias = [0, 0, 0x8000, 0xc00000, 0xe0000000, 0xf000000000][size]!;
  return [n - bias, size];
}

export interface SentenceOf {
  words: Buffer[];
  /** The words as UTF-8 strings, for readable assertions. */
  text: string[];
}

export class RawClient {
  readonly socket: net.Socket;
  /** Every byte received, in order. */
  readonly received: Buffer[] = [];
  private pending = Buffer.alloc(0);
  private queue: SentenceOf[] = [];
  private waiters: Array<() => void> = [];
  private ended = false;
  /** Set when the stream could not be decoded (e.g. a reserved control byte). */
  decodeError: Error | null = null;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      if (this.decodeError) return;
      this.pending = Buffer.concat([this.pending, chunk]);
      try {
        this.parse();
      } catch (err) {
        // Bytes keep being recorded in `received` for the test to inspect.
        this.decodeError = err as Error;
        this.wake();
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, tlsOptions?: tls.ConnectionOptions): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ host: '127.0.0.1', port, ...tlsOptions }, () => resolve(new RawClient(socket)))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private parse(): void {
    let at = 0;
    for (;;) {
      const words: Buffer[] = [];
      let p = at;
      let complete = false;
      for (;;) {
        const len = readLength(this.pending, p);
        if (len === null) break;
        const [n, size] = len;
        if (n === 0) {
          p += size;
          complete = true;
          break;
        }
        if (p + size + n > this.pending.length) break;
        words.push(Buffer.from(this.pending.subarray(p + size, p + size + n)));
        p += size + n;
      }
      if (!complete) break;
      at = p;
      if (words.length > 0) this.queue.push({ words, text: words.map((w) => w.toString('utf8')) });
    }
    if (at > 0) this.pending = this.pending.subarray(at);
    this.wake();
  }

  allBytes(): Buffer {
    return Buffer.concat(this.received);
  }

  send(words: ReadonlyArray<string | Buffer>): void {
    this.socket.write(rawSentence(words));
  }

  async readSentence(timeoutMs = 3000): Promise<SentenceOf> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for a sentence');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.queue.shift()!;
  }

  /** Resolves true if a sentence or close arrives within `ms`, false otherwise (nothing consumed). */
  async anythingWithin(ms: number): Promise<boolean> {
    if (this.queue.length > 0 || this.ended) return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** Reads sentences up to and including `!done` (of `tag`, when given). */
  async untilDone(tag?: string, timeoutMs = 3000): Promise<SentenceOf[]> {
    const out: SentenceOf[] = [];
    for (;;) {
      const s = await this.readSentence(timeoutMs);
      out.push(s);
      if (s.text[0] === '!done' && (tag === undefined || s.text.includes(`.tag=${tag}`))) return out;
      if (s.text[0] === '!fatal') return out;
    }
  }

  async command(words: ReadonlyArray<string | Buffer>, timeoutMs = 3000): Promise<SentenceOf[]> {
    this.send(words);
    return this.untilDone(undefined, timeoutMs);
  }

  async login(name = 'monitor', password = 'secret'): Promise<SentenceOf[]> {
    return this.command(['/login', `=name=${name}`, `=password=${password}`]);
  }

  close(): void {
    this.socket.destroy();
  }
}
