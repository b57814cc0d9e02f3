import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import type { DeviceRecord } from '../inventory/types.js';
import { createLogger } from '../logging.js';
import { createLiveRegistry } from '../metrics/live-registry.js';
import { emptySummary, type Snapshot, SnapshotBuilder } from '../metrics/snapshot.js';
import { initialPollStatus } from '../poller/router-poll-status.js';
import { vendorFields } from '../vendor/oui.js';
import { createApp } from './app.js';
import { escapeHtml, PAGE_ROWS, renderLandingPage, showingText, summaryText } from './landing.js';
import { assetHref, PAGE_ASSETS, PAGE_SCRIPT } from './page-assets.js';

const NOW = 1_800_000_000;

function snapshotOf(devices: DeviceRecord[]): Snapshot {
  const routers = [...new Set(devices.map((d) => d.router))];
  const builder = new SnapshotBuilder(routers, initialPollStatus);
  for (const router of routers) {
    builder.updateRouter(
      { ...initialPollStatus(router), attempted: true, up: true },
      devices.filter((d) => d.router === router),
      emptySummary(),
    );
  }
  return builder.build(NOW);
}

function rowsOf(html: string): string[] {
  return html.match(/<tr class="[^"]*" data-router[\s\S]*?<\/tr>/g) ?? [];
}

const HOSTILE = `<img src=x onerror="alert('x')">&amp;`;

describe('landing page (server-rendered)', () => {
  it('escapes every client-controlled field, in text and in attributes', () => {
    const hostile = deviceRecord({
      router: HOSTILE,
      mac: 'AA:BB:CC:DD:EE:01',
      ip: HOSTILE,
      hostname: `${HOSTILE}host`,
      name: `${HOSTILE}name`,
      interface: HOSTILE,
      bridgePort: `${HOSTILE}port`,
      lease: 'dynamic',
      leaseStatus: HOSTILE,
      conflicts: [HOSTILE],
      present: true,
      lastSeen: NOW,
      firstSeen: NOW,
    });
    const html = renderLandingPage({
      version: HOSTILE,
      snapshot: snapshotOf([hostile]),
      decorate: () => ({ vendor: HOSTILE }),
      now: NOW,
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).toContain(escapeHtml(`${HOSTILE}name`));
    expect(html).toContain(escapeHtml(`${HOSTILE}host`));
    // In attributes too: the row's data-router and the conflict tag's title.
    expect(html).toContain(`data-router="${escapeHtml(HOSTILE)}"`);
    expect(html).toContain(`title="${escapeHtml(HOSTILE)}"`);
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('renders the rows of the first paint in the default order with vendors, states and times', () => {
    const devices = [
      deviceRecord({
        router: 'home',
        mac: 'DA:A1:19:00:00:01',
        hostname: 'phone',
        present: false,
        lastSeen: NOW - 4000,
        firstSeen: NOW - 90_000,
      }),
      deviceRecord({
        router: 'home',
        mac: '00:0C:42:00:00:01',
        ip: '192.168.88.1',
        name: 'gateway',
        hostname: 'MikroTik',
        present: true,
        lastSeen: NOW - 180,
        firstSeen: NOW - 3600,
        lease: 'dynamic',
        leaseStatus: 'bound',
        leaseExpiresAt: NOW + 540,
        interface: 'bridge',
        bridgePort: 'ether2',
        watched: true,
      }),
      deviceRecord({ router: 'home', mac: 'B8:27:EB:00:00:05', name: 'tv', watched: true, present: false }),
    ];
    const html = renderLandingPage({ version: '1.0.0', snapshot: snapshotOf(devices), decorate: vendorFields, now: NOW });
    const rows = rowsOf(html);
    expect(rows).toHaveLength(3);
    const text = rows.map((row) => row.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|'));
    expect(text[0]).toBe(
      '|gateway|MikroTik|192.168.88.1|00:0C:42:00:00:01|Routerboard.com|home|bridge · ether2|dynamic|expires in 9 min|1 h ago|3 min ago|present|new|watched|',
    );
    expect(text[1]).toBe('|phone|DA:A1:19:00:00:01|private address|home|none|1 d ago|1 h ago|absent|');
    expect(text[2]).toBe('|tv|B8:27:EB:00:00:05|Raspberry Pi Foundation|home|none|never|never|never seen|watched|');
    // NOW - 90_000 s is 2027-01-14 07:00:00 UTC.
    expect(html).toContain('<time datetime="2027-01-14T07:00:00Z" title="2027-01-14 07:00:00 UTC">1 d ago</time>');
    expect(html).toContain('<th scope="col" aria-sort="ascending"><button type="button" data-sort="state">State');
    expect(html).toContain('3 devices: 1 present, 2 absent, 1 new, 2 watched');
    expect(html).toContain('Showing 3 of 3 devices');
    expect(html).toMatch(/<button class="more" id="more" type="button" hidden>/);
  });

  it('caps the first paint at one page of rows and says how many there are', () => {
    const devices = Array.from({ length: 10_000 }, (_, i) =>
      deviceRecord({
        router: 'home',
        mac: `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0').toUpperCase()}:${(i & 255).toString(16).padStart(2, '0').toUpperCase()}`,
        hostname: `host-${i}`,
        present: i % 2 === 0,
        lastSeen: NOW - i,
        firstSeen: NOW - 100_000,
      }),
    );
    const html = renderLandingPage({ version: '1', snapshot: snapshotOf(devices), now: NOW });
    expect(rowsOf(html)).toHaveLength(PAGE_ROWS);
    expect(html).toContain(`Showing ${PAGE_ROWS} of 10000 devices`);
    expect(html).toMatch(/<button class="more" id="more" type="button">Show 500 more<\/button>/);
    expect(showingText(10, 20, 30)).toBe('Showing 10 of 20 devices (30 in total)');
    expect(summaryText({ total: 1, present: 1, absent: 0, new: 0, watched: 0 })).toBe(
      '1 device: 1 present, 0 absent, 0 new, 0 watched',
    );
  });

  it('says "unknown" rather than failing on a time Date cannot hold', () => {
    const html = renderLandingPage({
      version: '1',
      snapshot: snapshotOf([
        deviceRecord({ router: 'r', mac: '00:00:00:00:00:01', present: true, lastSeen: 1e300, firstSeen: 1e300 }),
      ]),
      now: NOW,
    });
    expect(rowsOf(html)[0]).toContain('<span class="none">unknown</span>');
  });
});

describe('landing page over HTTP', () => {
  const app = createApp({
    logger: createLogger('silent'),
    version: '1.2.3',
    snapshot: () =>
      snapshotOf([deviceRecord({ router: 'home', mac: '00:0C:42:00:00:01', hostname: 'nas', present: true, lastSeen: NOW })]),
    liveRegistry: createLiveRegistry({ version: '1.2.3', stateWrites: () => ({ errorsTotal: 0, lastSuccess: null }) }),
    isReady: () => true,
    decorateDevice: vendorFields,
  });

  it('serves the page with a CSP that allows no inline script or style, and links its hashed assets', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/);
    expect(res.text).toContain(`<link rel="stylesheet" href="${assetHref('/assets/devices.css')}">`);
    expect(res.text).toContain(`<script type="module" src="${assetHref(PAGE_SCRIPT)}"></script>`);
    expect(assetHref('/assets/devices.css')).toBe(`assets/devices.css?v=${PAGE_ASSETS['/assets/devices.css']!.hash}`);
    // The modules import one another by relative URL, inside one directory named by their hash.
    expect(PAGE_SCRIPT).toMatch(/^\/assets\/page-[0-9a-f]{12}\/http\/page\/devices\.js$/);
    expect(res.text).toContain('Routerboard.com');
  });

  it('serves the script modules and stylesheet with their types, cacheable for good', async () => {
    const scripts = Object.keys(PAGE_ASSETS).filter((path) => path.endsWith('.js'));
    // The page's module and the display rules and columns it shares with the server.
    const directory = PAGE_SCRIPT.slice(0, PAGE_SCRIPT.indexOf('/http/'));
    expect(scripts).toEqual(
      expect.arrayContaining(
        ['http/page/devices.js', 'http/device-view.js', 'http/device-columns.js'].map((f) => `${directory}/${f}`),
      ),
    );
    for (const path of scripts) {
      const js = await request(app).get(path).expect(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(js.headers['cache-control']).toContain('immutable');
      expect(js.text).toBe(PAGE_ASSETS[path]!.body);
      // The script builds the DOM from hostile data: it must never hand that data to an HTML parser.
      expect(js.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    }
    const entry = await request(app).get(PAGE_SCRIPT).expect(200);
    expect(entry.text).toContain("from '../device-view.js'");
    const css = await request(app).get('/assets/devices.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    await request(app).post(PAGE_SCRIPT).expect(405);
    await request(app).get('/assets/devices.js').expect(404);
    await request(app).get('/assets/page-000000000000/http/page/devices.js').expect(404);
  });

  it('gives /api/devices a vendor per device', async () => {
    const res = await request(app).get('/api/devices').expect(200);
    expect(res.body[0]).toMatchObject({ mac: '00:0C:42:00:00:01', vendor: 'Routerboard.com' });
  });
});
