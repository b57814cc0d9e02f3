import type { z } from 'zod';

/**
 * Validator issues in the words of someone editing the file: a missing key is
 * "required", a number out of range says the range, an unknown key suggests
 * the nearest known one. Values themselves are never quoted (a misplaced
 * password would be printed), only their kind.
 */

export interface ConfigProblem {
  path: string;
  message: string;
}

/** `$.routers[0].host` style paths, as users read them in jq and editors. */
export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += `.${String(segment)}`;
  }
  return out;
}

export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, document: unknown, schema: z.ZodType): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = objectKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const nearest = nearestKey(key, known);
        problems.push({
          path: formatPath([...issue.path, key]),
          message: nearest
            ? `unknown key; did you mean "${nearest}"?`
            : `unknown key${known.length > 0 ? ` (known here: ${known.join(', ')})` : ''}`,
        });
      }
      continue;
    }
    problems.push({ path: formatPath(issue.path), message: describeIssue(issue, document, schema) });
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown, schema: z.ZodType): string {
  switch (issue.code) {
    case 'invalid_type': {
      const found = valueAt(document, issue.path);
      if (!found.present) return 'required';
      if (issue.expected === 'int' && typeof found.value === 'number') {
        return rangeMessage(schemaAt(schema, issue.path)) ?? 'must be a whole number';
      }
      return `expected ${withArticle(issue.expected)}, found ${kindOf(found.value)}`;
    }
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'number' || issue.origin === 'int') return rangeMessage(schemaAt(schema, issue.path)) ?? issue.message;
      if (issue.origin === 'string') {
        if (issue.code === 'too_small')
          return Number(issue.minimum) <= 1 ? 'must not be empty' : `at least ${issue.minimum} characters`;
        return `at most ${issue.maximum} characters`;
      }
      return issue.message;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** "must be a whole number from 1 to 65535", "must be more than 0 and at most 300", ... */
function rangeMessage(node: z.core.$ZodType | undefined): string | undefined {
  if (!node) return undefined;
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  let integer = false;
  for (const check of node._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string; value?: unknown; inclusive?: boolean; format?: string };
    if (def.check === 'greater_than') min = { value: Number(def.value), inclusive: def.inclusive === true };
    if (def.check === 'less_than') max = { value: Number(def.value), inclusive: def.inclusive === true };
    if (def.check === 'number_format' && (def.format === 'safeint' || def.format === 'int32')) integer = true;
  }
  const what = integer ? 'a whole number' : 'a number';
  if (min && max && min.inclusive && max.inclusive) return `must be ${what} from ${min.value} to ${max.value}`;
  const lower = min ? `${min.inclusive ? 'at least' : 'more than'} ${min.value}` : undefined;
  const upper = max ? `${max.inclusive ? 'at most' : 'less than'} ${max.value}` : undefined;
  const bounds = [lower, upper].filter((text) => text !== undefined).join(' and ');
  return bounds ? `must be ${what} ${bounds}` : undefined;
}

/** The schema node that validates the value at `path`, through defaults, optionals and arrays. */
function schemaAt(schema: z.core.$ZodType, path: ReadonlyArray<PropertyKey>): z.core.$ZodType | undefined {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (!node) return undefined;
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'object' && typeof segment === 'string') node = def.shape?.[segment];
    else if (def.type === 'array' && typeof segment === 'number') node = def.element;
    else return undefined;
    node = node ? unwrap(node) : undefined;
  }
  return node;
}

function unwrap(node: z.core.$ZodType): z.core.$ZodType {
  let current = node;
  for (let depth = 0; depth < 10; depth++) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

function objectKeysAt(schema: z.core.$ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  const node = schemaAt(schema, path);
  const def = node?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The known key a typo most likely meant: small edit distance, or the same word in another case. */
export function nearestKey(typed: string, known: ReadonlyArray<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === typed.toLowerCase() ? 0 : editDistance(typed, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(typed.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function valueAt(document: unknown, path: ReadonlyArray<PropertyKey>): { present: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return { present: false };
    const key = typeof segment === 'symbol' ? segment : String(segment);
    if (!Object.hasOwn(current, key)) return { present: false };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === undefined ? { present: false } : { present: true, value: current };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'true/false';
  return withArticle(typeof value);
}

function withArticle(kind: string): string {
  const words: Record<string, string> = { array: 'a list', object: 'an object', boolean: 'true or false', int: 'a whole number' };
  return words[kind] ?? (/^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`);
}
