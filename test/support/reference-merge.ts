/**
 * The merge as it was before it noted chosen rows per device (MergeSlot) and
 * wrote facts once per device (commit e3d27b8, src/inventory/merge.ts): each
 * device's scratch facts written row by row. Kept only as the oracle of the
 * fast-check property in src/inventory/merge.test.ts, which holds the
 * current merge to the same facts for any rows; not used by the exporter.
 */

import {
  ARP_ROWS,
  BRIDGE_ROWS,
  ClaimTable,
  type DeviceSources,
  LEASE_ROWS,
  type LeaseCount,
  type MacRow,
  type MergedDevice,
  type MergeResult,
  type MergeSummary,
  type PresenceConfig,
  type RowTable,
} from '../../src/inventory/merge.js';
import { normalizeMac } from '../../src/net/mac.js';
import type { ArpObservation, LeaseObservation, RouterObservations } from '../../src/routeros/observation-types.js';

/** How many other MACs a conflict description names before summarising the rest. */
const MAX_NAMED_CLAIMANTS = 5;

function isCurrentArp(row: ArpObservation, arpStates: ReadonlySet<string>): boolean {
  if (row.disabled) return false;
  if (row.status !== null && row.status !== undefined) return arpStates.has(row.status);
  // RouterOS < 7.14 has no neighbour state: a resolved, learned entry is the best evidence.
  return row.complete && !row.invalid && row.dynamic;
}

function leaseObservedAt(lease: LeaseObservation, pollTime: number): number | null {
  if (lease.status !== 'bound' || lease.disabled) return null;
  const ago = lease.lastSeenAgoSeconds;
  if (typeof ago !== 'number' || !Number.isFinite(ago)) return pollTime;
  return pollTime - Math.max(0, ago);
}

function nonEmpty(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Shared by every device without conflicts, so a quiet LAN allocates no arrays for them. */
const NO_CONFLICTS: string[] = Object.freeze([]) as unknown as string[];

/**
 * The eight possible source sets, shared and frozen: one fewer object per
 * device per poll, and the registry compares them by identity.
 */
const DHCP = 1;
const ARP = 2;
const BRIDGE = 4;
const SOURCES: readonly DeviceSources[] = Array.from({ length: 8 }, (_, bits) =>
  Object.freeze({ dhcp: (bits & DHCP) !== 0, arp: (bits & ARP) !== 0, bridge: (bits & BRIDGE) !== 0 }),
);

function bitsOf(sources: DeviceSources): number {
  return (sources.dhcp ? DHCP : 0) | (sources.arp ? ARP : 0) | (sources.bridge ? BRIDGE : 0);
}

/** A device with no facts yet; the registry also uses it for devices a poll did not list. */
function newDevice(mac: string): MergedDevice {
  return {
    mac,
    ip: null,
    hostname: null,
    leaseComment: null,
    lease: 'none',
    leaseStatus: null,
    leaseExpiresAt: null,
    leaseAddress: null,
    dhcpServer: null,
    interface: null,
    arpStatus: null,
    arpAddress: null,
    bridgePort: null,
    sources: SOURCES[0]!,
    observedAt: null,
    conflicts: NO_CONFLICTS,
  };
}

/** Where one poll's facts are merged (see mergeInto). */
interface MergeTarget {
  /**
   * The facts object of `mac` (normalised) for this poll: on the first call
   * for a MAC in a poll, one with newDevice()'s values; the same object on
   * later calls.
   */
  deviceFor(mac: string): MergedDevice;
  /**
   * deviceFor() for the MAC of row `row` of `table`, as the router sent it;
   * null when it is not a MAC. A target may remember which device each row
   * position named last time: routers list their tables in a stable order.
   * It may also give the row its device's own MAC string when the two are
   * equal (see the file header).
   */
  deviceForRow(table: RowTable, row: number, named: MacRow): MergedDevice | null;
  /** Every object deviceFor() handed out in this poll. */
  readonly touched: ReadonlyArray<MergedDevice>;
}

function later(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

function addConflict(device: MergedDevice, text: string): void {
  if (device.conflicts === NO_CONFLICTS) device.conflicts = [text];
  else device.conflicts.push(text);
}

export function referenceMergeObservations(
  router: string,
  obs: RouterObservations,
  pollTime: number,
  presence: PresenceConfig,
): MergeResult {
  const devices = new Map<string, MergedDevice>();
  const touched: MergedDevice[] = [];
  const deviceFor = (mac: string): MergedDevice => {
    let found = devices.get(mac);
    if (found === undefined) {
      found = newDevice(mac);
      devices.set(mac, found);
      touched.push(found);
    }
    return found;
  };
  const target: MergeTarget = {
    deviceFor,
    deviceForRow(_table, _row, named) {
      const mac = normalizeMac(named.mac);
      return mac === null ? null : deviceFor(mac);
    },
    touched,
  };
  const summary = mergeInto(obs, pollTime, presence, target, new ClaimTable());
  return { router, pollTime, devices, ...summary };
}

/** Merges one poll into `target`'s facts objects (see the file header for the rules). */
function mergeInto(
  obs: RouterObservations,
  pollTime: number,
  presence: PresenceConfig,
  target: MergeTarget,
  claims: ClaimTable,
): MergeSummary {
  const arpStates = new Set(presence.arpStates);
  const leaseCounts = new Map<string, Map<string, LeaseCount>>();
  claims.begin();
  // Leases first: the ARP choice below prefers the lease's address.
  const leases = obs.leases ?? [];
  for (let row = 0; row < leases.length; row++) {
    const lease = leases[row]!;
    const server = nonEmpty(lease.server) ?? '';
    const status = typeof lease.status === 'string' ? lease.status : '';
    let byStatus = leaseCounts.get(server);
    if (!byStatus) {
      byStatus = new Map();
      leaseCounts.set(server, byStatus);
    }
    const counted = byStatus.get(status);
    if (counted) counted.count++;
    else byStatus.set(status, { server, status, count: 1 });

    if (lease.disabled) continue;
    const device = target.deviceForRow(LEASE_ROWS, row, lease);
    if (device === null) continue;
    // The device's own MAC string, not the row's: claims outlive the poll, the row's strings should not.
    const mac = device.mac;
    const first = !device.sources.dhcp;
    if (first) device.sources = SOURCES[bitsOf(device.sources) | DHCP]!;
    const bound = status === 'bound';
    const address = nonEmpty(lease.address);
    if (bound && address !== null) claims.claimAtRow(LEASE_ROWS, row, address, mac);
    device.observedAt = later(device.observedAt, leaseObservedAt(lease, pollTime));
    if (first || (bound && device.leaseStatus !== 'bound')) {
      device.hostname = nonEmpty(lease.hostname);
      device.leaseComment = nonEmpty(lease.comment);
      device.lease = lease.dynamic ? 'dynamic' : 'static';
      device.leaseStatus = status;
      device.leaseAddress = address;
      device.dhcpServer = nonEmpty(lease.server);
      const expires = lease.expiresAfterSeconds;
      device.leaseExpiresAt = bound && typeof expires === 'number' && Number.isFinite(expires) ? pollTime + expires : null;
    }
  }

  // While rows are merged, `ip` holds the chosen ARP address only when that entry is current.
  const arp = obs.arp ?? [];
  for (let index = 0; index < arp.length; index++) {
    const row = arp[index]!;
    if (row.disabled || row.mac === null || row.mac === undefined) continue;
    const device = target.deviceForRow(ARP_ROWS, index, row as MacRow);
    if (device === null) continue;
    const mac = device.mac;
    const first = !device.sources.arp;
    if (first) device.sources = SOURCES[bitsOf(device.sources) | ARP]!;
    const current = isCurrentArp(row, arpStates);
    const address = nonEmpty(row.address);
    if (current) {
      device.observedAt = later(device.observedAt, pollTime);
      // The common case, ARP agreeing with a bound lease, is already claimed: skip the lookup.
      const alreadyClaimed = address === device.leaseAddress && device.leaseStatus === 'bound';
      if (address !== null && !alreadyClaimed) claims.claimAtRow(ARP_ROWS, index, address, mac);
    }
    const leaseAddress = device.leaseAddress;
    const score = (current && address !== null ? 2 : 0) + (address !== null && address === leaseAddress ? 1 : 0);
    const chosenScore = first
      ? -1
      : (device.ip !== null ? 2 : 0) + (device.arpAddress !== null && device.arpAddress === leaseAddress ? 1 : 0);
    if (score > chosenScore) {
      device.arpAddress = address;
      device.arpStatus = nonEmpty(row.status);
      device.interface = nonEmpty(row.interface);
      device.ip = current ? address : null;
    }
  }

  // MACs whose chosen bridge row is static, to be replaced by a dynamic one (rare: admin-made entries).
  const staticBridge = new Set<string>();
  const bridgeHosts = obs.bridgeHosts ?? [];
  for (let row = 0; row < bridgeHosts.length; row++) {
    const host = bridgeHosts[row]!;
    if (host.local) continue;
    const device = target.deviceForRow(BRIDGE_ROWS, row, host);
    if (device === null) continue;
    const mac = device.mac;
    const first = !device.sources.bridge;
    if (first) device.sources = SOURCES[bitsOf(device.sources) | BRIDGE]!;
    if (host.dynamic) device.observedAt = later(device.observedAt, pollTime);
    if (first || (host.dynamic && staticBridge.has(mac))) {
      device.bridgePort = nonEmpty(host.port);
      if (host.dynamic) staticBridge.delete(mac);
      else staticBridge.add(mac);
    }
  }

  const touched = target.touched;
  for (let i = 0; i < touched.length; i++) {
    const device = touched[i]!;
    const ip = device.ip;
    if (ip === null) {
      device.ip = device.leaseAddress ?? device.arpAddress;
      continue;
    }
    const leaseAddress = device.leaseAddress;
    if (leaseAddress !== null && leaseAddress !== ip && (device.leaseStatus === 'bound' || device.lease === 'static')) {
      addConflict(device, `lease address ${leaseAddress} differs from ARP address ${ip}`);
    }
  }

  const conflictCount = claims.conflicted.length;
  for (const ip of claims.conflicted) {
    const held = claims.claimants(ip).sort(compareText);
    // Name a few others per device, without a per-device pass over all claimants:
    // thousands of MACs on one IP must stay linear.
    const head = held.slice(0, MAX_NAMED_CLAIMANTS + 1);
    const othersCount = held.length - 1;
    for (const mac of held) {
      const named = head.filter((other) => other !== mac).slice(0, MAX_NAMED_CLAIMANTS);
      const rest = othersCount > named.length ? ` and ${othersCount - named.length} more` : '';
      addConflict(target.deviceFor(mac), `ip ${ip} also claimed by ${named.join(', ')}${rest}`);
    }
  }
  claims.end();
  for (let i = 0; i < touched.length; i++) if (touched[i]!.conflicts.length > 1) touched[i]!.conflicts.sort();

  const leasesByServerStatus: LeaseCount[] = [];
  for (const server of [...leaseCounts.keys()].sort(compareText)) {
    const byStatus = leaseCounts.get(server)!;
    for (const status of [...byStatus.keys()].sort(compareText)) leasesByServerStatus.push(byStatus.get(status)!);
  }
  return { conflictCount, leasesByServerStatus };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
