import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Combine } from './crc32-combine.js';

describe('crc32Combine', () => {
  it('gives the crc32 of the concatenation, as zlib computes it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const whole = crc32(Buffer.concat([a, b])) >>> 0;
        expect(crc32Combine(crc32(a) >>> 0, crc32(b) >>> 0, b.length)).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('handles parts of many megabytes', () => {
    const a = Buffer.alloc(3_000_001, 'a');
    const b = Buffer.alloc(5_242_883, 'b');
    expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])) >>> 0);
  });
});
