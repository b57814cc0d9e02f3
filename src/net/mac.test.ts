import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLocallyAdministered, normalizeMac } from './mac.js';

const anything = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string(),
  fc.constantFrom('', ' ', 'never', '-1s', '1s1s', 'NaN', '1e3s', '99:99:99', '\u0000'),
  fc.anything(),
);

describe('MAC addresses', () => {
  it.each([
    ['aa:bb:cc:dd:ee:ff', 'AA:BB:CC:DD:EE:FF'],
    ['aa-bb-cc-dd-ee-ff', 'AA:BB:CC:DD:EE:FF'],
    ['aabb.ccdd.eeff', 'AA:BB:CC:DD:EE:FF'],
    ['AABBCCDDEEFF', 'AA:BB:CC:DD:EE:FF'],
    ['aA:Bb:cC:dD:eE:Ff', 'AA:BB:CC:DD:EE:FF'],
    [' 00:11:22:33:44:55\n', '00:11:22:33:44:55'],
  ])('%j -> %s', (input, canonical) => {
    expect(normalizeMac(input)).toBe(canonical);
  });

  it.each(['', 'aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:ff:00', 'aa:bb-cc:dd:ee:ff', 'gg:bb:cc:dd:ee:ff', 'aabbccddeef', 'a:b:c:d:e:f'])(
    'rejects %j',
    (input) => {
      expect(normalizeMac(input)).toBeNull();
    },
  );

  const macBytes = fc.uint8Array({ minLength: 6, maxLength: 6 });
  const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
  const randomCase = (text: string, flips: boolean[]) =>
    Array.from(text, (c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join('');

  it('every spelling of the same address normalises to the same canonical form, idempotently', () => {
    fc.assert(
      fc.property(macBytes, fc.array(fc.boolean(), { minLength: 1 }), (bytes, flips) => {
        const pairs = hex(bytes);
        const canonical = pairs.join(':').toUpperCase();
        const spellings = [
          pairs.join(':'),
          pairs.join('-'),
          pairs.join(''),
          `${pairs[0]}${pairs[1]}.${pairs[2]}${pairs[3]}.${pairs[4]}${pairs[5]}`,
        ];
        for (const spelling of spellings) {
          const normalized = normalizeMac(randomCase(spelling, flips));
          expect(normalized).toBe(canonical);
          expect(normalizeMac(normalized)).toBe(normalized);
        }
      }),
    );
  });

  it('never throws; output is null or canonical', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const result = normalizeMac(input);
        expect(result === null || /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/.test(result)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('locally administered: second hex digit 2, 6, A or E', () => {
    for (const digit of '0123456789ABCDEF') {
      const mac = `1${digit}:00:00:00:00:01`;
      expect(isLocallyAdministered(mac), mac).toBe('26AE'.includes(digit));
    }
    expect(isLocallyAdministered('da-a1-19-00-00-01')).toBe(true);
    expect(isLocallyAdministered('not a mac')).toBe(false);
    fc.assert(fc.property(anything, (input) => void isLocallyAdministered(input)));
  });
});
