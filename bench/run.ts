/**
 * `npm run bench [-- --quick] [-- --only protocol,poll,serve,state] [-- --json FILE]`
 *
 * Compiles the exporter (bench/build.ts), then runs every measurement in fresh
 * processes against simulated routers that run in processes of their own, and
 * prints one report. Not part of the tests: figures depend on the machine and
 * on whatever else it is doing (run `uptime` first; a busy machine inflates
 * wall times and latencies much more than CPU times).
 *
 * Every figure that bench/before.json also holds is printed next to it, as
 * "now (before)": the previous design's figures, recorded once with the commit
 * they were measured on. The report ends with the targets.
 *
 * To add a section: a function (context) => Promise<{ title, table }> in
 * SECTIONS below; it records the figures it measures with context.figure(key,
 * value) and shows them with context.cell(key, format). Targets that use those
 * keys go in TARGETS.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Builds, buildForBench } from './build.js';
import { deployedMallocEnv, deployedNodeArgs, imageNodeVersion } from './image.js';
import type { PollJob, PollResult } from './poll-worker.js';
import type { ProtocolJob, ProtocolResult } from './protocol-worker.js';
import type { ServeJob } from './serve-bench.js';
import type { StateJob, StateResult } from './state-worker.js';
import { formatBytes, formatMs, median, renderTable } from './stats.js';

interface Scenario {
  name: string;
  routers: number;
  devices: number;
  /** Poll rounds: warm-up, then measured (the figure is their median). */
  warmup: number;
  polls: number;
  /** Lease durations move between rounds as on a real router (PollJob.leaseClock). */
  leaseClock?: boolean;
}

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const QUICK = flags.quick ?? false;
const SECTIONS = new Set((flags.only ?? 'protocol,poll,depth,serve,state,fleet').split(',').map((s) => s.trim()));

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
/**
 * Poll section only: the simulator otherwise replays the same bytes every poll, so every
 * row is unchanged and the client's row memory (src/routeros/row-memory.ts) reuses them
 * all; on a real router every lease row changes every poll.
 */
const LEASE_CLOCK_SCENARIOS: Scenario[] = SCENARIOS.filter((s) => s.routers === 1 && s.devices >= 10_000).map((s) => ({
  ...s,
  name: `${s.name}, lease clock`,
  leaseClock: true,
}));
const POLL_SCENARIOS = [...SCENARIOS, ...LEASE_CLOCK_SCENARIOS];
const INTERVAL_SECONDS = 15;
const CONNECTIONS = 50;

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Before {
  commit: string;
  about: string;
  figures: Record<string, number>;
}

const BEFORE = JSON.parse(readFileSync(new URL('./before.json', import.meta.url), 'utf8')) as Before;

/** What a section gets: the compiled tree, the poll results so far, and the figures of this run. */
interface BenchContext {
  builds: Builds;
  polls: PollResult[];
  /** Records a figure of this run under a key (the keys of bench/before.json). */
  figure(key: string, value: number): number;
  /** A table cell: this run's figure, and the previous design's in parentheses when there is one. */
  cell(key: string, format: (value: number) => string): string;
}

interface SectionResult {
  title: string;
  table: string;
}

type Section = (context: BenchContext) => Promise<SectionResult>;

const figures = new Map<string, number>();

const context = (builds: Builds, polls: PollResult[]): BenchContext => ({
  builds,
  polls,
  figure(key, value) {
    figures.set(key, value);
    return value;
  },
  cell(key, format) {
    const now = figures.get(key);
    const before = BEFORE.figures[key];
    const text = now === undefined || !Number.isFinite(now) ? '-' : format(now);
    return before === undefined ? text : `${text} (${format(before)})`;
  },
});

const percent = (value: number) => `${value.toFixed(2)} %`;

/** The targets of the lean-poll work, with the figures of the issue that set them. */
const TARGETS: Array<{
  label: string;
  key: string;
  /** The before.json figure to compare with, when it is recorded under another key. */
  beforeKey?: string;
  target: number;
  format: (value: number) => string;
  issue: string;
}> = [
  // Judged on the lease-clock rows: a real router's lease rows change every poll, so the
  // same-bytes rows (every row reused by the row memory) would flatter the figure. The previous
  // design decoded every row of every poll, so its one figure serves as "before" for both.
  {
    label: 'poll CPU at 10k devices (median, lease clock)',
    key: 'poll.10k, lease clock.cpu',
    beforeKey: 'poll.10k.cpu',
    target: 60,
    format: formatMs,
    issue: '128-139 ms',
  },
  {
    label: 'poll CPU at 50k devices (median, lease clock)',
    key: 'poll.50k, lease clock.cpu',
    beforeKey: 'poll.50k.cpu',
    target: 300,
    format: formatMs,
    issue: '580-880 ms',
  },
  {
    label: 'peak RSS at 50k devices (serve, after polls)',
    key: 'serve.50k.rssPolls',
    target: 200 * 1024 * 1024,
    format: formatBytes,
    issue: '350-490 MB',
  },
  { label: '/metrics p99 at 10k, 50 gzip clients', key: 'serve.10k.p99', target: 15, format: formatMs, issue: '38-40 ms' },
  {
    label: 'idle, 20 routers x 1k, 15 s (% of a core)',
    key: 'serve.20 x 1k.idle',
    target: 3,
    format: percent,
    issue: '3.3-4.3 %',
  },
  {
    label: 'state bytes written per minute, 10k, 5 s polls',
    key: 'state.10k.journal.diskPerMinute',
    target: 3 * 1024 * 1024,
    format: formatBytes,
    issue: '~31 MB',
  },
  {
    // Issue 13's bound on the cost of every device source, judged like the poll CPU targets.
    label: 'all device sources vs leases/ARP/bridge, 10k, lease clock (median of pairs)',
    key: 'depth.10k.ratio',
    target: 1.5,
    format: (ratio) => `${ratio.toFixed(2)}x`,
    issue: '-',
  },
];

function targetsTable(): string {
  const rows = TARGETS.map((t) => {
    const now = figures.get(t.key);
    const before = BEFORE.figures[t.beforeKey ?? t.key];
    return [
      t.label,
      before === undefined ? '-' : t.format(before),
      t.issue,
      now === undefined ? 'not run' : t.format(now),
      `<= ${t.format(t.target)}`,
      now === undefined ? '' : now <= t.target ? 'met' : 'missed',
    ];
  });
  return renderTable(['target', `before (${BEFORE.commit})`, 'issue', 'now', 'target', ''], rows);
}

function worker<T>(builds: Builds, script: string, job: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    // With the image's node options and malloc setting, as serve runs (bench/image.ts).
    execFile(
      process.execPath,
      [...deployedNodeArgs(), path.join(builds.base, 'bench', script), JSON.stringify(job)],
      { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '', ...deployedMallocEnv() } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script} failed: ${stderr.slice(-2000) || error.message}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
      },
    );
  });
}

async function protocolSection({ builds, figure, cell }: BenchContext): Promise<SectionResult> {
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
    const line = (what: string, key: string, ms: number) => {
      const fullKey = `protocol.${devices / 1000}k.${key}`;
      figure(fullKey, ms);
      return [label, what, cell(fullKey, formatMs), `${(ms / base).toFixed(1)}x`];
    };
    rows.push(line('plain loop over the bytes in memory (baseline)', 'baseline', base));
    rows.push(line('our client: framer + decoder, bytes in memory', 'framer', decoders.framerMs!));
    rows.push(line('our client (WireTransport), 5 prints over loopback', 'wire', results[1]!.transportMs!));
    rows.push(line('node-routeros (comparison only), 5 prints over loopback', 'node-routeros', results[2]!.transportMs!));
  }
  return {
    title: 'Protocol: CPU per poll (5 prints), median',
    table: renderTable(['LAN', "decoding one poll's replies", 'CPU ms (before)', 'x baseline'], rows),
  };
}

async function pollSection({ builds, polls: results, figure, cell }: BenchContext): Promise<SectionResult> {
  for (const scenario of POLL_SCENARIOS) {
    log(`poll: ${scenario.name}`);
    const job: PollJob = {
      routers: scenario.routers,
      devices: scenario.devices,
      warmup: scenario.warmup,
      polls: scenario.polls,
      leaseClock: scenario.leaseClock ?? false,
    };
    results.push(await worker<PollResult>(builds, 'poll-worker.js', job));
  }
  const rows = results.map((r) => {
    const scenario = POLL_SCENARIOS.find(
      (s) =>
        s.routers === r.job.routers && s.devices === r.job.devices && (s.leaseClock ?? false) === (r.job.leaseClock ?? false),
    )!;
    const key = (name: string, value: number) => figure(`poll.${scenario.name}.${name}`, value);
    key('cpuMean', r.cpuMeanMs);
    key('cpu', r.cpuMs);
    key('readMap', r.transportMs);
    key('merge', r.mergeMs);
    key('snapshot', r.snapshotMs);
    key('gc', r.gcMs);
    key('peakRss', r.peakRssBytes);
    const show = (name: string, format: (value: number) => string) => cell(`poll.${scenario.name}.${name}`, format);
    return [
      scenario.name,
      show('cpuMean', formatMs),
      show('cpu', formatMs),
      show('readMap', formatMs),
      show('merge', formatMs),
      show('snapshot', formatMs),
      show('gc', formatMs),
      formatMs(r.wallExclSimMs),
      formatBytes(r.expositionBytes),
      show('peakRss', formatBytes),
    ];
  });
  return {
    title: `Poll path (RouterSession -> DeviceRegistry -> snapshot), CPU ms per round of polls (every router once): mean over ${SCENARIOS.map((s) => s.polls).join('/')} rounds incl. deferred GC, then medians per layer; wall = wall minus the simulator's CPU`,
    table: renderTable(
      ['LAN', 'CPU/round', 'median', 'read+map', 'merge', 'snapshot', 'GC pauses', 'wall ms', 'exposition', 'peak RSS'],
      rows,
    ),
  };
}

async function serveSection({ builds, polls, figure, cell }: BenchContext): Promise<SectionResult> {
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
    const key = (name: string) => `serve.${scenario.name}.${name}`;
    if (r.latencyP50Ms !== null) figure(key('p50'), r.latencyP50Ms);
    if (r.latencyP99Ms !== null) figure(key('p99'), r.latencyP99Ms);
    if (r.requestsPerSecond !== null) figure(key('rps'), r.requestsPerSecond);
    figure(key('rssPolls'), r.rssAfterPollsBytes);
    figure(key('peakRss'), r.peakRssBytes);
    if (r.idleCpuPercent !== null) figure(key('idle'), r.idleCpuPercent);
    const whole = (value: number) => value.toFixed(0);
    rows.push([
      scenario.name,
      r.latencyP50Ms === null ? 'not run' : cell(key('p50'), formatMs),
      r.latencyP99Ms === null ? '-' : cell(key('p99'), formatMs),
      r.requestsPerSecond === null ? '-' : cell(key('rps'), whole),
      r.errors === null ? '-' : String(r.errors),
      r.loadCpuPercent === null ? '-' : `${r.loadCpuPercent.toFixed(0)} %`,
      formatBytes(r.metricsBytes),
      r.metricsGzipBytes === null ? '-' : formatBytes(r.metricsGzipBytes),
      cell(key('rssPolls'), formatBytes),
      cell(key('peakRss'), formatBytes),
      r.idleCpuPercent === null
        ? '-'
        : `${cell(key('idle'), percent)} range ${Math.min(...r.idleCpuPerIntervalPercent).toFixed(1)}-${Math.max(...r.idleCpuPerIntervalPercent).toFixed(1)}`,
    ]);
  }
  return {
    title: `serve (compiled CLI): /metrics with ${CONNECTIONS} concurrent clients asking for gzip as Prometheus does, between two polls; idle = CPU over whole ${INTERVAL_SECONDS} s intervals with no scrapes, % of one core (range over single intervals)`,
    table: renderTable(
      ['LAN', 'p50 ms', 'p99 ms', 'req/s', 'errors', 'serve CPU', '/metrics', 'gzipped', 'RSS polls', 'peak RSS', 'idle CPU'],
      rows,
    ),
  };
}

/**
 * State file writes with 5 s polls: the journal design against the previous
 * one (the whole file after every round). The journal runs long enough for its
 * compactions to count (one every ~15 simulated minutes at 10k devices).
 */
async function stateSection({ builds, figure }: BenchContext): Promise<SectionResult> {
  const results: StateResult[] = [];
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
  const rows = results.map((r) => {
    const design = r.job.design === 'journal' ? 'journal' : 'snapshot';
    figure(`state.${r.job.devices / 1000}k.${design}.diskPerMinute`, r.diskBytesPerMinute);
    return [
      `${r.job.devices / 1000}k, ${r.job.intervalSeconds} s polls`,
      r.job.design,
      String(r.job.minutes),
      formatBytes(r.diskBytesPerMinute),
      formatBytes(r.storeBytesPerMinute),
      String(r.compactions),
      formatBytes(r.snapshotBytes),
      formatMs(r.cpuMsPerRound),
    ];
  });
  return {
    title:
      'State bytes written per minute (target at 10k devices, 5 s polls: <= 3 MB): disk = /proc/self/io write_bytes of the poll path with its state store (pages, so a small append counts 4 kB), store = bytes the store wrote; simulated clock, one poll interval per round; CPU/round includes the poll',
    table: renderTable(['LAN', 'state design', 'minutes', 'disk/min', 'store/min', 'snapshots', 'snapshot', 'CPU/round'], rows),
  };
}

/**
 * Device depth: the same 10k LAN polled with only leases, ARP and bridge hosts
 * (the depth menus missing, so each is asked once per connection and skipped),
 * then with every depth source present and read (Wi-Fi registrations on the
 * wlan ports, kid control, IPv6 neighbours, the pool). Target: at most 1.5x.
 */
async function depthSection({ builds, figure }: BenchContext): Promise<SectionResult> {
  const devices = 10_000;
  // Lease rows age between polls on both sides, as on a real router: otherwise the base LAN's
  // rows are all reused by the row memory while the Wi-Fi rows (uptime, counters) change.
  const base = { routers: 1, devices, warmup: QUICK ? 2 : 3, polls: QUICK ? 5 : 9, leaseClock: true };
  // One pair of runs moved the ratio by about +-0.15 on this shared machine (1.26-1.64x in five
  // runs of the same build): the figure is the median over interleaved pairs, each pair's two
  // runs back to back so that both see the same load.
  const pairs = QUICK ? 3 : 5;
  const plain: PollResult[] = [];
  const all: PollResult[] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    log(`depth: pair ${pair}/${pairs}: leases, ARP and bridge hosts only, then all sources`);
    plain.push(await worker<PollResult>(builds, 'poll-worker.js', { ...base, depth: false } satisfies PollJob));
    all.push(await worker<PollResult>(builds, 'poll-worker.js', { ...base, depth: true } satisfies PollJob));
  }
  const ratios = plain.map((p, i) => all[i]!.cpuMeanMs / p.cpuMeanMs);
  const ratio = figure('depth.10k.ratio', median(ratios));
  figure('depth.10k.ratioMin', Math.min(...ratios));
  figure('depth.10k.ratioMax', Math.max(...ratios));
  const of = (runs: PollResult[], pick: (r: PollResult) => number) => median(runs.map(pick));
  figure(
    'depth.10k.plain.cpuMean',
    of(plain, (r) => r.cpuMeanMs),
  );
  figure(
    'depth.10k.all.cpuMean',
    of(all, (r) => r.cpuMeanMs),
  );
  const row = (name: string, runs: PollResult[]) => [
    name,
    formatMs(of(runs, (r) => r.cpuMeanMs)),
    formatMs(of(runs, (r) => r.cpuMs)),
    formatMs(of(runs, (r) => r.transportMs)),
    formatMs(of(runs, (r) => r.mergeMs)),
    formatMs(of(runs, (r) => r.snapshotMs)),
    formatBytes(runs[0]!.expositionBytes),
  ];
  const spread = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
  return {
    title: `Device depth at 10k devices, lease clock: poll CPU with every source read vs leases/ARP/bridge hosts only (target <= 1.5x): ${ratio.toFixed(2)}x, the median of ${pairs} interleaved pairs of runs (pairs ${spread}); each column a median over the pairs`,
    table: renderTable(
      ['LAN', 'CPU/round', 'median', 'read+map', 'merge', 'snapshot', 'exposition'],
      [row('leases, ARP, bridge hosts', plain), row('all sources (Wi-Fi, kid control, IPv6, pools)', all)],
    ),
  };
}

/** In report order; `--only` picks by name. Add a section here (see the file header). */
async function fleetSection({ builds, figure, cell }: BenchContext): Promise<SectionResult> {
  const job = { serveDir: builds.base, routers: 500, devices: 40, intervalSeconds: 15, rounds: QUICK ? 2 : 4 };
  const { runFleetJob } = (await import(path.join(builds.base, 'bench/fleet-bench.js'))) as typeof import('./fleet-bench.js');
  const r = await runFleetJob(job, log);
  figure('fleet.500x40.cpuPerRound', r.cpuPerRoundMs);
  figure('fleet.500x40.peakRss', r.peakRssBytes);
  figure('fleet.500x40.loginsPerMinute', r.loginsPerMinute);
  return {
    title: `Fleet: one serve, ${job.routers} routers x ${job.devices} devices, poll every ${job.intervalSeconds} s (spreadSeconds ${job.intervalSeconds / 2}, default concurrency); measured over ${job.rounds} rounds after the first`,
    table: renderTable(
      [
        'fleet',
        'start-up to ready',
        'logins at start-up',
        'CPU per round',
        'peak RSS',
        'open sockets',
        'logins per minute after start-up',
      ],
      [
        [
          `${job.routers} x ${job.devices}`,
          `${r.startupSeconds.toFixed(1)} s`,
          String(r.startupLogins),
          cell('fleet.500x40.cpuPerRound', formatMs),
          cell('fleet.500x40.peakRss', formatBytes),
          String(r.openSockets),
          r.loginsPerMinute.toFixed(1),
        ],
      ],
    ),
  };
}

const ALL_SECTIONS: Array<{ name: string; run: Section }> = [
  { name: 'protocol', run: protocolSection },
  { name: 'poll', run: pollSection },
  { name: 'depth', run: depthSection },
  { name: 'serve', run: serveSection },
  { name: 'fleet', run: fleetSection },
  { name: 'state', run: stateSection },
];

/**
 * Whether the figures are the image's: `npm run bench` runs on the Dockerfile's Node release
 * (shell/shipped_node.sh); run directly with another node, the report says so.
 */
function nodeRelease(): string {
  const shipped = imageNodeVersion();
  if (shipped === undefined) return 'the Dockerfile names no Node release';
  return process.versions.node === shipped
    ? 'the release the image ships'
    : `NOT the image's ${shipped}: run it as npm run bench, which uses shell/shipped_node.sh`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const builds = buildForBench(log);
  const report: string[] = [];
  const header = `network-monitor bench${QUICK ? ' (--quick)' : ''}: Node.js ${process.version} (${nodeRelease()}; the image's node options: ${deployedNodeArgs().join(' ') || 'none'}), ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at start`;
  report.push(header);
  report.push(
    `Figures in parentheses: the previous design (bench/before.json, commit ${BEFORE.commit}). CPU figures are medians; the machine is shared, so compare CPU more than wall times and latencies.`,
  );
  const polls: PollResult[] = [];
  const ctx = context(builds, polls);
  for (const section of ALL_SECTIONS) {
    if (!SECTIONS.has(section.name)) continue;
    try {
      const { title, table } = await section.run(ctx);
      report.push('', title, table);
    } catch (error) {
      // One broken section must not cost the figures of the others.
      log(String((error as Error).stack ?? error));
      report.push('', `${section.name}: failed: ${String((error as Error).message ?? error).split('\n')[0]}`);
    }
  }
  report.push(
    '',
    'Targets (figures of this run; "before" from bench/before.json, "issue" as the issue recorded them)',
    targetsTable(),
  );
  const json: Record<string, unknown> = { polls, figures: Object.fromEntries(figures) };
  report.push('', `total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${report.join('\n')}\n`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ report: report.join('\n'), ...json }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
