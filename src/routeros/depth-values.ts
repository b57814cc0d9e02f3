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
 */

// ---------------------------------------------------------------------------
// Signal

/** Below any receiver's sensitivity and above any legal transmit power: a value outside is not a signal. */
export const SIGNAL_MIN_DBM = -150;
export const SIGNAL_MAX_DBM = 30;

// An integer dBm, optionally `dBm`, optionally `@<rate or MCS>`.
const SIGNAL_FORM = /^(-?\d{1,3})(?:dBm)?(?:@[0-9A-Za-z./-]{1,40})?$/;

/** dBm from any signal shape RouterOS prints; null for anything else. */
export function parseSignalDbm(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const match = SIGNAL_FORM.exec(text.trim());
  if (!match) return null;
  const dbm = Number(match[1]);
  if (dbm < SIGNAL_MIN_DBM || dbm > SIGNAL_MAX_DBM) return null;
  return dbm === 0 ? 0 : dbm; // "-0" is 0
}

// ---------------------------------------------------------------------------
// Rates

const RATE_UNITS: Readonly<Record<string, number>> = { bps: 1, kbps: 1e3, Mbps: 1e6, Gbps: 1e9 };
// Number + unit, then optionally `-` and the PHY details (`HT`, `80MHz/2S/SGI`).
const RATE_FORM = /^(\d{1,9}(?:\.\d{1,3})?)(bps|kbps|Mbps|Gbps)(?:-[0-9A-Za-z./-]{1,40})?$/;
const BARE_BITS = /^\d{1,15}$/;

/**
 * Bits per second from a RouterOS rate: `866.6Mbps-80MHz/2S/SGI`, `58.5Mbps-HT`,
 * `6Mbps`, `96kbps`, or a bare number of bits per second. Null for anything else.
 */
export function parseRateBitsPerSecond(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = text.trim();
  if (BARE_BITS.test(value)) return Number(value);
  const match = RATE_FORM.exec(value);
  if (!match) return null;
  // Scale in integer arithmetic where the digits allow: 1.2 * 1e6 must be 1200000, not 1199999.9999.
  const [whole, fraction = ''] = match[1]!.split('.');
  const scale = RATE_UNITS[match[2]!]!;
  const fractionDigits = fraction.length;
  const bits = (Number(whole) * 10 ** fractionDigits + Number(fraction || '0')) * (scale / 10 ** fractionDigits);
  return Math.round(bits);
}

// ---------------------------------------------------------------------------
// Counter pairs

const PAIR_FORM = /^(\d{1,16}),(\d{1,16})$/;

/** "tx,rx" counters as the access point counts them; null unless both are safe integers. */
export function parseCounterPair(text: unknown): { tx: number; rx: number } | null {
  if (typeof text !== 'string') return null;
  const match = PAIR_FORM.exec(text.trim());
  if (!match) return null;
  const tx = Number(match[1]);
  const rx = Number(match[2]);
  return Number.isSafeInteger(tx) && Number.isSafeInteger(rx) ? { tx, rx } : null;
}

/** A single non-negative counter (`bytes-down=123`); null unless a safe integer. */
export function parseCounter(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const value = text.trim();
  if (!/^\d{1,16}$/.test(value)) return null;
  const count = Number(value);
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
