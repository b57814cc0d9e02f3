import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { sampleLanWithHostileNames } from '../../src/simulator/testing/hostile-names.js';
import { type ExporterProcess, startExporter } from '../support/exporter-process.js';
import { artifactPath, launchChromium, type TestBrowser } from './support.js';

/**
 * The whole product as a user meets it: the real `serve` process polling the
 * RouterOS simulator's sample LAN (with hostile host names) over the wire protocol, its landing page in
 * Chromium. A device that leaves the simulator must turn absent on the open
 * page, by the page's own refresh.
 */

declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const NAS = '00:11:32:ED:E6:61';
const PRESENCE_TIMEOUT_SECONDS = 3;

let simulator: RunningSimulator;
let exporter: ExporterProcess;
let chromium: TestBrowser;

beforeAll(async () => {
  simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'monitor', password: 'pw-browser' }],
    lan: sampleLanWithHostileNames(),
  });
  exporter = await startExporter({
    config: {
      routers: [{ name: 'demo', host: simulator.host, port: simulator.port, user: 'monitor', password: 'pw-browser' }],
      poll: { intervalSeconds: 1 },
      presence: { timeoutSeconds: PRESENCE_TIMEOUT_SECONDS },
      devices: [{ mac: NAS, name: 'nas', router: 'demo' }],
      state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-browser-')), 'state.json') },
    },
  });
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await exporter?.stop();
  await simulator?.close();
});

function simulatorMacs(): Set<string> {
  const tables = simulator.tables;
  const macs = [
    ...tables.leases.map((row) => row.macAddress),
    ...tables.arp.flatMap((row) => (row.macAddress ? [row.macAddress] : [])),
    ...tables.bridgeHosts.filter((row) => !row.local).map((row) => row.macAddress),
  ];
  return new Set(macs.map((mac) => mac.toUpperCase()));
}

async function rowMacs(page: Page): Promise<string[]> {
  return page.$$eval('#devices tbody tr', (rows) => rows.map((row) => row.getAttribute('data-mac') ?? ''));
}

describe('landing page of the real exporter', () => {
  it("lists the simulator's devices, and one that leaves turns absent without a reload", async () => {
    const context = await chromium.context();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${exporter.url}/`);
    await page.waitForFunction(() => document.querySelector('#updated')?.textContent?.startsWith('Updated at') === true);

    const expected = simulatorMacs();
    expect(expected.size).toBeGreaterThan(50);
    expect(new Set(await rowMacs(page))).toEqual(expected);
    const api = (await (await fetch(`${exporter.url}/api/devices`)).json()) as Array<{ mac: string }>;
    expect(api).toHaveLength(expected.size);

    // The sample LAN's hostile host names arrive as text.
    expect(await page.locator('#devices tbody').locator('script, img').count()).toBe(0);
    expect(await page.locator('#devices tbody td').allTextContents()).toContain('</script><script>alert(1)</script>');

    const nas = page.locator(`tr[data-mac="${NAS}"]`);
    expect(await nas.locator('.badge').textContent()).toBe('present');
    expect(await nas.locator('td').first().textContent()).toBe('nas');
    await page.screenshot({ path: artifactPath('serve-sample-lan.png') });

    // The NAS leaves the LAN: gone from every table the router has.
    const tables = simulator.tables;
    tables.leases = tables.leases.filter((row) => row.macAddress.toUpperCase() !== NAS);
    tables.arp = tables.arp.filter((row) => row.macAddress?.toUpperCase() !== NAS);
    tables.bridgeHosts = tables.bridgeHosts.filter((row) => row.macAddress.toUpperCase() !== NAS);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    await page.waitForFunction((mac) => document.querySelector(`tr[data-mac="${mac}"] .badge`)?.textContent === 'absent', NAS, {
      timeout: 25_000,
      polling: 200,
    });
    expect(navigations).toEqual([]);
    // Still listed (with its history) and now counted among the absent.
    expect(await rowMacs(page)).toContain(NAS);
    expect(await page.locator('#summary').textContent()).toMatch(/^\d+ devices: \d+ present, \d+ absent, \d+ new, 1 watched$/);
    await page.getByLabel('Show').selectOption('watched');
    expect(await rowMacs(page)).toEqual([NAS]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
