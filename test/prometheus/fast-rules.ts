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

interface RuleFile {
  groups: Array<{ name: string; interval?: string; rules: Array<{ alert?: string; for?: string; [k: string]: unknown }> }>;
}

/**
 * The shipped rule file with every `for:` divided by `factor` (60 turns
 * minutes into seconds), so an end-to-end test sees the same expressions,
 * labels and annotations go pending and fire in seconds.
 */
export function speedUpRules(rulesYaml: string, factor: number): string {
  const rules = parse(rulesYaml) as RuleFile;
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      if (rule.for !== undefined) rule.for = `${Math.max(1, Math.round(parseDuration(rule.for) / factor))}ms`;
    }
  }
  return stringify(rules, { lineWidth: 0 });
}
