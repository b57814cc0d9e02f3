import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { type ListeningServer, listen } from '../../src/http/server.js';
import type { DeviceRecord } from '../../src/inventory/types.js';
import { createLogger } from '../../src/logging.js';
import { createLiveRegistry } from '../../src/metrics/live-registry.js';
import { emptySummary, type Snapshot, SnapshotBuilder } from '../../src/metrics/snapshot.js';
import { initialPollStatus } from '../../src/poller/router-poll-status.js';
import { vendorFields } from '../../src/vendor/oui.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies, cache, storage) per test. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless. chromium.launch gives every launch a fresh
 * temporary profile (and removes it on close), and each test gets its own
 * incognito-like context on top.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    browser,
    context: (options) => browser.newContext({ viewport: { width: 1400, height: 900 }, ...options }),
    close: () => browser.close(),
  };
}

export function buildSnapshot(devices: ReadonlyArray<DeviceRecord>, now = Date.now() / 1000): Snapshot {
  const routers = [...new Set(devices.map((d) => d.router))];
  const builder = new SnapshotBuilder(routers, initialPollStatus);
  for (const router of routers) {
    builder.updateRouter(
      { ...initialPollStatus(router), attempted: true, up: true },
      devices.filter((d) => d.router === router),
      emptySummary(),
    );
  }
  return builder.build(now);
}

export interface TestExporter {
  url: string;
  /** Replace what /api/devices and / serve, as a poll would. */
  setDevices(devices: ReadonlyArray<DeviceRecord>): void;
  close(): Promise<void>;
}

/** The real app and HTTP server on loopback, with a snapshot the test controls instead of a poller. */
export async function startTestExporter(devices: ReadonlyArray<DeviceRecord>): Promise<TestExporter> {
  let snapshot = buildSnapshot(devices);
  const app = createApp({
    logger: createLogger('silent'),
    version: '9.8.7-test',
    snapshot: () => snapshot,
    liveRegistry: createLiveRegistry({ version: '9.8.7-test', stateWrites: () => ({ errorsTotal: 0, lastSuccess: null }) }),
    isReady: () => true,
    decorateDevice: vendorFields,
  });
  const server: ListeningServer = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    setDevices(next) {
      snapshot = buildSnapshot(next);
    },
    close: () => server.close(),
  };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

export interface OpenedPage {
  page: Page;
  /** Uncaught errors and console errors of the page. */
  errors: string[];
  url: string;
  exporter: TestExporter;
}

export interface PageOptions {
  /** Without the Content-Security-Policy: escaping alone must hold. */
  bypassCSP?: boolean;
  viewport?: { width: number; height: number };
  /** A fake clock, so a test can fire the 5 s refresh timer at once instead of waiting for it. */
  fakeClock?: boolean;
}

/**
 * The hooks of a page test file: one Chromium for the file, and per test a
 * fresh context and a test exporter serving `devices`, both closed after it.
 * Call at the top level of the file.
 */
export function pageHarness(): { openPage(devices: DeviceRecord[], options?: PageOptions): Promise<OpenedPage> } {
  let browser: TestBrowser;
  let exporter: TestExporter | null = null;
  const pages: Page[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.context().close();
    await exporter?.close();
    exporter = null;
  });
  return {
    async openPage(devices, options = {}) {
      exporter = await startTestExporter(devices);
      const context = await browser.context({
        bypassCSP: options.bypassCSP,
        ...(options.viewport ? { viewport: options.viewport } : {}),
      });
      const page = await context.newPage();
      pages.push(page);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      if (options.fakeClock) await page.clock.install();
      return { page, errors, url: exporter.url, exporter };
    },
  };
}

// Runs in the page; the project compiles without the DOM library, so name what it touches.
declare const document: { getElementById(id: string): { textContent: string | null } | null };

/**
 * Holds the page's fetches of /api/devices until the returned function is called, so the
 * server's first paint can be checked before the script replaces it.
 */
export async function holdDevicesApi(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/devices', async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** Waits until the page's script has replaced the server's rows with its own render of /api/devices. */
export async function waitForLiveTable(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('updated')?.textContent?.startsWith('Updated at'));
}
