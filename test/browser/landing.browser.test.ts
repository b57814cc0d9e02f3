import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../src/inventory/types.js';
import { deviceRecord } from '../support/devices.js';
import { artifactPath, holdDevicesApi, pageHarness, waitForLiveTable } from './support.js';

/**
 * The landing page in a real headless Chromium against the real app and HTTP
 * server; the snapshot is set by the test instead of a poller, so each
 * test decides exactly what a "poll" returns.
 */

// These callbacks run in the page; the project compiles without the DOM library, so name what they touch.
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
  documentElement: { scrollWidth: number };
};
declare function getComputedStyle(element: unknown, pseudo: string): { content: string };
type PageGlobals = { __xss?: number; sameDocument?: boolean };

const XSS_HOSTNAME = '<img src=x onerror=window.__xss=1>';
const XSS_NAME = '<script>window.__xss=2</script>';
const XSS_PORT = '"><svg onload=window.__xss=3>';

function lan(now: number): DeviceRecord[] {
  const at = (secondsAgo: number) => now - secondsAgo;
  return [
    deviceRecord({
      router: 'home',
      mac: '00:0C:42:00:00:01',
      ip: '192.168.88.1',
      name: 'gateway',
      hostname: 'MikroTik',
      present: true,
      firstSeen: at(40 * 86400),
      lastSeen: at(4),
      lease: 'static',
      leaseStatus: 'bound',
      leaseExpiresAt: now + 1770,
      interface: 'bridge',
      bridgePort: 'ether1',
      watched: true,
      dhcpServer: 'dhcp1',
    }),
    deviceRecord({
      router: 'home',
      mac: 'B8:27:EB:12:34:56',
      ip: '192.168.88.10',
      hostname: 'nas',
      present: true,
      firstSeen: at(9 * 86400),
      lastSeen: at(12),
      lease: 'dynamic',
      leaseStatus: 'bound',
      leaseExpiresAt: now + 540,
      interface: 'bridge',
      bridgePort: 'ether2',
    }),
    deviceRecord({
      router: 'home',
      mac: '3C:D9:2B:00:00:09',
      ip: '192.168.88.9',
      hostname: 'office-printer',
      name: 'office printer',
      watched: true,
      present: false,
      firstSeen: at(30 * 86400),
      lastSeen: at(2 * 3600 + 60),
      lease: 'static',
      leaseStatus: 'waiting',
      interface: 'bridge',
      bridgePort: 'ether4',
    }),
    deviceRecord({
      router: 'home',
      mac: 'DA:A1:19:77:00:01',
      ip: '192.168.88.100',
      hostname: 'Pixel-8',
      present: true,
      randomized: true,
      firstSeen: at(2 * 3600),
      lastSeen: at(30),
      lease: 'dynamic',
      leaseStatus: 'bound',
      leaseExpiresAt: now + 3000,
      interface: 'bridge',
      bridgePort: 'wlan1',
    }),
    deviceRecord({
      router: 'home',
      mac: '00:11:32:AB:CD:EF',
      ip: '192.168.88.20',
      hostname: XSS_HOSTNAME,
      name: XSS_NAME,
      present: true,
      firstSeen: at(600),
      lastSeen: at(50),
      lease: 'dynamic',
      leaseStatus: 'bound',
      leaseExpiresAt: now + 60,
      interface: 'bridge',
      bridgePort: XSS_PORT,
      conflicts: ['ip 192.168.88.20 also claimed by 00:11:32:AB:CD:F0 <b>x</b>'],
    }),
    deviceRecord({ router: 'home', mac: '00:1B:63:00:00:01', name: 'old laptop', watched: true, present: false }),
    deviceRecord({
      router: 'office',
      mac: '28:CF:E9:00:00:02',
      ip: '10.0.0.2',
      hostname: 'x'.repeat(300),
      present: false,
      firstSeen: at(3 * 86400),
      lastSeen: at(26 * 3600),
      lease: 'none',
      interface: 'vlan20',
    }),
    deviceRecord({
      router: 'office',
      mac: 'F0:9F:C2:00:00:03',
      ip: '10.0.0.3',
      hostname: 'ap-😀-ünïcode',
      present: true,
      firstSeen: at(5 * 86400),
      lastSeen: at(1),
      lease: 'dynamic',
      leaseStatus: 'bound',
      leaseExpiresAt: now + 86400 * 2,
      interface: 'vlan20',
      bridgePort: 'sfp1',
    }),
  ];
}

const { openPage } = pageHarness();

function rowTexts(page: Page): Promise<string[][]> {
  return page.$$eval('#devices tbody tr', (rows) =>
    rows.map((row) =>
      Array.from(
        (row as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells,
        (cell) => cell.textContent ?? '',
      ),
    ),
  );
}

function columnOf(rows: string[][], label: string): string[] {
  const index = [
    'Name',
    'IP',
    'MAC',
    'Vendor',
    'Router',
    'Interface / port',
    'Wi-Fi',
    'Traffic',
    'Lease',
    'First seen',
    'Last seen',
    'State',
  ].indexOf(label);
  return rows.map((row) => row[index] ?? '');
}

describe('landing page in Chromium', () => {
  it('lists every device, and the script renders exactly the rows the server painted', async () => {
    const now = Date.now() / 1000;
    const { page, errors, url } = await openPage(lan(now));
    // The browser's clock stands still, so server paint and script render use the same "now" to the millisecond.
    await page.clock.install({ time: Date.now() - 60_000 });
    await page.clock.pauseAt(Date.now() - 30_000);
    const release = await holdDevicesApi(page);
    await page.goto(`${url}/`);
    const painted = await page.$$eval('#devices tbody tr', (rows) => rows.map((row) => row.outerHTML));
    const paintedStatus = await page.$$eval('#summary, #showing', (nodes) => nodes.map((n) => n.textContent));
    expect(painted).toHaveLength(8);
    release();
    await waitForLiveTable(page);
    const rendered = await page.$$eval('#devices tbody tr', (rows) => rows.map((row) => row.outerHTML));
    expect(rendered).toEqual(painted);
    expect(await page.$$eval('#summary, #showing', (nodes) => nodes.map((n) => n.textContent))).toEqual(paintedStatus);
    expect(paintedStatus).toEqual(['8 devices: 5 present, 3 absent, 2 new, 3 watched', 'Showing 8 of 8 devices']);

    const rows = await rowTexts(page);
    // Default order: present first, then absent, then never seen; by name within each.
    expect(columnOf(rows, 'MAC')).toEqual([
      '00:11:32:AB:CD:EF',
      'F0:9F:C2:00:00:03',
      '00:0C:42:00:00:01',
      'B8:27:EB:12:34:56',
      'DA:A1:19:77:00:01',
      '3C:D9:2B:00:00:09',
      '28:CF:E9:00:00:02',
      '00:1B:63:00:00:01',
    ]);
    const byMac = new Map(rows.map((row) => [row[2], row]));
    const gateway = byMac.get('00:0C:42:00:00:01')!;
    expect(gateway.slice(0, 10)).toEqual([
      'gatewayMikroTik',
      '192.168.88.1',
      '00:0C:42:00:00:01',
      'Routerboard.com',
      'home',
      'bridge · ether1',
      '', // Wi-Fi
      '', // Traffic
      'staticexpires in 29 min',
      '40 d ago',
    ]);
    // Seen 4 s before the test built its data; the page was rendered a moment later.
    expect(gateway[10]).toMatch(/^[4-9] s ago$/);
    expect(gateway[11]).toBe('presentwatched');
    expect(byMac.get('DA:A1:19:77:00:01')?.[3]).toBe('private address');
    expect(byMac.get('3C:D9:2B:00:00:09')?.slice(8)).toEqual(['static, waiting', '30 d ago', '2 h ago', 'absentwatched']);
    expect(byMac.get('00:1B:63:00:00:01')?.slice(9)).toEqual(['never', 'never', 'never seenwatched']);
    expect(byMac.get('28:CF:E9:00:00:02')?.[0]).toBe(`${'x'.repeat(79)}…`);
    expect(errors).toEqual([]);
  });

  it('searches as you type and filters by state, new and watched', async () => {
    const { page, url } = await openPage(lan(Date.now() / 1000));
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    const macs = async () => columnOf(await rowTexts(page), 'MAC');

    await page.getByLabel('Search').fill('routerboard');
    expect(await macs()).toEqual(['00:0C:42:00:00:01']);
    await page.getByLabel('Search').fill('b827eb');
    expect(await macs()).toEqual(['B8:27:EB:12:34:56']);
    await page.getByLabel('Search').fill('10.0.0');
    expect(await macs()).toEqual(['F0:9F:C2:00:00:03', '28:CF:E9:00:00:02']);
    expect(await page.locator('#showing').textContent()).toBe('Showing 2 of 2 devices (8 in total)');
    await page.getByLabel('Search').fill('no such device');
    expect(await macs()).toEqual([]);
    await page.getByLabel('Search').fill('');

    const show = page.getByLabel('Show');
    await show.selectOption('absent');
    expect(await macs()).toEqual(['3C:D9:2B:00:00:09', '28:CF:E9:00:00:02', '00:1B:63:00:00:01']);
    await show.selectOption('watched');
    expect(await macs()).toEqual(['00:0C:42:00:00:01', '3C:D9:2B:00:00:09', '00:1B:63:00:00:01']);
    await show.selectOption('new');
    expect(await macs()).toEqual(['00:11:32:AB:CD:EF', 'DA:A1:19:77:00:01']);
    await show.selectOption('present');
    await page.getByLabel('Search').fill('home');
    expect(await macs()).toEqual(['00:11:32:AB:CD:EF', '00:0C:42:00:00:01', 'B8:27:EB:12:34:56', 'DA:A1:19:77:00:01']);
  });

  it('sorts by any column from the keyboard, and says so with aria-sort', async () => {
    const { page, url } = await openPage(lan(Date.now() / 1000));
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    const ipButton = page.getByRole('button', { name: 'IP', exact: true });
    const ipHeader = page.locator('th', { has: ipButton });
    const stateHeader = page.locator('th', { has: page.getByRole('button', { name: 'State' }) });
    expect(await stateHeader.getAttribute('aria-sort')).toBe('ascending');

    await ipButton.focus();
    await page.keyboard.press('Enter');
    expect(await ipHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await stateHeader.getAttribute('aria-sort')).toBeNull();
    // Numeric, not textual: .9 before .10 before .20 before .100; no IP last.
    expect(columnOf(await rowTexts(page), 'IP')).toEqual([
      '10.0.0.2',
      '10.0.0.3',
      '192.168.88.1',
      '192.168.88.9',
      '192.168.88.10',
      '192.168.88.20',
      '192.168.88.100',
      '',
    ]);

    await page.keyboard.press('Space');
    expect(await ipHeader.getAttribute('aria-sort')).toBe('descending');
    expect(columnOf(await rowTexts(page), 'IP')).toEqual([
      '192.168.88.100',
      '192.168.88.20',
      '192.168.88.10',
      '192.168.88.9',
      '192.168.88.1',
      '10.0.0.3',
      '10.0.0.2',
      '',
    ]);

    // Tab reaches the next heading's button: the headings are real buttons in the tab order.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.locator('th', { has: page.getByRole('button', { name: 'MAC' }) }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    expect(columnOf(await rowTexts(page), 'MAC')[0]).toBe('00:0C:42:00:00:01');

    await page.getByRole('button', { name: 'Last seen' }).click();
    expect(columnOf(await rowTexts(page), 'MAC')).toEqual([
      'F0:9F:C2:00:00:03',
      '00:0C:42:00:00:01',
      'B8:27:EB:12:34:56',
      'DA:A1:19:77:00:01',
      '00:11:32:AB:CD:EF',
      '3C:D9:2B:00:00:09',
      '28:CF:E9:00:00:02',
      '00:1B:63:00:00:01',
    ]);
    expect(columnOf(await rowTexts(page), 'Last seen').slice(5)).toEqual(['2 h ago', '1 d ago', 'never']);
    await page.getByRole('button', { name: 'Vendor' }).click();
    const byVendor = await rowTexts(page);
    expect(columnOf(byVendor, 'Vendor')).toEqual([
      'Apple, Inc.',
      'Apple, Inc.',
      'Hewlett Packard',
      'private address',
      'Raspberry Pi Foundation',
      'Routerboard.com',
      'Synology Incorporated',
      'Ubiquiti Inc',
    ]);
    // Equal vendors: the absent device before the never-seen one (state breaks the tie).
    expect(columnOf(byVendor, 'MAC').slice(0, 2)).toEqual(['28:CF:E9:00:00:02', '00:1B:63:00:00:01']);
  });

  it('turns a device that left absent, and shows one that arrived, without reloading', async () => {
    const now = Date.now() / 1000;
    const devices = lan(now);
    const { page, url, exporter: server } = await openPage(devices, { fakeClock: true });
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    await page.evaluate(() => ((globalThis as unknown as PageGlobals).sameDocument = true));
    const nas = page.locator('tr[data-mac="B8:27:EB:12:34:56"]');
    expect(await nas.locator('.badge').textContent()).toBe('present');

    // The next poll: the NAS has gone quiet past the presence timeout, a new phone joined.
    server.setDevices([
      ...devices.map((d) => (d.mac === 'B8:27:EB:12:34:56' ? { ...d, present: false } : d)),
      deviceRecord({
        router: 'home',
        mac: 'AC:DE:48:00:11:22',
        ip: '192.168.88.77',
        hostname: 'new-phone',
        present: true,
        firstSeen: now,
        lastSeen: now,
      }),
    ]);
    await page.clock.runFor(5_000);
    await page.waitForFunction(() => document.querySelector('tr[data-mac="B8:27:EB:12:34:56"] .badge')?.textContent === 'absent');
    expect(await page.locator('tr[data-mac="AC:DE:48:00:11:22"] td').first().textContent()).toBe('new-phone');
    expect(await page.locator('#summary').textContent()).toBe('9 devices: 5 present, 4 absent, 3 new, 3 watched');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sameDocument)).toBe(true);
  });

  it('keeps the last data and says so when a refresh fails, then recovers', async () => {
    const { page, url } = await openPage(lan(Date.now() / 1000), { fakeClock: true });
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    await page.route('**/api/devices', (route) => route.fulfill({ status: 503, body: 'down' }));
    await page.clock.runFor(5_000);
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.textContent()).toMatch(/^Could not refresh the devices \(HTTP 503\); showing data from .+\. Retrying\.$/);
    expect(await page.locator('#devices tbody tr').count()).toBe(8);
    await page.unroute('**/api/devices');
    await page.clock.runFor(5_000);
    await alert.waitFor({ state: 'hidden' });
  });

  it('renders hostile hostnames as text, never as markup, in the first paint and in live updates', async () => {
    const now = Date.now() / 1000;
    // No CSP here: the page must be safe on escaping alone, the policy is a second wall.
    const { page, url, exporter: server, errors } = await openPage(lan(now), { bypassCSP: true, fakeClock: true });
    const hostile = (mac: string) => page.locator(`tr[data-mac="${mac}"]`);
    const check = async (mac: string) => {
      // Any element the markup created would be counted here, whether or not its handler has run yet.
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
      expect(await page.locator('#devices tbody').locator('img, script, svg, b').count()).toBe(0);
      const cells = await hostile(mac).locator('td').allTextContents();
      expect(cells[0]).toBe(`${XSS_NAME}${XSS_HOSTNAME}`);
      expect(cells[5]).toBe(`bridge · ${XSS_PORT}`);
      expect(await hostile(mac).locator('.tag.conflict').getAttribute('title')).toBe(
        'ip 192.168.88.20 also claimed by 00:11:32:AB:CD:F0 <b>x</b>',
      );
    };
    // First paint: server-side escaping (the script's fetch is held back until checked).
    const release = await holdDevicesApi(page);
    await page.goto(`${url}/`);
    await check('00:11:32:AB:CD:EF');
    release();
    await waitForLiveTable(page);
    await check('00:11:32:AB:CD:EF');
    // A hostile device that only ever arrives through /api/devices: the script's own rendering.
    server.setDevices([
      ...lan(now),
      deviceRecord({
        router: 'home',
        mac: '00:11:32:AB:CD:F0',
        ip: '192.168.88.21',
        hostname: XSS_HOSTNAME,
        name: XSS_NAME,
        present: true,
        firstSeen: now,
        lastSeen: now,
        interface: 'bridge',
        bridgePort: XSS_PORT,
        conflicts: ['ip 192.168.88.20 also claimed by 00:11:32:AB:CD:F0 <b>x</b>'],
      }),
    ]);
    await page.unroute('**/api/devices');
    await page.clock.runFor(5_000);
    await hostile('00:11:32:AB:CD:F0').waitFor();
    await check('00:11:32:AB:CD:F0');
    expect(errors).toEqual([]);
  });

  it('shows 500 rows at a time of 1,200 devices, more on request, and search reaches all', async () => {
    const now = Date.now() / 1000;
    const many = Array.from({ length: 1200 }, (_, i) =>
      deviceRecord({
        router: 'home',
        mac: `00:0C:42:00:${(i >> 8).toString(16).padStart(2, '0').toUpperCase()}:${(i & 255).toString(16).padStart(2, '0').toUpperCase()}`,
        ip: `10.1.${i >> 8}.${i & 255}`,
        hostname: `host-${String(i).padStart(4, '0')}`,
        present: true,
        firstSeen: now - 90_000,
        lastSeen: now - 5,
      }),
    );
    const { page, url } = await openPage(many);
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    const rows = page.locator('#devices tbody tr');
    expect(await rows.count()).toBe(500);
    expect(await page.locator('#showing').textContent()).toBe('Showing 500 of 1200 devices');
    await page.getByRole('button', { name: 'Show 500 more' }).click();
    expect(await rows.count()).toBe(1000);
    await page.getByRole('button', { name: 'Show 500 more' }).click();
    expect(await rows.count()).toBe(1200);
    expect(await page.getByRole('button', { name: 'Show 500 more' }).isHidden()).toBe(true);
    await page.getByLabel('Search').fill('host-1199');
    expect(columnOf(await rowTexts(page), 'Name')).toEqual(['host-1199']);
  });

  it('fits a phone screen without sideways scrolling, and saves screenshots', async () => {
    const { page, url } = await openPage(lan(Date.now() / 1000));
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    await page.screenshot({ path: artifactPath('landing-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Every cell says which column it is, since the headings are no longer above it.
    expect(
      await page
        .locator('#devices tbody td')
        .first()
        .evaluate((td) => getComputedStyle(td, '::before').content),
    ).toBe('"Name"');
    await page.screenshot({ path: artifactPath('landing-phone.png'), fullPage: true });
  });
});
