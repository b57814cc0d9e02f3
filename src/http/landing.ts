import type { Snapshot } from '../metrics/snapshot.js';
import {
  absoluteTime,
  clip,
  countDevices,
  DEFAULT_SELECTION,
  devicePresence,
  displayName,
  isNewDevice,
  isoTime,
  leaseExpiryText,
  leaseText,
  MAX_TEXT_CHARS,
  NEW_DEVICE_SECONDS,
  portText,
  relativeTime,
  type SortKey,
  secondaryName,
  selectDevices,
  summaryText,
  type ViewDevice,
} from './device-view.js';
import { assetHref } from './page-assets.js';

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

export const COLUMNS: ReadonlyArray<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'Name' },
  { key: 'ip', label: 'IP' },
  { key: 'mac', label: 'MAC' },
  { key: 'vendor', label: 'Vendor' },
  { key: 'router', label: 'Router' },
  { key: 'port', label: 'Interface / port' },
  { key: 'lease', label: 'Lease' },
  { key: 'firstSeen', label: 'First seen' },
  { key: 'lastSeen', label: 'Last seen' },
  { key: 'state', label: 'State' },
];

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
<script src="${e(assetHref('/assets/devices.js'))}" defer></script>
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
<table id="devices" data-now="${now}" data-refresh-seconds="${REFRESH_SECONDS}" data-page-rows="${PAGE_ROWS}" data-new-seconds="${NEW_DEVICE_SECONDS}" data-max-chars="${MAX_TEXT_CHARS}">
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

export function showingText(shown: number, matching: number, total: number): string {
  const base = `Showing ${shown} of ${matching} ${matching === 1 ? 'device' : 'devices'}`;
  return matching === total ? base : `${base} (${total} in total)`;
}

function headerCell(key: SortKey, label: string, sort: string | null): string {
  return `<th scope="col"${sort ? ` aria-sort="${sort}"` : ''}><button type="button" data-sort="${key}">${escapeHtml(label)}<span class="arrow" aria-hidden="true"></span></button></th>`;
}

/** One device row; page-script.ts builds the same structure with textContent. */
export function renderRow(d: ViewDevice, now: number): string {
  const e = escapeHtml;
  const state = devicePresence(d);
  const name = clip(displayName(d));
  const secondary = clip(secondaryName(d));
  const vendor = d.vendor ?? '';
  const expiry = leaseExpiryText(d, now);
  const cells = [
    cell(
      'Name',
      (name === '' ? `<span class="name none">unnamed</span>` : `<span class="name">${e(name)}</span>`) +
        (secondary ? `<span class="sub">${e(secondary)}</span>` : ''),
    ),
    cell('IP', e(clip(d.ip ?? ''))),
    cell('MAC', `<code>${e(d.mac)}</code>`),
    cell('Vendor', vendor === 'private address' ? `<span class="private">${e(vendor)}</span>` : e(clip(vendor))),
    cell('Router', e(clip(d.router))),
    cell('Interface / port', e(clip(portText(d)))),
    cell('Lease', e(leaseText(d)) + (expiry ? `<span class="sub">${e(expiry)}</span>` : '')),
    cell('First seen', timeHtml(d.firstSeen, now)),
    cell('Last seen', timeHtml(d.lastSeen, now)),
    cell('State', stateHtml(d, state, now)),
  ];
  return `<tr class="${state === 'present' ? 'present' : 'absent'}" data-router="${e(d.router)}" data-mac="${e(d.mac)}">${cells.join('')}</tr>`;
}

function cell(label: string, html: string): string {
  return `<td data-label="${escapeHtml(label)}">${html}</td>`;
}

function timeHtml(at: number | null, now: number): string {
  if (at === null) return '<span class="none">never</span>';
  // Date cannot represent it (a corrupt state file, say): say so instead of failing the page.
  if (!(Math.abs(at) < 8.64e12)) return '<span class="none">unknown</span>';
  return `<time datetime="${isoTime(at)}" title="${absoluteTime(at)}">${escapeHtml(relativeTime(at, now))}</time>`;
}

function stateHtml(d: ViewDevice, state: string, now: number): string {
  const badgeClass = state === 'present' ? 'present' : state === 'absent' ? 'absent' : 'never';
  let html = `<span class="badge ${badgeClass}">${state}</span>`;
  if (isNewDevice(d, now)) html += '<span class="tag new">new</span>';
  if (d.watched) html += '<span class="tag watched">watched</span>';
  if (d.conflicts.length > 0)
    html += `<span class="tag conflict" title="${escapeHtml(clip(d.conflicts.join('; '), 500))}">conflict</span>`;
  return html;
}
