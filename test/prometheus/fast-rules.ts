import { parse, stringify } from 'yaml';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Milliseconds of a Prometheus duration such as `5m`, `1h30m` or `250ms`. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a Prometheus duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] as string] as number), 0);
}

const scaled = (duration: string, factor: number): string => `${Math.max(1, Math.round(parseDuration(duration) / factor))}ms`;

/**
 * An expression with every time span divided by `factor`: range and subquery
 * windows (`[10m]`, `[10m:]`, `[10m:1m]`), `offset`s, and the age limits
 * written as `time() - <metric> < <seconds>`.
 */
export function speedUpExpr(expr: string, factor: number): string {
  return expr
    .replace(/\[(\w+)(:(\w*))?\]/g, (_all, range: string, colon: string | undefined, step: string | undefined) =>
      colon === undefined ? `[${scaled(range, factor)}]` : `[${scaled(range, factor)}:${step ? scaled(step, factor) : ''}]`,
    )
    .replace(/\boffset\s+(\w+)/g, (_all, d: string) => `offset ${scaled(d, factor)}`)
    .replace(
      /(time\(\)\s*-\s*[A-Za-z_:][\w:]*\s*<\s*)(\d+(?:\.\d+)?)/g,
      (_all, head: string, seconds: string) => `${head}${Number(seconds) / factor}`,
    );
}

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  [k: string]: unknown;
}

interface RuleFile {
  groups: Array<{ name: string; interval?: string; rules: Rule[] }>;
}

/**
 * The shipped rule file with every time span divided by `factor` (`for`,
 * `keep_firing_for`, windows, offsets and age limits), so an end-to-end test
 * sees the same expressions, labels and annotations behave in seconds as
 * they do in minutes. Annotation templates are left alone.
 */
export function speedUpRules(rulesYaml: string, factor: number): string {
  const rules = parse(rulesYaml) as RuleFile;
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      rule.expr = speedUpExpr(rule.expr, factor);
      if (rule.for !== undefined) rule.for = scaled(rule.for, factor);
      if (rule.keep_firing_for !== undefined) rule.keep_firing_for = scaled(rule.keep_firing_for, factor);
    }
  }
  return stringify(rules, { lineWidth: 0 });
}
