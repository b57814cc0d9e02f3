import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';
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
