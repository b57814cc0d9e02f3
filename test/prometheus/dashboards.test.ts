import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  BUILTIN_VARIABLES,
  type Dashboard,
  dataPanels,
  labelValuesSelector,
  loadDashboards,
  queryResultSelector,
  REPO,
  variableQuery,
} from './dashboards.js';
import { KNOWN_METRICS } from './known-metrics.js';
import { metricNames, rateWindows, substitute, variablesIn } from './promql.js';

describe('PromQL helpers', () => {
  it('finds metric names, not functions, keywords, labels, strings or variables', () => {
    expect(
      metricNames('count(time() - netmon_device_first_seen_timestamp_seconds{job="$job", router=~"a|b"} < 86400) or vector(0)'),
    ).toEqual(['netmon_device_first_seen_timestamp_seconds']);
    expect(
      metricNames(
        'netmon_device_present{router=~"$router"} * on(instance, router, mac) group_left(name, hostname) netmon_device_info{watched=~"${watched}"}',
      ),
    ).toEqual(['netmon_device_present', 'netmon_device_info']);
    expect(
      metricNames('sum by (router, reason) (rate(errors_total{x="}"}[$__rate_interval])) > bool 1 unless up offset 5m'),
    ).toEqual(['errors_total', 'up']);
    expect(metricNames('sum without(instance)(a) + ignoring(b) group_right c / 1e3 + Inf')).toEqual(['a', 'c']);
  });

  it('finds the windows of rate-like calls', () => {
    expect(rateWindows('sum(rate(a[$__rate_interval])) + increase(b{c="d"}[5m]) + irate(c[1m:10s])')).toEqual([
      { fn: 'rate', windows: ['$__rate_interval'] },
      { fn: 'increase', windows: ['5m'] },
      { fn: 'irate', windows: ['1m:10s'] },
    ]);
    expect(rateWindows('max_over_time(a[5m])')).toEqual([]);
  });

  it('substitutes every template variable form and refuses unknown ones', () => {
    expect(
      substitute('a{r=~"$router", m="${mac}", d="${datasource:queryparam}"}[$__rate_interval]', {
        router: '.*',
        mac: 'AA',
        datasource: 'x',
        __rate_interval: '10s',
      }),
    ).toBe('a{r=~".*", m="AA", d="x"}[10s]');
    expect(() => substitute('a{r="$nope"}', {})).toThrow(/\$nope/);
    expect(variablesIn('$a ${b} ${c:regex} $__rate_interval')).toEqual(['a', 'b', 'c', '__rate_interval']);
    expect(variablesIn('label_replace(x, "d", "$1", "s", "(.+)")')).toEqual([]);
  });
});

const dashboards = loadDashboards();

describe.each(dashboards.map((d) => [d.file, d.dashboard] as [string, Dashboard]))('dashboard %s', (_file, dashboard) => {
  const panels = dataPanels(dashboard);
  const variables = dashboard.templating.list;
  const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

  it('has a fixed uid, panels and queries', () => {
    expect(dashboard.uid).toMatch(/^netmon-[a-z-]+$/);
    expect(panels.length).toBeGreaterThan(4);
    for (const p of panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('selects its data source through the ${datasource} variable, in every panel and query', () => {
    const ds = variables.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource, `${p.title} ${t.refId}`).toEqual(p.datasource);
    }
    for (const v of variables.filter((x) => x.type === 'query')) {
      expect(v.datasource, v.name).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('gives every panel a unit', () => {
    for (const p of panels) expect(p.fieldConfig?.defaults?.unit, p.title).toMatch(/^\w+$/);
  });

  it('queries only metrics the exporter (or Prometheus, for its targets) provides', () => {
    const exprs = [
      ...targets.map((t) => ({ where: `${t.panel} ${t.refId}`, expr: t.expr ?? '' })),
      ...variables
        .filter((v) => v.type === 'query')
        .map((v) => ({
          where: `variable ${v.name}`,
          expr: labelValuesSelector(variableQuery(v)) ?? queryResultSelector(variableQuery(v)) ?? '',
        })),
    ];
    for (const { where, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(KNOWN_METRICS.has(name), `${where} uses unknown metric ${name}`).toBe(true);
    }
  });

  it('uses $__rate_interval as the window of every rate()', () => {
    const calls = targets.flatMap((t) => rateWindows(t.expr ?? '').map((c) => ({ ...c, where: `${t.panel} ${t.refId}` })));
    for (const c of calls) expect(c.windows, `${c.where} ${c.fn}`).toEqual(['$__rate_interval']);
  });

  it('defines every variable its queries and links refer to', () => {
    const defined = new Set(variables.map((v) => v.name));
    const texts = [JSON.stringify(dashboard.panels), ...variables.map(variableQuery)];
    for (const text of texts) {
      for (const name of variablesIn(text)) {
        expect(defined.has(name) || BUILTIN_VARIABLES.has(name), `undefined variable $${name}`).toBe(true);
      }
    }
  });

  it('lays panels out without overlaps inside the 24-column grid', () => {
    const ids = new Set<number>();
    const boxes = dashboard.panels.map((p) => ({ title: p.title, ...p.gridPos }));
    for (const p of dashboard.panels) {
      expect(ids.has(p.id), `duplicate id ${p.id}`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    }
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });
});

describe('dashboard set', () => {
  it('has the LAN overview and the device detail, linked to each other', () => {
    const byUid = new Map(dashboards.map((d) => [d.dashboard.uid, d.dashboard]));
    const overview = byUid.get('netmon-lan-overview');
    const device = byUid.get('netmon-device');
    expect(overview && device).toBeTruthy();
    expect(JSON.stringify(overview)).toContain('/d/netmon-device/');
    expect(JSON.stringify(device)).toContain('/d/netmon-lan-overview/');
    expect(device?.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'router', 'mac']));
  });

  it('rates counters somewhere (so the $__rate_interval check above is not vacuous)', () => {
    const exprs = dashboards.flatMap((d) => dataPanels(d.dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')));
    expect(exprs.flatMap((e) => rateWindows(e)).length).toBeGreaterThan(1);
  });

  it('overview: device table joins info with last seen, lease expiry and presence', () => {
    const overview = dashboards.find((d) => d.dashboard.uid === 'netmon-lan-overview')?.dashboard as Dashboard;
    const table = dataPanels(overview).find((p) => p.title.startsWith('Devices (')) as unknown as {
      targets: Array<{ expr: string; format: string; instant: boolean }>;
      transformations: Array<{ id: string }>;
    };
    const used = table.targets.flatMap((t) => metricNames(t.expr));
    expect(used).toEqual(
      expect.arrayContaining([
        'netmon_device_info',
        'netmon_device_present',
        'netmon_device_last_seen_timestamp_seconds',
        'netmon_device_dhcp_lease_expiry_timestamp_seconds',
      ]),
    );
    for (const t of table.targets) expect(t).toMatchObject({ format: 'table', instant: true });
    expect(table.transformations.map((t) => t.id)[0]).toBe('merge');
  });

  it("both dashboards filter by job and instance in every query of the exporter's metrics", () => {
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.templating.list.map((v) => v.name).slice(0, 3), file).toEqual(['datasource', 'job', 'instance']);
      for (const p of dataPanels(dashboard))
        for (const t of p.targets ?? [])
          for (const selector of (t.expr ?? '').matchAll(/\b(netmon_\w+|up|scrape_duration_seconds)\{([^}]*)\}/g))
            expect(selector[2], `${file} ${p.title}: ${selector[0]}`).toMatch(/job="\$job", instance=~?"\$instance"/);
    }
  });

  it('overview: every per-device query is bounded (topk, watched devices only, or aggregated)', () => {
    const overview = dashboards.find((d) => d.dashboard.uid === 'netmon-lan-overview')?.dashboard as Dashboard;
    for (const p of dataPanels(overview)) {
      for (const t of p.targets ?? []) {
        const expr = t.expr ?? '';
        if (!/netmon_device_/.test(expr)) continue;
        const aggregatedAway = /^\s*(sum|count)\b/.test(expr) && !/by \([^)]*\bmac\b/.test(expr.split('(')[0] ?? '');
        const bounded = /\btopk\(\d+,/.test(expr) || /watched="true"|:watched\{/.test(expr) || aggregatedAway;
        expect(bounded, `${p.title} ${t.refId}: ${expr}`).toBe(true);
      }
    }
  });

  it('links carry the data source, job, instance and (single) router to the device dashboard', () => {
    const overview = dashboards.find((d) => d.dashboard.uid === 'netmon-lan-overview')?.dashboard as Dashboard & {
      links: Array<{ url: string; includeVars: boolean }>;
    };
    // The overview's router is multi-value, the device dashboard's single: never pass it wholesale.
    for (const l of overview.links) expect(l.includeVars).toBe(false);
    const urls = [...JSON.stringify(overview.panels).matchAll(/"url":"([^"]*)"/g)].map((m) => m[1] as string);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) {
      for (const part of [
        '${datasource:queryparam}',
        '${job:queryparam}',
        'var-instance=${__data.fields.instance}',
        'var-router=${__data.fields.router}',
        'var-mac=${__value.raw}',
      ])
        expect(url).toContain(part);
    }
  });

  it('device: the picker shows a name (else host name, else MAC) and selects the MAC, hostile names included', () => {
    const device = dashboards.find((d) => d.dashboard.uid === 'netmon-device')?.dashboard as Dashboard;
    const mac = device.templating.list.find((v) => v.name === 'mac') as unknown as { regex: string; query: string };
    expect(mac.query).toMatch(/^query_result\(max by \(display, mac\) \(/);
    // Grafana's regex syntax /.../flags; the groups it reads are `text` and `value`.
    const m = /^\/(.*)\/(\w*)$/.exec(mac.regex);
    const re = new RegExp(m?.[1] as string, m?.[2]);
    // What Prometheus's query_result returns per series: labels sorted, values escaped.
    const pick = (line: string) => re.exec(line)?.groups;
    expect(pick('{display="NAS", mac="AA:BB:CC:00:00:01"} 1 1700000000000')).toEqual({ text: 'NAS', value: 'AA:BB:CC:00:00:01' });
    expect(pick('{display="x\\" mac=\\"EE:EE:EE:EE:EE:EE", mac="AA:BB:CC:00:00:02"} 1 1700000000000')).toEqual({
      text: 'x\\" mac=\\"EE:EE:EE:EE:EE:EE',
      value: 'AA:BB:CC:00:00:02',
    });
  });

  it('threshold lines on the time since last seen and last good poll, and "never" for a device never seen', () => {
    type P = {
      title: string;
      fieldConfig: {
        defaults: {
          noValue?: string;
          custom?: { thresholdsStyle?: { mode: string } };
          thresholds: { steps: Array<{ value: number | null }> };
        };
      };
    };
    const panel = (uid: string, title: string) =>
      dataPanels(dashboards.find((d) => d.dashboard.uid === uid)?.dashboard as Dashboard).find(
        (p) => p.title === title,
      ) as unknown as P;
    for (const [uid, title, value] of [
      ['netmon-device', 'Time since last seen', 300],
      ['netmon-lan-overview', 'Time since last good poll', 120],
      ['netmon-lan-overview', 'DHCP pool use', 0.9],
      ['netmon-device', 'Wi-Fi signal', -75],
    ] as const) {
      const p = panel(uid, title);
      expect(p.fieldConfig.defaults.custom?.thresholdsStyle, title).toEqual({ mode: 'line' });
      expect(
        p.fieldConfig.defaults.thresholds.steps.map((s) => s.value),
        title,
      ).toContain(value);
    }
    expect(panel('netmon-device', 'Last seen').fieldConfig.defaults.noValue).toBe('never');
    expect(panel('netmon-device', 'First seen').fieldConfig.defaults.noValue).toBe('never');
  });

  it('has panels for the dropped, forgotten, skipped and rejected counters and for device depth', () => {
    const used = new Set(
      dashboards.flatMap((d) =>
        dataPanels(d.dashboard).flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr ?? ''))),
      ),
    );
    for (const name of [
      'netmon_devices_dropped_total',
      'netmon_devices_forgotten_total',
      'netmon_router_skipped_polls_total',
      'netmon_router_rejected_rows_total',
      'netmon_device_wifi_signal_dbm',
      'netmon_device_wifi_info',
      'netmon_device_traffic_bytes_total',
      'netmon_dhcp_pool_used_addresses',
      'netmon_dhcp_pool_addresses',
    ])
      expect(used.has(name), name).toBe(true);
  });

  it('provisioning loads the dashboards from one folder with the provisioned data source as default', () => {
    const provider = parse(readFileSync(join(REPO, 'grafana/provisioning/dashboards/network-monitor.yml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(provider.providers[0]).toMatchObject({ type: 'file' });
    expect(provider.providers[0]?.options.path).toMatch(/^\//);
    const ds = parse(readFileSync(join(REPO, 'grafana/provisioning/datasources/network-monitor.yml'), 'utf8')) as {
      datasources: Array<{ isDefault: boolean }>;
    };
    expect(ds.datasources[0]?.isDefault).toBe(true);
  });
});
