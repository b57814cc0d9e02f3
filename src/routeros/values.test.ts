import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  booleanOr,
  COMMENT_MAX_LENGTH,
  decodeRouterBytes,
  decodeWin1252,
  formatDuration,
  HOSTNAME_MAX_LENGTH,
  parseBoolean,
  parseDuration,
  parseDurationByPattern,
  parseIpAddress,
  parseIpAddressByNode,
  sanitizeComment,
  sanitizeHostname,
  sanitizeText,
  sanitizeTextByPattern,
} from './values.js';

// A string survives a UTF-8 round trip exactly when it has no lone surrogate.
const wellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text;

const anything = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string(),
  fc.constantFrom('', ' ', 'never', '-1s', '1s1s', 'NaN', '1e3s', '99:99:99', '\u0000'),
  fc.anything(),
);

/** Strings over `alphabet` (plus the occasional anything): where a hand-written fast path and its reference can disagree. */
const stringsOf = (alphabet: string[], maxLength: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...alphabet), maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: anything },
  );

describe('parseDuration', () => {
  it.each([
    ['1w2d3h4m5s', 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['4s750ms', 4.75],
    ['500ms', 0.5],
    ['1d', 86400],
    ['0s', 0],
    ['9m37s', 577],
    ['1ms500us', 0.0015],
    ['00:09:49', 589],
    ['1d00:00:05', 86405],
    ['2w3d04:05:06', 2 * 604800 + 3 * 86400 + 4 * 3600 + 5 * 60 + 6],
    ['00:00:01.250', 1.25],
    [' 5s ', 5],
  ])('%s -> %s seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['never', '', 'abc', '5', 's', '1s1m', '-5s', '00:60:00', '1:2:3', '5 s', '1.5s', '1d2', '99999999999999999w'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );

  it('never throws and returns null or a finite non-negative number', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const result = parseDuration(input);
        expect(result === null || (Number.isFinite(result) && result >= 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives exactly what the regular expressions give, for any input (the fast path is the unit form only)', () => {
    const durations = stringsOf(['0', '1', '5', '9', 'w', 'd', 'h', 'm', 's', 'u', ':', '.', ' ', '-'], 24);
    const canonical = fc.integer({ min: 0, max: 2 ** 40 }).map((ms) => formatDuration(ms / 1000));
    fc.assert(
      fc.property(fc.oneof(durations, canonical), (input) => {
        expect(parseDuration(input)).toBe(parseDurationByPattern(input));
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      '1ms500us',
      '5m',
      '5ms',
      '1m2ms',
      '1u',
      '1us2s',
      '0s',
      `${'9'.repeat(15)}w`,
      `${'9'.repeat(16)}s`,
      '1s '.trim(),
      '1h1h',
    ]) {
      expect(parseDuration(text), text).toBe(parseDurationByPattern(text));
    }
  });

  it('inverts formatDuration (millisecond resolution)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms / 1000))).toBe(ms / 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats like RouterOS 7', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(4.75)).toBe('4s750ms');
    expect(formatDuration(604800 + 3661)).toBe('1w1h1m1s');
    expect(formatDuration(Number.NaN)).toBe('0s');
  });
});

describe('booleans', () => {
  it.each([
    ['true', true],
    ['yes', true],
    ['false', false],
    ['no', false],
    ['TRUE', true],
  ])('%s -> %s', (text, value) => {
    expect(parseBoolean(text)).toBe(value);
  });

  it('unknown values are null, or the default', () => {
    expect(parseBoolean('maybe')).toBeNull();
    expect(parseBoolean(undefined)).toBeNull();
    expect(parseBoolean(1)).toBeNull();
    expect(booleanOr(undefined, false)).toBe(false);
    expect(booleanOr('garbage', true)).toBe(true);
    expect(booleanOr('no', true)).toBe(false);
  });

  it('never throws', () => {
    fc.assert(fc.property(anything, (input) => void parseBoolean(input)));
  });
});

describe('IP addresses', () => {
  it.each([
    ['10.10.0.2', '10.10.0.2'],
    ['255.255.255.255', '255.255.255.255'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['fe80::1', 'fe80::1'],
    ['010.0.0.1', null],
    ['256.0.0.1', null],
    ['1.2.3', null],
    ['pool1', null],
  ])('%j -> %j', (text, address) => {
    expect(parseIpAddress(text)).toBe(address);
  });

  it('gives exactly what node:net isIP gives, for any input (the fast path is the dotted quad only)', () => {
    const quads = fc
      .tuple(...Array.from({ length: 4 }, () => fc.oneof(fc.nat(300), fc.constantFrom('00', '01', '0', '1000', ''))))
      .map((parts) => parts.join('.'));
    fc.assert(
      fc.property(fc.oneof(stringsOf(['0', '1', '2', '5', '9', '.', ':', ' ', 'a'], 18), quads), (input) => {
        expect(parseIpAddress(input)).toBe(parseIpAddressByNode(input));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('hostile text', () => {
  it('sanitizeText gives exactly what the regular expressions give, for any input and bound', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          stringsOf(['a', 'Z', ' ', '~', '\u007f', '\u0000', '\t', '\u00e9', '\u202e', '\ud800'], 12),
          fc.string({ maxLength: 40 }),
        ),
        fc.integer({ min: 1, max: 20 }),
        (input, max) => {
          expect(sanitizeText(input, max)).toBe(sanitizeTextByPattern(input, max));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('strips controls, keeps the words apart, trims, keeps ordinary Unicode', () => {
    expect(sanitizeHostname('evil\nhost\r\n')).toBe('evil host');
    expect(sanitizeHostname('nul\u0000byte')).toBe('nulbyte');
    expect(sanitizeHostname('tab\there')).toBe('tab here');
    expect(sanitizeHostname('\u202eRLO\u202c spoof')).toBe('RLO spoof');
    expect(sanitizeHostname('Вася-ноутбук 🙂')).toBe('Вася-ноутбук 🙂');
    expect(sanitizeHostname('quote"back\\slash}{')).toBe('quote"back\\slash}{');
    expect(sanitizeHostname('lone\ud800surrogate')).toBe('lone\ufffdsurrogate');
    expect(sanitizeHostname('   ')).toBeNull();
    expect(sanitizeHostname('\u0000\u0001')).toBeNull();
    expect(sanitizeHostname(42)).toBeNull();
  });

  it('caps length in code points without splitting a surrogate pair', () => {
    expect(sanitizeHostname('x'.repeat(64 * 1024))).toHaveLength(HOSTNAME_MAX_LENGTH);
    expect(sanitizeComment('y'.repeat(10_000))).toHaveLength(COMMENT_MAX_LENGTH);
    const emoji = sanitizeText('🙂'.repeat(10), 3);
    expect(emoji).toBe('🙂🙂🙂');
  });

  it('never throws; output is bounded, clean, well-formed and idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 400 }), anything),
        fc.integer({ min: 1, max: 300 }),
        (input, max) => {
          const result = sanitizeText(input, max);
          if (result === null) return;
          expect(Array.from(result).length).toBeLessThanOrEqual(max);
          expect(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(result)).toBe(false);
          expect(wellFormed(result)).toBe(true);
          expect(result).toBe(result.trim());
          expect(sanitizeText(result, max)).toBe(result);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('text decoding', () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);

  it('decodeRouterBytes: UTF-8 when valid, else Windows-1252', () => {
    expect(decodeRouterBytes(utf8('Вася-ноутбук'))).toBe('Вася-ноутбук');
    expect(decodeRouterBytes(Uint8Array.from([0x43, 0x61, 0x66, 0xe9]))).toBe('Café');
    expect(decodeRouterBytes(Uint8Array.from([0x80, 0x41]))).toBe('€A');
    expect(decodeWin1252(Uint8Array.from([0x81, 0x9f]))).toBe('\ufffdŸ');
  });

  it('decodeRouterBytes round-trips every well-formed string and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(decodeRouterBytes(utf8(text))).toBe(text);
      }),
    );
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void decodeRouterBytes(bytes)));
  });
});
