/**
 * The landing page's script: a browser module compiled by tsc from this file
 * (tsconfig.page.json, DOM types) and served under /assets/ with the modules
 * it imports. It refreshes the device table from /api/devices and does search,
 * filter and sort in the page, with the display rules and columns of the
 * server's first paint (device-view.ts, device-columns.ts), not a copy of them.
 *
 * Every string in a device record came from a DHCP client or a router and is
 * hostile: the DOM is built with createElement/textContent/setAttribute only,
 * never innerHTML.
 */
import { type CellPart, DEVICE_COLUMNS, rowClass, showingText } from '../device-columns.js';
import {
  compareDevices,
  countDevices,
  type DeviceFilter,
  FILTERS,
  matchesFilter,
  SORT_KEYS,
  type SortDirection,
  type SortKey,
  type SortValue,
  searchText,
  sortValue,
  summaryText,
  type ViewDevice,
} from '../device-view.js';

const FETCH_TIMEOUT_MS = 15_000;
/** Above this many devices, wait for a pause in typing before filtering. */
const DEBOUNCE_ABOVE = 2000;

/** A device as the page keeps it: the record, plus what search and sort need, computed once per refresh. */
interface PageDevice extends ViewDevice {
  searchText: string;
  sortValues: Partial<Record<SortKey, SortValue>>;
}

// ---- device records from /api/devices, checked field by field ----
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean => v === true;
const record = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

function wifiOf(raw: unknown): ViewDevice['wifi'] {
  const w = record(raw);
  if (w === null) return null;
  return {
    ap: str(w.ap) ?? '',
    interface: str(w.interface),
    ssid: str(w.ssid),
    band: str(w.band),
    signalDbm: num(w.signalDbm),
    txRateBps: num(w.txRateBps),
    rxRateBps: num(w.rxRateBps),
    connectedSince: num(w.connectedSince),
  };
}

function trafficOf(raw: unknown): ViewDevice['traffic'] {
  const t = record(raw);
  const bytesDown = num(t?.bytesDown);
  const bytesUp = num(t?.bytesUp);
  if (t === null || bytesDown === null || bytesUp === null) return null;
  return {
    source: t.source === 'kid-control' ? 'kid-control' : 'wifi',
    bytesDown,
    bytesUp,
    rateDownBps: num(t.rateDownBps),
    rateUpBps: num(t.rateUpBps),
  };
}

function normalise(raw: unknown): PageDevice {
  const r = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const sources = (r.sources !== null && typeof r.sources === 'object' ? r.sources : {}) as Record<string, unknown>;
  const lease = str(r.lease);
  const device: ViewDevice = {
    router: str(r.router) ?? '',
    mac: str(r.mac) ?? '',
    ip: str(r.ip),
    hostname: str(r.hostname),
    name: str(r.name),
    interface: str(r.interface),
    bridgePort: str(r.bridgePort),
    dhcpServer: str(r.dhcpServer),
    lease: lease === 'dynamic' || lease === 'static' ? lease : 'none',
    leaseStatus: str(r.leaseStatus),
    leaseExpiresAt: num(r.leaseExpiresAt),
    randomized: bool(r.randomized),
    watched: bool(r.watched),
    firstSeen: num(r.firstSeen),
    lastSeen: num(r.lastSeen),
    present: bool(r.present),
    sources: { dhcp: bool(sources.dhcp), arp: bool(sources.arp), bridge: bool(sources.bridge) },
    conflicts: Array.isArray(r.conflicts) ? r.conflicts.filter((c): c is string => typeof c === 'string') : [],
    arpStatus: str(r.arpStatus),
    arpAddress: str(r.arpAddress),
    leaseAddress: str(r.leaseAddress),
    wifi: wifiOf(r.wifi),
    traffic: trafficOf(r.traffic),
    ipv6Addresses: Array.isArray(r.ipv6Addresses) ? r.ipv6Addresses.filter((a): a is string => typeof a === 'string') : [],
    vendor: str(r.vendor),
  };
  return { ...device, searchText: searchText(device), sortValues: {} };
}

/** Sort keys depend on the record only; caching them keeps a 10k-device sort cheap. */
function cachedSortValue(d: PageDevice, key: SortKey): SortValue {
  if (!(key in d.sortValues)) d.sortValues[key] = sortValue(d, key);
  return d.sortValues[key] ?? null;
}

// ---- DOM (landing.ts builds the same markup on the server from the same columns) ----
function partNode(part: CellPart): Node | string {
  if (typeof part === 'string') return part;
  const node = document.createElement(part.tag);
  if (part.className) node.className = part.className;
  for (const [name, value] of Object.entries(part.attributes ?? {})) node.setAttribute(name, value);
  node.textContent = part.text;
  return node;
}

function buildRow(d: PageDevice, now: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = rowClass(d);
  tr.setAttribute('data-router', d.router);
  tr.setAttribute('data-mac', d.mac);
  for (const column of DEVICE_COLUMNS) {
    const td = document.createElement('td');
    td.setAttribute('data-label', column.label);
    td.append(...column.cell(d, now).map(partNode));
    tr.append(td);
  }
  return tr;
}

/** Unchanged text is not rewritten, so screen readers announce the live regions only on change. */
function setText(node: HTMLElement | null, text: string): void {
  if (node && node.textContent !== text) node.textContent = text;
}

const isSortKey = (value: string | null): value is SortKey => SORT_KEYS.includes(value as SortKey);
const isFilter = (value: string): value is DeviceFilter => FILTERS.includes(value as DeviceFilter);

function start(): void {
  const table = document.getElementById('devices') as HTMLTableElement | null;
  const tbody = table?.tBodies[0];
  const headerRow = table?.tHead?.rows[0];
  if (!table || !tbody || !headerRow) return;
  const search = document.getElementById('search') as HTMLInputElement | null;
  const filter = document.getElementById('filter') as HTMLSelectElement | null;
  const showing = document.getElementById('showing');
  const summary = document.getElementById('summary');
  const updated = document.getElementById('updated');
  const errorBox = document.getElementById('error');
  const more = document.getElementById('more') as HTMLButtonElement | null;

  const refreshMs = (Number(table.dataset.refreshSeconds) || 5) * 1000;
  const pageRows = Number(table.dataset.pageRows) || 500;

  const columns = Array.from(headerRow.cells).flatMap((th) => {
    const button = th.querySelector('button');
    const key = button?.getAttribute('data-sort') ?? null;
    return button && isSortKey(key) ? [{ th, button, key }] : [];
  });

  const state = {
    devices: null as PageDevice[] | null,
    // Server clock minus browser clock, so "3 min ago" is right on a phone whose clock is off.
    offsetMs: Number(table.dataset.now) * 1000 - Date.now() || 0,
    cap: pageRows,
    sort: 'state' as SortKey,
    direction: 'ascending' as SortDirection,
    timer: null as ReturnType<typeof setTimeout> | null,
    inFlight: false,
    lastOk: null as Date | null,
    etag: null as string | null,
    error: '',
  };
  for (const c of columns) {
    const sort = c.th.getAttribute('aria-sort');
    if (sort === 'ascending' || sort === 'descending') {
      state.sort = c.key;
      state.direction = sort;
    }
  }

  function render(): void {
    if (!state.devices || !tbody) return;
    const now = (Date.now() + state.offsetMs) / 1000;
    const query = search ? search.value.trim().toLowerCase() : '';
    const selected = filter && isFilter(filter.value) ? filter.value : 'all';
    const matching = state.devices.filter(
      (d) => matchesFilter(d, selected, now) && (query === '' || d.searchText.includes(query)),
    );
    matching.sort((a, b) => compareDevices(a, b, state.sort, state.direction, cachedSortValue));
    const shown = matching.slice(0, state.cap);
    const fragment = document.createDocumentFragment();
    for (const d of shown) fragment.appendChild(buildRow(d, now));
    tbody.replaceChildren(fragment);
    setText(showing, showingText(shown.length, matching.length, state.devices.length));
    setText(summary, summaryText(countDevices(state.devices, now)));
    if (more) {
      more.hidden = shown.length >= matching.length;
      setText(more, `Show ${pageRows} more`);
    }
  }

  function setError(message: string): void {
    if (state.error === message || !errorBox || !table) return;
    state.error = message;
    errorBox.hidden = message === '';
    errorBox.textContent = message;
    table.classList.toggle('stale', message !== '');
  }

  function schedule(): void {
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = setTimeout(refresh, refreshMs);
  }

  async function fetchDevices(signal: AbortSignal): Promise<{ body: unknown[] | null; serverNow: number; etag: string | null }> {
    // 'no-cache' revalidates with the ETag: between polls the server answers 304 and the browser reuses its copy.
    const res = await fetch('api/devices', {
      cache: 'no-cache',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal,
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const serverNow = Date.parse(res.headers.get('Date') ?? '');
    const etag = res.headers.get('ETag');
    // Same snapshot as last time: skip parsing megabytes of JSON, only the relative times need redrawing.
    if (etag && etag === state.etag && state.devices) return { body: null, serverNow, etag };
    const body: unknown = await res.json();
    if (!Array.isArray(body)) throw new Error('unexpected reply');
    return { body, serverNow, etag };
  }

  async function refresh(): Promise<void> {
    state.timer = null;
    // A hidden tab does not poll; visibilitychange resumes it.
    if (state.inFlight || document.hidden) return;
    state.inFlight = true;
    const controller = new AbortController();
    const abort = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const reply = await fetchDevices(controller.signal);
      // The Date header has one-second resolution: resynchronise only on real drift (a phone waking up, NTP).
      if (Number.isFinite(reply.serverNow) && Math.abs(reply.serverNow - Date.now() - state.offsetMs) > 5000) {
        state.offsetMs = reply.serverNow - Date.now();
      }
      if (reply.body !== null) {
        state.devices = reply.body.map(normalise);
        state.etag = reply.etag;
      }
      state.lastOk = new Date();
      setError('');
      render();
      setText(updated, `Updated at ${state.lastOk.toLocaleTimeString()}; refreshes every ${refreshMs / 1000} s.`);
    } catch (error) {
      const reason = error instanceof Error ? (error.name === 'AbortError' ? 'no answer' : error.message) : String(error);
      const showingWhat = state.lastOk
        ? `showing data from ${state.lastOk.toLocaleTimeString()}`
        : 'showing the data the page was loaded with';
      setError(`Could not refresh the devices (${reason}); ${showingWhat}. Retrying.`);
    } finally {
      clearTimeout(abort);
      state.inFlight = false;
      schedule();
    }
  }

  let debounce: ReturnType<typeof setTimeout> | null = null;
  function onSelectionChange(): void {
    state.cap = pageRows;
    if (state.devices && state.devices.length > DEBOUNCE_ABOVE) {
      if (debounce !== null) clearTimeout(debounce);
      debounce = setTimeout(() => {
        debounce = null;
        render();
      }, 150);
    } else {
      render();
    }
  }
  search?.addEventListener('input', onSelectionChange);
  filter?.addEventListener('change', onSelectionChange);
  document.getElementById('controls')?.addEventListener('submit', (event) => event.preventDefault());
  for (const c of columns) {
    c.button.addEventListener('click', () => {
      if (state.sort === c.key) {
        state.direction = state.direction === 'ascending' ? 'descending' : 'ascending';
      } else {
        state.sort = c.key;
        // Times read best newest first; everything else A to Z.
        state.direction = c.key === 'firstSeen' || c.key === 'lastSeen' ? 'descending' : 'ascending';
      }
      for (const other of columns) {
        if (other.key === state.sort) other.th.setAttribute('aria-sort', state.direction);
        else other.th.removeAttribute('aria-sort');
      }
      state.cap = pageRows;
      render();
    });
  }
  more?.addEventListener('click', () => {
    state.cap += pageRows;
    render();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.timer === null && !state.inFlight) void refresh();
  });
  void refresh();
}

start();
