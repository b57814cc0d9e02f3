/** `print` over the simulated menus: rows -> query filter -> .proplist -> reply bytes. */
import type { SimulatorCore } from './core.js';
import type { DepthTables, Text } from './lan.js';
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
import {
  ipv6NeighborAttributes,
  kidControlDeviceAttributes,
  poolAttributes,
  poolUsedAttributes,
  type WifiMenu,
  wifiRegistrationAttributes,
} from './render-depth.js';
import { ReplyBuilder } from './reply.js';

const TABLE_MENUS = {
  '/ip/dhcp-server/lease': 'leases',
  '/ip/arp': 'arp',
  '/interface/bridge/host': 'bridgeHosts',
} as const;

const SINGLETON_MENUS = new Set(['/system/identity', '/system/resource']);

/** Menus a router has only with the matching package, configuration or policy: present when the LAN has the table. */
const DEPTH_MENUS: Readonly<Record<string, keyof DepthTables>> = {
  '/interface/wifi/registration-table': 'wifiRegistrations',
  '/interface/wifiwave2/registration-table': 'wifiwave2Registrations',
  '/interface/wireless/registration-table': 'wirelessRegistrations',
  '/caps-man/registration-table': 'capsmanRegistrations',
  '/ip/kid-control/device': 'kidControlDevices',
  '/ipv6/neighbor': 'ipv6Neighbors',
  '/ip/pool': 'pools',
  '/ip/pool/used': 'poolUsed',
};

const WIFI_MENUS: Readonly<Record<string, WifiMenu>> = {
  '/interface/wifi/registration-table': 'wifi',
  '/interface/wifiwave2/registration-table': 'wifiwave2',
  '/interface/wireless/registration-table': 'wireless',
  '/caps-man/registration-table': 'capsman',
};

/** Whether this simulated router has the menu; a print on any other traps as RouterOS does. */
export function isKnownMenu(menu: string, lan?: DepthTables): boolean {
  if (Object.hasOwn(TABLE_MENUS, menu) || SINGLETON_MENUS.has(menu)) return true;
  const depth = Object.hasOwn(DEPTH_MENUS, menu) ? DEPTH_MENUS[menu] : undefined;
  return depth !== undefined && lan?.[depth] !== undefined;
}

const hexId = (index: number): string => `*${(index + 1).toString(16).toUpperCase()}`;

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
        return bridgeHostAttributes(r, core.profile);
      });
    case '/interface/wifi/registration-table':
    case '/interface/wifiwave2/registration-table':
    case '/interface/wireless/registration-table':
    case '/caps-man/registration-table': {
      const kind = WIFI_MENUS[menu]!;
      const rows = lan[DEPTH_MENUS[menu] as 'wifiRegistrations'] ?? [];
      return rows.map((r, i) => wifiRegistrationAttributes(kind, r, hexId(i), ctx.profile, ctx.elapsedSeconds));
    }
    case '/ip/kid-control/device':
      return (lan.kidControlDevices ?? []).map((r, i) => kidControlDeviceAttributes(r, hexId(i)));
    case '/ipv6/neighbor':
      return (lan.ipv6Neighbors ?? []).map((r, i) => ipv6NeighborAttributes(r, hexId(i)));
    case '/ip/pool':
      return (lan.pools ?? []).map((r, i) => poolAttributes(r, hexId(i)));
    case '/ip/pool/used':
      return (lan.poolUsed ?? []).map((r) => poolUsedAttributes(r));
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
  const cache = Object.hasOwn(TABLE_MENUS, req.menu) || Object.hasOwn(DEPTH_MENUS, req.menu) ? core.replyCache : null;
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
