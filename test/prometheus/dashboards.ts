import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = new URL('../../', import.meta.url).pathname;
export const DASHBOARD_DIR = join(REPO, 'grafana/dashboards');

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId: string;
  expr?: string;
  datasource?: DataSourceRef;
  instant?: boolean;
  format?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DataSourceRef;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string }; overrides?: unknown[] };
  targets?: Target[];
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: DataSourceRef;
  current?: { value?: string | string[] };
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export interface LoadedDashboard {
  file: string;
  dashboard: Dashboard;
}

export function loadDashboards(): LoadedDashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard }));
}

/** Every panel, including those nested in collapsed rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Panels that show data (rows only group them). */
export function dataPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((p) => p.type !== 'row');
}

export function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
}

/** The PromQL inside a `label_values(expr, label)` variable query, or null for other query kinds. */
export function labelValuesSelector(query: string): string | null {
  const m = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/s.exec(query);
  return m ? (m[1] as string) : null;
}

/** The PromQL inside a `query_result(expr)` variable query, or null for other query kinds. */
export function queryResultSelector(query: string): string | null {
  const m = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  return m ? (m[1] as string) : null;
}

/** Variables Grafana defines itself. */
export const BUILTIN_VARIABLES = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__data',
  '__value',
  '__url_time_range',
  '__from',
  '__to',
  '__dashboard',
  '__org',
  '__user',
]);
