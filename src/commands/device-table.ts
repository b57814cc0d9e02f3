import {
  countDevices,
  DEFAULT_SELECTION,
  devicePresence,
  displayName,
  leaseExpiryText,
  leaseText,
  portText,
  relativeTime,
  secondaryName,
  selectDevices,
  signalStrength,
  signalText,
  type ViewDevice,
} from '../http/device-view.js';
import type { DeviceRecord } from '../inventory/types.js';
import { PRIVATE_ADDRESS, vendorOf } from '../vendor/oui.js';

export interface TableOptions {
  /** Unix seconds. */
  now: number;
  /** ANSI colours; see useColor. */
  color: boolean;
  /** Vendor lookup; the OUI registry by default (loaded on first use, so `--json` never pays for it). */
  vendor?: (mac: string) => string | null;
}

/** Columns wider than this are clipped with "…"; /api/devices and --json keep the full text. */
const MAX_WIDTH = 32;

/**
 * The page's columns, less first seen: `devices` polls once and reads no state
 * file, so every device would look first seen (and "new") just now.
 */
const COLUMNS = ['NAME', 'IP', 'MAC', 'VENDOR', 'ROUTER', 'PORT', 'LEASE', 'LAST SEEN', 'STATE', 'NOTES'] as const;
/** Shown after PORT only when some device is on Wi-Fi: a LAN without registration tables keeps its narrower table. */
const WIFI_COLUMN = 'WI-FI';
const WIFI_AT = COLUMNS.indexOf('PORT') + 1;

const ANSI = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  reset: '\u001b[0m',
} as const;

type Style = keyof typeof ANSI | null;

interface Cell {
  text: string;
  style: Style;
}

/**
 * Colour only for a person at a terminal: never in a pipe or file, never with
 * NO_COLOR (no-color.org) or TERM=dumb; FORCE_COLOR asks for it anyway.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * The landing page's table for a terminal: same order and wording
 * (device-view.ts), aligned, with a summary line: present first, then by name.
 */
export function renderDeviceTable(devices: ReadonlyArray<DeviceRecord>, options: TableOptions): string {
  const lookup = options.vendor ?? vendorOf;
  const { now } = options;
  const view: ViewDevice[] = devices.map((d) => ({ ...d, vendor: lookup(d.mac) }));
  const selected = selectDevices(view, DEFAULT_SELECTION, now);
  const withWifi = selected.some((d) => d.wifi);
  const columns: string[] = [...COLUMNS];
  if (withWifi) columns.splice(WIFI_AT, 0, WIFI_COLUMN);
  const rows = selected.map((d) => {
    const cells = deviceCells(d, now);
    if (withWifi) cells.splice(WIFI_AT, 0, wifiCell(d));
    return cells;
  });
  const header: Cell[] = columns.map((title) => ({ text: title, style: 'bold' }));
  const widths = columns.map((_, i) =>
    Math.min(MAX_WIDTH, Math.max(...[header, ...rows].map((row) => displayWidth(row[i]!.text)))),
  );
  const line = (cells: Cell[], rowStyle: Style = null): string => {
    const last = cells.length - 1;
    const parts = cells.map((cell, i) => {
      const text = clipToWidth(cell.text, widths[i]!);
      // No padding after the last column: lines end without trailing blanks.
      const padded = i === last ? text : text + ' '.repeat(widths[i]! - displayWidth(text));
      return options.color ? paint(padded, cell.style ?? rowStyle) : padded;
    });
    return parts.join('  ').trimEnd();
  };
  const body = rows.map((cells, index) => line(cells, selected[index]!.present ? null : 'dim'));
  const counts = countDevices(view, now);
  const summary = `${counts.total} ${counts.total === 1 ? 'device' : 'devices'}: ${counts.present} present, ${counts.absent} absent, ${counts.watched} watched`;
  return `${line(header)}\n${body.map((text) => `${text}\n`).join('')}${summary}\n`;
}

function deviceCells(d: ViewDevice, now: number): Cell[] {
  const state = devicePresence(d);
  const secondary = secondaryName(d);
  const name = displayName(d);
  const notes = [d.watched ? 'watched' : null, d.conflicts.length > 0 ? 'conflict' : null].filter(
    (note): note is string => note !== null,
  );
  const expiry = leaseExpiryText(d, now);
  const cell = (text: string, style: Style = null): Cell => ({ text: terminalSafe(text), style });
  return [
    cell(name === '' ? '-' : secondary ? `${name} (${secondary})` : name),
    cell(d.ip ?? ''),
    cell(d.mac),
    cell(d.vendor ?? '', d.vendor === PRIVATE_ADDRESS ? 'dim' : null),
    cell(d.router),
    cell(portText(d)),
    cell(expiry ? `${leaseText(d)}, ${expiry}` : leaseText(d)),
    cell(d.lastSeen === null ? 'never' : relativeTime(d.lastSeen, now)),
    cell(state, state === 'present' ? 'green' : state === 'absent' ? 'red' : 'yellow'),
    cell(notes.join(', '), d.conflicts.length > 0 ? 'yellow' : null),
  ];
}

/** "-61 dBm good, ap-upstairs": signal, its strength in words, and the access point. */
function wifiCell(d: ViewDevice): Cell {
  const wifi = d.wifi;
  if (!wifi) return { text: '', style: null };
  const dbm = wifi.signalDbm;
  const strength = dbm === null ? null : signalStrength(dbm);
  const text = [dbm === null ? null : `${signalText(d)} ${strength}`, wifi.ap].filter((part) => part !== null).join(', ');
  return { text: terminalSafe(text), style: strength === 'weak' ? 'red' : strength === 'fair' ? 'yellow' : null };
}

function paint(text: string, style: Style): string {
  return style === null ? text : `${ANSI[style]}${text}${ANSI.reset}`;
}

/**
 * Hostnames come from DHCP clients: an ESC in one could rewrite the terminal
 * (move the cursor, retitle the window, hide lines). Control characters and
 * bidirectional overrides become U+FFFD, whatever the layers below did.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

/** Terminal columns: East Asian wide characters and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

function charWidth(code: number): number {
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Cuts to at most `width` columns, ending in "…" when it cut. */
export function clipToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}
