/**
 * RouterOS API `print` queries: a small stack machine over one row.
 *
 * Query words (MikroTik API manual, "Queries"):
 *   ?name           push: row has attribute `name`
 *   ?-name          push: row lacks `name`
 *   ?name=v, ?=name=v  push: `name` equals v
 *   ?<name=v, ?>name=v push: `name` less / greater than v
 *   ?#ops           each character is an operation on the stack:
 *                   |  pop two, push OR      &  pop two, push AND
 *                   !  negate the top        .  drop the top
 *                   0-9 push a copy of the value N places below the top
 *                       (our reading; the manual's wording was not found verbatim)
 * After the last word every value left is ANDed; an empty stack matches all rows.
 * Both the `?=name=v` form and the older `?name=v` are accepted (clients send
 * both, e.g. node-red-contrib-mikrotik sends `?=interface=VLAN101`).
 * Values compare as numbers when both sides are decimal numbers, else as bytes.
 */

import type { Text } from './lan.js';
import type { Attr } from './render.js';

type Step =
  | { kind: 'has'; name: string; negate: boolean }
  | { kind: 'cmp'; name: string; op: '=' | '<' | '>'; value: Buffer }
  | { kind: 'ops'; ops: string };

export type RowPredicate = (attrs: readonly Attr[]) => boolean;

export class QueryError extends Error {}

function toBuffer(t: Text): Buffer {
  return typeof t === 'string' ? Buffer.from(t, 'utf8') : t;
}

function parseStep(word: Buffer): Step {
  // word starts with '?'
  const body = word.subarray(1);
  if (body.length === 0) throw new QueryError('empty query word');
  const c = body[0];
  if (c === 0x23 /* # */) {
    const ops = body.toString('latin1', 1);
    if (!/^[|&!.0-9]*$/.test(ops)) throw new QueryError(`unknown query operation in ${JSON.stringify(ops)}`);
    return { kind: 'ops', ops };
  }
  if (c === 0x2d /* - */) return { kind: 'has', name: body.toString('latin1', 1), negate: true };
  let rest = body;
  let op: '=' | '<' | '>' | null = null;
  if (c === 0x3c /* < */) op = '<';
  else if (c === 0x3e /* > */) op = '>';
  else if (c === 0x3d /* = */) op = '=';
  if (op !== null) rest = body.subarray(1);
  const eq = rest.indexOf(0x3d);
  if (eq === -1) {
    if (op !== null && op !== '=') throw new QueryError(`comparison without value: ${word.toString('latin1')}`);
    return { kind: 'has', name: rest.toString('latin1'), negate: false };
  }
  return { kind: 'cmp', name: rest.toString('latin1', 0, eq), op: op ?? '=', value: rest.subarray(eq + 1) };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function compare(actual: Text, wanted: Buffer): number {
  const a = toBuffer(actual);
  const as = a.toString('latin1');
  const ws = wanted.toString('latin1');
  if (DECIMAL.test(as) && DECIMAL.test(ws)) return Math.sign(Number(as) - Number(ws));
  return Buffer.compare(a, wanted);
}

function lookup(attrs: readonly Attr[], name: string): Text | undefined {
  for (const a of attrs) if (a[0] === name) return a[1];
  return undefined;
}

/** Compiles the `?` words of a command; null when there are none. */
export function compileQuery(words: readonly Buffer[]): RowPredicate | null {
  if (words.length === 0) return null;
  const steps = words.map(parseStep);
  return (attrs) => {
    const stack: boolean[] = [];
    const pop = (): boolean => (stack.length > 0 ? stack.pop()! : true);
    for (const s of steps) {
      if (s.kind === 'has') {
        const present = lookup(attrs, s.name) !== undefined;
        stack.push(s.negate ? !present : present);
      } else if (s.kind === 'cmp') {
        const v = lookup(attrs, s.name);
        if (v === undefined) stack.push(false);
        else {
          const r = compare(v, s.value);
          stack.push(s.op === '=' ? r === 0 : s.op === '<' ? r < 0 : r > 0);
        }
      } else {
        for (const ch of s.ops) {
          if (ch === '|') {
            const b = pop();
            const a = pop();
            stack.push(a || b);
          } else if (ch === '&') {
            const b = pop();
            const a = pop();
            stack.push(a && b);
          } else if (ch === '!') {
            stack.push(!pop());
          } else if (ch === '.') {
            pop();
          } else {
            const n = ch.charCodeAt(0) - 48;
            stack.push(stack[stack.length - 1 - n] ?? true);
          }
        }
      }
    }
    return stack.every(Boolean);
  };
}
