import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseCounter,
  parseCounterPair,
  parseRateBitsPerSecond,
  parseSignalDbm,
  poolSize,
  SIGNAL_MAX_DBM,
  SIGNAL_MIN_DBM,
} from './depth-values.js';
import { parseDuration } from './values.js';

const anything = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string(),
  fc.constantFrom('', ' ', '-', '@', 'dBm', 'NaN', '1e3Mbps', '-0', ',', '1,', ',1', '\u0000', 'Infinity'),
  fc.anything(),
);

// The regular-expression parsers the hand-written recognisers replaced: the oracles.
const ORACLE_SIGNAL_FORM = /^(-?\d{1,3})(?:dBm)?(?:@[0-9A-Za-z./-]{1,40})?$/;
function oracleSignalDbm(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const match = ORACLE_SIGNAL_FORM.exec(text.trim());
  if (!match) return null;
  const dbm = Number(match[1]);
  if (dbm < SIGNAL_MIN_DBM || dbm > SIGNAL_MAX_DBM) return null;
  return dbm === 0 ? 0 : dbm;
}

const ORACLE_RATE_UNITS: Readonly<Record<string, number>> = { bps: 1, kbps: 1e3, Mbps: 1e6, Gbps: 1e9 };
const ORACLE_RATE_FORM = /^(\d{1,9}(?:\.\d{1,3})?)(bps|kbps|Mbps|Gbps)(?:-[0-9A-Za-z./-]{1,40})?$/;
function oracleRateBitsPerSecond(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = text.trim();
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const match = ORACLE_RATE_FORM.exec(value);
  if (!match) return null;
  const [whole, fraction = ''] = match[1]!.split('.');
  const scale = ORACLE_RATE_UNITS[match[2]!]!;
  const fractionDigits = fraction.length;
  const bits = (Number(whole) * 10 ** fractionDigits + Number(fraction || '0')) * (scale / 10 ** fractionDigits);
  return Math.round(bits);
}

function oracleCounterPair(text: unknown): { tx: number; rx: number } | null {
  if (typeof text !== 'string') return null;
  const match = /^(\d{1,16}),(\d{1,16})$/.exec(text.trim());
  if (!match) return null;
  const tx = Number(match[1]);
  const rx = Number(match[2]);
  return Number.isSafeInteger(tx) && Number.isSafeInteger(rx) ? { tx, rx } : null;
}

function oracleCounter(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = text.trim();
  if (!/^\d{1,16}$/.test(value)) return null;
  const count = Number(value);
  return Number.isSafeInteger(count) ? count : null;
}

/**
 * Strings near the shapes the parsers know: pieces of real values (signs,
 * digits, units, separators, PHY details, white space of every kind) joined at
 * random, so that arbitrary input reaches every branch of the recognisers.
 */
const nearShapes = fc
  .array(
    fc.oneof(
      fc.constantFrom('-', '.', ',', '@', 'dBm', 'bps', 'kbps', 'Mbps', 'Gbps', 'Tbps', 'HT', '/', 'MHz', '2S', 'SGI'),
      fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000', '\u0000', '\u00ff', 'é', '\ud800'),
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.stringMatching(/^[0-9]{1,18}$/),
      fc.constantFrom('0', '00', '0000', '1', '9'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 3 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

describe('the hand-written recognisers answer as the regular expressions they replaced', () => {
  const inputs = fc.oneof(nearShapes, anything, fc.string({ unit: 'binary', maxLength: 60 }));
  it.each([
    ['parseSignalDbm', parseSignalDbm, oracleSignalDbm],
    ['parseRateBitsPerSecond', parseRateBitsPerSecond, oracleRateBitsPerSecond],
    ['parseCounterPair', parseCounterPair, oracleCounterPair],
    ['parseCounter', parseCounter, oracleCounter],
  ] as const)('%s', (_name, parse, oracle) => {
    fc.assert(
      fc.property(inputs, (input) => {
        expect(parse(input)).toEqual(oracle(input));
      }),
      { numRuns: 10_000 },
    );
  });

  it.each([
    '-61',
    ' -67@HT20-7\n',
    '-74dBm@6Mbps',
    '-0',
    '-1000',
    `-61@${'a'.repeat(40)}`,
    `-61@${'a'.repeat(41)}`,
    '866.6Mbps-80MHz/2S/SGI',
    '1.234Mbps',
    '1.2345Mbps',
    '123456789Mbps',
    '1234567890Mbps',
    '123456789012345',
    '1234567890123456',
    `6Mbps-${'b'.repeat(40)}`,
    `6Mbps-${'b'.repeat(41)}`,
    '9007199254740991,9007199254740991',
    '9007199254740992,1',
    '9999999999999999',
    '\u00a01,2\u3000',
    '1,2,',
    '0012',
    '6.Mbps',
    '1.Mbps-HT',
  ])('the same answer for %j', (text) => {
    expect(parseSignalDbm(text)).toEqual(oracleSignalDbm(text));
    expect(parseRateBitsPerSecond(text)).toEqual(oracleRateBitsPerSecond(text));
    expect(parseCounterPair(text)).toEqual(oracleCounterPair(text));
    expect(parseCounter(text)).toEqual(oracleCounter(text));
  });
});

describe('parseSignalDbm', () => {
  it.each([
    ['-61', -61], // RouterOS 7 wifi `signal`
    ['-67@HT20-7', -67], // legacy wireless, rate after @
    ['-74dBm@6Mbps', -74], // legacy wireless (librouteros sample)
    ['-73dBm@HT20-4', -73], // strength-at-rates entry form
    ['-58', -58], // CAPsMAN rx-signal
    ['-88dBm', -88],
    [' -50 ', -50],
    ['0', 0],
  ])('%j -> %d dBm', (text, dbm) => {
    expect(parseSignalDbm(text)).toBe(dbm);
  });

  it.each(['', 'dBm', '-', '-61.5', '--61', '-1000', '-151', '31', '-61 dBm', '-61dBm@', '61%', 'weak', '-61@a b'])(
    'rejects %j',
    (text) => {
      expect(parseSignalDbm(text)).toBeNull();
    },
  );

  it('reads back every in-range dBm in every shape', () => {
    const suffix = fc.constantFrom('', 'dBm', '@HT20-7', 'dBm@6Mbps', 'dBm@HE-MCS11', '@1Mbps');
    fc.assert(
      fc.property(fc.integer({ min: SIGNAL_MIN_DBM, max: SIGNAL_MAX_DBM }), suffix, (dbm, tail) => {
        expect(parseSignalDbm(`${dbm}${tail}`)).toBe(dbm === 0 ? 0 : dbm);
      }),
    );
  });

  it('never throws and never answers outside the plausible range', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const dbm = parseSignalDbm(input);
        if (dbm !== null) {
          expect(Number.isInteger(dbm)).toBe(true);
          expect(dbm).toBeGreaterThanOrEqual(SIGNAL_MIN_DBM);
          expect(dbm).toBeLessThanOrEqual(SIGNAL_MAX_DBM);
        }
      }),
    );
  });
});

describe('parseRateBitsPerSecond', () => {
  it.each([
    ['866.6Mbps-80MHz/2S/SGI', 866_600_000],
    ['58.5Mbps-HT', 58_500_000],
    ['52.0Mbps-HT', 52_000_000],
    ['6Mbps', 6_000_000],
    ['1.2Mbps', 1_200_000],
    ['96kbps', 96_000],
    ['1Gbps', 1_000_000_000],
    ['2.4Gbps-160MHz/2S', 2_400_000_000],
    ['0bps', 0],
    ['1024', 1024], // kid control rate-down as bits per second
    ['0', 0],
  ])('%j -> %d bit/s', (text, bits) => {
    expect(parseRateBitsPerSecond(text)).toBe(bits);
  });

  it.each(['', 'Mbps', '6 Mbps', '6mbps', '6MBps', '-6Mbps', '6Mbps-', '1e3Mbps', '6.Mbps', '.5Mbps', 'fast', '6Tbps'])(
    'rejects %j',
    (text) => {
      expect(parseRateBitsPerSecond(text)).toBeNull();
    },
  );

  it('reads back rates written with one decimal in every unit, with or without PHY details', () => {
    const units = fc.constantFrom(['kbps', 1e3] as const, ['Mbps', 1e6] as const, ['Gbps', 1e9] as const);
    const tail = fc.constantFrom('', '-HT', '-80MHz/2S/SGI', '-20MHz/1S');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), units, tail, (tenths, [unit, scale], details) => {
        const text = `${Math.floor(tenths / 10)}.${tenths % 10}${unit}${details}`;
        expect(parseRateBitsPerSecond(text)).toBe((tenths * scale) / 10);
      }),
    );
  });

  it('never throws; any answer is a non-negative safe integer', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const bits = parseRateBitsPerSecond(input);
        if (bits !== null) expect(Number.isSafeInteger(bits) && bits >= 0).toBe(true);
      }),
    );
  });
});

describe('parseCounterPair and parseCounter', () => {
  it('splits "tx,rx"', () => {
    expect(parseCounterPair('1090924066,2872515632')).toEqual({ tx: 1090924066, rx: 2872515632 });
    expect(parseCounterPair('0,0')).toEqual({ tx: 0, rx: 0 });
  });

  it.each(['', '1', '1,', ',1', '1,2,3', '-1,2', '1.5,2', '1 ,2', '99999999999999999,1', 'a,b'])('rejects %j', (text) => {
    expect(parseCounterPair(text)).toBeNull();
  });

  it('round-trips any pair of safe counters', () => {
    const counter = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(counter, counter, (tx, rx) => {
        expect(parseCounterPair(`${tx},${rx}`)).toEqual({ tx, rx });
        expect(parseCounter(String(tx))).toBe(tx);
      }),
    );
  });

  it('never throws', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const pair = parseCounterPair(input);
        if (pair !== null) expect(Number.isSafeInteger(pair.tx) && Number.isSafeInteger(pair.rx)).toBe(true);
        const single = parseCounter(input);
        if (single !== null) expect(Number.isSafeInteger(single)).toBe(true);
      }),
    );
  });

  it.each(['', '-1', '1.5', '1e6', '99999999999999999'])('parseCounter rejects %j', (text) => {
    expect(parseCounter(text)).toBeNull();
  });
});

describe('poolSize', () => {
  it.each([
    ['192.168.88.10-192.168.88.254', 245],
    ['10.0.0.2-10.0.0.99,10.0.0.101-10.0.0.126', 98 + 26],
    ['10.0.0.2-10.0.0.99, 10.0.0.101-10.0.0.126', 124],
    ['192.168.1.100', 1],
    ['192.168.1.0/24', 256],
    ['10.0.0.0/8', 16_777_216],
  ])('%j -> %d addresses', (ranges, size) => {
    expect(poolSize(ranges)).toBe(size);
  });

  it.each(['', ',', '10.0.0.9-10.0.0.1', '10.0.0.1-', '256.0.0.1', '10.0.0.1/33', 'fd00::/64', 'pool', '010.0.0.1'])(
    'rejects %j',
    (ranges) => {
      expect(poolSize(ranges)).toBeNull();
    },
  );

  it('counts any valid range exactly', () => {
    const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    fc.assert(
      fc.property(address, address, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect(poolSize(`${dotted(from)}-${dotted(to)}`)).toBe(to - from + 1);
      }),
    );
  });

  it('never throws', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const size = poolSize(input);
        if (size !== null) expect(Number.isSafeInteger(size) && size >= 0).toBe(true);
      }),
    );
  });
});

describe('registration-table uptimes are durations', () => {
  it.each([
    ['2w6d13:21:53', 2 * 604_800 + 6 * 86_400 + 13 * 3600 + 21 * 60 + 53],
    ['1h2m3s', 3723],
    ['00:00:00.060', 0.06],
  ])('%j -> %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});
