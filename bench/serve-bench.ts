/**
 * The real `serve` process (compiled CLI, plain node) against simulated routers
 * in another process: /metrics under 50 concurrent clients (autocannon), the
 * size of the page, the process's peak RSS, and its CPU while idle between polls.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { deployedMallocEnv, deployedNodeArgs } from './image.js';
import { startSimulatorProcess } from './sim-client.js';
import { BENCH_PASSWORD, BENCH_USER } from './sim-process.js';

export interface ServeJob {
  /** Directory whose src/cli.js is run (bench/build.ts). */
  serveDir: string;
  /** Extra environment for serve. */
  env: Record<string, string>;
  /** Extra node options before the script (V8 flags, --cpu-prof), after the image's own: NODE_OPTIONS refuses some of them. */
  nodeArgs?: string[];
  routers: number;
  devices: number;
  intervalSeconds: number;
  /**
   * autocannon run length; 0 skips the load test. The run starts settleMs after
   * a poll slot and is cut to end before the next one, so it measures scrapes
   * between polls.
   */
  loadSeconds: number;
  settleMs: number;
  connections: number;
  /** Ask for gzip as Prometheus does; false asks for the plain text. */
  gzip: boolean;
  /** Idle measurement window, in whole poll intervals; 0 skips it. */
  idleIntervals: number;
}

export interface ServeResult {
  job: ServeJob;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  requestsPerSecond: number | null;
  errors: number | null;
  /** Bytes of one /metrics response (per-poll families plus process metrics), plain and gzipped. */
  metricsBytes: number;
  metricsGzipBytes: number | null;
  /** Peak RSS after two rounds of polls, before any load. */
  rssAfterPollsBytes: number;
  /** Peak RSS at the end (after the load test, if any). */
  peakRssBytes: number;
  /** CPU of the serve process during the load test, % of one core. */
  loadCpuPercent: number | null;
  /** CPU of the serve process over whole poll intervals, as % of one core. */
  idleCpuPercent: number | null;
  idleWindowSeconds: number | null;
  /** The same, interval by interval (a major GC lands in some intervals and not others). */
  idleCpuPerIntervalPercent: number[];
}

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * autocannon 8 appends every response body to a JS string (`req.body += data`
 * in lib/pipelinedRequestsQueue.js), only for its optional body checks, which
 * this bench does not use. That costs it more CPU than the exporter spends
 * serving: with 430 kB bodies it capped out near 130 responses/s here while the
 * exporter sat at 13 % CPU. Bodies are still received and parsed; they are
 * just not concatenated.
 */
function stopAutocannonBodyConcatenation(): void {
  const queue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as {
    prototype: { addBody(data: unknown): void };
  };
  queue.prototype.addBody = () => undefined;
}

// Where scripts outside the bench have imported it from.
export { deployedMallocEnv } from './image.js';

export async function startServe(
  serveDir: string,
  configPath: string,
  extraEnv: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Running> {
  // Options given here come after the deployed ones, so a measurement can override them.
  const args = [...deployedNodeArgs(), ...nodeArgs, path.join(serveDir, 'src/cli.js'), 'serve', '--config', configPath];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      NETMON_LISTEN: '127.0.0.1:0',
      LOG_LEVEL: 'info',
      NODE_OPTIONS: '',
      ...deployedMallocEnv(),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  let url: string | null = null;
  while (url === null) {
    url = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"serving metrics"/.exec(output)?.[1] ?? null;
    if (url) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start:\n${output.slice(-2000)}`);
    }
    await sleep(50);
  }
  while (
    (await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) throw new Error(`serve not ready in time:\n${output.slice(-2000)}`);
    await sleep(100);
  }
  return {
    child,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 6000);
      await exited;
      clearTimeout(timer);
    },
  };
}

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU of a process, in ms, from /proc. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}

/** The raw (still encoded) size of a response and its Content-Encoding. */
async function fetchRaw(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding: string | null }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: (res.headers['content-encoding'] as string | undefined) ?? null }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Waits until `settleMs` after the next wall-clock multiple of the interval (when polls start). */
async function afterNextSlot(intervalSeconds: number, settleMs: number): Promise<void> {
  const intervalMs = intervalSeconds * 1000;
  const next = Math.ceil((Date.now() + 1) / intervalMs) * intervalMs;
  await sleep(next - Date.now() + settleMs);
}

export async function runServeJob(job: ServeJob, log: (line: string) => void = () => undefined): Promise<ServeResult> {
  const sim = await startSimulatorProcess({ routers: job.routers, devices: job.devices });
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-bench-'));
  let serve: Running | null = null;
  try {
    const configPath = path.join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        routers: sim.ports.map((port, i) => ({
          name: `r${i}`,
          host: '127.0.0.1',
          port,
          user: BENCH_USER,
          password: BENCH_PASSWORD,
          timeoutSeconds: 60,
        })),
        poll: { intervalSeconds: job.intervalSeconds },
        retention: { maxDevicesPerRouter: Math.max(10_000, job.devices * 2) },
        state: { path: path.join(dir, 'state.json') },
        log: { level: 'info' },
      }),
      { mode: 0o600 },
    );
    serve = await startServe(job.serveDir, configPath, job.env, job.nodeArgs);
    const pid = serve.child.pid!;
    const metricsBytes = (
      await (await fetch(`${serve.url}/metrics`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()
    ).byteLength;
    const gzipped = await fetchRaw(`${serve.url}/metrics`, { 'accept-encoding': 'gzip' });
    const metricsGzipBytes = gzipped.encoding === 'gzip' ? gzipped.bytes : null;

    let idleCpuPercent: number | null = null;
    let idleWindowSeconds: number | null = null;
    const perInterval: number[] = [];
    if (job.idleIntervals > 0) {
      log(`    idle: ${job.idleIntervals} x ${job.intervalSeconds} s of polls, no scrapes`);
      // From settleMs after one slot to settleMs after a later one: exactly idleIntervals rounds of polls.
      await afterNextSlot(job.intervalSeconds, job.settleMs);
      const before = processCpuMs(pid);
      const started = performance.now();
      let mark = { cpu: before, at: started };
      for (let i = 0; i < job.idleIntervals; i++) {
        await sleep(job.intervalSeconds * 1000 - (performance.now() - started - i * job.intervalSeconds * 1000));
        const now = { cpu: processCpuMs(pid), at: performance.now() };
        perInterval.push(((now.cpu - mark.cpu) / (now.at - mark.at)) * 100);
        mark = now;
      }
      idleWindowSeconds = (mark.at - started) / 1000;
      idleCpuPercent = ((mark.cpu - before) / (idleWindowSeconds * 1000)) * 100;
    } else {
      // At least one scheduled round after the initial poll, so the RSS below is steady state.
      await afterNextSlot(job.intervalSeconds, job.settleMs);
    }
    const rssAfterPollsBytes = peakRss(pid);

    let latency: { p50: number; p99: number; rps: number; errors: number; cpu: number } | null = null;
    if (job.loadSeconds > 0) {
      stopAutocannonBodyConcatenation();
      const headers: Record<string, string> = job.gzip ? { 'accept-encoding': 'gzip' } : {};
      const url = `${serve.url}/metrics`;
      // Warm-up (JIT, the first gzip of this snapshot), then the measured run in the gap between two slots.
      await autocannon({ url, connections: job.connections, duration: 1, headers });
      await afterNextSlot(job.intervalSeconds, job.settleMs);
      const room = job.intervalSeconds - job.settleMs / 1000 - 0.5;
      const duration = Math.max(1, Math.min(job.loadSeconds, Math.floor(room)));
      const cpuBefore = processCpuMs(pid);
      const started = performance.now();
      const result = await autocannon({ url, connections: job.connections, duration, headers });
      const cpu = ((processCpuMs(pid) - cpuBefore) / (performance.now() - started)) * 100;
      latency = {
        p50: result.latency.p50,
        p99: result.latency.p99,
        rps: result.requests.average,
        errors: result.errors + result.timeouts + result.non2xx,
        cpu,
      };
    }

    const result: ServeResult = {
      job,
      latencyP50Ms: latency?.p50 ?? null,
      latencyP99Ms: latency?.p99 ?? null,
      requestsPerSecond: latency?.rps ?? null,
      errors: latency?.errors ?? null,
      loadCpuPercent: latency?.cpu ?? null,
      metricsBytes,
      metricsGzipBytes,
      rssAfterPollsBytes,
      peakRssBytes: peakRss(pid),
      idleCpuPercent,
      idleWindowSeconds,
      idleCpuPerIntervalPercent: perInterval,
    };
    if (/"level":(50|60)/.test(serve.output())) log(`    serve logged errors:\n${serve.output().slice(-1500)}`);
    return result;
  } finally {
    await serve?.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
