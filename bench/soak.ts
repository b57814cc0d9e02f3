/**
 * Soak: thousands of polls in one process, looking for leaks.
 *
 * The exporter's real parts run in-process (RouterSession over our own client,
 * DeviceRegistry, Monitor, the state file with its coalescing saver, the HTTP
 * app on a loopback port) against a simulated router that also lives here.
 * Monitor.pollRouter is driven directly, every --interval-ms (the config's
 * 1 s minimum interval would make 2,000 polls take over half an hour). On the
 * way, devices come and go (new randomised MACs every poll, some leave, some
 * change address), and the router flaps: reboots, stalls, refuses logins,
 * sends garbage, closes mid-reply, announces a 4 GB word.
 *
 * At three quiet points (start after warm-up, middle, end) it prints RSS, heap
 * after GC, open file descriptors, sockets, active handles, timers and event
 * listeners. Counts are deterministic, so growth in any of them is reported
 * as a leak and the exit code is 1; memory is printed with its growth and
 * judged by the reader (it moves with the allocator, not only with leaks).
 *
 *   npm run bench:soak -- [--polls 2000 (at least 800)] [--interval-ms 20] [--devices 1000]
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { StateWriter } from '../src/app/state-saver.js';
import { createApp } from '../src/http/app.js';
import { listen } from '../src/http/server.js';
import { StateStore } from '../src/inventory/persistence.js';
import { DeviceRegistry } from '../src/inventory/registry.js';
import { createLogger } from '../src/logging.js';
import { createLiveRegistry } from '../src/metrics/live-registry.js';
import { Monitor } from '../src/monitor.js';
import { RouterSession } from '../src/routeros/session.js';
import { type FaultSettings, generateLan, type RunningSimulator, startSimulator } from '../src/simulator/index.js';

const { values } = parseArgs({
  options: {
    polls: { type: 'string', default: '2000' },
    'interval-ms': { type: 'string', default: '20' },
    devices: { type: 'string', default: '1000' },
  },
});
const POLLS = Number(values.polls);
const INTERVAL_MS = Number(values['interval-ms']);
const DEVICES = Number(values.devices);
if (!(POLLS >= 800) || !(INTERVAL_MS >= 0) || !(DEVICES >= 10))
  throw new Error('need --polls >= 800, --interval-ms >= 0, --devices >= 10');

const PASSWORD = 'soak-password';
const CYCLE = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// The router's misbehaviour: one cycle of CYCLE polls, faults between 50 and 195.

interface Flap {
  at: number;
  polls: number;
  name: string;
  start(sim: RunningSimulator): void;
}
const fault = (at: number, polls: number, name: string, faults: Partial<FaultSettings>, drop = false): Flap => ({
  at,
  polls,
  name,
  start(sim) {
    sim.setFaults(faults);
    if (drop) sim.dropConnections();
  },
});
const FLAPS: Flap[] = [
  { at: 50, polls: 1, name: 'reboot', start: (sim) => void sim.reboot(150) },
  fault(80, 3, 'stall', { stall: true }),
  fault(110, 3, 'refused login', { refuseLogin: true }, true),
  fault(140, 2, 'garbage', { garbage: Buffer.from([0xff, 0x00, 0x13, 0x37]) }),
  fault(160, 2, 'closed mid-reply', { closeAfterBytes: 100 }),
  fault(180, 1, '4 GB word', { hugeWord: true }),
  fault(190, 2, 'fatal', { fatal: 'out of memory' }),
];
const QUIET = 40; // poll index within a cycle far from any fault: where figures are taken

// ---------------------------------------------------------------------------
// Devices coming and going

let nextNewDevice = 0;
function churn(sim: RunningSimulator, rng: () => number): void {
  const lan = sim.tables;
  // About 1 % leave.
  const leaving = Math.max(1, Math.floor(lan.leases.length * 0.01));
  for (let k = 0; k < leaving; k++) {
    const victim = lan.leases[Math.floor(rng() * lan.leases.length)]?.macAddress;
    if (!victim) break;
    lan.leases = lan.leases.filter((r) => r.macAddress !== victim);
    lan.arp = lan.arp.filter((r) => r.macAddress !== victim);
    lan.bridgeHosts = lan.bridgeHosts.filter((r) => r.macAddress !== victim);
  }
  // As many arrive, with fresh randomised MACs (phones joining with private addresses).
  for (let k = 0; k < leaving; k++) {
    const n = nextNewDevice++;
    const mac = ['0A', 'CE', (n >> 16) & 255, (n >> 8) & 255, n & 255, 0x5a]
      .map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0').toUpperCase()))
      .join(':');
    const address = `172.16.${(n >> 8) & 255}.${n & 255 || 1}`;
    lan.leases.push({
      address,
      macAddress: mac,
      server: 'dhcp1',
      status: 'bound',
      dynamic: true,
      hostName: `guest-${n}`,
      lastSeen: 1,
      expiresAfter: 600,
    });
    lan.arp.push({ address, macAddress: mac, interface: 'bridge', dynamic: true, status: 'reachable' });
    lan.bridgeHosts.push({ macAddress: mac, bridge: 'bridge', interface: 'wlan1', dynamic: true });
  }
  // A few change address.
  for (let k = 0; k < 3; k++) {
    const row = lan.arp[Math.floor(rng() * lan.arp.length)];
    if (row) row.address = `192.168.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 250)}`;
  }
}

// ---------------------------------------------------------------------------
// Figures

interface Figures {
  poll: number;
  rss: number;
  heapUsed: number;
  external: number;
  fds: number;
  sockets: number;
  handles: number;
  timers: number;
  listeners: number;
  devices: number;
  simConnections: number;
}

interface HandleLike {
  eventNames?: () => Array<string | symbol>;
  listenerCount?: (event: string | symbol) => number;
}

function listenerTotal(emitter: HandleLike): number {
  if (typeof emitter.eventNames !== 'function' || typeof emitter.listenerCount !== 'function') return 0;
  return emitter.eventNames().reduce((sum, event) => sum + emitter.listenerCount!(event), 0);
}

async function figures(poll: number, registry: DeviceRegistry, sim: RunningSimulator): Promise<Figures> {
  // Let closed sockets finish closing, then collect twice so weak/finalised objects go too.
  await sleep(200);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const memory = process.memoryUsage();
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return {
    poll,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    external: memory.external,
    fds: readdirSync('/proc/self/fd').length,
    sockets: handles.filter((h) => h instanceof net.Socket).length,
    handles: handles.length,
    timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length,
    listeners: listenerTotal(process) + handles.reduce<number>((sum, h) => sum + listenerTotal(h as HandleLike), 0),
    devices: registry.routerDevices('soak').length,
    simConnections: sim.connections().length,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function printFigures(rows: Array<[string, Figures]>): void {
  const columns: Array<[string, (f: Figures) => string]> = [
    ['poll', (f) => String(f.poll)],
    ['RSS', (f) => mb(f.rss)],
    ['heap after GC', (f) => mb(f.heapUsed)],
    ['external', (f) => mb(f.external)],
    ['fds', (f) => String(f.fds)],
    ['sockets', (f) => String(f.sockets)],
    ['handles', (f) => String(f.handles)],
    ['timers', (f) => String(f.timers)],
    ['listeners', (f) => String(f.listeners)],
    ['devices', (f) => String(f.devices)],
    ['router conns', (f) => String(f.simConnections)],
  ];
  const table = [['', ...columns.map(([h]) => h)], ...rows.map(([label, f]) => [label, ...columns.map(([, get]) => get(f))])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const row of table)
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

// ---------------------------------------------------------------------------

async function main(): Promise<number> {
  if (!(globalThis as { gc?: unknown }).gc) console.log('soak: run with node --expose-gc for heap figures after GC');
  const rng = (() => {
    let a = 12345;
    return () => {
      a = (a * 1103515245 + 12345) >>> 0;
      return a / 4294967296;
    };
  })();
  const sim = await startSimulator({
    users: [{ name: 'monitor', password: PASSWORD }],
    lan: generateLan({ devices: DEVICES, seed: 5 }),
    maxCommandLog: 64,
  });
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true }));
  const registry = new DeviceRegistry({
    presence: { timeoutSeconds: 300, arpStates: ['reachable', 'delay', 'probe'] },
    // Above the LAN size: the stream of new MACs is bounded by dropping the longest-absent ones.
    retention: { forgetAfterDays: 30, maxDevicesPerRouter: Math.round(DEVICES * 1.5) },
    watched: [{ mac: '00:11:32:00:00:01', name: 'nas', router: 'soak' }],
    routers: ['soak'],
  });
  const store = new StateStore(path.join(mkdtempSync(path.join(tmpdir(), 'netmon-soak-')), 'state.json'), logger);
  await store.load();
  const saver = new StateWriter(registry, store);
  const router = {
    name: 'soak',
    host: sim.host,
    port: sim.port,
    user: 'monitor',
    password: PASSWORD,
    tls: { enabled: false, ca: null, rejectUnauthorized: true, anonymous: false },
    timeoutSeconds: 0.5,
  };
  const monitor = new Monitor({
    config: { routers: [router], poll: { intervalSeconds: 1, offsetSeconds: 0 } },
    logger,
    inventory: registry,
    // A short backoff so that most polls during a flap really reconnect, not just fail fast.
    createClient: (r) => new RouterSession({ ...r, logger, backoff: { initialMs: 20, maxMs: 200 } }),
    persistence: saver,
  });
  const app = createApp({
    logger: createLogger('silent'),
    version: 'soak',
    snapshot: () => monitor.snapshot(),
    liveRegistry: createLiveRegistry({
      version: 'soak',
      stateWrites: () => ({ errorsTotal: store.writeErrorsTotal, lastSuccess: store.lastWriteSuccess }),
    }),
    isReady: () => monitor.isReady(),
  });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });

  const outcomes = new Map<string, number>();
  // Quiet polls (QUIET into a cycle): after one full cycle of warm-up, near the middle, and the last one.
  const checkpoints = [
    CYCLE + QUIET,
    CYCLE * Math.round(POLLS / 2 / CYCLE) + QUIET,
    CYCLE * Math.floor((POLLS - QUIET) / CYCLE) + QUIET,
  ];
  const taken: Array<[string, Figures]> = [];
  const labels = ['start', 'middle', 'end'];
  let clearAt = -1;
  let scrapes = 0;
  const started = performance.now();
  console.log(
    `soak: ${POLLS} polls every ${INTERVAL_MS} ms, ${DEVICES} devices, a router fault every ~30 polls, figures at polls ${checkpoints.join(', ')}`,
  );

  for (let i = 1; i <= POLLS; i++) {
    const inCycle = i % CYCLE;
    if (i === clearAt) sim.clearFaults();
    const flap = FLAPS.find((f) => f.at === inCycle);
    if (flap) {
      flap.start(sim);
      clearAt = i + flap.polls;
    }
    churn(sim, rng);
    const outcome = await monitor.pollRouter('soak');
    const key = outcome.ok ? 'ok' : outcome.error!.reason;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (i % 10 === 0) {
      const res = await fetch(`${server.url}/metrics`);
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      await res.arrayBuffer();
      scrapes++;
    }
    const index = checkpoints.indexOf(i);
    if (index !== -1 && taken.length === index) taken.push([labels[index]!, await figures(i, registry, sim)]);
    if (INTERVAL_MS > 0) await sleep(INTERVAL_MS);
  }
  const seconds = (performance.now() - started) / 1000;

  await monitor.stop();
  await server.close();
  await sim.close();

  console.log(
    `\n${POLLS} polls in ${seconds.toFixed(0)} s: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; ${scrapes} scrapes; state writes failed: ${store.writeErrorsTotal}`,
  );
  printFigures(taken);

  const [first, , last] = taken.map(([, f]) => f);
  const leaks: string[] = [];
  // Tolerance 2: a scrape's keep-alive socket or a reconnect may be mid-close at a checkpoint.
  for (const key of ['fds', 'sockets', 'handles', 'timers', 'listeners', 'simConnections'] as const) {
    if (last![key] > first![key] + 2) leaks.push(`${key} ${first![key]} -> ${last![key]}`);
  }
  const growth = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(0)} %`;
  console.log(
    `RSS ${mb(first!.rss)} -> ${mb(last!.rss)} (${growth(first!.rss, last!.rss)}), heap after GC ${mb(first!.heapUsed)} -> ${mb(last!.heapUsed)} (${growth(first!.heapUsed, last!.heapUsed)})`,
  );
  console.log(
    leaks.length === 0
      ? 'soak: OK, no growth in descriptors, sockets, handles, timers or listeners'
      : `soak: LEAK: ${leaks.join('; ')}`,
  );
  return leaks.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
