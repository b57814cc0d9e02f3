import type { Snapshot } from '../metrics/snapshot.js';

export interface LandingPageInput {
  version: string;
  snapshot: Snapshot;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Hostnames come from DHCP clients: everything user-controlled goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

export function renderLandingPage({ version, snapshot }: LandingPageInput): string {
  const rows = snapshot.devices
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.name ?? d.hostname ?? '')}</td><td>${escapeHtml(d.ip ?? '')}</td><td>${d.mac}</td>` +
        `<td>${escapeHtml(d.router)}</td><td>${d.present ? 'present' : 'absent'}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>network-monitor</title></head>
<body><header><h1>network-monitor</h1><p>Version ${escapeHtml(version)}</p>
<nav><a href="metrics">Metrics</a> · <a href="api/devices">Devices (JSON)</a> · <a href="healthz">Health</a></nav></header>
<main><table><thead><tr><th>Name</th><th>IP</th><th>MAC</th><th>Router</th><th>State</th></tr></thead>
<tbody>
${rows}
</tbody></table></main></body></html>
`;
}
