/** The reference decoder (a test oracle, see its header) holds to the wire format on its own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSentence } from '../../src/routeros/codec.js';
import { parseReply, parseReplyRaw, SentenceDecoder, WireError } from './reference-decoder.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('SentenceDecoder', () => {
  it('decodes sentences split at every byte', () => {
    const bytes = Buffer.concat([encodeSentence(['!re', '=name=a']), encodeSentence(['!done'])]);
    const d = new SentenceDecoder();
    const got: string[][] = [];
    for (let i = 0; i < bytes.length; i++) {
      for (const s of d.push(bytes.subarray(i, i + 1))) got.push(s.map((w) => w.toString()));
    }
    expect(got).toEqual([['!re', '=name=a'], ['!done']]);
    expect(d.idle).toBe(true);
  });

  it('ignores empty sentences', () => {
    const d = new SentenceDecoder();
    expect(d.push(Buffer.from([0, 0, 3, 0x61, 0x62, 0x63, 0]))).toEqual([[Buffer.from('abc')]]);
  });

  it('returns words inside one chunk as views of that chunk (no copy)', () => {
    const chunk = encodeSentence(['!re', '=a=b']);
    const [sentence] = new SentenceDecoder().push(chunk);
    expect(sentence![0]!.buffer).toBe(chunk.buffer);
  });

  it('decodes 3- and 4-byte prefixes', () => {
    const w3 = 'a'.repeat(0x4000);
    const w4 = 'b'.repeat(0x200000);
    const bytes = encodeSentence([w3, w4]);
    expect(hex(bytes.subarray(0, 3))).toBe('c04000');
    expect(hex(bytes.subarray(3 + 0x4000, 3 + 0x4000 + 4))).toBe('e0200000');
    const d = new SentenceDecoder();
    const out = [...d.push(bytes.subarray(0, 1000)), ...d.push(bytes.subarray(1000))];
    expect(out).toHaveLength(1);
    expect(out[0]!.map((w) => w.length)).toEqual([0x4000, 0x200000]);
  });

  it('refuses a 4 GB word as soon as its 5-byte prefix arrives', () => {
    const d = new SentenceDecoder();
    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      d.push(Buffer.from([0x03, 0x21, 0x72, 0x65, 0xf0, 0xff, 0xff, 0xff, 0xff]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).code).toBe('WORD_TOO_LONG');
    // Nothing near the announced size was allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a long word whose prefix is split across chunks', () => {
    const d = new SentenceDecoder({ maxWordLength: 100 });
    expect(d.push(Buffer.from([0x80]))).toEqual([]);
    expect(() => d.push(Buffer.from([0x65]))).toThrow(/101 bytes announced, limit is 100/);
    expect(() => d.push(Buffer.from([0]))).toThrow(WireError);
  });

  it.each([0xf8, 0xfc, 0xff])('refuses the reserved control byte 0x%s', (b) => {
    const d = new SentenceDecoder();
    let err: unknown;
    try {
      d.push(Buffer.from([b, 0x00]));
    } catch (e) {
      err = e;
    }
    expect((err as WireError).code).toBe('CONTROL_BYTE');
  });

  it('refuses 0xF1..0xF7 as length prefixes', () => {
    expect(() => new SentenceDecoder().push(Buffer.from([0xf3]))).toThrow(/invalid length prefix/);
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
          const d = new SentenceDecoder();
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
      const d = new SentenceDecoder();
      const out = [...d.push(bytes.subarray(0, 2)), ...d.push(bytes.subarray(2, 7)), ...d.push(bytes.subarray(7))];
      expect(out[0]![0]!.equals(w)).toBe(true);
    }
  });
});

describe('parseReply', () => {
  it('splits type, tag and attributes; values may contain "="', () => {
    const r = parseReply(['!re', '.tag=7', '=.id=*1A', '=comment=a=b', '=empty=']);
    expect(r).toEqual({
      type: '!re',
      tag: '7',
      attributes: { '.id': '*1A', comment: 'a=b', empty: '' },
      message: null,
    });
  });

  it('reads !fatal reasons given as a bare word', () => {
    const r = parseReply(['!fatal', 'session terminated on request']);
    expect(r.type).toBe('!fatal');
    expect(r.message).toBe('session terminated on request');
  });

  it('accepts !empty and keeps raw bytes in parseReplyRaw', () => {
    expect(parseReply(['!empty', '.tag=5']).type).toBe('!empty');
    const raw = parseReplyRaw([Buffer.from('!re'), Buffer.concat([Buffer.from('=host-name='), Buffer.from([0xff, 0xc3])])]);
    expect(hex(raw.attributes.get('host-name')!)).toBe('ffc3');
    expect(parseReply([Buffer.from('!re'), Buffer.from([0x3d, 0x6e, 0x3d, 0xe9])], 'latin1').attributes.n).toBe('é');
  });

  it('refuses unknown reply words', () => {
    expect(() => parseReply(['!bogus'])).toThrow(WireError);
    expect(() => parseReply([])).toThrow(WireError);
  });
});
