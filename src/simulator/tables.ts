/** `print` over the simulated menus: rows -> query filter -> .proplist -> reply bytes. */
import type { SimulatorCore } from './core.js';
import type { Text } from './lan.js';
import type { RowPredicate } from './query.js';
import {
  type Attr,
  arpAttributes,
  bridgeHostAttributes,
  identityAttributes,
  leaseAttributes,
  type RenderContext,
  resourceAttributes,
} from './render.js';
import { ReplyBuilder } from './reply.js';

const TABLE_MENUS = {
  '/ip/dhcp-server/lease': 'leases',
  '/ip/arp': 'arp',
  '/interface/bridge/host': 'bridgeHosts',
} as const;

const SINGLETON_MENUS = new Set(['/system/identity', '/system/resource']);

export function isKnownMenu(menu: string): boolean {
  return Object.hasOwn(TABLE_MENUS, menu) || SINGLETON_MENUS.has(menu);
}

export interface PrintRequest {
  menu: string;
  proplist: string[] | null;
  query: RowPredicate | null;
  /** The query words joined, for the reply cache key. */
  queryKey: string;
  countOnly: boolean;
  tag: string | null;
}

function rowsFor(core: SimulatorCore, menu: string): Attr[][] {
  const ctx: RenderContext = { profile: core.profile, elapsedSeconds: core.elapsedSeconds() };
  const lan = core.tables;
  switch (menu) {
    case '/ip/dhcp-server/lease':
      return lan.leases.map((r) => {
        r.id ??= core.nextId('leases');
        return leaseAttributes(r);
      });
    case '/ip/arp':
      return lan.arp.map((r) => {
        r.id ??= core.nextId('arp');
        return arpAttributes(r, ctx);
      });
    case '/interface/bridge/host':
      return lan.bridgeHosts.map((r) => {
        r.id ??= core.nextId('bridgeHosts');
        return bridgeHostAttributes(r);
      });
    case '/system/identity':
      return [identityAttributes(lan.system)];
    case '/system/resource':
      return [resourceAttributes(lan.system, ctx)];
    default:
      return [];
  }
}

function project(attrs: readonly Attr[], proplist: readonly string[]): Attr[] {
  const byName: Record<string, Text> = Object.create(null) as Record<string, Text>;
  for (const a of attrs) byName[a[0]] = a[1];
  const out: Attr[] = [];
  for (const name of proplist) {
    const value = byName[name];
    if (value !== undefined) out.push([name, value]);
  }
  return out;
}

export function printReply(core: SimulatorCore, req: PrintRequest): Buffer {
  const cache = Object.hasOwn(TABLE_MENUS, req.menu) ? core.replyCache : null;
  const key = cache
    ? `${req.menu}\n${req.proplist?.join(',') ?? '*'}\n${req.queryKey}\n${req.tag ?? ''}\n${req.countOnly}\n${core.emptyReplies}`
    : '';
  const cached = cache?.get(key);
  if (cached) return cached;

  const rows = rowsFor(core, req.menu);
  const reply = new ReplyBuilder(rows.length * 160 + 64);
  let count = 0;
  for (const attrs of rows) {
    if (req.query && !req.query(attrs)) continue;
    count++;
    if (req.countOnly) continue;
    reply.sentence('!re', req.tag, req.proplist ? project(attrs, req.proplist) : attrs);
  }
  if (req.countOnly) reply.sentence('!done', req.tag, [['ret', String(count)]]);
  else {
    if (count === 0 && core.emptyReplies) reply.sentence('!empty', req.tag);
    reply.sentence('!done', req.tag);
  }
  const bytes = reply.toBuffer();
  cache?.set(key, bytes);
  return bytes;
}
