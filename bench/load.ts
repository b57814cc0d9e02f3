/**
 * Load: many Prometheus servers scraping one exporter at once.
 *
 * Runs the real `serve` process (from sources) against a simulated router with
 * a large LAN, then points autocannon at /metrics with N concurrent
 * connections for D seconds while the exporter keeps polling on its schedule.
 * A checker fetches the page every 2 s during the run and parses it whole, so a
 * half-written or mixed snapshot would show up as an error, not only a status
 * code. Prints latency percentiles, throughput and the exporter's CPU and
 * memory; exits 1 when any request failed (errors, timeouts, non-2xx, bad page).
 *
 *   npm run bench:load -- [--duration 60] [--connections 50] [--devices 10000] [--interval 15] [--gzip]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { generateLan, startSimulator } from '../src/simulator/index.js';
import { sleep, startExporter } from '../test/support/exporter-process.js';
import { parseExposition } from '../test/support/exposition-parser.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
    devices: { type: 'string', default: '10000' },
    interval: { type: 'string', default: '15' },
    gzip: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const devices = Number(values.devices);
const intervalSeconds = Number(values.interval);
for (const [name, value] of Object.entries({ duration, connections, devices, interval: intervalSeconds })) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
}

/** CPU seconds (user + system) and memory of a process, from /proc. */
function processFigures(pid: number): { cpuSeconds: number; rssBytes: number; peakRssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { cpuSeconds: ticks / 100, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  const password = 'bench-load-password';
  const lan = generateLan({ devices, seed: 11 });
  const expectedDevices = new Set([...lan.leases, ...lan.arp, ...lan.bridgeHosts].map((r) => r.macAddress)).size;
  // Cached replies: the simulator puts the same bytes on the wire each poll at almost no CPU, so it barely competes.
  const sim = await startSimulator({ users: [{ name: 'monitor', password }], lan, cacheReplies: true, maxCommandLog: 16 });
  const exporter = await startExporter({
    config: {
      routers: [{ name: 'bench', host: sim.host, port: sim.port, user: 'monitor', password, timeoutSeconds: 60 }],
      poll: { intervalSeconds },
      retention: { maxDevicesPerRouter: Math.max(10_000, expectedDevices) },
      state: { path: path.join(mkdtempSync(path.join(tmpdir(), 'netmon-load-')), 'state.json') },
    },
    env: { LOG_LEVEL: 'info' },
    timeoutMs: 120_000,
  });
  const pid = exporter.child.pid!;
  const figuresOfLiveExporter = () => {
    if (exporter.child.exitCode !== null || exporter.child.signalCode !== null) {
      const tail = exporter.output().trimEnd().split('\n').slice(-20).join('\n');
      throw new Error(`the exporter exited (${exporter.child.exitCode ?? exporter.child.signalCode}):\n${tail}`);
    }
    return processFigures(pid);
  };
  let failures = 0;
  try {
    const first = await (await fetch(`${exporter.url}/metrics`)).text();
    const exported = parseExposition(first).filter((s) => s.name === 'netmon_device_present').length;
    if (exported !== expectedDevices) throw new Error(`exporter serves ${exported} devices, expected ${expectedDevices}`);

    let running = true;
    let checks = 0;
    const badPages: string[] = [];
    const checker = (async () => {
      while (running) {
        await sleep(2000);
        if (!running) break;
        try {
          const text = await (await fetch(`${exporter.url}/metrics`)).text();
          const count = parseExposition(text).filter((s) => s.name === 'netmon_device_present').length;
          if (count !== expectedDevices) badPages.push(`${count} devices`);
        } catch (error) {
          badPages.push((error as Error).message);
        }
        checks++;
      }
    })();

    const before = figuresOfLiveExporter();
    console.log(
      `load: ${connections} connections on ${exporter.url}/metrics for ${duration} s; ${expectedDevices} devices, polled every ${intervalSeconds} s; page ${mb(Buffer.byteLength(first))}${values.gzip ? ' (gzip requested)' : ''}`,
    );
    const result = await autocannon({
      url: `${exporter.url}/metrics`,
      connections,
      duration,
      ...(values.gzip ? { headers: { 'accept-encoding': 'gzip' } } : {}),
    });
    running = false;
    await checker;
    const after = figuresOfLiveExporter();

    failures = result.errors + result.timeouts + result.non2xx + badPages.length;
    const cpu = after.cpuSeconds - before.cpuSeconds;
    const rows: Array<[string, string]> = [
      ['requests', `${result.requests.total} (${result.requests.average.toFixed(0)}/s average)`],
      [
        'latency p50 / p90 / p99 / max',
        `${result.latency.p50} / ${result.latency.p90} / ${result.latency.p99} / ${result.latency.max} ms`,
      ],
      ['latency average', `${result.latency.average.toFixed(1)} ms`],
      ['throughput', `${mb(result.throughput.average)}/s average`],
      ['errors / timeouts / non-2xx', `${result.errors} / ${result.timeouts} / ${result.non2xx}`],
      [
        'whole-page checks (bad)',
        `${checks} (${badPages.length}${badPages.length ? `: ${badPages.slice(0, 3).join('; ')}` : ''})`,
      ],
      [
        'exporter CPU',
        `${cpu.toFixed(1)} s over ${result.duration} s (${((cpu / result.duration) * 100).toFixed(0)} % of one core)`,
      ],
      ['exporter RSS now / peak', `${mb(after.rssBytes)} / ${mb(after.peakRssBytes)}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [key, value] of rows) console.log(`  ${key.padEnd(width)}  ${value}`);
    console.log(failures === 0 ? 'load: OK, zero errors' : `load: FAILED, ${failures} failed requests or pages`);
  } finally {
    await exporter.stop();
    await sim.close();
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
