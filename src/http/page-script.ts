/**
 * The landing page's script, served from /assets/devices.js. Plain browser
 * JavaScript in a string: no bundler, no framework. It refreshes the device
 * table from /api/devices and does search, filter and sort in the page.
 *
 * Every string in a device record came from a DHCP client or a router and is
 * hostile: the DOM is built with createElement/textContent/setAttribute only,
 * never innerHTML. The display rules repeat device-view.ts and landing.ts
 * (the browser tests check the server's rows and these are identical).
 * Written without backticks or dollar-brace so it can live in this template.
 */
export const DEVICES_SCRIPT = String.raw`(function () {
  'use strict';
  var table = document.getElementById('devices');
  if (!table || !table.tHead || !table.tBodies[0]) return;
  var tbody = table.tBodies[0];
  var search = document.getElementById('search');
  var filter = document.getElementById('filter');
  var showing = document.getElementById('showing');
  var summary = document.getElementById('summary');
  var updated = document.getElementById('updated');
  var errorBox = document.getElementById('error');
  var more = document.getElementById('more');

  var REFRESH_MS = (Number(table.dataset.refreshSeconds) || 5) * 1000;
  var PAGE_ROWS = Number(table.dataset.pageRows) || 500;
  var NEW_SECONDS = Number(table.dataset.newSeconds) || 86400;
  var MAX_CHARS = Number(table.dataset.maxChars) || 80;
  var FETCH_TIMEOUT_MS = 15000;
  // Above this many devices, wait for a pause in typing before filtering.
  var DEBOUNCE_ABOVE = 2000;

  var columns = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
    var button = th.querySelector('button');
    return { th: th, button: button, key: button.getAttribute('data-sort'), label: button.textContent.trim() };
  });
  var labels = {};
  columns.forEach(function (c) { labels[c.key] = c.label; });

  var state = {
    devices: null,
    // Server clock minus browser clock, so "3 min ago" is right on a phone whose clock is off.
    offsetMs: Number(table.dataset.now) * 1000 - Date.now() || 0,
    cap: PAGE_ROWS,
    sort: 'state',
    direction: 'ascending',
    timer: null,
    inFlight: false,
    lastOk: null,
    etag: null,
    error: ''
  };
  columns.forEach(function (c) {
    var s = c.th.getAttribute('aria-sort');
    if (s === 'ascending' || s === 'descending') { state.sort = c.key; state.direction = s; }
  });

  // ---- device records from /api/devices, checked field by field ----
  function str(v) { return typeof v === 'string' ? v : null; }
  function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
  function normalise(raw) {
    var r = raw && typeof raw === 'object' ? raw : {};
    var d = {
      router: str(r.router) || '', mac: str(r.mac) || '', ip: str(r.ip), hostname: str(r.hostname), name: str(r.name),
      interface: str(r.interface), bridgePort: str(r.bridgePort), dhcpServer: str(r.dhcpServer),
      lease: str(r.lease) || 'none', leaseStatus: str(r.leaseStatus), leaseExpiresAt: num(r.leaseExpiresAt),
      watched: r.watched === true, present: r.present === true, firstSeen: num(r.firstSeen), lastSeen: num(r.lastSeen),
      conflicts: Array.isArray(r.conflicts) ? r.conflicts.filter(function (c) { return typeof c === 'string'; }) : [],
      vendor: str(r.vendor), sortValues: {}
    };
    d.searchText = [d.name, d.hostname, d.ip, d.mac, d.mac.replace(/:/g, ''), d.vendor, d.router, d.interface, d.bridgePort, d.dhcpServer]
      .filter(function (p) { return p !== null && p !== ''; }).join('\n').toLowerCase();
    return d;
  }

  // ---- display rules (device-view.ts) ----
  function devicePresence(d) { return d.present ? 'present' : d.lastSeen === null ? 'never seen' : 'absent'; }
  function isNew(d, now) { return d.firstSeen !== null && now - d.firstSeen < NEW_SECONDS; }
  function displayName(d) { return d.name !== null ? d.name : d.hostname !== null ? d.hostname : ''; }
  function secondaryName(d) { return d.hostname !== null && d.name !== null && d.hostname !== d.name ? d.hostname : ''; }
  function portText(d) {
    if (d.interface !== null && d.bridgePort !== null && d.interface !== d.bridgePort) return d.interface + ' \u00b7 ' + d.bridgePort;
    return d.bridgePort !== null ? d.bridgePort : d.interface !== null ? d.interface : '';
  }
  function leaseText(d) {
    if (d.lease === 'none') return 'none';
    return d.leaseStatus !== null && d.leaseStatus !== 'bound' ? d.lease + ', ' + d.leaseStatus : d.lease;
  }
  function relativeTime(at, now) {
    var delta = Math.round(now - at);
    var size = Math.abs(delta);
    if (size < 2) return 'just now';
    var amount = size < 60 ? size + ' s' : size < 3600 ? Math.floor(size / 60) + ' min' : size < 86400 ? Math.floor(size / 3600) + ' h' : Math.floor(size / 86400) + ' d';
    return delta > 0 ? amount + ' ago' : 'in ' + amount;
  }
  function validTime(at) { return Math.abs(at) < 8.64e12; }
  function isoTime(at) { return new Date(Math.round(at) * 1000).toISOString().replace('.000Z', 'Z'); }
  function absoluteTime(at) { return new Date(Math.round(at) * 1000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'; }
  function clip(text, max) {
    max = max || MAX_CHARS;
    if (text.length <= max) return text;
    var points = Array.from(text);
    return points.length <= max ? text : points.slice(0, max - 1).join('') + '\u2026';
  }
  function matchesFilter(d, f, now) {
    if (f === 'present') return d.present;
    if (f === 'absent') return !d.present;
    if (f === 'new') return isNew(d, now);
    if (f === 'watched') return d.watched;
    return true;
  }
  function ipv4Number(ip) {
    var parts = ip.split('.');
    if (parts.length !== 4) return null;
    var value = 0;
    for (var i = 0; i < 4; i++) {
      if (!/^\d{1,3}$/.test(parts[i])) return null;
      var octet = Number(parts[i]);
      if (octet > 255) return null;
      value = value * 256 + octet;
    }
    return value;
  }
  function blankToNull(text) { return text === '' ? null : text; }
  function computeSortValue(d, key) {
    switch (key) {
      case 'name': return blankToNull(displayName(d).toLowerCase());
      case 'ip': if (d.ip === null) return null; var n = ipv4Number(d.ip); return n !== null ? n : d.ip.toLowerCase();
      case 'mac': return d.mac;
      case 'vendor': return blankToNull((d.vendor || '').toLowerCase());
      case 'router': return d.router.toLowerCase();
      case 'port': return blankToNull(portText(d).toLowerCase());
      case 'lease': return (d.lease === 'none' ? 'z' : d.lease) + ' ' + leaseText(d);
      case 'firstSeen': return d.firstSeen;
      case 'lastSeen': return d.lastSeen;
      case 'state': return d.present ? 0 : d.lastSeen === null ? 2 : 1;
    }
    return null;
  }
  // Sort keys depend on the record only; caching them keeps a 10k-device sort cheap.
  function sortValue(d, key) {
    if (!(key in d.sortValues)) d.sortValues[key] = computeSortValue(d, key);
    return d.sortValues[key];
  }
  function compareValues(a, b, direction) {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
    var order = a < b ? -1 : 1;
    return direction === 'ascending' ? order : -order;
  }
  var TIES = ['state', 'name', 'ip'];
  function compareDevices(a, b, key, direction) {
    var primary = compareValues(sortValue(a, key), sortValue(b, key), direction);
    if (primary !== 0) return primary;
    for (var i = 0; i < TIES.length; i++) {
      if (TIES[i] === key) continue;
      var r = compareValues(sortValue(a, TIES[i]), sortValue(b, TIES[i]), 'ascending');
      if (r !== 0) return r;
    }
    var ka = a.router + '\n' + a.mac;
    var kb = b.router + '\n' + b.mac;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  function summaryText(list, now) {
    var c = { present: 0, absent: 0, fresh: 0, watched: 0 };
    list.forEach(function (d) {
      if (d.present) c.present++; else c.absent++;
      if (isNew(d, now)) c.fresh++;
      if (d.watched) c.watched++;
    });
    return list.length + (list.length === 1 ? ' device: ' : ' devices: ') + c.present + ' present, ' + c.absent + ' absent, ' +
      c.fresh + ' new, ' + c.watched + ' watched';
  }
  function showingText(shown, matching, total) {
    var base = 'Showing ' + shown + ' of ' + matching + (matching === 1 ? ' device' : ' devices');
    return matching === total ? base : base + ' (' + total + ' in total)';
  }

  // ---- DOM (landing.ts renderRow builds the same markup on the server) ----
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function cell(key, nodes) {
    var td = document.createElement('td');
    td.setAttribute('data-label', labels[key]);
    nodes.forEach(function (n) { td.append(n); });
    return td;
  }
  function timeNodes(at, now) {
    if (at === null) return [el('span', 'none', 'never')];
    if (!validTime(at)) return [el('span', 'none', 'unknown')];
    var t = el('time', '', relativeTime(at, now));
    t.setAttribute('datetime', isoTime(at));
    t.setAttribute('title', absoluteTime(at));
    return [t];
  }
  function buildRow(d, now) {
    var st = devicePresence(d);
    var tr = document.createElement('tr');
    tr.className = st === 'present' ? 'present' : 'absent';
    tr.setAttribute('data-router', d.router);
    tr.setAttribute('data-mac', d.mac);
    var name = clip(displayName(d));
    var secondary = clip(secondaryName(d));
    var nameNodes = [name === '' ? el('span', 'name none', 'unnamed') : el('span', 'name', name)];
    if (secondary) nameNodes.push(el('span', 'sub', secondary));
    var vendor = d.vendor || '';
    var leaseNodes = [leaseText(d)];
    if (d.leaseExpiresAt !== null) leaseNodes.push(el('span', 'sub', 'expires ' + relativeTime(d.leaseExpiresAt, now)));
    var stateNodes = [el('span', 'badge ' + (st === 'present' ? 'present' : st === 'absent' ? 'absent' : 'never'), st)];
    if (isNew(d, now)) stateNodes.push(el('span', 'tag new', 'new'));
    if (d.watched) stateNodes.push(el('span', 'tag watched', 'watched'));
    if (d.conflicts.length > 0) {
      var conflict = el('span', 'tag conflict', 'conflict');
      conflict.setAttribute('title', clip(d.conflicts.join('; '), 500));
      stateNodes.push(conflict);
    }
    tr.append(
      cell('name', nameNodes),
      cell('ip', [clip(d.ip || '')]),
      cell('mac', [el('code', '', d.mac)]),
      cell('vendor', [vendor === 'private address' ? el('span', 'private', vendor) : clip(vendor)]),
      cell('router', [clip(d.router)]),
      cell('port', [clip(portText(d))]),
      cell('lease', leaseNodes),
      cell('firstSeen', timeNodes(d.firstSeen, now)),
      cell('lastSeen', timeNodes(d.lastSeen, now)),
      cell('state', stateNodes)
    );
    return tr;
  }
  function setText(node, text) {
    // Unchanged text is not rewritten, so screen readers announce the live regions only on change.
    if (node && node.textContent !== text) node.textContent = text;
  }

  function render() {
    if (!state.devices) return;
    var now = (Date.now() + state.offsetMs) / 1000;
    var query = search ? search.value.trim().toLowerCase() : '';
    var f = filter ? filter.value : 'all';
    var matching = state.devices.filter(function (d) {
      return matchesFilter(d, f, now) && (query === '' || d.searchText.indexOf(query) !== -1);
    });
    matching.sort(function (a, b) { return compareDevices(a, b, state.sort, state.direction); });
    var shown = matching.slice(0, state.cap);
    var fragment = document.createDocumentFragment();
    shown.forEach(function (d) { fragment.appendChild(buildRow(d, now)); });
    tbody.replaceChildren(fragment);
    setText(showing, showingText(shown.length, matching.length, state.devices.length));
    setText(summary, summaryText(state.devices, now));
    if (more) {
      more.hidden = shown.length >= matching.length;
      setText(more, 'Show ' + PAGE_ROWS + ' more');
    }
  }

  function setError(message) {
    if (state.error === message) return;
    state.error = message;
    errorBox.hidden = message === '';
    errorBox.textContent = message;
    table.classList.toggle('stale', message !== '');
  }

  function schedule() {
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = setTimeout(refresh, REFRESH_MS);
  }

  function refresh() {
    state.timer = null;
    // A hidden tab does not poll; visibilitychange resumes it.
    if (state.inFlight || document.hidden) return;
    state.inFlight = true;
    var controller = new AbortController();
    var abort = setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS);
    // 'no-cache' revalidates with the ETag: between polls the server answers 304 and the browser reuses its copy.
    fetch('api/devices', { cache: 'no-cache', credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: controller.signal })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        var serverNow = Date.parse(res.headers.get('Date') || '');
        var etag = res.headers.get('ETag');
        // Same snapshot as last time: skip parsing megabytes of JSON, only the relative times need redrawing.
        if (etag && etag === state.etag && state.devices) return { body: null, serverNow: serverNow, etag: etag };
        return res.json().then(function (body) { return { body: body, serverNow: serverNow, etag: etag }; });
      })
      .then(function (reply) {
        if (reply.body !== null && !Array.isArray(reply.body)) throw new Error('unexpected reply');
        // The Date header has one-second resolution: resynchronise only on real drift (a phone waking up, NTP).
        if (isFinite(reply.serverNow) && Math.abs(reply.serverNow - Date.now() - state.offsetMs) > 5000) {
          state.offsetMs = reply.serverNow - Date.now();
        }
        if (reply.body !== null) {
          state.devices = reply.body.map(normalise);
          state.etag = reply.etag;
        }
        state.lastOk = new Date();
        setError('');
        render();
        setText(updated, 'Updated at ' + state.lastOk.toLocaleTimeString() + '; refreshes every ' + REFRESH_MS / 1000 + ' s.');
      })
      .catch(function (error) {
        var reason = error && error.name === 'AbortError' ? 'no answer' : String(error && error.message || error);
        setError('Could not refresh the devices (' + reason + '); ' +
          (state.lastOk ? 'showing data from ' + state.lastOk.toLocaleTimeString() : 'showing the data the page was loaded with') + '. Retrying.');
      })
      .finally(function () {
        clearTimeout(abort);
        state.inFlight = false;
        schedule();
      });
  }

  var debounce = null;
  function onSelectionChange() {
    state.cap = PAGE_ROWS;
    if (state.devices && state.devices.length > DEBOUNCE_ABOVE) {
      if (debounce !== null) clearTimeout(debounce);
      debounce = setTimeout(function () { debounce = null; render(); }, 150);
    } else {
      render();
    }
  }
  if (search) search.addEventListener('input', onSelectionChange);
  if (filter) filter.addEventListener('change', onSelectionChange);
  var form = document.getElementById('controls');
  if (form) form.addEventListener('submit', function (event) { event.preventDefault(); });
  columns.forEach(function (c) {
    c.button.addEventListener('click', function () {
      if (state.sort === c.key) {
        state.direction = state.direction === 'ascending' ? 'descending' : 'ascending';
      } else {
        state.sort = c.key;
        // Times read best newest first; everything else A to Z.
        state.direction = c.key === 'firstSeen' || c.key === 'lastSeen' ? 'descending' : 'ascending';
      }
      columns.forEach(function (other) {
        if (other.key === state.sort) other.th.setAttribute('aria-sort', state.direction);
        else other.th.removeAttribute('aria-sort');
      });
      state.cap = PAGE_ROWS;
      render();
    });
  });
  if (more) more.addEventListener('click', function () { state.cap += PAGE_ROWS; render(); });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && state.timer === null && !state.inFlight) refresh();
  });
  refresh();
})();
`;
