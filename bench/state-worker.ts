/**
 * State file writes at a given LAN size and poll interval, for the journal
 * design (`serve`'s StateWriter) and for the previous design (the whole state
 * written atomically after every poll round), in a process of its own so that
 * /proc/self/io counts only this exporter's disk writes.
 *
 * The poll path is the real one (RouterSession against a simulator process,
 * DeviceRegistry, Monitor, StateStore on a real file system); only the clock
 * is simulated, stepping one poll interval per round, so that minutes of
 * polling (refresh batches, compactions) run in seconds. Figures:
 *   diskBytesPerMinute  = /proc/self/io write_bytes over the measured rounds
 *                         (pages sent to the storage layer: a 400-byte append
 *                         costs the 4 kB page it dirties), per simulated minute
 *   storeBytesPerMinute = bytes the store wrote (snapshots, journal records)
 *   cpuMsPerRound       = this process's CPU per poll round, polls included
 *
 * Invoked by bench/run.ts with a JSON job as argv[2]; prints one JSON result line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CoalescingSaver, StateWriter } from '../src/app/state-saver.js';
import { buildConfig } from '../src/config/load.js';
import { StateStore } from '../src/inventory/persistence.js';
import { DeviceRegistry } from '../src/inventory/registry.js';
import { Monitor, type StatePersistence } from '../src/monitor.js';
import { RouterSession } from '../src/routeros/session.js';
import { replyLimitsFor } from '../src/routeros/transport.js';
import { startSimulatorProcess } from './sim-client.js';
import { BENCH_PASSWORD, BENCH_USER } from './sim-process.js';
import { cpuMicros } from './stats.js';
import { runAsWorker } from './worker-main.js';

export type StateDesign = 'journal' | 'snapshot every poll';

export interface StateJob {
  design: StateDesign;
  devices: number;
  intervalSeconds: number;
  /** Simulated minutes measured, after two warm-up rounds. */
  minutes: number;
}

export interface StateResult {
  job: StateJob;
  diskBytesPerMinute: number;
  storeBytesPerMinute: number;
  cpuMsPerRound: number;
  snapshotBytes: number;
  compactions: number;
}

const silent = pino({ level: 'silent' });

function diskWriteBytes(): number {
  const io = readFileSync('/proc/self/io', 'utf8');
  return Number(/^write_bytes: (\d+)/m.exec(io)?.[1] ?? Number.NaN);
}

export async function runStateJob(job: StateJob): Promise<StateResult> {
  const sim = await startSimulatorProcess({ routers: 1, devices: job.devices });
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-state-bench-'));
  try {
    const { config } = buildConfig(
      {
        routers: [
          { name: 'r0', host: '127.0.0.1', port: sim.ports[0], user: BENCH_USER, password: BENCH_PASSWORD, timeoutSeconds: 120 },
        ],
        poll: { intervalSeconds: job.intervalSeconds },
        retention: { maxDevicesPerRouter: Math.max(10_000, job.devices * 2) },
      },
      '(bench)',
      {},
    );
    let nowMs = Math.floor(Date.now() / 1000) * 1000;
    const clock = () => nowMs;
    const registry = new DeviceRegistry({ presence: config.presence, retention: config.retention, routers: ['r0'] });
    const store = new StateStore(path.join(dir, 'state.json'), silent, clock);
    await store.load();
    let compactions = 0;
    const save = store.save.bind(store);
    store.save = (state) => {
      compactions++;
      return save(state);
    };
    let persistence: StatePersistence & { idle(): Promise<void> };
    if (job.design === 'journal') {
      persistence = new StateWriter(registry, store, clock);
    } else {
      // The previous design, as serve wired it: the whole state after every round, writes coalesced.
      const saver = new CoalescingSaver(async () => {
        await store.save(registry.exportState(clock() / 1000));
      });
      persistence = { requestSave: () => saver.requestSave(), flush: () => saver.flush(), idle: () => saver.idle() };
    }
    const monitor = new Monitor({
      config,
      logger: silent,
      inventory: registry,
      createClient: (router) =>
        new RouterSession({ ...router, logger: silent, replyLimits: replyLimitsFor(config.retention.maxDevicesPerRouter) }),
      persistence,
      nowMs: clock,
    });
    const round = async () => {
      nowMs += job.intervalSeconds * 1000;
      const outcome = await monitor.pollRouter('r0');
      if (!outcome.ok) throw new Error(`poll failed: ${outcome.error?.message}`);
      await persistence.idle();
    };
    await round();
    await round();
    const rounds = Math.round((job.minutes * 60) / job.intervalSeconds);
    const disk = diskWriteBytes();
    const stored = store.bytesWrittenTotal;
    const cpu = cpuMicros();
    compactions = 0;
    for (let i = 0; i < rounds; i++) await round();
    const result: StateResult = {
      job,
      diskBytesPerMinute: (diskWriteBytes() - disk) / job.minutes,
      storeBytesPerMinute: (store.bytesWrittenTotal - stored) / job.minutes,
      cpuMsPerRound: (cpuMicros() - cpu) / 1000 / rounds,
      snapshotBytes: store.snapshotBytes,
      compactions,
    };
    await monitor.stop(0);
    await store.close();
    return result;
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runAsWorker(import.meta.url, runStateJob);
