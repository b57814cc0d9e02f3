import type { Snapshot } from '../metrics/snapshot.js';
import { type CellPart, DEVICE_COLUMNS, rowClass, showingText } from './device-columns.js';
import { countDevices, DEFAULT_SELECTION, type SortKey, selectDevices, summaryText, type ViewDevice } from './device-view.js';
import { assetHref, PAGE_SCRIPT } from './page-assets.js';

export { summaryText } from './device-view.js';

export interface LandingPageInput {
  version: string;
  snapshot: Snapshot;
  /** The same decoration /api/devices applies (vendor names), so first paint and refreshes agree. */
  decorate?: (device: Snapshot['devices'][number]) => Record<string, unknown>;
  /** Unix seconds; defaults to the clock. */
  now?: number;
}

/** Rows in the first paint and per "show more": the DOM stays fast at 10k devices, search narrows the rest. */
export const PAGE_ROWS = 500;
export const REFRESH_SECONDS = 5;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Hostnames come from DHCP clients: everything user-controlled goes through this, in text and in attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

export const COLUMNS: ReadonlyArray<{ key: SortKey; label: string }> = DEVICE_COLUMNS.map(({ key, label }) => ({ key, label }));

export function renderLandingPage({ version, snapshot, decorate, now = Date.now() / 1000 }: LandingPageInput): string {
  const devices: ViewDevice[] = decorate ? snapshot.devices.map((d) => ({ ...d, ...decorate(d) })) : [...snapshot.devices];
  const selected = selectDevices(devices, DEFAULT_SELECTION, now);
  const shown = selected.slice(0, PAGE_ROWS);
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>network-monitor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${e(assetHref('/assets/devices.css'))}">
<script type="module" src="${e(assetHref(PAGE_SCRIPT))}"></script>
</head>
<body>
<header class="top">
<h1>network-monitor</h1>
<p>Prometheus exporter for LAN devices behind MikroTik RouterOS routers · version ${e(version)}</p>
<nav aria-label="Endpoints"><ul>
<li><a href="metrics">Metrics</a></li>
<li><a href="api/devices">Devices (JSON)</a></li>
<li><a href="healthz">Health</a></li>
<li><a href="readyz">Readiness</a></li>
</ul></nav>
</header>
<main>
<section aria-labelledby="devices-heading">
<h2 id="devices-heading">Devices</h2>
<p class="summary" id="summary">${e(summaryText(countDevices(devices, now)))}</p>
<p class="updated" id="updated">Refreshes every ${REFRESH_SECONDS} s.</p>
<noscript><p class="error">Without JavaScript this table neither refreshes nor sorts: reload the page for new data.</p></noscript>
<form class="controls" id="controls" role="search" action="#">
<div><label for="search">Search</label><input id="search" type="search" autocomplete="off" spellcheck="false" placeholder="name, IP, MAC, vendor, router, port" aria-describedby="showing"></div>
<div><label for="filter">Show</label><select id="filter">
<option value="all">All devices</option>
<option value="present">Present</option>
<option value="absent">Absent</option>
<option value="new">New (first seen in the last 24 h)</option>
<option value="watched">Watched</option>
</select></div>
</form>
<p class="showing" id="showing" role="status">${e(showingText(shown.length, selected.length, devices.length))}</p>
<p class="error" id="error" role="alert" hidden></p>
<div class="table-wrap">
<table id="devices" data-now="${now}" data-refresh-seconds="${REFRESH_SECONDS}" data-page-rows="${PAGE_ROWS}">
<caption class="visually-hidden">Devices seen by the routers. Column headings are buttons that sort the table.</caption>
<thead><tr>
${COLUMNS.map((c) => headerCell(c.key, c.label, c.key === DEFAULT_SELECTION.sort ? DEFAULT_SELECTION.direction : null)).join('\n')}
</tr></thead>
<tbody>
${shown.map((d) => renderRow(d, now)).join('\n')}
</tbody>
</table>
</div>
<button class="more" id="more" type="button"${shown.length < selected.length ? '' : ' hidden'}>Show ${PAGE_ROWS} more</button>
</section>
</main>
</body>
</html>
`;
}

export { showingText };

function headerCell(key: SortKey, label: string, sort: string | null): string {
  return `<th scope="col"${sort ? ` aria-sort="${sort}"` : ''}><button type="button" data-sort="${key}">${escapeHtml(label)}<span class="arrow" aria-hidden="true"></span></button></th>`;
}

/** One device row, from the columns the page's script also builds its rows from. */
export function renderRow(d: ViewDevice, now: number): string {
  const e = escapeHtml;
  const cells = DEVICE_COLUMNS.map(
    (column) => `<td data-label="${e(column.label)}">${column.cell(d, now).map(partHtml).join('')}</td>`,
  );
  return `<tr class="${rowClass(d)}" data-router="${e(d.router)}" data-mac="${e(d.mac)}">${cells.join('')}</tr>`;
}

function partHtml(part: CellPart): string {
  if (typeof part === 'string') return escapeHtml(part);
  const className = part.className ? ` class="${escapeHtml(part.className)}"` : '';
  const attributes = Object.entries(part.attributes ?? {})
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  return `<${part.tag}${className}${attributes}>${escapeHtml(part.text)}</${part.tag}>`;
}
