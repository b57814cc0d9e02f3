import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './dashboards.js';
import { alertmanagerBinary, freePort, waitFor } from './tools.js';

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

describe('alertmanager.yml inhibition, in a real Alertmanager', () => {
  let child: ChildProcess | undefined;
  let dir = '';
  let base = '';
  let log = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netmon-am-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(
      alertmanagerBinary(),
      [
        `--config.file=${join(REPO, 'alerting/alertmanager.yml')}`,
        `--storage.path=${dir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=', // no gossip: a lone instance, loopback only
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
    await waitFor('Alertmanager ready', async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined), {
      timeoutMs: 15_000,
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${log}`);
    });
  });

  /** Posts alerts that fire for the next 10 minutes, each with `job` and the given labels. */
  async function postAlerts(job: string, labelSets: Array<Record<string, string>>): Promise<void> {
    const now = new Date();
    const ends = new Date(now.getTime() + 10 * 60_000);
    const post = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        labelSets.map((labels) => ({
          labels: { job, ...labels },
          annotations: { summary: labels.alertname ?? '' },
          startsAt: now.toISOString(),
          endsAt: ends.toISOString(),
        })),
      ),
    });
    expect(post.status).toBe(200);
  }

  afterAll(async () => {
    // Alertmanager writes its snapshot files as it stops: remove its directory only after it has exited.
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds back device alerts of an unreachable router, and only those', async () => {
    await postAlerts('network-monitor', [
      { alertname: 'RouterUnreachable', severity: 'critical', scope: 'router', instance: 'nm:9847', router: 'home' },
      {
        alertname: 'WatchedDeviceGone',
        severity: 'warning',
        scope: 'device',
        instance: 'nm:9847',
        router: 'home',
        mac: 'AA:BB:CC:00:00:01',
      },
      {
        alertname: 'NewDevice',
        severity: 'info',
        scope: 'device',
        instance: 'nm:9847',
        router: 'home',
        mac: 'AA:BB:CC:00:00:02',
      },
      { alertname: 'AddressConflict', severity: 'warning', scope: 'device', instance: 'nm:9847', router: 'home' },
      // Another router of the same exporter, and a same-named router of another exporter.
      {
        alertname: 'WatchedDeviceGone',
        severity: 'warning',
        scope: 'device',
        instance: 'nm:9847',
        router: 'office',
        mac: 'AA:BB:CC:00:00:03',
      },
      {
        alertname: 'WatchedDeviceGone',
        severity: 'warning',
        scope: 'device',
        instance: 'other:9847',
        router: 'home',
        mac: 'AA:BB:CC:00:00:04',
      },
      { alertname: 'StatePersistenceFailing', severity: 'warning', scope: 'exporter', instance: 'nm:9847' },
    ]);

    const key = (a: AmAlert) => `${a.labels.alertname} ${a.labels.instance} ${a.labels.router ?? '-'}`;
    const states = await waitFor('all seven alerts with the inhibition applied', async () => {
      const alerts = (await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[];
      const suppressed = alerts.filter((a) => a.status.state === 'suppressed');
      return alerts.length === 7 && suppressed.length === 3 ? alerts : undefined;
    });
    const byKey = Object.fromEntries(states.map((a) => [key(a), a.status]));
    expect(byKey).toMatchObject({
      'RouterUnreachable nm:9847 home': { state: 'active', inhibitedBy: [] },
      'WatchedDeviceGone nm:9847 home': { state: 'suppressed' },
      'NewDevice nm:9847 home': { state: 'suppressed' },
      'AddressConflict nm:9847 home': { state: 'suppressed' },
      'WatchedDeviceGone nm:9847 office': { state: 'active', inhibitedBy: [] },
      'WatchedDeviceGone other:9847 home': { state: 'active', inhibitedBy: [] },
      'StatePersistenceFailing nm:9847 -': { state: 'active', inhibitedBy: [] },
    });
    expect(byKey['WatchedDeviceGone nm:9847 home']?.inhibitedBy).toHaveLength(1);
  });

  it('holds back device and router alerts of an exporter that is down, and only that exporter’s', async () => {
    await postAlerts('lan', [
      { alertname: 'ExporterDown', severity: 'critical', scope: 'exporter', instance: 'down:9847' },
      {
        alertname: 'WatchedDeviceGone',
        severity: 'warning',
        scope: 'device',
        instance: 'down:9847',
        router: 'r1',
        mac: 'AA:BB:CC:00:00:10',
      },
      { alertname: 'RouterPollsFailing', severity: 'warning', scope: 'router', instance: 'down:9847', router: 'r1' },
      {
        alertname: 'DhcpPoolNearlyExhausted',
        severity: 'warning',
        scope: 'router',
        instance: 'down:9847',
        router: 'r1',
        pool: 'p',
      },
      { alertname: 'StatePersistenceFailing', severity: 'warning', scope: 'exporter', instance: 'down:9847' },
      // The same router name behind another exporter.
      {
        alertname: 'WatchedDeviceGone',
        severity: 'warning',
        scope: 'device',
        instance: 'up:9847',
        router: 'r1',
        mac: 'AA:BB:CC:00:00:11',
      },
    ]);
    const key = (a: AmAlert) => `${a.labels.alertname} ${a.labels.instance}`;
    const states = await waitFor('the six alerts with the inhibition applied', async () => {
      const alerts = ((await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[]).filter((a) => a.labels.job === 'lan');
      return alerts.length === 6 && alerts.filter((a) => a.status.state === 'suppressed').length === 3 ? alerts : undefined;
    });
    expect(Object.fromEntries(states.map((a) => [key(a), a.status.state]))).toEqual({
      'ExporterDown down:9847': 'active',
      'WatchedDeviceGone down:9847': 'suppressed',
      'RouterPollsFailing down:9847': 'suppressed',
      'DhcpPoolNearlyExhausted down:9847': 'suppressed',
      'StatePersistenceFailing down:9847': 'active',
      'WatchedDeviceGone up:9847': 'active',
    });
  });

  it('starts without a warning (a repeat_interval beyond the 120 h notification log would be one)', () => {
    expect(log).toContain('Completed loading of configuration file');
    expect(log.split('\n').filter((l) => /level=warn/.test(l))).toEqual([]);
  });
});
