/**
 * crc32 of a concatenation from the crc32s of its parts, as zlib's
 * crc32_combine() computes it (which Node does not expose): multiplying by
 * x^(8 * length) modulo the CRC polynomial, in GF(2). With it a gzip trailer
 * for a page made of cached parts costs a few microseconds per part instead of
 * a pass over every byte of the page.
 */

/** The CRC-32 polynomial, reflected. */
const POLY = 0xedb88320;

/** a * b modulo the polynomial (both reflected, x^0 in the top bit). */
function multiplyModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: number[] = [];
{
  let p = 0x40000000; // x^1
  X2N.push(p);
  for (let k = 1; k < 32; k++) {
    p = multiplyModP(p, p);
    X2N.push(p);
  }
}

/** x^(n * 2^k) modulo the polynomial. */
function xPowerModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multiplyModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** crc32(A + B) from crc32(A), crc32(B) and the length of B in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(xPowerModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}
