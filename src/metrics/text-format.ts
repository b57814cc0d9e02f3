/**
 * Prometheus text exposition format 0.0.4, written by hand for the per-device
 * families: prom-client hashes every label set on each set() and re-renders
 * every series on each scrape, which measured ~230 ms for 10k devices on this
 * project's 2-core machine, four times the poll budget. These families change
 * only when a poll completes, so they are rendered once per poll instead.
 */

export type MetricType = 'gauge' | 'counter';

/** Escapes a label value: backslash, double quote and line feed are the only characters the format reserves. */
export function escapeLabelValue(value: string): string {
  // Fast path: almost every value (MACs, IPs, router names) needs no escaping.
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/[\\"\n]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '"' ? '\\"' : '\\n'));
}

/** Escapes HELP text: backslash and line feed. */
export function escapeHelp(value: string): string {
  return value.replace(/[\\\n]/g, (ch) => (ch === '\\' ? '\\\\' : '\\n'));
}

export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `a="x",b="y"` for the given names and values; names are trusted identifiers, values are escaped. */
export function formatLabels(labels: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const [name, value] of labels) {
    if (out.length > 0) out += ',';
    out += `${name}="${escapeLabelValue(value)}"`;
  }
  return out;
}

export function familyHeader(name: string, help: string, type: MetricType): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

export function sampleLine(name: string, labels: string, value: number): string {
  return labels.length > 0 ? `${name}{${labels}} ${formatSampleValue(value)}\n` : `${name} ${formatSampleValue(value)}\n`;
}

export interface FamilyDefinition {
  name: string;
  help: string;
  type: MetricType;
}

/**
 * Joins per-router fragments into whole families: the format needs every
 * sample of a family together under one HELP/TYPE, but each router's samples
 * are rendered on their own when that router's poll completes.
 */
export function assembleFamilies(
  families: ReadonlyArray<FamilyDefinition>,
  fragmentsByFamily: ReadonlyMap<string, ReadonlyArray<string>>,
): string {
  let out = '';
  for (const family of families) {
    const fragments = fragmentsByFamily.get(family.name) ?? [];
    out += familyHeader(family.name, family.help, family.type);
    for (const fragment of fragments) out += fragment;
  }
  return out;
}
