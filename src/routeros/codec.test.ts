import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SentenceDecoder, WireError } from '../../test/support/reference-decoder.js';
import { encodeLength, encodeSentence, encodeWord, FramingError, replyKind, SentenceCollector } from './codec.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('encodeLength', () => {
  it.each([
    [0, '00'],
    [0x7f, '7f'],
    [0x80, '8080'],
    [0x3fff, 'bfff'],
    [0x4000, 'c04000'],
    [0x1fffff, 'dfffff'],
    [0x200000, 'e0200000'],
    [0xfffffff, 'efffffff'],
    [0x10000000, 'f010000000'],
    [0xffffffff, 'f0ffffffff'],
  ])('%i -> %s', (n, expected) => {
    expect(hex(encodeLength(n))).toBe(expected);
  });

  it('refuses lengths that do not fit 32 bits', () => {
    expect(() => encodeLength(0x100000000)).toThrow(RangeError);
    expect(() => encodeLength(-1)).toThrow(RangeError);
  });
});

describe('encodeWord / encodeSentence', () => {
  it('encodes a login sentence byte for byte', () => {
    const bytes = encodeSentence(['/login', '=name=monitor', '=password=secret']);
    expect(hex(bytes)).toBe(
      '06' +
        Buffer.from('/login').toString('hex') +
        '0d' +
        Buffer.from('=name=monitor').toString('hex') +
        '10' +
        Buffer.from('=password=secret').toString('hex') +
        '00',
    );
  });

  it('sends strings as UTF-8 and Buffers verbatim', () => {
    expect(hex(encodeWord('é'))).toBe('02c3a9');
    expect(hex(encodeWord(Buffer.from([0xff, 0x00])))).toBe('02ff00');
  });

  it('uses a two-byte prefix at 128 bytes', () => {
    const w = encodeWord('x'.repeat(128));
    expect(hex(w.subarray(0, 2))).toBe('8080');
    expect(w.length).toBe(130);
  });
});

interface Framer {
  push(chunk: Buffer): Buffer[][];
  readonly idle: boolean;
}

// The same framing cases hold for the codec and for the independent decoder kept as a test oracle.
const FRAMERS = [
  {
    name: 'the codec (SentenceCollector, as the simulator reads commands)',
    make: (maxWord?: number): Framer => new SentenceCollector(maxWord),
    error: FramingError as new (...args: never[]) => Error,
    tooLong: 'announces 101 bytes (limit 100)' as string | RegExp,
  },
  {
    name: 'the reference decoder (test oracle)',
    make: (maxWord?: number): Framer => new SentenceDecoder(maxWord === undefined ? {} : { maxWordLength: maxWord }),
    error: WireError as new (...args: never[]) => Error,
    tooLong: /101 bytes announced, limit is 100/ as string | RegExp,
  },
];

describe.each(FRAMERS)('framing: $name', ({ make, error, tooLong }) => {
  it('decodes sentences split at every byte', () => {
    const bytes = Buffer.concat([encodeSentence(['!re', '=name=a']), encodeSentence(['!done'])]);
    const d = make();
    const got: string[][] = [];
    for (let i = 0; i < bytes.length; i++) {
      for (const s of d.push(bytes.subarray(i, i + 1))) got.push(s.map((w) => w.toString()));
    }
    expect(got).toEqual([['!re', '=name=a'], ['!done']]);
    expect(d.idle).toBe(true);
  });

  it('ignores empty sentences', () => {
    const d = make();
    expect(d.push(Buffer.from([0, 0, 3, 0x61, 0x62, 0x63, 0]))).toEqual([[Buffer.from('abc')]]);
  });

  it('returns words inside one chunk as views of that chunk (no copy)', () => {
    const chunk = encodeSentence(['!re', '=a=b']);
    const [sentence] = make().push(chunk);
    expect(sentence![0]!.buffer).toBe(chunk.buffer);
  });

  it('decodes 3- and 4-byte prefixes', () => {
    const w3 = 'a'.repeat(0x4000);
    const w4 = 'b'.repeat(0x200000);
    const bytes = encodeSentence([w3, w4]);
    expect(hex(bytes.subarray(0, 3))).toBe('c04000');
    expect(hex(bytes.subarray(3 + 0x4000, 3 + 0x4000 + 4))).toBe('e0200000');
    const d = make();
    const out = [...d.push(bytes.subarray(0, 1000)), ...d.push(bytes.subarray(1000))];
    expect(out).toHaveLength(1);
    expect(out[0]!.map((w) => w.length)).toEqual([0x4000, 0x200000]);
  });

  it('refuses a 4 GB word as soon as its 5-byte prefix arrives', () => {
    const d = make();
    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      d.push(Buffer.from([0x03, 0x21, 0x72, 0x65, 0xf0, 0xff, 0xff, 0xff, 0xff]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(error);
    expect((err as { code: string }).code).toBe('WORD_TOO_LONG');
    // Nothing near the announced size was allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a long word whose prefix is split across chunks', () => {
    const d = make(100);
    expect(d.push(Buffer.from([0x80]))).toEqual([]);
    expect(() => d.push(Buffer.from([0x65]))).toThrow(tooLong);
    expect(() => d.push(Buffer.from([0]))).toThrow(error);
  });

  it.each([0xf8, 0xfc, 0xff])('refuses the reserved control byte 0x%s', (b) => {
    const d = make();
    let err: unknown;
    try {
      d.push(Buffer.from([b, 0x00]));
    } catch (e) {
      err = e;
    }
    expect((err as { code: string }).code).toBe('CONTROL_BYTE');
  });

  it('refuses 0xF1..0xF7 as length prefixes', () => {
    expect(() => make().push(Buffer.from([0xf3]))).toThrow(/invalid length prefix/);
  });

  it('round-trips random sentences split at random chunk boundaries', () => {
    const word = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a));
    const sentence = fc.array(word, { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }),
        (sentences, cuts) => {
          const bytes = Buffer.concat(sentences.map((s) => encodeSentence(s)));
          const d = make();
          const out: Buffer[][] = [];
          let at = 0;
          let k = 0;
          while (at < bytes.length) {
            const size = cuts[k++ % cuts.length]!;
            out.push(...d.push(bytes.subarray(at, at + size)));
            at += size;
          }
          expect(out.map((s) => s.map(hex))).toEqual(sentences.map((s) => s.map(hex)));
          expect(d.idle).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips words around every prefix-size boundary', () => {
    for (const n of [0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000]) {
      const w = Buffer.alloc(n, 0x5a);
      const bytes = encodeSentence([w]);
      const d = make();
      const out = [...d.push(bytes.subarray(0, 2)), ...d.push(bytes.subarray(2, 7)), ...d.push(bytes.subarray(7))];
      expect(out[0]![0]!.equals(w)).toBe(true);
    }
  });
});

describe('replyKind', () => {
  it('names the five reply kinds and refuses anything else as BAD_REPLY', () => {
    for (const kind of ['!re', '!done', '!trap', '!empty', '!fatal']) expect(replyKind(kind)).toBe(kind);
    let err: unknown;
    try {
      replyKind('!bogus');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FramingError);
    expect((err as FramingError).code).toBe('BAD_REPLY');
  });
});
