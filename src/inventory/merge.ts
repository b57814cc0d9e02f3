import { normalizeMac } from '../net/mac.js';
import type { ArpObservation, LeaseObservation, RouterObservations } from '../routeros/observation-types.js';
import type { LeaseKind } from './types.js';

/**
 * One poll of one router, merged into one entry per MAC. No clock, no I/O;
 * the registry decides what the merged facts mean over time.
 *
 * mergeInto() writes into facts objects its caller owns: the registry hands
 * out each device's own scratch object, reset on first use in a poll, so a
 * poll of an unchanged LAN allocates no per-device objects (at 50k devices
 * the per-poll objects were what made GC, and with it the poll, superlinear).
 * mergeObservations() is the same merge into fresh objects.
 *
 * A row whose MAC equals its device's (the usual case: RouterOS sends the
 * normalised form) is given the device's own string in its place
 * (MergeTarget.deviceForRow, where the two are compared anyway). The read
 * path keeps unchanged rows' observations from poll to poll, and each held
 * its own copy of the MAC: 185k MAC strings for 50k devices (an entry, a
 * lease, an ARP and a bridge row each), now one per device. The value is
 * the same, so every poll that shares the observation sees the same row.
 *
 * Rules (docs/devices.md), and the choices behind them:
 * - Disabled rows (lease or ARP) describe configuration, not a device on the
 *   wire: they neither create devices nor claim addresses. They are still
 *   counted in leasesByServerStatus, which mirrors the router's lease table.
 * - Local bridge hosts are the router's own ports, not LAN devices: skipped.
 * - When one MAC has several rows in a table, one is chosen: for leases the
 *   bound one, for ARP a current one (preferring the lease's address), for the
 *   bridge a dynamic one; otherwise the first row in the router's order.
 * - ip: the ARP address when that ARP entry is current (it is what the device
 *   answers to right now, e.g. a static IP despite a lease), else the lease
 *   address, else a stale ARP address.
 * - A bound lease with no `last-seen` counts as observed at poll time: the
 *   router says the client holds the lease now, and ignoring it would leave a
 *   DHCP-only device absent for good.
 * - Address claims "right now": current ARP entries and bound leases. An IP
 *   with two or more claiming MACs is a conflict, counted per router and
 *   described on every claiming device. A bound or static lease whose address
 *   differs from the device's current ARP address is described on the device
 *   only (no second MAC claims that IP, so it is not counted).
 */

export interface PresenceConfig {
  timeoutSeconds: number;
  arpStates: readonly string[];
}

export interface DeviceSources {
  dhcp: boolean;
  arp: boolean;
  bridge: boolean;
}

/** What one poll says about one MAC. */
export interface MergedDevice {
  mac: string;
  ip: string | null;
  hostname: string | null;
  leaseComment: string | null;
  lease: LeaseKind;
  leaseStatus: string | null;
  leaseExpiresAt: number | null;
  leaseAddress: string | null;
  dhcpServer: string | null;
  interface: string | null;
  arpStatus: string | null;
  arpAddress: string | null;
  bridgePort: string | null;
  sources: DeviceSources;
  /** The latest moment this poll proves the device was on the network; null when no row counts as seeing it. */
  observedAt: number | null;
  /** Sorted, so an unchanged situation compares equal from poll to poll. */
  conflicts: string[];
}

export interface LeaseCount {
  server: string;
  status: string;
  count: number;
}

export interface MergeResult {
  router: string;
  pollTime: number;
  /** Keyed by normalised MAC. */
  devices: Map<string, MergedDevice>;
  /** IPs claimed by more than one MAC. */
  conflictCount: number;
  /** Every lease row by (server, status); server "" when the row names none. Sorted. */
  leasesByServerStatus: LeaseCount[];
}

/** How many other MACs a conflict description names before summarising the rest. */
const MAX_NAMED_CLAIMANTS = 5;

export function isCurrentArp(row: ArpObservation, arpStates: ReadonlySet<string>): boolean {
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
export function newDevice(mac: string): MergedDevice {
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

/** Sets every field back to newDevice()'s values, in place (the MAC stays). */
export function resetDevice(device: MergedDevice): void {
  device.ip = null;
  device.hostname = null;
  device.leaseComment = null;
  device.lease = 'none';
  device.leaseStatus = null;
  device.leaseExpiresAt = null;
  device.leaseAddress = null;
  device.dhcpServer = null;
  device.interface = null;
  device.arpStatus = null;
  device.arpAddress = null;
  device.bridgePort = null;
  device.sources = SOURCES[0]!;
  device.observedAt = null;
  device.conflicts = NO_CONFLICTS;
}

/** A lease, ARP or bridge row: the MAC it names, as the router sent it (ARP rows without one are skipped before). */
export interface MacRow {
  mac: string;
}

/** The tables whose rows name a device, as numbered for MergeTarget.deviceForRow. */
export const LEASE_ROWS = 0;
export const ARP_ROWS = 1;
export const BRIDGE_ROWS = 2;
export type RowTable = typeof LEASE_ROWS | typeof ARP_ROWS | typeof BRIDGE_ROWS;

/** Where one poll's facts are merged (see mergeInto). */
export interface MergeTarget {
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

/** Who claims an IP in the poll `poll`: a MAC, then the others once a second one does. */
interface Claim {
  readonly ip: string;
  poll: number;
  mac: string;
  others: string[] | null;
}

/**
 * ip -> claim, kept from poll to poll so a steady LAN allocates nothing for
 * it: a claim from an older poll is reused in place. IPs nobody claims any
 * more are swept out once they outnumber the live ones.
 *
 * Like the registry's devices, claims are also remembered by the row
 * position (lease or ARP) that made them: a row whose address equals that
 * claim's skips hashing the address into the map, which at 50k devices
 * cost more than the rest of the claim.
 */
export class ClaimTable {
  private readonly claims = new Map<string, Claim>();
  /** Per table (LEASE_ROWS, ARP_ROWS), the claim each row position made last; emptied when claims are swept. */
  private readonly rowClaims: [Claim[], Claim[]] = [[], []];
  private poll = 0;
  private live = 0;
  /** IPs with two or more MACs in the current poll. */
  readonly conflicted: string[] = [];

  begin(): void {
    this.poll++;
    this.live = 0;
    this.conflicted.length = 0;
  }

  /** `mac` claims `ip`, from row `row` of `table`. */
  claimAtRow(table: typeof LEASE_ROWS | typeof ARP_ROWS, row: number, ip: string, mac: string): void {
    const slots = this.rowClaims[table];
    let held = slots[row];
    if (held === undefined || held.ip !== ip) {
      held = this.claims.get(ip);
      if (held === undefined) {
        held = { ip, poll: this.poll, mac, others: null };
        this.claims.set(ip, held);
        this.live++;
        slots[row] = held;
        return;
      }
      slots[row] = held;
    }
    this.add(held, mac);
  }

  private add(held: Claim, mac: string): void {
    if (held.poll !== this.poll) {
      held.poll = this.poll;
      held.mac = mac;
      held.others = null;
      this.live++;
    } else if (held.mac !== mac) {
      if (held.others === null) {
        held.others = [mac];
        this.conflicted.push(held.ip);
      } else if (!held.others.includes(mac)) held.others.push(mac);
    }
  }

  /** The distinct MACs claiming a conflicted IP in this poll. */
  claimants(ip: string): string[] {
    const held = this.claims.get(ip)!;
    return [held.mac, ...held.others!];
  }

  end(): void {
    if (this.claims.size <= 2 * this.live + 64) return;
    for (const [ip, held] of this.claims) if (held.poll !== this.poll) this.claims.delete(ip);
    for (const slots of this.rowClaims) slots.length = 0;
  }
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

export function mergeObservations(
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

/** What a merge says about the router as a whole. */
export interface MergeSummary {
  conflictCount: number;
  leasesByServerStatus: LeaseCount[];
}

/** Merges one poll into `target`'s facts objects (see the file header for the rules). */
export function mergeInto(
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
