/**
 * Pure parsers for the values the device-depth tables carry (Wi-Fi registration
 * tables, kid control, IP pools). Like values.ts, every function accepts
 * anything and never throws; a shape it does not know gives null, so the caller
 * rejects (and counts) the row instead of exporting a wrong number.
 *
 * The shapes, and where each was read:
 * - Signal. Legacy wireless `signal-strength`: `-74dBm@6Mbps` (a captured
 *   RouterOS reply quoted in collectd's librouteros, src/registration_table.c)
 *   and `-67@HT20-7` (rate after the `@`, no unit); its `strength-at-rates`
 *   list uses the same `-73dBm@HT20-4` form. RouterOS 7 wifi/wifiwave2 renamed
 *   the field to `signal` and print a bare `-61`; legacy CAPsMAN calls it
 *   `rx-signal` (mktxp, datasource/wireless_ds.py and capsman_ds.py, which copy
 *   `signal` into `signal-strength`/`rx-signal` for that reason).
 * - Rates. `58.5Mbps-HT`, `52.0Mbps-HT` (librouteros sample above),
 *   `866.6Mbps-80MHz/2S/SGI` (802.11ac), `6Mbps`, `1.2Mbps`, `96kbps`; kid
 *   control's `rate-down`/`rate-up` as plain bits per second (`1024`) or with a
 *   unit (mktxp, collector/kid_control_device_collector.py parses both).
 * - Counter pairs. `bytes=1090924066,2872515632`, `packets=6962070,10208268`:
 *   "tx,rx" from the access point's side (librouteros sample; mktxp
 *   processor/output.py splits `bytes` into tx then rx).
 * - Pool ranges. `10.0.0.2-10.0.0.99,10.0.0.101-10.0.0.126` (RouterOS manual,
 *   IP pools: "from1-to1,from2-to2,...,fromN-toN"); single addresses and
 *   prefixes (`192.168.1.0/24`) are accepted as mktxp's pool collector does.
 * - Uptimes (`2w6d13:21:53`, `1h2m3s`) are durations: values.ts parseDuration.
 *
 * The signal, rate and counter parsers run for every Wi-Fi and kid-control row
 * of every poll (about 25k values at 10k devices). They are hand-written
 * recognisers: the regular expressions they replace (kept as the oracles of
 * depth-values.test.ts, which checks both give the same answer for arbitrary
 * input) cost about 3 ms of a 10k-device poll, the recognisers a fraction of it.
 */

// ---------------------------------------------------------------------------
// Character classes of the recognisers

const MINUS = 0x2d;
const DOT = 0x2e;
const COMMA = 0x2c;
const AT = 0x40;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `[0-9A-Za-z./-]`: what may follow the `@` of a signal or the `-` of a rate (PHY details). */
function isDetail(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === DOT ||
    code === 0x2f ||
    code === MINUS
  );
}

/** True when `text` from `at` to its end is 1 to 40 detail characters. */
function detailsToEnd(text: string, at: number): boolean {
  const count = text.length - at;
  if (count < 1 || count > 40) return false;
  for (let i = at; i < text.length; i++) if (!isDetail(text.charCodeAt(i))) return false;
  return true;
}

/** text.trim(), without a copy when the ends are printable ASCII (as RouterOS prints them). */
function trimmed(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? text : text.trim();
}

/** The number of digits from `at` on (up to the first non-digit). */
function digitsFrom(text: string, at: number): number {
  let end = at;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  return end - at;
}

/** The value of `count` (<= 16) decimal digits from `at`, as Number() would read them. */
function digitValue(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
  // Past 2^53 the running product rounds; such values are refused by the callers (not safe integers).
  return value;
}

// ---------------------------------------------------------------------------
// Signal

/** Below any receiver's sensitivity and above any legal transmit power: a value outside is not a signal. */
export const SIGNAL_MIN_DBM = -150;
export const SIGNAL_MAX_DBM = 30;

/**
 * dBm from any signal shape RouterOS prints; null for anything else. The shape:
 * an integer dBm (1-3 digits, optional `-`), optionally `dBm`, optionally `@`
 * and a rate or MCS (1-40 of `[0-9A-Za-z./-]`).
 */
export function parseSignalDbm(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = trimmed(text);
  const negative = value.charCodeAt(0) === MINUS;
  const from = negative ? 1 : 0;
  const digits = digitsFrom(value, from);
  if (digits < 1 || digits > 3) return null;
  let at = from + digits;
  if (value.startsWith('dBm', at)) at += 3;
  if (at < value.length) {
    if (value.charCodeAt(at) !== AT || !detailsToEnd(value, at + 1)) return null;
  }
  const magnitude = digitValue(value, from, digits);
  const dbm = negative ? -magnitude : magnitude;
  if (dbm < SIGNAL_MIN_DBM || dbm > SIGNAL_MAX_DBM) return null;
  return dbm === 0 ? 0 : dbm; // "-0" is 0
}

// ---------------------------------------------------------------------------
// Rates

/** The multiplier of a rate unit starting at `at` and its length, or null. */
function rateUnit(text: string, at: number): { scale: number; length: number } | null {
  if (text.startsWith('bps', at)) return BPS;
  if (text.startsWith('bps', at + 1)) {
    const prefix = text.charCodeAt(at);
    if (prefix === 0x6b) return KBPS; // k
    if (prefix === 0x4d) return MBPS; // M
    if (prefix === 0x47) return GBPS; // G
  }
  return null;
}
const BPS = { scale: 1, length: 3 };
const KBPS = { scale: 1e3, length: 4 };
const MBPS = { scale: 1e6, length: 4 };
const GBPS = { scale: 1e9, length: 4 };

/**
 * Bits per second from a RouterOS rate: `866.6Mbps-80MHz/2S/SGI`, `58.5Mbps-HT`,
 * `6Mbps`, `96kbps`, or a bare number of bits per second (1-15 digits). Null for
 * anything else. The shape: 1-9 digits, optionally `.` and 1-3 digits, a unit
 * (bps, kbps, Mbps, Gbps), optionally `-` and the PHY details (1-40 of `[0-9A-Za-z./-]`).
 */
export function parseRateBitsPerSecond(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = trimmed(text);
  const whole = digitsFrom(value, 0);
  if (whole === value.length) return whole >= 1 && whole <= 15 ? digitValue(value, 0, whole) : null;
  if (whole < 1 || whole > 9) return null;
  let at = whole;
  let fractionDigits = 0;
  if (value.charCodeAt(at) === DOT) {
    fractionDigits = digitsFrom(value, at + 1);
    if (fractionDigits < 1 || fractionDigits > 3) return null;
    at += 1 + fractionDigits;
  }
  const unit = rateUnit(value, at);
  if (unit === null) return null;
  at += unit.length;
  if (at < value.length && (value.charCodeAt(at) !== MINUS || !detailsToEnd(value, at + 1))) return null;
  // Scale in integer arithmetic where the digits allow: 1.2 * 1e6 must be 1200000, not 1199999.9999.
  const wholeValue = digitValue(value, 0, whole);
  const fraction = fractionDigits === 0 ? 0 : digitValue(value, whole + 1, fractionDigits);
  const bits = (wholeValue * 10 ** fractionDigits + fraction) * (unit.scale / 10 ** fractionDigits);
  return Math.round(bits);
}

// ---------------------------------------------------------------------------
// Counter pairs

export interface CounterPair {
  tx: number;
  rx: number;
}

/** "tx,rx" counters as the access point counts them (1-16 digits each); null unless both are safe integers. */
export function parseCounterPair(text: unknown): CounterPair | null {
  const pair = { tx: 0, rx: 0 };
  return parseCounterPairInto(text, pair) ? pair : null;
}

/**
 * parseCounterPair writing into `out` (false: not a pair, `out` untouched), for the
 * Wi-Fi mapping, which reads each row's pair at once: on a busy network every
 * client's counters move, and a pair object per client per poll was garbage.
 */
export function parseCounterPairInto(text: unknown, out: CounterPair): boolean {
  if (typeof text !== 'string') return false;
  const value = trimmed(text);
  const txDigits = digitsFrom(value, 0);
  if (txDigits < 1 || txDigits > 16 || value.charCodeAt(txDigits) !== COMMA) return false;
  const rxDigits = digitsFrom(value, txDigits + 1);
  if (rxDigits < 1 || rxDigits > 16 || txDigits + 1 + rxDigits !== value.length) return false;
  const tx = digitValue(value, 0, txDigits);
  const rx = digitValue(value, txDigits + 1, rxDigits);
  if (!Number.isSafeInteger(tx) || !Number.isSafeInteger(rx)) return false;
  out.tx = tx;
  out.rx = rx;
  return true;
}

/** A single non-negative counter (`bytes-down=123`, 1-16 digits); null unless a safe integer. */
export function parseCounter(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = trimmed(text);
  const digits = digitsFrom(value, 0);
  if (digits < 1 || digits > 16 || digits !== value.length) return null;
  const count = digitValue(value, 0, digits);
  return Number.isSafeInteger(count) ? count : null;
}

// ---------------------------------------------------------------------------
// IPv4 pool ranges

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4ToNumber(text: string): number | null {
  const match = IPV4.exec(text.trim());
  if (!match) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(match[i]);
    if (octet > 255 || (match[i]!.length > 1 && match[i]!.startsWith('0'))) return null;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * The number of addresses in an IPv4 pool's `ranges`
 * (`from-to,from-to`, single addresses, `a.b.c.d/len`). Null when any part is
 * not a range, so a pool is never reported with a size it does not have.
 */
export function poolSize(ranges: unknown): number | null {
  if (typeof ranges !== 'string' || ranges.length > 10_000) return null;
  const parts = ranges.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.every((part) => part === '')) return null;
  let total = 0;
  for (const part of parts) {
    if (part === '') continue;
    const dash = part.indexOf('-');
    const slash = part.indexOf('/');
    if (dash >= 0) {
      const from = ipv4ToNumber(part.slice(0, dash));
      const to = ipv4ToNumber(part.slice(dash + 1));
      if (from === null || to === null || to < from) return null;
      total += to - from + 1;
    } else if (slash >= 0) {
      const base = ipv4ToNumber(part.slice(0, slash));
      const lengthText = part.slice(slash + 1);
      if (base === null || !/^\d{1,2}$/.test(lengthText) || Number(lengthText) > 32) return null;
      total += 2 ** (32 - Number(lengthText));
    } else {
      if (ipv4ToNumber(part) === null) return null;
      total += 1;
    }
  }
  return total;
}
