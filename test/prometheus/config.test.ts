import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './dashboards.js';
import { parseDuration, speedUpRules } from './fast-rules.js';
import { run } from './tools.js';

describe('Prometheus and Alertmanager files pass their own tools', () => {
  it('promtool check config prometheus.yml (and the rule file it names)', async () => {
    const r = await run('promtool', ['check', 'config', 'prometheus.yml'], REPO);
    expect(r.stdout + r.stderr).toContain('SUCCESS: prometheus.yml is valid');
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('promtool check rules alerting/rules.yml', async () => {
    const r = await run('promtool', ['check', 'rules', 'alerting/rules.yml'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 6 rules found');
  });

  it('promtool test rules alerting/rules.test.yml', async () => {
    const r = await run('promtool', ['test', 'rules', 'alerting/rules.test.yml'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
  });

  it('the sped-up rules for the end-to-end test differ from the shipped ones only in `for:`', async () => {
    expect([parseDuration('5m'), parseDuration('1h30m'), parseDuration('250ms')]).toEqual([300_000, 5_400_000, 250]);
    expect(() => parseDuration('5 minutes')).toThrow();
    const shipped = readFileSync(join(REPO, 'alerting/rules.yml'), 'utf8');
    const fast = speedUpRules(shipped, 60);
    type Rules = { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    const a = (parse(shipped) as Rules).groups.flatMap((g) => g.rules);
    const b = (parse(fast) as Rules).groups.flatMap((g) => g.rules);
    expect(b.map((r) => r.for)).toEqual(
      a.map((r) => (r.for === undefined ? undefined : `${parseDuration(r.for as string) / 60}ms`)),
    );
    expect(b.map(({ for: _f, ...rest }) => rest)).toEqual(a.map(({ for: _f, ...rest }) => rest));
    const dir = mkdtempSync(join(tmpdir(), 'netmon-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), fast);
      const r = await run('promtool', ['check', 'rules', join(dir, 'rules.yml')], REPO);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('amtool check-config alerting/alertmanager.yml', async () => {
    const r = await run('amtool', ['check-config', 'alerting/alertmanager.yml'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 inhibit rules');
  });

  it.each([
    [['alertname=RouterUnreachable', 'severity=critical', 'scope=router'], 'lan-admin-urgent'],
    [['alertname=ExporterDown', 'severity=critical', 'scope=exporter'], 'lan-admin-urgent'],
    [['alertname=NewDevice', 'severity=info', 'scope=device', 'router=home'], 'lan-new-devices'],
    [['alertname=WatchedDeviceGone', 'severity=warning', 'scope=device'], 'lan-admin'],
    [['alertname=AddressConflict', 'severity=warning', 'scope=device'], 'lan-admin'],
    [['alertname=StatePersistenceFailing', 'severity=warning', 'scope=exporter'], 'lan-admin'],
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
    // The exporter's default poll interval; SPEC aligns polls to it.
    expect(job?.scrape_interval ?? prom.global.scrape_interval).toBe('15s');

    const rules = parse(readFileSync(join(REPO, 'alerting/rules.yml'), 'utf8')) as {
      groups: Array<{
        rules: Array<{ alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }>;
      }>;
    };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert).sort()).toEqual([
      'AddressConflict',
      'ExporterDown',
      'NewDevice',
      'RouterUnreachable',
      'StatePersistenceFailing',
      'WatchedDeviceGone',
    ]);
    for (const rule of all) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels.severity);
      expect(['device', 'router', 'exporter'], rule.alert).toContain(rule.labels.scope);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
    expect(all.find((r) => r.alert === 'ExporterDown')?.expr).toContain('job="network-monitor"');

    const grafanaDs = parse(readFileSync(join(REPO, 'grafana/provisioning/datasources/network-monitor.yml'), 'utf8')) as {
      datasources: Array<{ uid: string; type: string; jsonData: { timeInterval: string } }>;
    };
    // $__rate_interval is only right when Grafana knows the scrape interval.
    expect(grafanaDs.datasources[0]?.jsonData.timeInterval).toBe(prom.global.scrape_interval);
    expect(grafanaDs.datasources[0]?.uid).toBe('netmon-prometheus');
    expect(grafanaDs.datasources[0]?.type).toBe('prometheus');
  });
});
