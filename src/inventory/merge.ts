import { normalizeMac } from '../net/mac.js';
import type {
  ArpObservation,
  BridgeHostObservation,
  LeaseObservation,
  RouterObservations,
} from '../routeros/observation-types.js';
import type { LeaseKind } from './types.js';

/**
 * One poll of one router, merged into one entry per MAC. No clock, no I/O;
 * the registry decides what the merged facts mean over time.
 *
 * mergeInto() notes, per device, which row of each table it chose and what
 * the rows say about when the device was seen and what it conflicts with, in
 * a MergeSlot its caller owns (the registry's entries are their own slots,
 * reset on first use in a poll); mergedFacts() then writes the facts those
 * rows give into any MergedDevice. The registry writes them into one scratch
 * object for all devices and publishes a copy only when they differ from the
 * device's facts: one facts object per device, and a poll of an unchanged
 * LAN allocates none (at 50k devices the per-poll objects were what made GC,
 * and with it the poll, superlinear; a second facts object per device as the
 * merge's scratch was 7.5 MB). mergeObservations() is the same merge into
 * fresh objects.
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

/** How well an ARP row describes a device: current with an address 2, the lease's address 1; the best row wins, the first on a tie. */
function arpScore(current: boolean, address: string | null, leaseAddress: string | null): number {
  return (current && address !== null ? 2 : 0) + (address !== null && address === leaseAddress ? 1 : 0);
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

/** Writes the facts of `device` (every field but the MAC) into `copy`, in place. */
export function copyDevice(device: MergedDevice, copy: MergedDevice): void {
  copy.ip = device.ip;
  copy.hostname = device.hostname;
  copy.leaseComment = device.leaseComment;
  copy.lease = device.lease;
  copy.leaseStatus = device.leaseStatus;
  copy.leaseExpiresAt = device.leaseExpiresAt;
  copy.leaseAddress = device.leaseAddress;
  copy.dhcpServer = device.dhcpServer;
  copy.interface = device.interface;
  copy.arpStatus = device.arpStatus;
  copy.arpAddress = device.arpAddress;
  copy.bridgePort = device.bridgePort;
  copy.sources = device.sources;
  copy.observedAt = device.observedAt;
  copy.conflicts = device.conflicts;
}

/**
 * What one poll found about one device while its rows are merged: the row of
 * each table chosen for it (null: none listed it), its latest sighting and
 * its conflicts. mergedFacts() turns it into facts.
 */
export interface MergeSlot {
  readonly mac: string;
  pollLease: LeaseObservation | null;
  pollArp: ArpObservation | null;
  /** Whether pollArp is a current entry (isCurrentArp). */
  pollArpCurrent: boolean;
  pollBridge: BridgeHostObservation | null;
  /** The latest moment this poll proves the device was on the network. */
  pollObservedAt: number | null;
  pollConflicts: string[];
}

/** Empties a slot for a new poll (the rows of the last one are not held). */
export function resetSlot(slot: MergeSlot): void {
  slot.pollLease = null;
  slot.pollArp = null;
  slot.pollArpCurrent = false;
  slot.pollBridge = null;
  slot.pollObservedAt = null;
  slot.pollConflicts = NO_CONFLICTS;
}

function newSlot(mac: string): MergeSlot {
  return {
    mac,
    pollLease: null,
    pollArp: null,
    pollArpCurrent: false,
    pollBridge: null,
    pollObservedAt: null,
    pollConflicts: NO_CONFLICTS,
  };
}

function leaseStatusOf(lease: LeaseObservation): string {
  return typeof lease.status === 'string' ? lease.status : '';
}

/** Writes into `into` (every field but the MAC) the facts of a merged slot, as of a poll at pollTime. */
export function mergedFacts(slot: MergeSlot, pollTime: number, into: MergedDevice): void {
  const lease = slot.pollLease;
  const arp = slot.pollArp;
  const bridge = slot.pollBridge;
  into.sources = SOURCES[(lease !== null ? DHCP : 0) | (arp !== null ? ARP : 0) | (bridge !== null ? BRIDGE : 0)]!;
  if (lease !== null) {
    const status = leaseStatusOf(lease);
    const expires = lease.expiresAfterSeconds;
    into.hostname = nonEmpty(lease.hostname);
    into.leaseComment = nonEmpty(lease.comment);
    into.lease = lease.dynamic ? 'dynamic' : 'static';
    into.leaseStatus = status;
    into.leaseAddress = nonEmpty(lease.address);
    into.dhcpServer = nonEmpty(lease.server);
    into.leaseExpiresAt =
      status === 'bound' && typeof expires === 'number' && Number.isFinite(expires) ? pollTime + expires : null;
  } else {
    into.hostname = null;
    into.leaseComment = null;
    into.lease = 'none';
    into.leaseStatus = null;
    into.leaseAddress = null;
    into.dhcpServer = null;
    into.leaseExpiresAt = null;
  }
  if (arp !== null) {
    const address = nonEmpty(arp.address);
    into.arpAddress = address;
    into.arpStatus = nonEmpty(arp.status);
    into.interface = nonEmpty(arp.interface);
    into.ip = slot.pollArpCurrent ? address : null;
  } else {
    into.arpAddress = null;
    into.arpStatus = null;
    into.interface = null;
    into.ip = null;
  }
  // The current ARP address, else the lease's, else a stale ARP address.
  if (into.ip === null) into.ip = into.leaseAddress ?? into.arpAddress;
  into.bridgePort = bridge !== null ? nonEmpty(bridge.port) : null;
  into.observedAt = slot.pollObservedAt;
  into.conflicts = slot.pollConflicts;
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
   * The slot of `mac` (normalised) for this poll: on the first call for a
   * MAC in a poll, an empty one (resetSlot); the same slot on later calls.
   */
  deviceFor(mac: string): MergeSlot;
  /**
   * deviceFor() for the MAC of row `row` of `table`, as the router sent it;
   * null when it is not a MAC. A target may remember which device each row
   * position named last time: routers list their tables in a stable order.
   * It may also give the row its device's own MAC string when the two are
   * equal (see the file header).
   */
  deviceForRow(table: RowTable, row: number, named: MacRow): MergeSlot | null;
  /** Every slot deviceFor() handed out in this poll. */
  readonly touched: ReadonlyArray<MergeSlot>;
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

function addConflict(slot: MergeSlot, text: string): void {
  if (slot.pollConflicts === NO_CONFLICTS) slot.pollConflicts = [text];
  else slot.pollConflicts.push(text);
}

export function mergeObservations(
  router: string,
  obs: RouterObservations,
  pollTime: number,
  presence: PresenceConfig,
): MergeResult {
  const slots = new Map<string, MergeSlot>();
  const touched: MergeSlot[] = [];
  const deviceFor = (mac: string): MergeSlot => {
    let found = slots.get(mac);
    if (found === undefined) {
      found = newSlot(mac);
      slots.set(mac, found);
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
  const devices = new Map<string, MergedDevice>();
  for (const slot of touched) {
    const device = newDevice(slot.mac);
    mergedFacts(slot, pollTime, device);
    devices.set(slot.mac, device);
  }
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
    const slot = target.deviceForRow(LEASE_ROWS, row, lease);
    if (slot === null) continue;
    // The device's own MAC string, not the row's: claims outlive the poll, the row's strings should not.
    const mac = slot.mac;
    const bound = status === 'bound';
    const address = nonEmpty(lease.address);
    if (bound && address !== null) claims.claimAtRow(LEASE_ROWS, row, address, mac);
    slot.pollObservedAt = later(slot.pollObservedAt, leaseObservedAt(lease, pollTime));
    const chosen = slot.pollLease;
    if (chosen === null || (bound && leaseStatusOf(chosen) !== 'bound')) slot.pollLease = lease;
  }

  // While rows are merged, `ip` holds the chosen ARP address only when that entry is current.
  const arp = obs.arp ?? [];
  for (let index = 0; index < arp.length; index++) {
    const row = arp[index]!;
    if (row.disabled || row.mac === null || row.mac === undefined) continue;
    const slot = target.deviceForRow(ARP_ROWS, index, row as MacRow);
    if (slot === null) continue;
    const mac = slot.mac;
    const current = isCurrentArp(row, arpStates);
    const address = nonEmpty(row.address);
    const lease = slot.pollLease;
    const leaseAddress = lease === null ? null : nonEmpty(lease.address);
    if (current) {
      slot.pollObservedAt = later(slot.pollObservedAt, pollTime);
      // The common case, ARP agreeing with a bound lease, is already claimed: skip the lookup.
      const alreadyClaimed = address === leaseAddress && lease !== null && leaseStatusOf(lease) === 'bound';
      if (address !== null && !alreadyClaimed) claims.claimAtRow(ARP_ROWS, index, address, mac);
    }
    const chosen = slot.pollArp;
    if (
      chosen === null ||
      arpScore(current, address, leaseAddress) > arpScore(slot.pollArpCurrent, nonEmpty(chosen.address), leaseAddress)
    ) {
      slot.pollArp = row;
      slot.pollArpCurrent = current;
    }
  }

  const bridgeHosts = obs.bridgeHosts ?? [];
  for (let row = 0; row < bridgeHosts.length; row++) {
    const host = bridgeHosts[row]!;
    if (host.local) continue;
    const slot = target.deviceForRow(BRIDGE_ROWS, row, host);
    if (slot === null) continue;
    if (host.dynamic) slot.pollObservedAt = later(slot.pollObservedAt, pollTime);
    // A static row (admin-made, rare) gives way to a dynamic one.
    const chosen = slot.pollBridge;
    if (chosen === null || (host.dynamic && !chosen.dynamic)) slot.pollBridge = host;
  }

  const touched = target.touched;
  for (let i = 0; i < touched.length; i++) {
    const slot = touched[i]!;
    // A current ARP address that is not the address of a bound or static lease.
    const arpRow = slot.pollArp;
    const lease = slot.pollLease;
    if (arpRow === null || !slot.pollArpCurrent || lease === null) continue;
    const ip = nonEmpty(arpRow.address);
    const leaseAddress = nonEmpty(lease.address);
    if (ip === null || leaseAddress === null || leaseAddress === ip) continue;
    if (leaseStatusOf(lease) === 'bound' || !lease.dynamic) {
      addConflict(slot, `lease address ${leaseAddress} differs from ARP address ${ip}`);
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
  for (let i = 0; i < touched.length; i++) if (touched[i]!.pollConflicts.length > 1) touched[i]!.pollConflicts.sort();

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
