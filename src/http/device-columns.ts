/**
 * The device table's columns, defined once for the server's first paint
 * (landing.ts, HTML) and the page's script (page/devices.ts, DOM). A cell is
 * described as parts, never as markup: each renderer turns text into escaped
 * HTML or into textContent, so hostile names stay text on both sides. To add a
 * column, add it here (and its sort key in device-view.ts).
 */
import {
  absoluteTime,
  accessPointText,
  clip,
  devicePresence,
  displayName,
  isNewDevice,
  isoTime,
  leaseExpiryText,
  leaseText,
  portText,
  relativeTime,
  type SortKey,
  secondaryName,
  signalStrength,
  signalText,
  trafficText,
  type ViewDevice,
} from './device-view.js';

/** A piece of a cell: plain text, or one element with text (and attributes, whose values are text too). */
export type CellPart =
  | string
  | { tag: 'span' | 'code' | 'time'; className?: string; text: string; attributes?: Readonly<Record<string, string>> };

export interface DeviceColumn {
  key: SortKey;
  label: string;
  cell(d: ViewDevice, now: number): CellPart[];
}

const span = (className: string, text: string): CellPart => ({ tag: 'span', className, text });

function timeParts(at: number | null, now: number): CellPart[] {
  if (at === null) return [span('none', 'never')];
  // Date cannot represent it (a corrupt state file, say): say so instead of failing the page.
  if (!(Math.abs(at) < 8.64e12)) return [span('none', 'unknown')];
  return [{ tag: 'time', text: relativeTime(at, now), attributes: { datetime: isoTime(at), title: absoluteTime(at) } }];
}

export const DEVICE_COLUMNS: ReadonlyArray<DeviceColumn> = [
  {
    key: 'name',
    label: 'Name',
    cell(d) {
      const name = clip(displayName(d));
      const secondary = clip(secondaryName(d));
      const parts = [name === '' ? span('name none', 'unnamed') : span('name', name)];
      if (secondary) parts.push(span('sub', secondary));
      return parts;
    },
  },
  { key: 'ip', label: 'IP', cell: (d) => [clip(d.ip ?? '')] },
  { key: 'mac', label: 'MAC', cell: (d) => [{ tag: 'code', text: d.mac }] },
  {
    key: 'vendor',
    label: 'Vendor',
    cell(d) {
      const vendor = d.vendor ?? '';
      return [vendor === 'private address' ? span('private', vendor) : clip(vendor)];
    },
  },
  { key: 'router', label: 'Router', cell: (d) => [clip(d.router)] },
  { key: 'port', label: 'Interface / port', cell: (d) => [clip(portText(d))] },
  {
    key: 'wifi',
    label: 'Wi-Fi',
    cell(d) {
      const dbm = d.wifi?.signalDbm;
      const parts: CellPart[] = [];
      if (dbm !== null && dbm !== undefined) {
        const strength = signalStrength(dbm);
        // The word carries the cue, the colour only repeats it.
        parts.push(span(`signal ${strength}`, `${signalText(d)} ${strength}`));
      }
      const ap = clip(accessPointText(d));
      if (ap !== '') parts.push(span('sub', ap));
      return parts;
    },
  },
  { key: 'traffic', label: 'Traffic', cell: (d) => [trafficText(d)] },
  {
    key: 'lease',
    label: 'Lease',
    cell(d, now) {
      const expiry = leaseExpiryText(d, now);
      return expiry ? [leaseText(d), span('sub', expiry)] : [leaseText(d)];
    },
  },
  { key: 'firstSeen', label: 'First seen', cell: (d, now) => timeParts(d.firstSeen, now) },
  { key: 'lastSeen', label: 'Last seen', cell: (d, now) => timeParts(d.lastSeen, now) },
  {
    key: 'state',
    label: 'State',
    cell(d, now) {
      const state = devicePresence(d);
      const parts = [span(`badge ${state === 'present' ? 'present' : state === 'absent' ? 'absent' : 'never'}`, state)];
      if (isNewDevice(d, now)) parts.push(span('tag new', 'new'));
      if (d.watched) parts.push(span('tag watched', 'watched'));
      if (d.conflicts.length > 0) {
        parts.push({
          tag: 'span',
          className: 'tag conflict',
          text: 'conflict',
          attributes: { title: clip(d.conflicts.join('; '), 500) },
        });
      }
      return parts;
    },
  },
];

/** The row's class: present rows and the rest (absent or never seen) look different. */
export function rowClass(d: ViewDevice): string {
  return devicePresence(d) === 'present' ? 'present' : 'absent';
}

export function showingText(shown: number, matching: number, total: number): string {
  const base = `Showing ${shown} of ${matching} ${matching === 1 ? 'device' : 'devices'}`;
  return matching === total ? base : `${base} (${total} in total)`;
}
