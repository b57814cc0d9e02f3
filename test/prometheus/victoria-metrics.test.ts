/**
 * The long-term store example against real binaries: two `serve` shards
 * (NETMON_SHARD=0/2 and 1/2) over a simulated fleet, a real Prometheus
 * scraping both with the config of deploy/prometheus-shards.yml (addresses
 * swapped for loopback ports) and remote_write into a real VictoriaMetrics;
 * a query against VictoriaMetrics counts every device of every router once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type RunningFleet, startSimulatorFleet } from '../../src/simulator/index.js';
import { type ExporterProcess, startShards, writeFleetConfig } from '../support/exporter-process.js';
import { freePort, waitFor } from './tools.js';

const REPO = path.resolve(import.meta.dirname, '../..');

interface Service {
  child: ChildProcess;
  output: () => string;
}

function start(command: string, args: string[]): Service {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  return { child, output: () => output };
}

async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function vmQuery(port: number, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    status: string;
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe('two shards into VictoriaMetrics through Prometheus remote_write', () => {
  let fleet: RunningFleet;
  let dir: string;
  const shards: ExporterProcess[] = [];
  let vm: Service | undefined;
  let prometheus: Service | undefined;
  let vmPort = 0;

  beforeAll(async () => {
    fleet = await startSimulatorFleet({ routers: 10, devicesPerRouter: 6, seed: 40 });
    const written = writeFleetConfig(fleet, 2);
    dir = written.dir;
    shards.push(...(await startShards(written.configPath, 2)));

    vmPort = await freePort();
    vm = start('/usr/bin/victoria-metrics', [
      `-storageDataPath=${path.join(dir, 'vm')}`,
      `-httpListenAddr=127.0.0.1:${vmPort}`,
      // Answer with what was just written: by default the newest minute is held back.
      '-search.latencyOffset=1s',
      '-search.disableCache',
    ]);
    await waitFor('VictoriaMetrics', async () => ((await fetch(`http://127.0.0.1:${vmPort}/health`)).ok ? true : undefined));

    // The shipped example, pointed at this test's loopback ports.
    const example = parse(readFileSync(path.join(REPO, 'deploy/prometheus-shards.yml'), 'utf8')) as {
      global: Record<string, string>;
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
      remote_write: Array<Record<string, unknown>>;
    };
    example.global.scrape_interval = '1s';
    example.scrape_configs[0]!.static_configs[0]!.targets = shards.map((s) => new URL(s.url).host);
    example.remote_write[0]!.url = `http://127.0.0.1:${vmPort}/api/v1/write`;
    example.remote_write[0]!.queue_config = { batch_send_deadline: '1s' };
    writeFileSync(path.join(dir, 'prometheus.yml'), stringify(example));
    const promPort = await freePort();
    prometheus = start('/usr/bin/prometheus', [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
  }, 90_000);

  afterAll(async () => {
    await stop(prometheus);
    await stop(vm);
    for (const exporter of shards) await exporter.stop('SIGKILL');
    await fleet?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts every device of every router exactly once', async () => {
    // What the two shards serve, read from each one's /api/devices.
    const expected = new Map<string, number>();
    for (const exporter of shards) {
      const devices = (await (await fetch(`${exporter.url}/api/devices`)).json()) as Array<{ router: string }>;
      for (const device of devices) expected.set(device.router, (expected.get(device.router) ?? 0) + 1);
    }
    expect(expected.size).toBe(10);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);

    const perRouter = await waitFor(
      'every router in VictoriaMetrics',
      async () => {
        const result = await vmQuery(vmPort, 'count by (router) (netmon_device_present)');
        return result.length === 10 ? result : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(new Map(perRouter.map((r) => [r.metric.router ?? '', Number(r.value[1])]))).toEqual(expected);
    const [all] = await vmQuery(vmPort, 'count(netmon_device_present)');
    expect(Number(all!.value[1])).toBe(total);
    // One series per (router, mac): no device came from both shards.
    const [most] = await vmQuery(vmPort, 'max(count by (router, mac) (netmon_device_present))');
    expect(Number(most!.value[1])).toBe(1);
    // And every router's up series came from exactly one instance.
    const instances = await vmQuery(vmPort, 'count by (router) (netmon_router_up)');
    expect(instances.map((r) => Number(r.value[1]))).toEqual(Array(10).fill(1));
  }, 90_000);
});
