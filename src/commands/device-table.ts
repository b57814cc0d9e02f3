import type { DeviceRecord } from '../inventory/types.js';

export interface TableOptions {
  now: number;
  color: boolean;
}

const COLUMNS = ['ROUTER', 'MAC', 'IP', 'NAME', 'HOSTNAME', 'LEASE', 'STATE', 'LAST SEEN'] as const;

/** A plain, aligned text table; control characters in hostile names are already stripped by the RouterOS layer. */
export function renderDeviceTable(devices: ReadonlyArray<DeviceRecord>, options: TableOptions): string {
  const rows = devices.map((d) => [
    d.router,
    d.mac,
    d.ip ?? '',
    d.name ?? '',
    d.hostname ?? '',
    d.lease,
    d.present ? 'present' : 'absent',
    d.lastSeen === null ? 'never' : `${formatAgo(options.now - d.lastSeen)} ago`,
  ]);
  const widths = COLUMNS.map((title, i) => Math.min(40, Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length))));
  const line = (cells: ReadonlyArray<string>): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const clipped = cell.length > width ? `${cell.slice(0, width - 1)}…` : cell;
        return clipped.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const header = line(COLUMNS);
  const body = rows.map((row, index) => {
    const text = line(row);
    if (!options.color) return text;
    return devices[index]?.present ? text : `\u001b[2m${text}\u001b[0m`;
  });
  return `${options.color ? `\u001b[1m${header}\u001b[0m` : header}\n${body.join('\n')}${body.length > 0 ? '\n' : ''}`;
}

export function formatAgo(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
