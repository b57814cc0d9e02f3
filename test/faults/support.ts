/**
 * Fault-matrix helpers: watch a running exporter's /metrics while a simulated
 * router misbehaves, and check the documented outage contract (docs/devices.md and
 * netmon_router_*): the last good poll keeps being served, router_up drops to
 * 0, the failure is counted under the right reason, and the exporter recovers
 * on its own once the router behaves again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, sleep, startExporter } from '../support/exporter-process.js';
import { findSample, type ParsedSample, parseExposition } from '../support/exposition-parser.js';

export const REASONS = ['auth', 'timeout', 'connection', 'protocol'] as const;
export type Reason = (typeof REASONS)[number];

/**
 * Families that carry what the last good poll learned. Router health families
 * (up, duration, errors, last success) change on every attempt and are left out.
 */
const DATA_FAMILIES = [
  'netmon_device_',
  'netmon_devices{',
  'netmon_dhcp_leases{',
  'netmon_address_conflicts{',
  'netmon_router_info{',
];

export interface Scrape {
  /** Wall-clock ms when the scrape was answered. */
  at: number;
  text: string;
  samples: ParsedSample[];
  up: number | undefined;
  lastSuccess: number | undefined;
  errors: Record<Reason, number>;
  /** The data lines of one router, in page order. */
  data: string;
  /** process_start_time_seconds: unchanged means the same process, never restarted. */
  processStart: number | undefined;
}

export function dataLines(text: string, router: string): string {
  const own = `router="${router}"`;
  return text
    .split('\n')
    .filter((line) => DATA_FAMILIES.some((prefix) => line.startsWith(prefix)) && line.includes(own))
    .join('\n');
}

export async function scrape(url: string, router: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  const samples = parseExposition(text);
  const errors = {} as Record<Reason, number>;
  for (const reason of REASONS) {
    errors[reason] = findSample(samples, 'netmon_router_poll_errors_total', { router, reason })?.value ?? Number.NaN;
  }
  return {
    at: Date.now(),
    text,
    samples,
    up: findSample(samples, 'netmon_router_up', { router })?.value,
    lastSuccess: findSample(samples, 'netmon_router_last_success_timestamp_seconds', { router })?.value,
    errors,
    data: dataLines(text, router),
    processStart: findSample(samples, 'process_start_time_seconds', {})?.value,
  };
}

export const totalErrors = (s: Scrape): number => REASONS.reduce((sum, r) => sum + s.errors[r], 0);

/**
 * Scrapes continuously (every 50 ms) and remembers, for every good poll it saw,
 * that poll's data lines, so an outage can be compared with exactly the poll
 * that preceded it. Any scrape that is not a 200 with a parseable page is kept
 * as a problem: the exporter must serve throughout every fault.
 */
export class MetricsWatcher {
  readonly goodPolls = new Map<number, string>();
  readonly problems: string[] = [];
  latest: Scrape | null = null;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    readonly url: string,
    readonly router: string,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.scrapeOnce();
        await sleep(50);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async scrapeOnce(): Promise<Scrape | null> {
    try {
      const s = await scrape(this.url, this.router);
      if (s.up === 1 && s.lastSuccess !== undefined && !this.goodPolls.has(s.lastSuccess))
        this.goodPolls.set(s.lastSuccess, s.data);
      this.latest = s;
      return s;
    } catch (error) {
      this.problems.push(`${new Date().toISOString()} ${(error as Error).message}`);
      return null;
    }
  }

  /** Resolves with the first fresh scrape that satisfies `accept`. */
  async until(accept: (s: Scrape) => boolean, what: string, timeoutMs = 15_000): Promise<Scrape> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.scrapeOnce();
      if (s && accept(s)) return s;
      if (Date.now() > deadline) {
        const last = this.latest;
        throw new Error(
          `timed out waiting for ${what}; last scrape: up=${last?.up} lastSuccess=${last?.lastSuccess} errors=${JSON.stringify(last?.errors)}`,
        );
      }
      await sleep(50);
    }
  }

  /** A good poll that finished after this call. */
  freshGoodPoll(): Promise<Scrape> {
    const after = Date.now() / 1000;
    return this.until((s) => s.up === 1 && (s.lastSuccess ?? 0) > after, 'a fresh good poll');
  }
}

export interface Fault {
  /** The reason netmon_router_poll_errors_total must count for this fault. */
  reason: Reason;
  /**
   * Reasons that may be counted besides: after a failed connection the session
   * fails polls fast, with the reason that started its backoff, until the backoff has passed.
   */
  alsoCounted?: Reason[];
  inject(): Promise<void> | void;
  clear(): Promise<void> | void;
}

export interface OutageRecord {
  before: Scrape;
  down: Scrape;
  back: Scrape;
  /** /api/devices during the outage, parsed. */
  devicesDuringOutage: unknown[];
}

/**
 * Injects a fault and checks the whole outage contract, then clears it and
 * waits for recovery. Every assertion names the fault in its message.
 */
export async function expectOutageAndRecovery(watcher: MetricsWatcher, name: string, fault: Fault): Promise<OutageRecord> {
  const before = await watcher.freshGoodPoll();
  await fault.inject();

  const down = await watcher.until(
    (s) => s.up === 0 && s.errors[fault.reason] > before.errors[fault.reason],
    `${name}: router_up 0 and a ${fault.reason} error`,
  );
  const lastGood = down.lastSuccess;
  expect(lastGood, `${name}: last success kept`).toBeGreaterThanOrEqual(before.lastSuccess ?? Infinity);
  expect(watcher.goodPolls.has(lastGood!), `${name}: the watcher saw the last good poll`).toBe(true);
  expect(down.data, `${name}: the last good poll's data is served`).toBe(watcher.goodPolls.get(lastGood!));
  expect(
    down.data.split('\n').filter((l) => l.startsWith('netmon_device_present{')).length,
    `${name}: devices still exported`,
  ).toBeGreaterThan(0);
  const devicesA = await getJson(`${watcher.url}/api/devices`);

  // One more failed attempt: the data stays put, devices do not age into absent.
  const later = await watcher.until((s) => totalErrors(s) > totalErrors(down), `${name}: a second failed poll`);
  expect(later.up, `${name}: still down`).toBe(0);
  expect(later.lastSuccess, `${name}: last success unchanged`).toBe(lastGood);
  expect(later.data, `${name}: data unchanged over failed polls`).toBe(down.data);
  const devicesB = await getJson(`${watcher.url}/api/devices`);
  expect(devicesB, `${name}: /api/devices unchanged over failed polls`).toEqual(devicesA);
  expect((await fetch(`${watcher.url}/healthz`)).status, `${name}: healthy while the router is down`).toBe(200);

  await fault.clear();
  const back = await watcher.until((s) => s.up === 1 && (s.lastSuccess ?? 0) > lastGood!, `${name}: recovery`, 20_000);
  expect(back.processStart, `${name}: same process (no restart)`).toBe(before.processStart);

  const allowed = new Set<Reason>([fault.reason, ...(fault.alsoCounted ?? [])]);
  for (const reason of REASONS) {
    const delta = back.errors[reason] - before.errors[reason];
    if (reason === fault.reason) expect(delta, `${name}: ${reason} counted`).toBeGreaterThanOrEqual(1);
    else if (!allowed.has(reason)) expect(delta, `${name}: nothing counted as ${reason}`).toBe(0);
  }
  return { before, down, back, devicesDuringOutage: devicesA };
}

async function getJson(url: string): Promise<unknown[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as unknown[];
}

/** Lines an exporter must never print, whatever a router sends. */
export function crashSigns(output: string): string[] {
  return output.split('\n').filter((line) => /uncaught|unhandled|TypeError|RangeError|at .*\.ts:\d+/i.test(line));
}

/** A router config entry for the simulator, with the matrix's short deadline. */
export function routerFor(sim: { host: string; port: number }, password: string, extra: Record<string, unknown> = {}) {
  return { name: 'edge', host: sim.host, port: sim.port, user: 'monitor', password, timeoutSeconds: 1, ...extra };
}

export interface FaultRig {
  sim: RunningSimulator;
  exporter: ExporterProcess;
  watcher: MetricsWatcher;
}

/**
 * One simulator, one real `serve` polling it every second and a background
 * scraper, shared by the scenarios of one describe block; closed after it.
 */
export function useFaultRig(
  password: string,
  options: { simulator?: SimulatorOptions; router?: Record<string, unknown>; config?: Record<string, unknown> } = {},
): FaultRig {
  const rig = {} as FaultRig;
  beforeAll(async () => {
    rig.sim = await startSimulator({ users: [{ name: 'monitor', password }], ...options.simulator });
    rig.exporter = await startExporter({
      config: {
        routers: [routerFor(rig.sim, password, options.router)],
        poll: { intervalSeconds: 1 },
        state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-faults-')), 'state.json') },
        ...options.config,
      },
    });
    rig.watcher = new MetricsWatcher(rig.exporter.url, 'edge');
    rig.watcher.start();
  });
  afterAll(async () => {
    await rig.watcher?.stop();
    await rig.exporter?.stop();
    await rig.sim?.close();
  });
  return rig;
}
