import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DeviceRecord } from '../../src/inventory/types.js';
import { deviceRecord } from '../support/devices.js';
import { holdDevicesApi, pageHarness, waitForLiveTable } from './support.js';

/**
 * The page's Wi-Fi and traffic columns in a real Chromium, against the real
 * app: signal with a strength cue in words, the access point and network, the
 * current traffic rate; hostile SSIDs, interface and access point names stay
 * text in the server's first paint and in the script's live rows.
 */

type PageGlobals = { __xss?: number };

const XSS_SSID = '<img src=x onerror=window.__xss=1>"Home"';
const XSS_INTERFACE = '"><svg onload=window.__xss=2>';

function wifi(overrides: Partial<NonNullable<DeviceRecord['wifi']>> = {}): NonNullable<DeviceRecord['wifi']> {
  return {
    ap: 'ap-upstairs',
    interface: 'wifi1',
    ssid: 'Home',
    band: '5ghz-ax',
    signalDbm: -61,
    txRateBps: 866_600_000,
    rxRateBps: 573_500_000,
    connectedSince: null,
    ...overrides,
  };
}

function lan(now: number): DeviceRecord[] {
  const base = { router: 'home', present: true, firstSeen: now - 86_400, lastSeen: now - 5 };
  return [
    deviceRecord({
      ...base,
      mac: 'D0:00:00:00:00:01',
      hostname: 'tablet',
      wifi: wifi(),
      traffic: { source: 'kid-control', bytesDown: 10, bytesUp: 5, rateDownBps: 1_200_000, rateUpBps: 96_000 },
    }),
    deviceRecord({
      ...base,
      mac: 'D0:00:00:00:00:02',
      hostname: 'camera',
      wifi: wifi({ ap: 'ap-garage', ssid: null, band: null, interface: 'wlan1', signalDbm: -80 }),
    }),
    deviceRecord({
      ...base,
      mac: 'D0:00:00:00:00:03',
      hostname: 'hostile',
      wifi: wifi({ ap: '<b>ap</b>', ssid: XSS_SSID, interface: XSS_INTERFACE, signalDbm: -70 }),
    }),
    deviceRecord({ ...base, mac: 'D0:00:00:00:00:04', hostname: 'nas' }),
  ];
}

const { openPage } = pageHarness();

async function cellsOf(page: Page, mac: string): Promise<Record<string, string>> {
  const row = page.locator(`tr[data-mac="${mac}"]`);
  const labels = await row.locator('td').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-label') ?? ''));
  const texts = await row.locator('td').allTextContents();
  return Object.fromEntries(labels.map((label, i) => [label, texts[i] ?? '']));
}

describe('Wi-Fi and traffic columns in Chromium', () => {
  it('shows signal with a strength cue, the access point and the traffic rate, and keeps hostile names as text', async () => {
    const now = Date.now() / 1000;
    // No CSP: escaping alone must hold.
    const { page, errors, url, exporter } = await openPage(lan(now), { bypassCSP: true, fakeClock: true });
    const release = await holdDevicesApi(page);
    await page.goto(`${url}/`);

    const check = async () => {
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
      expect(await page.locator('#devices tbody').locator('img, svg, b, script').count()).toBe(0);
      expect(await cellsOf(page, 'D0:00:00:00:00:01')).toMatchObject({
        'Wi-Fi': '-61 dBm goodap-upstairs · Home (5ghz-ax)',
        Traffic: '↓ 1.2 Mbit/s ↑ 96 kbit/s',
      });
      expect(await cellsOf(page, 'D0:00:00:00:00:02')).toMatchObject({ 'Wi-Fi': '-80 dBm weakap-garage · wlan1', Traffic: '' });
      expect(await cellsOf(page, 'D0:00:00:00:00:03')).toMatchObject({
        'Wi-Fi': `-70 dBm fair<b>ap</b> · ${XSS_SSID} (5ghz-ax)`,
      });
      expect(await cellsOf(page, 'D0:00:00:00:00:04')).toMatchObject({ 'Wi-Fi': '', Traffic: '' });
      expect(await page.locator('tr[data-mac="D0:00:00:00:00:02"] .signal').getAttribute('class')).toBe('signal weak');
      expect(await page.locator('tr[data-mac="D0:00:00:00:00:01"] .signal').getAttribute('class')).toBe('signal good');
    };
    // First paint (server-side), then the script's own rows from /api/devices.
    await check();
    release();
    await waitForLiveTable(page);
    await check();

    // A client roams and its interface name turns hostile, arriving only through a live update.
    exporter.setDevices(
      lan(now).map((d) =>
        d.mac === 'D0:00:00:00:00:02'
          ? { ...d, wifi: wifi({ ap: 'ap-upstairs', interface: XSS_INTERFACE, ssid: null, band: null, signalDbm: -50 }) }
          : d,
      ),
    );
    await page.unroute('**/api/devices');
    await page.clock.runFor(5_000);
    await page.locator('tr[data-mac="D0:00:00:00:00:02"] .signal.excellent').waitFor();
    expect(await cellsOf(page, 'D0:00:00:00:00:02')).toMatchObject({
      'Wi-Fi': `-50 dBm excellentap-upstairs · ${XSS_INTERFACE}`,
    });
    expect(await page.locator('#devices tbody').locator('img, svg, b, script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__xss)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('sorts by signal, strongest first', async () => {
    const now = Date.now() / 1000;
    const { page, url } = await openPage(lan(now));
    await page.goto(`${url}/`);
    await waitForLiveTable(page);
    await page.getByRole('button', { name: 'Wi-Fi', exact: true }).click();
    const macs = await page.locator('#devices tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-mac')));
    expect(macs).toEqual(['D0:00:00:00:00:01', 'D0:00:00:00:00:03', 'D0:00:00:00:00:02', 'D0:00:00:00:00:04']);
  });
});
