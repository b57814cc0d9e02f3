/**
 * One poll scenario in a process of its own (so its peak RSS is its own):
 * the exporter's poll path exactly as `serve` wires it (RouterSession ->
 * DeviceRegistry.applyPoll -> SnapshotBuilder, driven by Monitor.pollRouter),
 * against simulated routers running in another process.
 *
 * Per poll it records CPU time of this process (process.cpuUsage: every thread,
 * GC included), wall time, and the simulator process's CPU over the same
 * window, split by layer with wrappers around the client and the inventory:
 *   transport+map = RouterSession.poll (socket reads, decoding, row mapping)
 *   merge         = DeviceRegistry.applyPoll + routerView + routerSummary
 *   snapshot      = the rest of pollRouter (rendering and assembling the exposition)
 *
 * Invoked by bench/run.ts with a JSON job as argv[2]; prints one JSON result line.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import pino from 'pino';
import { buildConfig } from '../src/config/load.js';
import { DeviceRegistry } from '../src/inventory/registry.js';
import { type DeviceInventory, Monitor, type RouterClient } from '../src/monitor.js';
import type { RouterObservations } from '../src/routeros/observation-types.js';
import { RouterSession } from '../src/routeros/session.js';
import { replyLimitsFor } from '../src/routeros/transport.js';
import { startSimulatorProcess } from './sim-client.js';
import { BENCH_PASSWORD, BENCH_USER } from './sim-process.js';
import { cpuMicros, median, peakRssBytes } from './stats.js';
import { runAsWorker } from './worker-main.js';

export interface PollJob {
  routers: number;
  devices: number;
  warmup: number;
  polls: number;
  /** The LAN also has Wi-Fi registrations, kid control, IPv6 neighbours and a pool (all sources read). */
  depth?: boolean;
  /**
   * Lease durations move between rounds as on a real router (every lease row differs from the
   * previous poll's). Without it every poll reads the same bytes, which flatters whatever reuses
   * unchanged rows (src/routeros/row-memory.ts).
   */
  leaseClock?: boolean;
}

export interface PollResult {
  job: PollJob;
  /**
   * Mean CPU per round over all measured rounds, each followed by a short pause:
   * includes the GC work V8 defers to after a round, which per-round windows miss.
   */
  cpuMeanMs: number;
  /** The rest are medians over the measured rounds; a round polls every router once. */
  cpuMs: number;
  wallMs: number;
  /** Wall time minus the simulator's CPU time in the same window. */
  wallExclSimMs: number;
  simCpuMs: number;
  transportMs: number;
  mergeMs: number;
  snapshotMs: number;
  /** Main-thread GC pauses within the round (already part of the CPU figures above). */
  gcMs: number;
  expositionBytes: number;
  devicesExported: number;
  peakRssBytes: number;
  heapUsedBytes: number;
}

const silent = pino({ level: 'silent' });
const PAUSE_MS = 150;

interface Layers {
  transportUs: number;
  mergeUs: number;
}

function timedClient(session: RouterSession, layers: Layers): RouterClient {
  return {
    async poll() {
      const start = cpuMicros();
      try {
        return await session.poll();
      } finally {
        layers.transportUs += cpuMicros() - start;
      }
    },
    close: () => session.close(),
  };
}

function timedInventory(registry: DeviceRegistry, layers: Layers): DeviceInventory {
  const timed = <T>(work: () => T): T => {
    const start = cpuMicros();
    try {
      return work();
    } finally {
      layers.mergeUs += cpuMicros() - start;
    }
  };
  return {
    applyPoll: (router: string, observations: RouterObservations, now: number) =>
      timed(() => registry.applyPoll(router, observations, now)),
    routerDevices: (router: string) => timed(() => registry.routerDevices(router)),
    routerView: (router: string) => timed(() => registry.routerView(router)),
    routerSummary: (router: string) => timed(() => registry.routerSummary(router)),
  };
}

export async function runPollJob(job: PollJob): Promise<PollResult> {
  const sim = await startSimulatorProcess({ routers: job.routers, devices: job.devices, depth: job.depth ?? false });
  try {
    const names = sim.ports.map((_, i) => `r${i}`);
    const { config } = buildConfig(
      {
        routers: sim.ports.map((port, i) => ({
          name: names[i],
          host: '127.0.0.1',
          port,
          user: BENCH_USER,
          password: BENCH_PASSWORD,
          timeoutSeconds: 120,
        })),
        retention: { maxDevicesPerRouter: Math.max(10_000, job.devices * 2) },
      },
      '(bench)',
      {},
    );
    const registry = new DeviceRegistry({
      presence: config.presence,
      retention: config.retention,
      watched: [],
      routers: names,
    });
    const layers: Layers = { transportUs: 0, mergeUs: 0 };
    const monitor = new Monitor({
      config,
      logger: silent,
      inventory: timedInventory(registry, layers),
      createClient: (router) =>
        timedClient(
          new RouterSession({ ...router, logger: silent, replyLimits: replyLimitsFor(config.retention.maxDevicesPerRouter) }),
          layers,
        ),
    });

    let gcMs = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    // Routers are polled one after another (serve starts them together), so the
    // CPU windows of the layers never overlap; a round's figures are the sums.
    const samples: Array<{ cpu: number; wall: number; sim: number; transport: number; merge: number; gc: number }> = [];
    let measuredFrom = 0;
    for (let i = 0; i < job.warmup + job.polls; i++) {
      if (i === job.warmup) measuredFrom = cpuMicros();
      const round = { cpu: 0, wall: 0, sim: 0, transport: 0, merge: 0, gc: 0 };
      if (job.leaseClock) await sim.tickLeases(5);
      // GC entries are delivered asynchronously: let the last round's arrive before resetting.
      await new Promise((resolve) => setImmediate(resolve));
      gcMs = 0;
      for (const name of names) {
        const simBefore = await sim.cpuMicros();
        layers.transportUs = 0;
        layers.mergeUs = 0;
        const cpuBefore = cpuMicros();
        const wallBefore = performance.now();
        const outcome = await monitor.pollRouter(name);
        const wall = performance.now() - wallBefore;
        const cpu = cpuMicros() - cpuBefore;
        const simCpu = (await sim.cpuMicros()) - simBefore;
        if (!outcome.ok) throw new Error(`poll of ${name} failed: ${outcome.error?.message}`);
        round.cpu += cpu / 1000;
        round.wall += wall;
        round.sim += simCpu / 1000;
        round.transport += layers.transportUs / 1000;
        round.merge += layers.mergeUs / 1000;
      }
      await new Promise((resolve) => setImmediate(resolve));
      round.gc = gcMs;
      if (i >= job.warmup) samples.push(round);
      // Room for V8's deferred work (concurrent sweeping, finalising a marking cycle), as between real polls.
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
    const cpuMeanMs = (cpuMicros() - measuredFrom) / 1000 / job.polls;
    gcObserver.disconnect();
    const snapshot = monitor.snapshot();
    const result: PollResult = {
      job,
      cpuMeanMs,
      cpuMs: median(samples.map((s) => s.cpu)),
      wallMs: median(samples.map((s) => s.wall)),
      wallExclSimMs: median(samples.map((s) => Math.max(0, s.wall - s.sim))),
      simCpuMs: median(samples.map((s) => s.sim)),
      transportMs: median(samples.map((s) => s.transport)),
      mergeMs: median(samples.map((s) => s.merge)),
      snapshotMs: median(samples.map((s) => s.cpu - s.transport - s.merge)),
      gcMs: median(samples.map((s) => s.gc)),
      expositionBytes: snapshot.expositionByteLength,
      devicesExported: snapshot.devices.length,
      peakRssBytes: peakRssBytes(),
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
    await monitor.stop(0);
    return result;
  } finally {
    await sim.stop();
  }
}

runAsWorker(import.meta.url, runPollJob);
