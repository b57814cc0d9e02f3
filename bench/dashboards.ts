/**
 * `npm run bench:dashboards [-- --devices 10000] [-- --hours 6] [-- --sample-seconds 60] [-- --keep] [-- --tsdb DIR]`
 *
 * What the shipped Grafana dashboards cost at 10,000 devices: writes `hours`
 * of synthetic exporter series (10,000 devices on one router, 20 of them
 * watched, a tenth of them coming and going, a third on Wi-Fi with traffic
 * counters) as OpenMetrics, plus what the recording rule for watched devices'
 * presence would have written, backfills them into a TSDB with `promtool tsdb
 * create-blocks-from openmetrics`, starts a real Prometheus on it, and runs
 * every panel's query the way Grafana would over the whole range: range
 * queries with a 20 s step (6 h over a ~1,100-pixel-wide panel), instant
 * queries at the end, plus the device picker's variable query. Prints each
 * query's median time of three runs and its response size. Not part of the
 * tests. The backfill is the slow part (minutes): `--keep` keeps the TSDB and
 * prints its path, `--tsdb DIR` measures an earlier one again.
 *
 * Samples are written every `sample-seconds` (60 by default, not the 15 s of
 * a real scrape) to keep the backfill file near 2 GB; response sizes do not
 * depend on it (they follow the step), query times read 4x fewer samples than
 * a 15 s scrape would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataPanels, loadDashboards, queryResultSelector } from '../test/prometheus/dashboards.js';
import { substitute } from '../test/prometheus/promql.js';
import { freePort, run, waitFor } from '../test/prometheus/tools.js';
import { formatBytes, formatMs, median, renderTable } from './stats.js';

const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '6' },
    'sample-seconds': { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
    tsdb: { type: 'string' },
  },
});
const DEVICES = Number(flags.devices);
const HOURS = Number(flags.hours);
const SAMPLE_SECONDS = Number(flags['sample-seconds']);
const STEP_SECONDS = 20;
const WATCHED = 20;
const JOB = 'network-monitor';
const INSTANCE = 'bench:9847';
const ROUTER = 'home';

const mac = (i: number) =>
  `02:00:${[(i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Writes one metric family: `series` label sets, each with a value per timestamp. */
async function family(
  out: NodeJS.WritableStream,
  name: string,
  type: 'gauge' | 'counter',
  series: Iterable<{ labels: string; value: (t: number, k: number) => number | null }>,
  times: readonly number[],
): Promise<void> {
  const family = type === 'counter' ? name.replace(/_total$/, '') : name;
  let chunk = `# TYPE ${family} ${type}\n`;
  for (const s of series) {
    for (let k = 0; k < times.length; k++) {
      const t = times[k] as number;
      const v = s.value(t, k);
      if (v !== null) chunk += `${name}{${s.labels}} ${v} ${t}\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
}

const base = `job="${JOB}",instance="${INSTANCE}",router="${ROUTER}"`;
const dev = (i: number) => `${base},mac="${mac(i)}"`;
// Every tenth device leaves for the second half of each hour.
const present = (i: number, t: number) => (i % 10 === 3 && t % 3600 >= 1800 ? 0 : 1);

function sampleTimes(end: number): number[] {
  const times: number[] = [];
  for (let t = end - HOURS * 3600; t <= end; t += SAMPLE_SECONDS) times.push(t);
  return times;
}

/**
 * What the recording rule device:netmon_device_present:watched (alerting/rules.yml)
 * would have written over the range: a backfill of raw series runs no rules.
 */
async function writeRecordedSeries(file: string, end: number): Promise<void> {
  const out = createWriteStream(file);
  await family(
    out,
    'device:netmon_device_present:watched',
    'gauge',
    Array.from({ length: WATCHED }, (_, i) => ({
      labels: `${dev(i)},name="watched ${i}",hostname="host-${i}"`,
      value: (t: number) => present(i, t),
    })),
    sampleTimes(end),
  );
  await new Promise<void>((resolve) => out.end('# EOF\n', resolve));
}

async function writeOpenMetrics(file: string, end: number): Promise<void> {
  const start = end - HOURS * 3600;
  const times = sampleTimes(end);
  const all = Array.from({ length: DEVICES }, (_, i) => i);
  const lastSeen = (i: number, t: number) => (present(i, t) ? t : t - (t % 3600) + 1800);
  const wifi = all.filter((i) => i % 3 === 0);
  const out = createWriteStream(file);
  // One device in a hundred joined within the range, the rest days before it.
  const firstSeen = (i: number) => (i % 100 === 7 ? end - 60 - ((i * 37) % (HOURS * 3600)) : start - 3 * 86_400);
  await family(
    out,
    'netmon_device_present',
    'gauge',
    all.map((i) => ({ labels: dev(i), value: (t: number) => present(i, t) })),
    times,
  );
  await family(
    out,
    'netmon_device_last_seen_timestamp_seconds',
    'gauge',
    all.map((i) => ({ labels: dev(i), value: (t: number) => lastSeen(i, t) })),
    times,
  );
  await family(
    out,
    'netmon_device_first_seen_timestamp_seconds',
    'gauge',
    all.map((i) => ({ labels: dev(i), value: () => firstSeen(i) })),
    times,
  );
  await family(
    out,
    'netmon_device_dhcp_lease_expiry_timestamp_seconds',
    'gauge',
    all.map((i) => ({ labels: dev(i), value: (t: number) => t - (t % 600) + 1200 })),
    times,
  );
  await family(
    out,
    'netmon_device_info',
    'gauge',
    all.map((i) => ({
      labels: `${dev(i)},ip="${ip(i)}",hostname="host-${i}",name="${i < WATCHED ? `watched ${i}` : ''}",interface="bridge",bridge_port="ether${i % 8}",dhcp_server="dhcp1",lease="dynamic",randomized="true",watched="${i < WATCHED}"`,
      value: () => 1,
    })),
    times,
  );
  await family(
    out,
    'netmon_device_wifi_signal_dbm',
    'gauge',
    wifi.map((i) => ({ labels: dev(i), value: (_t: number, k: number) => -50 - ((i + k) % 35) })),
    times,
  );
  await family(
    out,
    'netmon_device_wifi_info',
    'gauge',
    wifi.map((i) => ({ labels: `${dev(i)},ap="ap-${i % 3}",interface="wifi1",ssid="Home",band="5ghz-ax"`, value: () => 1 })),
    times,
  );
  await family(
    out,
    'netmon_device_traffic_bytes_total',
    'counter',
    wifi.flatMap((i) =>
      ['down', 'up'].map((direction) => ({
        labels: `${dev(i)},direction="${direction}"`,
        value: (_t: number, k: number) => k * (1000 + (i % 97) * 5000) * (direction === 'down' ? 4 : 1),
      })),
    ),
    times,
  );
  const router = [{ labels: base, value: () => 1 }];
  await family(out, 'netmon_router_up', 'gauge', router, times);
  await family(out, 'netmon_router_last_success_timestamp_seconds', 'gauge', [{ labels: base, value: (t: number) => t }], times);
  await family(out, 'netmon_router_poll_duration_seconds', 'gauge', [{ labels: base, value: () => 0.4 }], times);
  await family(
    out,
    'netmon_router_poll_errors_total',
    'counter',
    ['auth', 'timeout', 'connection', 'protocol'].map((reason) => ({ labels: `${base},reason="${reason}"`, value: () => 0 })),
    times,
  );
  await family(
    out,
    'netmon_router_info',
    'gauge',
    [{ labels: `${base},identity="gw",version="7.18",board="RB5009"`, value: () => 1 }],
    times,
  );
  await family(
    out,
    'netmon_devices',
    'gauge',
    [
      { labels: `${base},state="present"`, value: () => DEVICES - DEVICES / 20 },
      { labels: `${base},state="absent"`, value: () => DEVICES / 20 },
    ],
    times,
  );
  await family(
    out,
    'netmon_dhcp_leases',
    'gauge',
    [{ labels: `${base},server="dhcp1",status="bound"`, value: () => DEVICES }],
    times,
  );
  await family(out, 'netmon_address_conflicts', 'gauge', router, times);
  for (const counter of [
    'netmon_router_rejected_rows_total',
    'netmon_router_skipped_polls_total',
    'netmon_devices_dropped_total',
    'netmon_devices_forgotten_total',
  ])
    await family(out, counter, 'counter', [{ labels: base, value: () => 0 }], times);
  await family(out, 'netmon_dhcp_pool_addresses', 'gauge', [{ labels: `${base},pool="dhcp_pool0"`, value: () => 16_000 }], times);
  await family(
    out,
    'netmon_dhcp_pool_used_addresses',
    'gauge',
    [{ labels: `${base},pool="dhcp_pool0"`, value: () => DEVICES }],
    times,
  );
  const exporter = [{ labels: `job="${JOB}",instance="${INSTANCE}"`, value: () => 1 }];
  await family(
    out,
    'netmon_build_info',
    'gauge',
    [{ labels: `job="${JOB}",instance="${INSTANCE}",version="0.1.0"`, value: () => 1 }],
    times,
  );
  await family(out, 'up', 'gauge', exporter, times);
  await family(out, 'scrape_duration_seconds', 'gauge', [{ labels: exporter[0]?.labels as string, value: () => 0.05 }], times);
  await family(
    out,
    'netmon_state_write_errors_total',
    'counter',
    [{ labels: exporter[0]?.labels as string, value: () => 0 }],
    times,
  );
  await family(
    out,
    'netmon_state_last_write_success_timestamp_seconds',
    'gauge',
    [{ labels: exporter[0]?.labels as string, value: (t: number) => t }],
    times,
  );
  await new Promise<void>((resolve) => out.end('# EOF\n', resolve));
}

interface Measured {
  what: string;
  kind: 'range' | 'instant';
  ms: number;
  bytes: number;
  series: number;
  error?: string;
}

async function main(): Promise<void> {
  const dir = flags.tsdb ?? mkdtempSync(join(tmpdir(), 'netmon-bench-dashboards-'));
  let prometheus: ChildProcess | undefined;
  try {
    let end: number;
    const backfill = async (file: string) => {
      const r = await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'tsdb')], dir);
      rmSync(file);
      if (r.code !== 0) throw new Error(`promtool backfill failed:\n${r.stdout}\n${r.stderr}`);
    };
    if (flags.tsdb) {
      end = Number(readFileSync(join(dir, 'end'), 'utf8'));
    } else {
      end = Math.floor(Date.now() / 1000 / 60) * 60 - 60;
      writeFileSync(join(dir, 'end'), String(end));
      const file = join(dir, 'series.om');
      let t0 = performance.now();
      await writeOpenMetrics(file, end);
      console.log(
        `wrote ${formatBytes(statSync(file).size)} of OpenMetrics (${DEVICES} devices, ${HOURS} h every ${SAMPLE_SECONDS} s) in ${formatMs(performance.now() - t0, 0)} ms`,
      );
      t0 = performance.now();
      await backfill(file);
      console.log(`promtool backfill: ${formatMs(performance.now() - t0, 0)} ms`);
    }
    if (!existsSync(join(dir, 'recorded'))) {
      await writeRecordedSeries(join(dir, 'recorded.om'), end);
      await backfill(join(dir, 'recorded.om'));
      writeFileSync(join(dir, 'recorded'), '');
    }

    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    const promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        '--storage.tsdb.retention.time=10y',
        // Grafana's own data source timeout is 30 s by default: anything near it is too slow anyway.
        '--query.timeout=60s',
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await waitFor('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined), {
      timeoutMs: 120_000,
    });

    const values: Record<string, string> = {
      datasource: 'prometheus',
      job: JOB,
      // "All" in the overview's multi-value variables.
      instance: INSTANCE,
      router: ROUTER,
      mac: mac(0),
      // Grafana: max(4 x the data source's scrape interval, interval + scrape interval).
      __rate_interval: `${4 * SAMPLE_SECONDS}s`,
    };
    const start = end - HOURS * 3600;
    async function measure(what: string, expr: string, instant: boolean): Promise<Measured> {
      const url = instant
        ? `${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}&time=${end}`
        : `${promUrl}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${STEP_SECONDS}`;
      const times: number[] = [];
      let bytes = 0;
      let series = 0;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const body = await (await fetch(url)).text();
        times.push(performance.now() - t);
        bytes = Buffer.byteLength(body);
        const parsed = JSON.parse(body) as { status: string; error?: string; data?: { result: unknown[] } };
        if (parsed.status !== 'success') {
          return { what, kind: instant ? 'instant' : 'range', ms: median(times), bytes, series: 0, error: parsed.error };
        }
        series = parsed.data?.result.length ?? 0;
      }
      return { what, kind: instant ? 'instant' : 'range', ms: median(times), bytes, series };
    }

    const results: Measured[] = [];
    for (const { dashboard } of loadDashboards()) {
      for (const panel of dataPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const expr = substitute(target.expr ?? '', values);
          const what = `${dashboard.uid.replace('netmon-', '')}: ${panel.title}${(panel.targets?.length ?? 0) > 1 ? ` ${target.refId}` : ''}`;
          results.push(await measure(what, expr, target.instant === true));
        }
      }
      for (const v of dashboard.templating.list) {
        const selector = queryResultSelector(typeof v.query === 'string' ? v.query : '');
        if (selector)
          results.push(
            await measure(`${dashboard.uid.replace('netmon-', '')}: variable ${v.name}`, substitute(selector, values), true),
          );
      }
    }
    console.log(
      `\nDashboard queries over ${HOURS} h at ${DEVICES} devices (range step ${STEP_SECONDS} s; median of 3):\n${renderTable(
        ['query', 'kind', 'series', 'time (ms)', 'response'],
        results.map((r) => [
          r.what,
          r.kind,
          r.error ? `error: ${r.error}` : String(r.series),
          formatMs(r.ms),
          formatBytes(r.bytes),
        ]),
      )}`,
    );
    const perPanel = new Map<string, number>();
    for (const r of results) {
      const panel = r.what.replace(/ [A-E]$/, '');
      perPanel.set(panel, (perPanel.get(panel) ?? 0) + r.bytes);
    }
    const largest = [...perPanel].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`\nLargest panels (all queries of the panel): ${largest.map(([p, b]) => `${p} ${formatBytes(b)}`).join('; ')}`);
  } finally {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus?.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (flags.keep || flags.tsdb) console.log(`kept ${dir} (measure it again with --tsdb ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
