import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What people see for a randomised (locally administered) MAC: no vendor owns it. */
export const PRIVATE_ADDRESS = 'private address';

export interface VendorTable {
  /** Prefix (6, 7 or 9 upper-case hex digits: IEEE MA-L, MA-M, MA-S) to the organisation's name. */
  readonly names: ReadonlyMap<string, string>;
  /** MA-L prefixes with MA-M or MA-S blocks inside, so most lookups need one map probe, not three. */
  readonly subdivided: ReadonlySet<string>;
}

let table: VendorTable | null = null;
let loadError: Error | null = null;

/**
 * The IEEE registries from the `oui-data` package, read on first use: the file
 * is 5.6 MB of JSON (0.1-0.2 s to read and index here), which `devices --json`, `check-config`
 * and most imports of this module never need.
 */
export function vendorTable(): VendorTable {
  if (table) return table;
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('oui-data');
    table = buildVendorTable(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  } catch (error) {
    // A missing or unreadable data file must not break /api/devices or the page: vendors just stay blank.
    loadError = error instanceof Error ? error : new Error(String(error));
    table = { names: new Map(), subdivided: new Set() };
  }
  return table;
}

/** Why the table is empty, when loading it failed. */
export function vendorTableError(): Error | null {
  vendorTable();
  return loadError;
}

/**
 * Keeps only the organisation's name (the first line; the rest is a postal
 * address) with its whitespace collapsed, and shares equal names so the
 * 53k prefixes cost a few MB rather than the parsed file's size.
 */
export function buildVendorTable(raw: unknown): VendorTable {
  const result = new Map<string, string>();
  const subdivided = new Set<string>();
  if (raw === null || typeof raw !== 'object') return { names: result, subdivided };
  const entries = raw as Record<string, unknown>;
  const names = new Map<string, string>();
  // for-in and indexOf rather than entries/split/regex per row: this loop is most of the first lookup's cost.
  for (const prefix in entries) {
    const value = entries[prefix];
    if (typeof value !== 'string' || !PREFIX.test(prefix)) continue;
    const end = value.indexOf('\n');
    let name = end < 0 ? value : value.slice(0, end);
    if (UNTIDY.test(name)) name = name.replace(/\s+/g, ' ').trim();
    if (name === '') continue;
    let shared = names.get(name);
    if (shared === undefined) {
      shared = name;
      names.set(name, shared);
    }
    result.set(prefix, shared);
    if (prefix.length > 6) subdivided.add(prefix.slice(0, 6));
  }
  return { names: result, subdivided };
}

const PREFIX = /^[0-9A-F]{6}(?:[0-9A-F]|[0-9A-F]{3})?$/;
const UNTIDY = /^\s|\s$|\s\s|[^\S ]/;

/**
 * The registered vendor of a MAC address, PRIVATE_ADDRESS for a locally
 * administered one (randomised by phones and laptops, or set by hand: either
 * way the OUI says nothing), or null when it is not a MAC or not registered.
 * Accepts colon, dash, dot and bare forms in any case.
 */
export function vendorOf(mac: string, vendors: VendorTable = vendorTable()): string | null {
  const hex = macHex(mac);
  if (hex === null) return null;
  if ('26AE'.includes(hex[1]!)) return PRIVATE_ADDRESS;
  const ma = hex.slice(0, 6);
  // MA-M and MA-S blocks subdivide MA-L prefixes registered to "IEEE Registration Authority": longest match wins.
  if (vendors.subdivided.has(ma)) {
    const block = vendors.names.get(hex.slice(0, 9)) ?? vendors.names.get(hex.slice(0, 7));
    if (block !== undefined) return block;
  }
  return vendors.names.get(ma) ?? null;
}

/** The extra fields /api/devices and the landing page show for a device; never metric labels. */
export function vendorFields(device: { mac: string }): { vendor: string | null } {
  return { vendor: vendorOf(device.mac) };
}

function macHex(mac: string): string | null {
  if (typeof mac !== 'string') return null;
  // Device records carry the canonical "AA:BB:CC:DD:EE:FF": skip the regexes for them (10k lookups per /api/devices).
  if (mac.length === 17 && CANONICAL.test(mac)) {
    return mac.slice(0, 2) + mac.slice(3, 5) + mac.slice(6, 8) + mac.slice(9, 11) + mac.slice(12, 14) + mac.slice(15, 17);
  }
  const hex = mac.trim().replace(/[:.-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(hex) ? hex : null;
}

const CANONICAL = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;
