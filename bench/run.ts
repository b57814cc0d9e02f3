/**
 * `npm run bench [-- --quick] [-- --only protocol,poll,serve,state] [-- --json FILE]`
 *
 * Compiles the exporter (bench/build.ts), then runs every measurement in fresh
 * processes against simulated routers that run in processes of their own, and
 * prints one report. Not part of the tests: figures depend on the machine and
 * on whatever else it is doing (run `uptime` first; a busy machine inflates
 * wall times and latencies much more than CPU times).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Builds, buildForBench } from './build.js';
import type { PollJob, PollResult } from './poll-worker.js';
import type { ProtocolJob, ProtocolResult } from './protocol-worker.js';
import type { ServeJob } from './serve-bench.js';
import type { StateJob, StateResult } from './state-worker.js';
import { formatBytes, formatMs, renderTable } from './stats.js';

interface Scenario {
  name: string;
  routers: number;
  devices: number;
  /** Poll rounds: warm-up, then measured (the figure is their median). */
  warmup: number;
  polls: number;
}

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const QUICK = flags.quick ?? false;
const SECTIONS = new Set((flags.only ?? 'protocol,poll,serve,state').split(',').map((s) => s.trim()));

const SCENARIOS: Scenario[] = QUICK
  ? [
      { name: '1k', routers: 1, devices: 1_000, warmup: 2, polls: 5 },
      { name: '10k', routers: 1, devices: 10_000, warmup: 2, polls: 5 },
      { name: '50k', routers: 1, devices: 50_000, warmup: 1, polls: 3 },
      { name: '20 x 1k', routers: 20, devices: 1_000, warmup: 2, polls: 5 },
    ]
  : [
      { name: '1k', routers: 1, devices: 1_000, warmup: 3, polls: 15 },
      { name: '10k', routers: 1, devices: 10_000, warmup: 3, polls: 11 },
      { name: '50k', routers: 1, devices: 50_000, warmup: 2, polls: 7 },
      { name: '20 x 1k', routers: 20, devices: 1_000, warmup: 3, polls: 11 },
    ];
const INTERVAL_SECONDS = 15;
const CONNECTIONS = 50;

const log = (line: string) => process.stderr.write(`${line}\n`);

function worker<T>(builds: Builds, script: string, job: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(builds.base, 'bench', script), JSON.stringify(job)],
      { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script} failed: ${stderr.slice(-2000) || error.message}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
      },
    );
  });
}

async function protocolSection(builds: Builds): Promise<string> {
  const sizes = QUICK ? [10_000] : [10_000, 50_000];
  const rows: string[][] = [];
  for (const devices of sizes) {
    const reps = devices >= 50_000 ? 5 : 9;
    const parts: Array<ProtocolJob['part']> = ['decoders', 'wire', 'node-routeros'];
    const results: ProtocolResult[] = [];
    for (const part of parts) {
      log(`protocol: ${devices} devices, ${part}`);
      results.push(await worker<ProtocolResult>(builds, 'protocol-worker.js', { devices, reps, part } satisfies ProtocolJob));
    }
    const decoders = results[0]!;
    const base = decoders.baselineMs!;
    const label = `${devices / 1000}k (${decoders.rows} rows, ${formatBytes(decoders.replyBytes)})`;
    const line = (what: string, ms: number) => [label, what, formatMs(ms), `${(ms / base).toFixed(1)}x`];
    rows.push(line('plain loop over the bytes in memory (baseline)', base));
    rows.push(line('our client: framer + decoder, bytes in memory', decoders.framerMs!));
    rows.push(line('our client (WireTransport), 5 prints over loopback', results[1]!.transportMs!));
    rows.push(line('node-routeros (comparison only), 5 prints over loopback', results[2]!.transportMs!));
  }
  return renderTable(['LAN', "decoding one poll's replies", 'CPU ms', 'x baseline'], rows);
}

async function pollSection(builds: Builds, results: PollResult[]): Promise<string> {
  for (const scenario of SCENARIOS) {
    log(`poll: ${scenario.name}`);
    const job: PollJob = {
      routers: scenario.routers,
      devices: scenario.devices,
      warmup: scenario.warmup,
      polls: scenario.polls,
    };
    results.push(await worker<PollResult>(builds, 'poll-worker.js', job));
  }
  const rows = results.map((r) => {
    const scenario = SCENARIOS.find((s) => s.routers === r.job.routers && s.devices === r.job.devices)!;
    return [
      scenario.name,
      formatMs(r.cpuMeanMs),
      formatMs(r.cpuMs),
      formatMs(r.transportMs),
      formatMs(r.mergeMs),
      formatMs(r.snapshotMs),
      formatMs(r.gcMs),
      formatMs(r.wallExclSimMs),
      formatBytes(r.expositionBytes),
      formatBytes(r.peakRssBytes),
    ];
  });
  return renderTable(
    ['LAN', 'CPU/round', 'median', 'read+map', 'merge', 'snapshot', 'GC pauses', 'wall ms', 'exposition', 'peak RSS'],
    rows,
  );
}

async function serveSection(builds: Builds, polls: PollResult[]): Promise<string> {
  const wallOf = (scenario: Scenario) =>
    polls.find((p) => p.job.devices === scenario.devices && p.job.routers === scenario.routers)?.wallMs ??
    scenario.devices * scenario.routers * 0.03;
  const settle = (scenario: Scenario) => Math.min(5000, Math.max(1000, 2 * wallOf(scenario) + 500));

  const rows: string[][] = [];
  for (const scenario of SCENARIOS) {
    const total = scenario.devices * scenario.routers;
    // Long enough for a few major GCs: one more or less in the window moves the figure by a point.
    const idle = scenario.routers > 1 ? (QUICK ? 2 : 6) : 0;
    // --quick: the two scenarios with targets on serve (10k latency, 20 x 1k idle).
    if (QUICK && scenario.routers === 1 && total !== 10_000) continue;
    log(`serve: ${scenario.name}`);
    const job: ServeJob = {
      serveDir: builds.base,
      env: {},
      routers: scenario.routers,
      devices: scenario.devices,
      // The idle figure is asked for at 15 s; load runs fit between slots 10 s apart.
      intervalSeconds: idle > 0 ? 15 : 10,
      loadSeconds: QUICK ? 4 : 6,
      settleMs: settle(scenario),
      connections: CONNECTIONS,
      gzip: true,
      idleIntervals: idle,
    };
    const { runServeJob } = (await import(path.join(builds.base, 'bench/serve-bench.js'))) as typeof import('./serve-bench.js');
    const r = await runServeJob(job, log);
    rows.push([
      scenario.name,
      r.latencyP50Ms === null ? 'not run' : formatMs(r.latencyP50Ms),
      r.latencyP99Ms === null ? '-' : formatMs(r.latencyP99Ms),
      r.requestsPerSecond === null ? '-' : r.requestsPerSecond.toFixed(0),
      r.errors === null ? '-' : String(r.errors),
      r.loadCpuPercent === null ? '-' : `${r.loadCpuPercent.toFixed(0)} %`,
      formatBytes(r.metricsBytes),
      r.metricsGzipBytes === null ? '-' : formatBytes(r.metricsGzipBytes),
      formatBytes(r.rssAfterPollsBytes),
      formatBytes(r.peakRssBytes),
      r.idleCpuPercent === null
        ? '-'
        : `${r.idleCpuPercent.toFixed(2)} % (${Math.min(...r.idleCpuPerIntervalPercent).toFixed(1)}-${Math.max(...r.idleCpuPerIntervalPercent).toFixed(1)})`,
    ]);
  }
  return renderTable(
    ['LAN', 'p50 ms', 'p99 ms', 'req/s', 'errors', 'serve CPU', '/metrics', 'gzipped', 'RSS polls', 'peak RSS', 'idle CPU'],
    rows,
  );
}

/**
 * State file writes with 5 s polls: the journal design against the previous
 * one (the whole file after every round). The journal runs long enough for its
 * compactions to count (one every ~15 simulated minutes at 10k devices).
 */
async function stateSection(builds: Builds, results: StateResult[]): Promise<string> {
  const jobs: StateJob[] = [
    { design: 'snapshot every poll', devices: 10_000, intervalSeconds: 5, minutes: QUICK ? 1 : 2 },
    { design: 'journal', devices: 10_000, intervalSeconds: 5, minutes: QUICK ? 20 : 45 },
  ];
  if (!QUICK) {
    jobs.push(
      { design: 'snapshot every poll', devices: 50_000, intervalSeconds: 5, minutes: 1 },
      { design: 'journal', devices: 50_000, intervalSeconds: 5, minutes: 20 },
    );
  }
  for (const job of jobs) {
    log(`state: ${job.devices / 1000}k devices, ${job.design}, ${job.minutes} simulated minutes`);
    results.push(await worker<StateResult>(builds, 'state-worker.js', job));
  }
  const rows = results.map((r) => [
    `${r.job.devices / 1000}k, ${r.job.intervalSeconds} s polls`,
    r.job.design,
    String(r.job.minutes),
    formatBytes(r.diskBytesPerMinute),
    formatBytes(r.storeBytesPerMinute),
    String(r.compactions),
    formatBytes(r.snapshotBytes),
    formatMs(r.cpuMsPerRound),
  ]);
  return renderTable(['LAN', 'state design', 'minutes', 'disk/min', 'store/min', 'snapshots', 'snapshot', 'CPU/round'], rows);
}

async function main(): Promise<void> {
  const started = Date.now();
  const builds = buildForBench(log);
  const report: string[] = [];
  const header = `network-monitor bench${QUICK ? ' (--quick)' : ''}: node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at start`;
  report.push(header);
  const polls: PollResult[] = [];
  const json: Record<string, unknown> = {};

  if (SECTIONS.has('protocol')) {
    const table = await protocolSection(builds);
    report.push('', 'Protocol: CPU per poll (5 prints), median', table);
  }
  if (SECTIONS.has('poll')) {
    const table = await pollSection(builds, polls);
    json.polls = polls;
    report.push(
      '',
      `Poll path (RouterSession -> DeviceRegistry -> snapshot), CPU ms per round of polls (every router once): mean over ${SCENARIOS.map((s) => s.polls).join('/')} rounds incl. deferred GC, then medians per layer; wall = wall minus the simulator's CPU`,
      table,
    );
  }
  if (SECTIONS.has('serve')) {
    const table = await serveSection(builds, polls);
    report.push(
      '',
      `serve (compiled CLI): /metrics with ${CONNECTIONS} concurrent clients asking for gzip as Prometheus does, between two polls; idle = CPU over whole ${INTERVAL_SECONDS} s intervals with no scrapes, % of one core (range over single intervals)`,
      table,
    );
  }
  if (SECTIONS.has('state')) {
    const states: StateResult[] = [];
    const table = await stateSection(builds, states);
    json.state = states;
    report.push(
      '',
      'State bytes written per minute (target at 10k devices, 5 s polls: <= 3 MB): disk = /proc/self/io write_bytes of the poll path with its state store (pages, so a small append counts 4 kB), store = bytes the store wrote; simulated clock, one poll interval per round; CPU/round includes the poll',
      table,
    );
  }
  report.push('', `total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${report.join('\n')}\n`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ report: report.join('\n'), ...json }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
