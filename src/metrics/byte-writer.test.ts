import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, MillisecondsText } from './byte-writer.js';
import { escapeLabelValue, formatSampleValue } from './text-format.js';

describe('ByteWriter', () => {
  it('writes label values exactly as escaping then UTF-8 encoding the string would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 }),
        fc.string({ unit: 'grapheme-ascii' }),
        (values, ascii) => {
          // Starts tiny so every call also exercises growing the buffer.
          const writer = new ByteWriter(1);
          let expected = '';
          for (const value of values) {
            writer.labelValue(value);
            writer.ascii(ascii);
            expected += escapeLabelValue(value) + ascii;
          }
          expect(writer.finish().toString('utf8')).toBe(expected);
          expect(writer.length).toBe(Buffer.byteLength(expected));
        },
      ),
    );
  });

  it('escapes backslash, quote and line feed on the ASCII path and after a non-ASCII character', () => {
    const writer = new ByteWriter();
    writer.labelValue('a\\b"c\nd');
    writer.ascii('|');
    writer.labelValue('é\\"\n');
    expect(writer.finish().toString('utf8')).toBe('a\\\\b\\"c\\nd|é\\\\\\"\\n');
  });

  it('writes a lone surrogate as U+FFFD, the only way UTF-8 can carry it', () => {
    const writer = new ByteWriter();
    writer.labelValue('x\ud800y');
    expect(writer.finish()).toEqual(Buffer.from('x\ufffdy', 'utf8'));
  });

  it('formats sample values like the text format', () => {
    const writer = new ByteWriter();
    for (const value of [1, 0, 1_700_000_000.123, Number.NaN, Infinity, -Infinity]) {
      writer.sampleValue(value);
      writer.ascii(' ');
    }
    expect(writer.finish().toString()).toBe(
      `${[1, 0, 1_700_000_000.123, Number.NaN, Infinity, -Infinity].map(formatSampleValue).join(' ')} `,
    );
  });

  it('writes whole numbers without a string exactly as the text format does, and any other number through it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.maxSafeInteger(),
            fc.integer({ min: -100, max: 100 }),
            fc.constantFrom(-0, 2 ** 53, -(2 ** 53), 1e21, 9_007_199_254_740_991, 4.5e15),
            fc.double(),
          ),
          { maxLength: 12 },
        ),
        (values) => {
          // Starts tiny so the digits also land across a growth of the buffer.
          const writer = new ByteWriter(1);
          for (const value of values) {
            writer.sampleValue(value);
            writer.ascii(' ');
          }
          expect(writer.finish().toString()).toBe(values.map((value) => `${formatSampleValue(value)} `).join(''));
        },
      ),
    );
  });

  it('hands back a right-sized copy when the buffer is mostly slack', () => {
    const writer = new ByteWriter(1024 * 1024);
    writer.ascii('short');
    const bytes = writer.finish();
    expect(bytes.toString()).toBe('short');
    // A copy, not the 1 MiB slack: small copies share one allocation pool (8 KiB before Node 24, 64 KiB since).
    expect(bytes.buffer.byteLength).toBeLessThanOrEqual(Math.max(Buffer.poolSize, 8 * 1024));
  });
});

describe('ByteWriter.milliseconds', () => {
  it('writes what formatSampleValue writes for the value rounded to the millisecond', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: 0, max: 1e11, noNaN: true }), fc.integer({ min: 0, max: 2e9 }), fc.double()),
        (seconds) => {
          const writer = new ByteWriter(1);
          writer.milliseconds(seconds);
          expect(writer.finish().toString()).toBe(formatSampleValue(Math.round(seconds * 1000) / 1000));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('MillisecondsText', () => {
  it('holds what ByteWriter.milliseconds writes for the last value asked, repeats included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(1_700_000_000.5, 0), fc.double()), { maxLength: 20 }), (values) => {
        const text = new MillisecondsText();
        for (const seconds of values) {
          const width = text.of(seconds);
          const writer = new ByteWriter(1);
          writer.milliseconds(seconds);
          expect(Buffer.from(text.bytes.subarray(0, width)).toString()).toBe(writer.finish().toString());
        }
      }),
    );
  });
});

describe('ByteWriter.reuseWith', () => {
  it('writes the text over the reused bytes once they are copied, and leaves the source alone', () => {
    const source = Buffer.from('a=100\nb=200\nc=300\n');
    const text = new MillisecondsText();
    const writer = new ByteWriter(1);
    text.of(111);
    writer.reuseWith(source, 0, 6, 2, text);
    writer.reuseWith(source, 6, 12, 2, text);
    text.of(333);
    writer.reuseWith(source, 12, 18, 2, text);
    expect(writer.finish().toString()).toBe('a=111\nb=111\nc=333\n');
    expect(source.toString()).toBe('a=100\nb=200\nc=300\n');
  });
});

describe('ByteWriter.reuse', () => {
  it('joins runs that continue one another and keeps everything in order', () => {
    const source = Buffer.from('abcdefghij');
    const writer = new ByteWriter(1);
    writer.reuse(source, 0, 3);
    writer.reuse(source, 3, 5);
    expect(writer.length).toBe(5);
    writer.ascii('-');
    writer.reuse(source, 8, 10);
    writer.reuse(source, 1, 2);
    expect(writer.finish().toString()).toBe('abcde-ijb');
  });
});
