/**
 * Pure parsers for the strings RouterOS API replies carry. Every function here
 * accepts anything (routers and DHCP clients are not trusted) and never throws:
 * a value that cannot be understood becomes null (or the caller's default).
 *
 * Hand-written fast paths: these run for every row of every poll (two durations
 * per lease, an address per lease and ARP row, a text check per name), and at
 * 10k devices the regular expressions alone cost about 10 ms of a 50 ms read
 * (profiled, docs/performance.md). Each fast path accepts only the canonical
 * shape RouterOS sends and hands everything else to the general (regex) code,
 * which stays the reference: values.test.ts checks both give the same result
 * for arbitrary input.
 */
import { isIP } from 'node:net';

// ---------------------------------------------------------------------------
// Durations

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 } as const;

// RouterOS 6.x and 7.x API: "1w2d3h4m5s", "4s750ms", "500ms", "1d", "0s" (units in
// this order, each at most once). Some fields, and the v6 console, use a clock tail:
// "00:09:49", "1d00:00:05", "2w3d04:05:06.250".
const UNIT_FORM = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?(?:(\d+)us)?$/;
const CLOCK_FORM = /^(?:(\d+)w)?(?:(\d+)d)?(\d+):([0-5]\d):([0-5]\d)(?:\.(\d{1,6}))?$/;
const MAX_DIGITS = 15; // keeps every intermediate product a safe integer

/** Scale of each unit of the unit form, in the order it allows them: w d h m s ms us. */
const UNIT_SCALES = [UNIT_MS.w, UNIT_MS.d, UNIT_MS.h, UNIT_MS.m, UNIT_MS.s, UNIT_MS.ms, UNIT_MS.us] as const;
const MS_UNIT = 5;
const US_UNIT = 6;

/**
 * Seconds (fractional for ms/us) from a RouterOS duration, or null for `never`,
 * empty, negative or unparseable input.
 */
export function parseDuration(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  return parseUnitForm(text) ?? parseDurationByPattern(text);
}

/**
 * The unit form ("1w2d3h4m5s750ms") without surrounding space, summed in the
 * same order and arithmetic as parseDurationByPattern; undefined for anything
 * else (then the general parser decides).
 */
function parseUnitForm(text: string): number | undefined {
  const length = text.length;
  if (length === 0 || length > 64) return undefined;
  let at = 0;
  let nextUnit = 0;
  let totalMs = 0;
  while (at < length) {
    const digitsFrom = at;
    let count = 0;
    let code = text.charCodeAt(at);
    while (code >= 0x30 && code <= 0x39) {
      count = count * 10 + (code - 0x30);
      code = text.charCodeAt(++at); // NaN past the end
    }
    if (at === digitsFrom || at - digitsFrom > MAX_DIGITS || at === length) return undefined;
    at++;
    let unit: number;
    if (code === 0x77)
      unit = 0; // w
    else if (code === 0x64)
      unit = 1; // d
    else if (code === 0x68)
      unit = 2; // h
    else if (code === 0x6d) {
      // "m", or "ms": a minute count cannot be followed by "s", so the pattern reads it as ms too.
      if (text.charCodeAt(at) === 0x73) {
        unit = MS_UNIT;
        at++;
      } else unit = 3;
    } else if (code === 0x73)
      unit = 4; // s
    else if (code === 0x75 && text.charCodeAt(at) === 0x73) {
      unit = US_UNIT;
      at++;
    } else return undefined;
    if (unit < nextUnit) return undefined;
    nextUnit = unit + 1;
    totalMs += count * UNIT_SCALES[unit]!;
  }
  if (totalMs > Number.MAX_SAFE_INTEGER / 1000) return undefined;
  return Math.round(totalMs * 1000) / 1_000_000;
}

/** parseDuration by regular expressions: every form, and the reference the fast path is tested against. */
export function parseDurationByPattern(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = text.trim();
  if (value === '' || value === 'never' || value.length > 64) return null;

  const units = UNIT_FORM.exec(value);
  if (units) {
    const [, w, d, h, m, s, ms, us] = units;
    return sumMs([
      [w, UNIT_MS.w],
      [d, UNIT_MS.d],
      [h, UNIT_MS.h],
      [m, UNIT_MS.m],
      [s, UNIT_MS.s],
      [ms, UNIT_MS.ms],
      [us, UNIT_MS.us],
    ]);
  }

  const clock = CLOCK_FORM.exec(value);
  if (clock) {
    const [, w, d, h, m, s, fraction] = clock;
    const fractionMs = fraction === undefined ? undefined : String(Number(fraction.padEnd(6, '0')) / 1000);
    return sumMs([
      [w, UNIT_MS.w],
      [d, UNIT_MS.d],
      [h, UNIT_MS.h],
      [m, UNIT_MS.m],
      [s, UNIT_MS.s],
      [fractionMs, UNIT_MS.ms],
    ]);
  }
  return null;
}

function sumMs(parts: Array<[string | undefined, number]>): number | null {
  let totalMs = 0;
  let seen = false;
  for (const [digits, scale] of parts) {
    if (digits === undefined) continue;
    if (digits.length > MAX_DIGITS) return null;
    seen = true;
    totalMs += Number(digits) * scale;
  }
  if (!seen || !Number.isFinite(totalMs) || totalMs > Number.MAX_SAFE_INTEGER / 1000) return null;
  // Sub-millisecond parts only come from "us"; round to whole microseconds so the
  // result is stable under float addition.
  return Math.round(totalMs * 1000) / 1_000_000;
}

/**
 * The RouterOS 7 spelling of a duration ("1w2d3h4m5s750ms", "0s"), rounded to the
 * millisecond. Used by the simulator and by tests; parseDuration inverts it.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0s';
  let restMs = Math.round(seconds * 1000);
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const scale = UNIT_MS[unit];
    const count = Math.floor(restMs / scale);
    if (count > 0) {
      out += `${count}${unit}`;
      restMs -= count * scale;
    }
  }
  return out === '' ? '0s' : out;
}

// ---------------------------------------------------------------------------
// Booleans

/** RouterOS API booleans: "true"/"false" (v6.x+), "yes"/"no" (older fields). Else null. */
export function parseBoolean(text: unknown): boolean | null {
  if (text === 'true') return true; // what RouterOS 7 sends: skip the allocations below
  if (text === 'false') return false;
  if (typeof text !== 'string') return null;
  switch (text.trim().toLowerCase()) {
    case 'true':
    case 'yes':
      return true;
    case 'false':
    case 'no':
      return false;
    default:
      return null;
  }
}

/** parseBoolean with a fallback for absent or unknown values (RouterOS omits false flags). */
export function booleanOr(text: unknown, fallback: boolean): boolean {
  return parseBoolean(text) ?? fallback;
}

// ---------------------------------------------------------------------------
// Addresses

/**
 * An IPv4 or IPv6 address (surrounding whitespace dropped), or null. The dotted
 * quad RouterOS writes is recognised by hand; anything else goes through
 * node:net's isIP, which defines the accepted forms.
 */
export function parseIpAddress(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  return isDottedQuad(text) ? text : parseIpAddressByNode(text);
}

/** parseIpAddress through node:net alone: the reference the fast path is tested against. */
export function parseIpAddressByNode(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  return isIP(trimmed) !== 0 ? trimmed : null;
}

/** Four decimal numbers 0-255 without leading zeros, joined by dots: exactly what isIP accepts as IPv4. */
function isDottedQuad(text: string): boolean {
  const length = text.length;
  if (length < 7 || length > 15) return false;
  let at = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(at) !== 0x2e) return false;
      at++;
    }
    const from = at;
    let value = 0;
    let code = text.charCodeAt(at);
    while (code >= 0x30 && code <= 0x39 && at - from < 3) {
      value = value * 10 + (code - 0x30);
      code = text.charCodeAt(++at);
    }
    const digits = at - from;
    if (digits === 0 || value > 255 || (digits > 1 && text.charCodeAt(from) === 0x30)) return false;
  }
  return at === length;
}

// ---------------------------------------------------------------------------
// Hostile text

/**
 * DNS names are at most 253 characters in text form (255 octets on the wire,
 * RFC 1035 2.3.4); a DHCP host-name longer than that cannot be a real name, only
 * padding aimed at labels, logs and the device table.
 */
export const HOSTNAME_MAX_LENGTH = 253;
/**
 * Comments are typed by admins but also written by lease scripts from client data.
 * 255 keeps any note a human writes while bounding what reaches labels and pages.
 */
export const COMMENT_MAX_LENGTH = 255;

// C0 and C1 controls, DEL, bidi embeddings/overrides/isolates (they reorder how a
// table row reads: "Trojan source" spoofing), BOM/zero-width no-break space.
// Line-breaking whitespace is handled first, so it becomes a space rather than
// gluing words together.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text safe to store, log, label and render: no control or direction-override
 * characters, no lone surrogates (they are not encodable as UTF-8), line breaks as
 * spaces, trimmed, at most maxLength code points (a surrogate pair is never split).
 * Returns null when nothing is left.
 */
// Anything the slow path below would change: controls, line breaks, direction
// marks, BOM, any surrogate (pairs are counted as one character there), and
// leading/trailing whitespace.
const NEEDS_CLEANING =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]|^\s|\s$/;

export function sanitizeText(text: unknown, maxLength: number): string | null {
  if (typeof text !== 'string') return null;
  if (text.length <= maxLength && isPlainAscii(text)) return text;
  return sanitizeTextByPattern(text, maxLength);
}

/** Printable ASCII, not empty, no space at either end: what NEEDS_CLEANING leaves alone, checked without a regex. */
function isPlainAscii(text: string): boolean {
  const last = text.length - 1;
  if (last < 0 || text.charCodeAt(0) === 0x20 || text.charCodeAt(last) === 0x20) return false;
  for (let i = 0; i <= last; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** sanitizeText by regular expressions: every input, and the reference the fast path is tested against. */
export function sanitizeTextByPattern(text: unknown, maxLength: number): string | null {
  if (typeof text !== 'string') return null;
  if (text.length <= maxLength && !NEEDS_CLEANING.test(text)) return text === '' ? null : text;
  // Bound the work before the regexes run: 4 code units per allowed character is
  // more than any input that survives stripping could need.
  const bounded = text.length > maxLength * 4 + 64 ? text.slice(0, maxLength * 4 + 64) : text;
  const cleaned = bounded.replace(LONE_SURROGATE, '\ufffd').replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').trim();
  if (cleaned === '') return null;
  const codePoints = Array.from(cleaned);
  const capped = codePoints.length > maxLength ? codePoints.slice(0, maxLength).join('').trimEnd() : cleaned;
  return capped === '' ? null : capped;
}

export function sanitizeHostname(text: unknown): string | null {
  return sanitizeText(text, HOSTNAME_MAX_LENGTH);
}

export function sanitizeComment(text: unknown): string | null {
  return sanitizeText(text, COMMENT_MAX_LENGTH);
}

// ---------------------------------------------------------------------------
// Text encoding
//
// The API carries bytes with no declared encoding. RouterOS itself stores what the
// client sent: DHCP clients and modern tools send UTF-8, WinBox sends the Windows
// code page (1252 for Western Europe). So: UTF-8 when the bytes are valid UTF-8,
// else Windows-1252.

/** Windows-1252 0x80..0x9F; null marks the five bytes the code page leaves undefined. */
const WIN1252_HIGH: ReadonlyArray<number | null> = [
  0x20ac,
  null,
  0x201a,
  0x0192,
  0x201e,
  0x2026,
  0x2020,
  0x2021,
  0x02c6,
  0x2030,
  0x0160,
  0x2039,
  0x0152,
  null,
  0x017d,
  null,
  null,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2022,
  0x2013,
  0x2014,
  0x02dc,
  0x2122,
  0x0161,
  0x203a,
  0x0153,
  null,
  0x017e,
  0x0178,
];

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Windows-1252 reading of bytes; the five undefined bytes read as U+FFFD. */
export function decodeWin1252(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte >= 0x80 && byte <= 0x9f) {
      out += String.fromCharCode(WIN1252_HIGH[byte - 0x80] ?? 0xfffd);
    } else {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}

/** Exact decoding of one API word's bytes: UTF-8 if valid, else Windows-1252. */
export function decodeRouterBytes(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return decodeWin1252(bytes);
  }
}
