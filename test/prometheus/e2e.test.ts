/**
 * The whole pack against real processes: the RouterOS simulator, the built
 * exporter (`node dist/cli.js serve`), Debian's `prometheus` and (second
 * block) `prometheus-alertmanager` with a webhook receiver, all on loopback.
 * A watched device leaves the simulator: its alert must go pending, then
 * firing with the device's labels, and resolve when it comes back. Then every
 * dashboard query must return data from that Prometheus. The second block
 * stops the exporter while alerts fire and checks nothing resolves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  type ArpRow,
  type BridgeHostRow,
  type LeaseRow,
  type RunningSimulator,
  sampleGatewayLan,
  startSimulator,
  wifiAccessPointLan,
} from '../../src/simulator/index.js';
import { dataPanels, loadDashboards, queryResultSelector, REPO } from './dashboards.js';
import { speedUpRules } from './fast-rules.js';
import { KNOWN_METRICS, PROMETHEUS_TARGET_SERIES, RECORDED_SERIES } from './known-metrics.js';
import { metricNames, substitute } from './promql.js';
import { alertmanagerBinary, freePort, waitFor } from './tools.js';

const CLI = join(REPO, 'dist/cli.js');
const ROUTER = 'home';

const WATCHED_NAME = 'nas-e2e';

interface Started {
  child: ChildProcess;
  output: () => string;
}

function start(command: string, args: string[], cwd: string): Started {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: string) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  return { child, output: () => output };
}

async function stop(p: Started | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Debian's prometheus on a loopback port with `config` (global at 1 s and the
 * given rule file, alerting and scrape jobs) and its TSDB under `dir`.
 */
async function startPrometheus(dir: string, config: Record<string, unknown>): Promise<{ child: Started; url: string }> {
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({ global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' }, ...config }),
  );
  const port = await freePort();
  const child = start(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

describe('end to end: simulator → exporter → Prometheus with the shipped rules and dashboards', () => {
  let dir = '';
  let sim: RunningSimulator | undefined;
  let accessPoint: RunningSimulator | undefined;
  let exporter: Started | undefined;
  let prometheus: Started | undefined;
  let exporterUrl = '';
  let promUrl = '';
  let watched: { mac: string; ip: string; hostname: string };
  let removed: { leases: LeaseRow[]; arp: ArpRow[]; bridgeHosts: BridgeHostRow[] } | undefined;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${promUrl}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  }

  const watchedAlert = async (): Promise<PromAlert | undefined> =>
    (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts.find(
      (a) => a.labels.alertname === 'WatchedDeviceGone' && a.labels.mac === watched.mac,
    );

  const startExporter = (): Started => start(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.json')], dir);

  async function query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    return (
      await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      )
    ).result;
  }

  /**
   * Records every WatchedDeviceGone alert (pending or firing) for the watched
   * device until the returned function is called; it returns what was seen.
   */
  function recordWatchedAlerts(): () => Promise<PromAlert[]> {
    const seen: PromAlert[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const a = await watchedAlert().catch(() => undefined);
        if (a) seen.push(a);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    return async () => {
      running = false;
      await loop;
      return seen;
    };
  }

  function diagnostics(): string {
    return `\n--- exporter ---\n${exporter?.output() ?? ''}\n--- prometheus ---\n${prometheus?.output() ?? ''}`;
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (shell/test.sh does)`);
    dir = mkdtempSync(join(tmpdir(), 'netmon-e2e-'));

    // The sample LAN's gateway (kid control traffic, its DHCP pool) and a Wi-Fi
    // access point that joins it, so the depth panels have data.
    sim = await startSimulator({ host: '127.0.0.1', port: 0, lan: sampleGatewayLan() });
    accessPoint = await startSimulator({ host: '127.0.0.1', port: 0, lan: wifiAccessPointLan() });
    // Watch a device the router knows from a bound lease with a host name and
    // a reachable ARP entry, so it is present on every poll until removed.
    const lease = sim.tables.leases.find(
      (l) =>
        l.status === 'bound' &&
        typeof l.hostName === 'string' &&
        /^[\w-]+$/.test(l.hostName) &&
        (l.expiresAfter ?? 0) > 600 &&
        sim?.tables.arp.some((a) => a.macAddress === l.macAddress && (a.status ?? 'reachable') === 'reachable'),
    );
    if (!lease) throw new Error('the sample LAN has no bound, named, reachable device to watch');
    watched = { mac: lease.macAddress.toUpperCase(), ip: lease.address, hostname: lease.hostName as string };

    const exporterPort = await freePort();
    exporterUrl = `http://127.0.0.1:${exporterPort}`;
    const config = {
      routers: [
        { name: ROUTER, host: '127.0.0.1', port: sim.port, user: 'monitor', password: 'secret', timeoutSeconds: 2 },
        {
          name: 'ap-upstairs',
          host: '127.0.0.1',
          port: accessPoint.port,
          user: 'monitor',
          password: 'secret',
          timeoutSeconds: 2,
          gateway: ROUTER,
        },
      ],
      poll: { intervalSeconds: 1 },
      presence: { timeoutSeconds: 2 },
      devices: [{ mac: watched.mac, name: WATCHED_NAME, router: ROUTER }],
      http: { listen: `127.0.0.1:${exporterPort}` },
      state: { path: join(dir, 'state.json') },
      log: { level: 'warn' },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
    exporter = startExporter();

    // The shipped prometheus.yml's job, pointed at this exporter, at 1 s.
    const shipped = parse(readFileSync(join(REPO, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const job = shipped.scrape_configs.find((j) => j.job_name === 'network-monitor');
    if (!job) throw new Error('prometheus.yml has no network-monitor job');
    writeFileSync(join(dir, 'rules.yml'), speedUpRules(readFileSync(join(REPO, 'alerting/rules.yml'), 'utf8'), 60));
    ({ child: prometheus, url: promUrl } = await startPrometheus(dir, {
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: [{ ...job, static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
    }));

    try {
      await waitFor('exporter ready', async () => ((await fetch(`${exporterUrl}/readyz`)).ok ? true : undefined));
      await waitFor('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
      // Scraped, and the watched device is present.
      await waitFor('watched device present in Prometheus', async () => {
        const r = await api<{ result: unknown[] }>(
          `/api/v1/query?query=${encodeURIComponent(`netmon_device_present{mac="${watched.mac}"} == 1`)}`,
        );
        return r.result.length === 1 ? true : undefined;
      });
      // ...and the rules have been evaluated on that: nothing pending for it.
      await waitFor('WatchedDeviceGone evaluated and inactive', async () => {
        const rules = await api<{ groups: Array<{ rules: Array<{ name: string; state: string; lastEvaluation: string }> }> }>(
          '/api/v1/rules?type=alert',
        );
        const rule = rules.groups.flatMap((g) => g.rules).find((r) => r.name === 'WatchedDeviceGone');
        return rule?.state === 'inactive' && (await watchedAlert()) === undefined ? true : undefined;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}${diagnostics()}`);
    }
  }, 45_000);

  afterAll(async () => {
    await stop(prometheus);
    await stop(exporter);
    await sim?.close();
    await accessPoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a watched device that leaves raises WatchedDeviceGone, pending then firing, and it resolves on return', async () => {
    if (!sim) throw new Error('no simulator');
    const tables = sim.tables;
    const mine = (mac: string | null) => mac?.toUpperCase() === watched.mac;
    removed = {
      leases: tables.leases.filter((r) => mine(r.macAddress)),
      arp: tables.arp.filter((r) => mine(r.macAddress)),
      bridgeHosts: tables.bridgeHosts.filter((r) => mine(r.macAddress)),
    };
    const removedAt = Date.now();
    tables.leases = tables.leases.filter((r) => !mine(r.macAddress));
    tables.arp = tables.arp.filter((r) => !mine(r.macAddress));
    tables.bridgeHosts = tables.bridgeHosts.filter((r) => !mine(r.macAddress));

    try {
      const pending = await waitFor(
        'WatchedDeviceGone pending',
        async () => {
          const a = await watchedAlert();
          if (a?.state === 'firing') throw new Error('fired without being seen pending');
          return a?.state === 'pending' ? a : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      // Caused by the removal, not by start-up.
      expect(Date.parse(pending.activeAt)).toBeGreaterThanOrEqual(removedAt - 1000);
      const expectedLabels = {
        alertname: 'WatchedDeviceGone',
        severity: 'warning',
        scope: 'device',
        job: 'network-monitor',
        router: ROUTER,
        mac: watched.mac,
      };
      // Names and addresses are in the annotations only: a renewal must not change the alert.
      expect(pending.labels).toEqual({ ...expectedLabels, instance: exporterUrl.replace('http://', '') });

      const firing = await waitFor(
        'WatchedDeviceGone firing',
        async () => {
          const a = await watchedAlert();
          if (a === undefined) throw new Error('resolved before firing');
          return a.state === 'firing' ? a : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      expect(firing.labels).toMatchObject(expectedLabels);
      expect(firing.activeAt).toBe(pending.activeAt);
      expect(firing.annotations.summary).toBe(`Watched device ${WATCHED_NAME} is gone from ${ROUTER}`);
      expect(firing.annotations.description).toContain(
        `${WATCHED_NAME} (hostname ${watched.hostname}, IP ${watched.ip}, MAC ${watched.mac})`,
      );
      expect(firing.annotations.description).toMatch(new RegExp(`was last seen by router ${ROUTER} \\S+ ago`));
      expect(firing.annotations.runbook_url).toBe('docs/alerts.md#watcheddevicegone');
      expect(firing.annotations.dashboard_url).toContain(`&var-mac=${encodeURIComponent(watched.mac)}`);

      // Back on the LAN: the alert leaves /api/v1/alerts and the rule is inactive.
      tables.leases.push(...removed.leases);
      tables.arp.push(...removed.arp);
      tables.bridgeHosts.push(...removed.bridgeHosts);
      await waitFor('WatchedDeviceGone resolved', async () => ((await watchedAlert()) === undefined ? true : undefined), {
        timeoutMs: 15_000,
        intervalMs: 200,
      });
      const rules = await api<{ groups: Array<{ rules: Array<{ name: string; state: string }> }> }>('/api/v1/rules?type=alert');
      expect(rules.groups.flatMap((g) => g.rules).find((r) => r.name === 'WatchedDeviceGone')?.state).toBe('inactive');
    } catch (err) {
      throw new Error(`${(err as Error).message}${diagnostics()}`);
    }
  }, 50_000);

  it('a router outage raises RouterUnreachable and no device alert; devices keep their last values', async () => {
    if (!sim) throw new Error('no simulator');
    const stopRecording = recordWatchedAlerts();
    const outageStart = Date.now();
    try {
      await sim.stopListening({ dropConnections: true });
      const routerAlert = await waitFor(
        'RouterUnreachable firing',
        async () => {
          const alerts = (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
          return alerts.find(
            (a) => a.labels.alertname === 'RouterUnreachable' && a.labels.router === ROUTER && a.state === 'firing',
          );
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      expect(routerAlert.labels).toMatchObject({ severity: 'critical', scope: 'router', job: 'network-monitor' });
      // Hold the outage past the presence timeout (2 s) plus WatchedDeviceGone's
      // `for` (5 s here): long enough for a device alert to fire if the exporter
      // let presence age and the rule did not check the router.
      await new Promise((r) => setTimeout(r, Math.max(0, outageStart + 7500 - Date.now())));
      expect(await query(`netmon_router_up{router="${ROUTER}"}`)).toMatchObject([{ value: [expect.any(Number), '0'] }]);
      expect(await query(`netmon_device_present{mac="${watched.mac}"}`)).toMatchObject([{ value: [expect.any(Number), '1'] }]);
      expect(await query(`netmon_router_poll_errors_total{router="${ROUTER}", reason="connection"} > 0`)).toHaveLength(1);
    } finally {
      await sim.startListening();
    }
    try {
      await waitFor(
        'router back up and RouterUnreachable resolved',
        async () => {
          const alerts = (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
          const up = await query(`netmon_router_up{router="${ROUTER}"} == 1`);
          return up.length === 1 && !alerts.some((a) => a.labels.alertname === 'RouterUnreachable') ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}${diagnostics()}`);
    }
    expect(await stopRecording()).toEqual([]);
  }, 50_000);

  it('an exporter restart raises no device alert and keeps first-seen times', async () => {
    const firstSeen = async () => (await query(`netmon_device_first_seen_timestamp_seconds{mac="${watched.mac}"}`))[0]?.value[1];
    const before = await firstSeen();
    expect(before).toBeDefined();
    const stopRecording = recordWatchedAlerts();
    try {
      await stop(exporter);
      await waitFor('Prometheus sees the exporter down', async () =>
        (await query('up{job="network-monitor"} == 0')).length === 1 ? true : undefined,
      );
      exporter = startExporter();
      await waitFor(
        'exporter back, watched device present',
        async () => {
          const up = await query('up{job="network-monitor"} == 1');
          const present = await query(`netmon_device_present{mac="${watched.mac}"} == 1`);
          return up.length === 1 && present.length === 1 ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      // A few more evaluations on the restarted exporter's series.
      await new Promise((r) => setTimeout(r, 2500));
    } catch (err) {
      throw new Error(`${(err as Error).message}${diagnostics()}`);
    }
    expect(await stopRecording()).toEqual([]);
    expect(await firstSeen()).toBe(before);
  }, 50_000);

  it('every rule evaluates without error on the real exposition', { timeout: 30_000 }, async () => {
    const rules = await api<{ groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> }>(
      '/api/v1/rules',
    );
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all).toHaveLength(12);
    for (const r of all)
      expect({ name: r.name, health: r.health, lastError: r.lastError ?? '' }).toEqual({
        name: r.name,
        health: 'ok',
        lastError: '',
      });

    // The whole sample LAN is new to this exporter, which started with no
    // state: no NewDevice for any of it. (At this test's scale the 10-minute
    // window is 10 s and passes before the first evaluations, so this cannot
    // show the first-deploy guard at work: alerting/rules.test.yml does.)
    const alerts = (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
    expect(alerts.filter((a) => a.labels.alertname === 'NewDevice')).toEqual([]);
    for (const a of alerts) {
      for (const text of Object.values(a.annotations)) expect(text, a.labels.alertname).not.toMatch(/error expanding|<no value>/);
    }
    // AddressConflict follows the exporter's count; the restart above reset its
    // `for`, so give it one more `for` (5 s here) to fire.
    const conflicted = (await query('netmon_address_conflicts > 0')).map((c) => c.metric.router as string).sort();
    const conflictAlerts = await waitFor(
      'AddressConflict firing where the exporter counts conflicts',
      async () => {
        const firing = (await api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts.filter(
          (a) => a.labels.alertname === 'AddressConflict' && a.state === 'firing',
        );
        return firing.length === conflicted.length ? firing : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(conflictAlerts.map((a) => a.labels.router).sort()).toEqual(conflicted);
    for (const a of conflictAlerts) expect(a.annotations.description).toMatch(/Devices sharing an IP now: /);
  });

  it('every metric the dashboards query is on the exporter’s /metrics', async () => {
    const exposition = await (await fetch(`${exporterUrl}/metrics`)).text();
    const exported = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
    const used = new Set(
      loadDashboards().flatMap(({ dashboard }) =>
        dataPanels(dashboard).flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr ?? ''))),
      ),
    );
    const fromExporter = [...used].filter(
      (n) => !(PROMETHEUS_TARGET_SERIES as readonly string[]).includes(n) && !(RECORDED_SERIES as readonly string[]).includes(n),
    );
    expect(fromExporter.length).toBeGreaterThan(10);
    for (const name of fromExporter) {
      expect(KNOWN_METRICS.has(name), name).toBe(true);
      expect(exported.has(name), `${name} is not exported`).toBe(true);
    }
  });

  it('every PromQL expression of every dashboard panel returns data', async () => {
    const now = Date.now() / 1000;
    const values: Record<string, string> = {
      job: 'network-monitor',
      instance: exporterUrl.replace('http://', ''),
      router: ROUTER,
      mac: watched.mac,
      // What Grafana derives from a 1 s scrape interval: four scrapes, plus slack.
      __rate_interval: '5s',
    };
    const wifiClients = await query(`netmon_device_wifi_signal_dbm{router="${ROUTER}"}`);
    const wifiMac = wifiClients[0]?.metric.mac as string;
    expect(wifiMac).toMatch(/^[0-9A-F:]{17}$/);
    const empty: string[] = [];
    let queried = 0;
    for (const { file, dashboard } of loadDashboards()) {
      for (const panel of dataPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          // The device dashboard's Wi-Fi panels, for a device on Wi-Fi.
          const wifiPanel = metricNames(target.expr ?? '').some((n) => /^netmon_device_(wifi|traffic)_/.test(n));
          const expr = substitute(target.expr ?? '', wifiPanel ? { ...values, mac: wifiMac } : values);
          const path = target.instant
            ? `/api/v1/query?query=${encodeURIComponent(expr)}`
            : `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${now - 10}&end=${now}&step=1`;
          const data = await api<{ result: unknown[] }>(path);
          queried++;
          // The state file is written when something changes, and last-seen-only
          // changes once a minute: the restarted exporter may not have written yet,
          // which it reports as 0 and the panel shows as "not since start".
          const notWrittenYet =
            panel.title === 'State file saved' &&
            (await query('netmon_state_last_write_success_timestamp_seconds{job="network-monitor"} == 0')).length === 1;
          if (data.result.length === 0 && !notWrittenYet) empty.push(`${file} "${panel.title}" ${target.refId}: ${expr}`);
        }
      }
    }
    expect(queried).toBeGreaterThan(30);
    expect(empty).toEqual([]);
  });

  it('the device picker lists the watched device by its configured name, with its MAC as the value', async () => {
    const device = loadDashboards().find((d) => d.dashboard.uid === 'netmon-device')?.dashboard;
    const mac = device?.templating.list.find((v) => v.name === 'mac') as unknown as { query: string; regex: string };
    const expr = substitute(queryResultSelector(mac.query) as string, {
      job: 'network-monitor',
      instance: exporterUrl.replace('http://', ''),
      router: ROUTER,
    });
    // Grafana's query_result() renders each series as `{labels} value timestamp`.
    const lines = (await query(expr)).map(
      (s) =>
        `{${Object.entries(s.metric)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(', ')}} ${s.value[1]} ${s.value[0] * 1000}`,
    );
    const m = /^\/(.*)\/(\w*)$/.exec(mac.regex) as RegExpExecArray;
    const options = lines.map((l) => new RegExp(m[1] as string, m[2]).exec(l)?.groups);
    expect(options.length).toBeGreaterThan(10);
    expect(options).toContainEqual({ text: WATCHED_NAME, value: watched.mac });
    for (const o of options) expect(o?.value).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/);
  });
});

/**
 * The on-call view of an outage: simulator → exporter → Prometheus → the
 * shipped Alertmanager config → a webhook receiver. A watched device is gone
 * and an address conflict flaps (missing from one poll in four) until both
 * alerts fire and are delivered; then the exporter is stopped for two minutes
 * (at the test's scale: every time span of the rules divided by 10, so 12 s)
 * and restarted. Neither alert may resolve, in Prometheus or at the webhook.
 * Then the device comes back and its "resolved" does arrive, which shows the
 * webhook would have seen one.
 */
describe('end to end with Alertmanager: an exporter outage resolves nothing', () => {
  const SCALE = 10;
  const OUTAGE_MS = 120_000 / SCALE;
  const NAS_MAC = 'AA:BB:CC:0E:2E:01';
  const CONFLICT_IP = '192.168.88.250';
  const FLAPPING_MAC = 'AA:BB:CC:0E:2E:03';
  let dir = '';
  let sim: RunningSimulator | undefined;
  let exporter: Started | undefined;
  let prometheus: Started | undefined;
  let alertmanager: Started | undefined;
  let webhook: Server | undefined;
  let flapper: NodeJS.Timeout | undefined;
  let promUrl = '';
  let exporterUrl = '';
  const received: Array<{ receiver: string; status: string; alerts: Array<{ status: string; labels: Record<string, string> }> }> =
    [];
  let nasRows: { lease: LeaseRow; arp: ArpRow } | undefined;
  let flappingRow: ArpRow | undefined;

  const startExporter = (): Started => start(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.json')], dir);

  async function promAlerts(): Promise<PromAlert[]> {
    const res = await fetch(`${promUrl}/api/v1/alerts`);
    return ((await res.json()) as { data: { alerts: PromAlert[] } }).data.alerts;
  }
  const ours = (a: { labels: Record<string, string> }) =>
    (a.labels.alertname === 'WatchedDeviceGone' && a.labels.mac === NAS_MAC) ||
    (a.labels.alertname === 'AddressConflict' && a.labels.router === ROUTER);
  const delivered = (status: string) =>
    received
      .flatMap((n) => n.alerts)
      .filter((a) => ours(a) && a.status === status)
      .map((a) => a.labels.alertname as string);

  function diagnostics(): string {
    return (
      `\n--- webhook ---\n${JSON.stringify(received).slice(-4000)}\n--- exporter ---\n${exporter?.output() ?? ''}` +
      `\n--- prometheus ---\n${prometheus?.output() ?? ''}\n--- alertmanager ---\n${alertmanager?.output() ?? ''}`
    );
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (shell/test.sh does)`);
    dir = mkdtempSync(join(tmpdir(), 'netmon-e2e-am-'));

    // A small LAN built from the sample LAN's row shapes: the watched NAS (a
    // bound lease and a reachable ARP entry), and two MACs on one IP.
    sim = await startSimulator({ host: '127.0.0.1', port: 0 });
    const tables = sim.tables;
    const lease = tables.leases.find((l) => l.status === 'bound' && (l.expiresAfter ?? 0) > 600);
    const arp = tables.arp.find((a) => a.macAddress !== null && (a.status ?? 'reachable') === 'reachable' && a.dynamic);
    if (!lease || !arp) throw new Error('the sample LAN has no bound lease or reachable ARP entry to copy');
    const { id: _leaseId, ...leaseShape } = lease;
    const { id: _arpId, ...arpShape } = arp;
    nasRows = {
      lease: { ...leaseShape, macAddress: NAS_MAC, address: '192.168.88.10', hostName: 'nas', lastSeen: 1 },
      arp: { ...arpShape, macAddress: NAS_MAC, address: '192.168.88.10' },
    };
    flappingRow = { ...arpShape, macAddress: FLAPPING_MAC, address: CONFLICT_IP };
    tables.leases = [nasRows.lease];
    tables.arp = [nasRows.arp, { ...arpShape, macAddress: 'AA:BB:CC:0E:2E:02', address: CONFLICT_IP }, flappingRow];
    tables.bridgeHosts = [];
    // Polls run at whole seconds: leave the second MAC out of one poll in four.
    flapper = setInterval(() => {
      if (!sim || !flappingRow) return;
      const want = Math.floor(Date.now() / 1000) % 4 !== 3;
      const has = sim.tables.arp.includes(flappingRow);
      if (want && !has) sim.tables.arp.push(flappingRow);
      if (!want && has) sim.tables.arp = sim.tables.arp.filter((r) => r !== flappingRow);
    }, 100);

    const exporterPort = await freePort();
    exporterUrl = `http://127.0.0.1:${exporterPort}`;
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        routers: [{ name: ROUTER, host: '127.0.0.1', port: sim.port, user: 'monitor', password: 'secret', timeoutSeconds: 2 }],
        poll: { intervalSeconds: 1 },
        presence: { timeoutSeconds: 2 },
        devices: [{ mac: NAS_MAC, name: 'NAS', router: ROUTER }],
        http: { listen: `127.0.0.1:${exporterPort}` },
        state: { path: join(dir, 'state.json') },
        log: { level: 'warn' },
      }),
    );
    exporter = startExporter();

    // The webhook receiver every Alertmanager receiver points at.
    const hookPort = await freePort();
    webhook = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        received.push({ receiver: req.url ?? '', ...(JSON.parse(body) as Omit<(typeof received)[number], 'receiver'>) });
        res.end();
      });
    });
    await new Promise<void>((r) => webhook?.listen(hookPort, '127.0.0.1', r));

    // The shipped Alertmanager config: receivers pointed at the webhook, and
    // waits short enough that a "resolved" would be sent within the test.
    type Route = { group_wait?: string; group_interval?: string; repeat_interval?: string; routes?: Route[] };
    const am = parse(readFileSync(join(REPO, 'alerting/alertmanager.yml'), 'utf8')) as {
      route: Route;
      receivers: Array<{ webhook_configs?: Array<{ url: string }> }>;
    };
    const quicken = (r: Route) => {
      r.group_wait = '1s';
      r.group_interval = '1s';
      r.repeat_interval = '1h';
      for (const child of r.routes ?? []) quicken(child);
    };
    quicken(am.route);
    for (const r of am.receivers)
      for (const w of r.webhook_configs ?? []) w.url = w.url.replace(/^http:\/\/localhost:5001/, `http://127.0.0.1:${hookPort}`);
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(am));
    const amPort = await freePort();
    alertmanager = start(
      alertmanagerBinary(),
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'am')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      dir,
    );

    writeFileSync(join(dir, 'rules.yml'), speedUpRules(readFileSync(join(REPO, 'alerting/rules.yml'), 'utf8'), SCALE));
    ({ child: prometheus, url: promUrl } = await startPrometheus(dir, {
      rule_files: [join(dir, 'rules.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [{ job_name: 'network-monitor', static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
    }));
    try {
      await waitFor('exporter ready', async () => ((await fetch(`${exporterUrl}/readyz`)).ok ? true : undefined));
      await waitFor('Alertmanager ready', async () =>
        (await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined,
      );
      await waitFor('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
    } catch (err) {
      throw new Error(`${(err as Error).message}${diagnostics()}`);
    }
  }, 45_000);

  afterAll(async () => {
    if (flapper) clearInterval(flapper);
    await stop(prometheus);
    await stop(alertmanager);
    await stop(exporter);
    await new Promise((r) => (webhook ? webhook.close(r) : r(undefined)));
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a gone watched device and a flapping conflict stay firing through a two-minute exporter outage', {
    timeout: 150_000,
  }, async () => {
    if (!sim || !nasRows) throw new Error('no simulator');
    try {
      // The NAS leaves.
      sim.tables.leases = sim.tables.leases.filter((r) => r !== nasRows?.lease);
      sim.tables.arp = sim.tables.arp.filter((r) => r !== nasRows?.arp);

      // Both fire and reach the webhook (AddressConflict although every fourth poll misses the conflict).
      await waitFor(
        'WatchedDeviceGone and AddressConflict delivered as firing',
        async () => {
          const firing = new Set(delivered('firing'));
          return firing.has('WatchedDeviceGone') && firing.has('AddressConflict') ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const conflictsSeen = await (
        await fetch(
          `${promUrl}/api/v1/query?query=${encodeURIComponent(`count_over_time((netmon_address_conflicts{router="${ROUTER}"} == 0)[30s:1s])`)}`,
        )
      ).json();
      // The conflict really flapped: some evaluations saw none.
      expect(
        Number((conflictsSeen as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]?.value[1] ?? 0),
      ).toBeGreaterThan(0);

      const before = (await promAlerts()).filter(ours);
      expect(before.map((a) => [a.labels.alertname, a.state]).sort()).toEqual([
        ['AddressConflict', 'firing'],
        ['WatchedDeviceGone', 'firing'],
      ]);

      // Record Prometheus's view of both alerts every 200 ms from here on.
      const snapshots: PromAlert[][] = [];
      let recording = true;
      const recorder = (async () => {
        while (recording) {
          snapshots.push((await promAlerts().catch(() => before)).filter(ours));
          await new Promise((r) => setTimeout(r, 200));
        }
      })();

      // The outage.
      await stop(exporter);
      await waitFor('Prometheus sees the exporter down', async () => {
        const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent('up{job="network-monitor"} == 0')}`);
        return ((await res.json()) as { data: { result: unknown[] } }).data.result.length === 1 ? true : undefined;
      });
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      exporter = startExporter();
      await waitFor(
        'exporter back and scraped',
        async () => {
          const res = await fetch(
            `${promUrl}/api/v1/query?query=${encodeURIComponent('netmon_router_up{job="network-monitor"} == 1')}`,
          );
          return ((await res.json()) as { data: { result: unknown[] } }).data.result.length === 1 ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      // Long enough for Alertmanager to flush anything Prometheus sent (group_interval 1 s).
      await new Promise((r) => setTimeout(r, 5000));
      recording = false;
      await recorder;

      expect(delivered('resolved')).toEqual([]);
      expect(snapshots.length).toBeGreaterThan(50);
      for (const snapshot of snapshots) {
        expect(snapshot.map((a) => [a.labels.alertname, a.state, a.activeAt]).sort()).toEqual(
          before.map((a) => [a.labels.alertname, 'firing', a.activeAt]).sort(),
        );
      }

      // Positive control: the NAS comes back, and its "resolved" is delivered.
      sim.tables.leases.push(nasRows.lease);
      sim.tables.arp.push(nasRows.arp);
      await waitFor(
        'WatchedDeviceGone delivered as resolved',
        async () => (delivered('resolved').includes('WatchedDeviceGone') ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      expect(delivered('resolved')).toEqual(['WatchedDeviceGone']);
    } catch (err) {
      throw new Error(`${(err as Error).message}${diagnostics()}`);
    }
  });
});
