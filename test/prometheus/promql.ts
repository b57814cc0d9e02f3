/**
 * Just enough PromQL lexing to check dashboards: which metric names an
 * expression selects, which windows its rate() calls use, which template
 * variables it needs, and how to substitute them for a real query.
 */

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * Grafana template variable references: $name, ${name} and ${name:format}.
 * `$1` is not one: Grafana leaves it alone, and label_replace() needs it.
 */
const VARIABLE = /\$\{([A-Za-z_]\w*)(?::[\w-]+)?\}|\$([A-Za-z_]\w*)/g;

const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;

/** Metric names selected by the expression, in order of appearance, without duplicates. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(VARIABLE, ' ')
    .replace(STRING, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // Label lists of grouping and vector matching are names of labels, not metrics.
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  const token = /[A-Za-z_:][\w:]*|\d[\w.]*|\S/g;
  for (let m = token.exec(stripped); m !== null; m = token.exec(stripped)) {
    const word = m[0];
    if (!/^[A-Za-z_:]/.test(word) || KEYWORDS.has(word.toLowerCase())) continue;
    const rest = stripped.slice(token.lastIndex);
    if (/^\s*\(/.test(rest)) continue; // a function or an aggregation
    if (!names.includes(word)) names.push(word);
  }
  return names;
}

/** For each rate-like call, the range windows written inside its parentheses. */
export function rateWindows(expr: string): Array<{ fn: string; windows: string[] }> {
  const calls: Array<{ fn: string; windows: string[] }> = [];
  const call = /\b(rate|irate|increase)\s*\(/g;
  for (let m = call.exec(expr); m !== null; m = call.exec(expr)) {
    let depth = 1;
    let i = call.lastIndex;
    for (; i < expr.length && depth > 0; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')') depth--;
    }
    const body = expr.slice(call.lastIndex, i - 1);
    calls.push({ fn: m[1] as string, windows: [...body.matchAll(/\[([^\]]*)\]/g)].map((w) => w[1] as string) });
  }
  return calls;
}

/** Names of the template variables the text refers to. */
export function variablesIn(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE)) names.add((m[1] ?? m[2]) as string);
  return [...names];
}

/** Replaces every template variable; an unknown one is an error, so no query runs half-substituted. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for template variable ${whole} in: ${text}`);
    return value;
  });
}
