/**
 * A fleet through the real `serve` process: N simulated routers x M devices
 * (one simulator process, its CPU kept out of the figures), one exporter with
 * the default poll.concurrency. Measures, after start-up: CPU per poll round,
 * peak RSS, open sockets, and logins per minute (the target is none: one login
 * per router for the life of the process).
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processCpuMs, startServe } from './serve-bench.js';
import { startSimulatorProcess } from './sim-client.js';
import { BENCH_PASSWORD, BENCH_USER } from './sim-process.js';

export interface FleetJob {
  routers: number;
  devices: number;
  intervalSeconds: number;
  rounds: number;
  serveDir: string;
}

export interface FleetResult {
  job: Omit<FleetJob, 'serveDir'>;
  startupSeconds: number;
  startupLogins: number;
  cpuPerRoundMs: number;
  peakRssBytes: number;
  openSockets: number;
  loginsPerMinute: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function openSockets(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) count += 1;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

export async function runFleetJob(job: FleetJob, log: (line: string) => void = () => undefined): Promise<FleetResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-fleet-bench-'));
  log(`fleet: starting ${job.routers} simulated routers x ${job.devices} devices`);
  const sims = await startSimulatorProcess({ routers: job.routers, devices: job.devices });
  try {
    const configPath = path.join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        routers: sims.ports.map((port, i) => ({
          name: `site-${i}`,
          host: '127.0.0.1',
          port,
          user: BENCH_USER,
          password: BENCH_PASSWORD,
          timeoutSeconds: 30,
        })),
        poll: { intervalSeconds: job.intervalSeconds, spreadSeconds: job.intervalSeconds / 2 },
        retention: { maxDevicesPerRouter: job.devices * 4 },
        state: { path: path.join(dir, 'state.json') },
        log: { level: 'info' },
      }),
      { mode: 0o600 },
    );
    const started = performance.now();
    // Info level: startServe waits for the "serving metrics" line.
    const serve = await startServe(job.serveDir, configPath, { LOG_LEVEL: 'info' });
    try {
      const startupSeconds = (performance.now() - started) / 1000;
      const pid = serve.child.pid!;
      // Let the first scheduled round pass, then measure whole rounds.
      await sleep(job.intervalSeconds * 1000);
      const startupLogins = await sims.logins();
      const cpuBefore = processCpuMs(pid);
      const windowStart = performance.now();
      log(`fleet: measuring ${job.rounds} rounds of ${job.intervalSeconds} s`);
      await sleep(job.rounds * job.intervalSeconds * 1000);
      const cpuMs = processCpuMs(pid) - cpuBefore;
      const minutes = (performance.now() - windowStart) / 60_000;
      const logins = (await sims.logins()) - startupLogins;
      return {
        job: { routers: job.routers, devices: job.devices, intervalSeconds: job.intervalSeconds, rounds: job.rounds },
        startupSeconds,
        startupLogins,
        cpuPerRoundMs: cpuMs / job.rounds,
        peakRssBytes: peakRss(pid),
        openSockets: openSockets(pid),
        loginsPerMinute: logins / minutes,
      };
    } finally {
      await serve.stop();
    }
  } finally {
    await sims.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
