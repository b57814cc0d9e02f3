import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './dashboards.js';
import { parseDuration, speedUpExpr, speedUpRules } from './fast-rules.js';
import { run } from './tools.js';

/** GitHub-style anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to dashes. */
function headingAnchors(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map((m) =>
    (m[1] as string)
      .toLowerCase()
      .replace(/[^\w\- ]/g, '')
      .replace(/ /g, '-'),
  );
}

describe('Prometheus and Alertmanager files pass their own tools', () => {
  it('heading anchors are computed the way GitHub does', () => {
    expect(headingAnchors('# Alerts\n\n## WatchedDeviceGone\n### First deploy: the NewDevice burst\n')).toEqual([
      'alerts',
      'watcheddevicegone',
      'first-deploy-the-newdevice-burst',
    ]);
  });

  it('promtool check config prometheus.yml (and the rule file it names)', async () => {
    const r = await run('promtool', ['check', 'config', 'prometheus.yml'], REPO);
    expect(r.stdout + r.stderr).toContain('SUCCESS: prometheus.yml is valid');
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('promtool check rules alerting/rules.yml', async () => {
    const r = await run('promtool', ['check', 'rules', 'alerting/rules.yml'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 12 rules found');
  });

  it('promtool test rules alerting/rules.test.yml', async () => {
    const r = await run('promtool', ['test', 'rules', 'alerting/rules.test.yml'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });

  it('the sped-up rules for the end-to-end test differ from the shipped ones only in their time spans', async () => {
    expect([parseDuration('5m'), parseDuration('1h30m'), parseDuration('250ms')]).toEqual([300_000, 5_400_000, 250]);
    expect(() => parseDuration('5 minutes')).toThrow();
    expect(
      speedUpExpr(
        'avg_over_time((a > bool 0)[10m:]) + max_over_time(b[5m]) + c[1h:1m] + present_over_time(d[15m] offset 15m) + (time() - e_seconds < 600)',
        10,
      ),
    ).toBe(
      'avg_over_time((a > bool 0)[60000ms:]) + max_over_time(b[30000ms]) + c[360000ms:6000ms] + present_over_time(d[90000ms] offset 90000ms) + (time() - e_seconds < 60)',
    );
    const shipped = readFileSync(join(REPO, 'alerting/rules.yml'), 'utf8');
    const fast = speedUpRules(shipped, 60);
    type Rules = { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    const a = (parse(shipped) as Rules).groups.flatMap((g) => g.rules);
    const b = (parse(fast) as Rules).groups.flatMap((g) => g.rules);
    const spanOf = (r: Record<string, unknown>, key: string) =>
      r[key] === undefined ? undefined : `${parseDuration(r[key] as string) / 60}ms`;
    expect(b.map((r) => r.for)).toEqual(a.map((r) => spanOf(r, 'for')));
    expect(b.map((r) => r.keep_firing_for)).toEqual(a.map((r) => spanOf(r, 'keep_firing_for')));
    expect(b.map((r) => r.expr)).toEqual(a.map((r) => speedUpExpr(r.expr as string, 60)));
    const rest = ({ for: _f, keep_firing_for: _k, expr: _e, ...others }: Record<string, unknown>) => others;
    expect(b.map(rest)).toEqual(a.map(rest));
    const dir = mkdtempSync(join(tmpdir(), 'netmon-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), fast);
      const r = await run('promtool', ['check', 'rules', join(dir, 'rules.yml')], REPO);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('amtool check-config alerting/alertmanager.yml, without a warning', async () => {
    const r = await run('amtool', ['check-config', 'alerting/alertmanager.yml'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('3 inhibit rules');
    expect(r.stdout + r.stderr).not.toMatch(/warn/i);
  });

  it('Alertmanager groups by what the rules join on, and repeats within its 120 h notification log', () => {
    type Route = { group_by?: string[]; repeat_interval?: string; routes?: Route[] };
    const am = parse(readFileSync(join(REPO, 'alerting/alertmanager.yml'), 'utf8')) as { route: Route };
    const routes = (r: Route): Route[] => [r, ...(r.routes ?? []).flatMap(routes)];
    for (const r of routes(am.route)) {
      if (r.repeat_interval !== undefined) expect(parseDuration(r.repeat_interval)).toBeLessThan(120 * 3_600_000);
      if (r.group_by !== undefined) expect(r.group_by).toEqual(expect.arrayContaining(['job', 'instance', 'router']));
    }
  });

  it.each([
    [['alertname=RouterUnreachable', 'severity=critical', 'scope=router'], 'lan-admin-urgent'],
    [['alertname=ExporterDown', 'severity=critical', 'scope=exporter'], 'lan-admin-urgent'],
    [['alertname=NewDevice', 'severity=info', 'scope=device', 'router=home'], 'lan-new-devices'],
    [['alertname=WatchedDeviceGone', 'severity=warning', 'scope=device'], 'lan-admin'],
    [['alertname=AddressConflict', 'severity=warning', 'scope=device'], 'lan-admin'],
    [['alertname=StatePersistenceFailing', 'severity=warning', 'scope=exporter'], 'lan-admin'],
    [['alertname=RouterPollsFailing', 'severity=warning', 'scope=router'], 'lan-admin'],
    [['alertname=DhcpPoolNearlyExhausted', 'severity=warning', 'scope=router'], 'lan-admin'],
    [['alertname=WatchedDeviceWeakSignal', 'severity=warning', 'scope=device'], 'lan-admin'],
  ])('Alertmanager routes %j to %s', async (labels, receiver) => {
    const r = await run(
      'amtool',
      ['config', 'routes', 'test', '--config.file=alerting/alertmanager.yml', `--verify.receivers=${receiver}`, ...labels],
      REPO,
    );
    expect(r.stdout.trim(), r.stderr).toBe(receiver);
    expect(r.code).toBe(0);
  });

  it('the scrape job and rule labels match what the rules, inhibition and dashboards select on', () => {
    const prom = parse(readFileSync(join(REPO, 'prometheus.yml'), 'utf8')) as {
      global: { scrape_interval: string };
      scrape_configs: Array<{ job_name: string; scrape_interval?: string }>;
    };
    const job = prom.scrape_configs.find((s) => s.job_name === 'network-monitor');
    expect(job).toBeDefined();
    // The exporter's default poll interval; polls are aligned to it.
    expect(job?.scrape_interval ?? prom.global.scrape_interval).toBe('15s');

    const rules = parse(readFileSync(join(REPO, 'alerting/rules.yml'), 'utf8')) as {
      groups: Array<{
        rules: Array<{
          alert?: string;
          record?: string;
          expr: string;
          labels: Record<string, string>;
          annotations: Record<string, string>;
        }>;
      }>;
    };
    const records = rules.groups.flatMap((g) => g.rules).filter((r) => r.record !== undefined);
    expect(records.map((r) => r.record)).toEqual(['device:netmon_device_present:watched']);
    const all = rules.groups.flatMap((g) => g.rules).filter((r): r is typeof r & { alert: string } => r.alert !== undefined);
    expect(all.map((r) => r.alert).sort()).toEqual([
      'AddressConflict',
      'DevicesDropped',
      'DhcpPoolNearlyExhausted',
      'ExporterDown',
      'NewDevice',
      'RouterPollsFailing',
      'RouterPollsSkipped',
      'RouterUnreachable',
      'StatePersistenceFailing',
      'WatchedDeviceGone',
      'WatchedDeviceWeakSignal',
    ]);
    for (const rule of all) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels.severity);
      expect(['device', 'router', 'exporter'], rule.alert).toContain(rule.labels.scope);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
      // Identity: nothing that changes while an alert fires is grouped into its labels.
      expect(rule.expr, rule.alert).not.toMatch(/group_left\([^)]*\b(name|hostname|ip)\b/);
    }
    // The rules find the exporter by its own metric, whatever the job is called.
    expect(all.find((r) => r.alert === 'ExporterDown')?.expr).not.toContain('job=');

    // Every alert links its section of docs/alerts.md, and the section exists.
    const anchors = headingAnchors(readFileSync(join(REPO, 'docs/alerts.md'), 'utf8'));
    for (const rule of all) {
      expect(rule.annotations.runbook_url, rule.alert).toBe(`docs/alerts.md#${rule.alert.toLowerCase()}`);
      expect(anchors, rule.alert).toContain(rule.alert.toLowerCase());
    }
    // Device alerts link the device dashboard with the alert's own router and MAC.
    for (const rule of all.filter((r) => r.labels.scope === 'device' && r.alert !== 'AddressConflict')) {
      expect(rule.annotations.dashboard_url, rule.alert).toContain('/d/netmon-device/');
      for (const v of ['job', 'instance', 'router', 'mac'])
        expect(rule.annotations.dashboard_url, rule.alert).toContain(`var-${v}={{ $labels.${v} | urlquery }}`);
    }

    const grafanaDs = parse(readFileSync(join(REPO, 'grafana/provisioning/datasources/network-monitor.yml'), 'utf8')) as {
      datasources: Array<{ uid: string; type: string; jsonData: { timeInterval: string } }>;
    };
    // $__rate_interval is only right when Grafana knows the scrape interval.
    expect(grafanaDs.datasources[0]?.jsonData.timeInterval).toBe(prom.global.scrape_interval);
    expect(grafanaDs.datasources[0]?.uid).toBe('netmon-prometheus');
    expect(grafanaDs.datasources[0]?.type).toBe('prometheus');
  });
});
