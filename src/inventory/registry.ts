import { isLocallyAdministered, normalizeMac } from '../net/mac.js';
import type {
  ArpObservation,
  BridgeHostObservation,
  LeaseObservation,
  RouterObservations,
} from '../routeros/observation-types.js';
import {
  DepthLedger,
  type DepthSighting,
  Traffic,
  type TrafficFacts,
  type TrafficSource,
  type WifiBytes,
  type WifiFacts,
} from './depth-ledger.js';
import {
  ClaimTable,
  copyDevice,
  type LeaseCount,
  type MacRow,
  type MergedDevice,
  type MergeSlot,
  type MergeTarget,
  mergedFacts,
  mergeInto,
  newDevice,
  type PresenceConfig,
  type RowTable,
  resetSlot,
} from './merge.js';
import {
  type PersistedDevice,
  type PersistedRouter,
  type PersistedState,
  STATE_VERSION,
  type StateToSave,
} from './persisted-state.js';
import type { DeviceRecord, DeviceView, RouterDevices } from './types.js';

/**
 * Device history across polls: first/last seen, presence, watched devices and
 * retention, per (router, MAC). No I/O and no clock of its own: every time
 * comes in as an argument, so weeks of polls can be replayed in a test.
 *
 * Decisions beyond the documented device model:
 * - A device listed by a poll but not seen by it (a waiting static lease, a
 *   stale ARP entry) is exported with first/last seen null until something
 *   counts as seeing it: we never saw it, and inventing a time would make it
 *   look present.
 * - first_seen is the earliest observation ever made (a lease's `last-seen`
 *   can date one before the poll that found the device); last_seen never goes
 *   backwards.
 * - A device that a poll does not list keeps its last known ip, hostname,
 *   name, interface, bridge port, DHCP server and lease kind (an absent device
 *   should still say what it was), but its live facts are cleared: no sources,
 *   no conflicts, no ARP status or addresses, no lease status or expiry.
 *   A device that is listed takes every fact from that poll alone.
 * - Retention never removes a device the current poll lists: it would be
 *   back as "new" on the next poll. Over maxDevicesPerRouter, unwatched devices
 *   the poll did not list go first, longest-absent first (never-seen before
 *   seen), then listed ones, the same way.
 * - Presence is judged against the router's last good poll, which is also
 *   persisted, so neither a router outage nor a restart during one ages devices.
 * - Records are immutable snapshots shared between calls: callers must not
 *   mutate them.
 * - Times later than "now" plus FUTURE_TOLERANCE_SECONDS (a clock that was
 *   ahead, then corrected; a hand-edited state file) are not believed, on
 *   import and on every poll: a future first-seen is dropped (the device was
 *   first seen at an unknown time), a future last-seen falls back to the
 *   device's first-seen (the latest sighting still believed) or is dropped,
 *   a future listing time or last good poll becomes "now". None of these can
 *   make a device present or new; the count is reported for the log.
 */

export interface RetentionConfig {
  forgetAfterDays: number;
  maxDevicesPerRouter: number;
}

export interface WatchedDevice {
  mac: string;
  name: string;
  router: string;
}

export interface RegistryOptions {
  presence: PresenceConfig;
  retention: RetentionConfig;
  watched?: ReadonlyArray<WatchedDevice>;
  /** Configured routers. Devices of other routers in a loaded state file are dropped (the router was removed). */
  routers?: ReadonlyArray<string>;
  /** Access point -> its gateway (routers[].gateway): the access point's sightings join the gateway's devices. */
  gateways?: ReadonlyMap<string, string>;
}

export interface ConflictChange {
  router: string;
  mac: string;
  previous: string[];
  current: string[];
}

export interface PollChanges {
  /** Devices this router's tables list for the first time (watched ones included). */
  newDevices: DeviceRecord[];
  /** Devices whose conflict descriptions changed; log each once. */
  conflictChanges: ConflictChange[];
  forgotten: number;
  dropped: number;
  /** Devices (and the router's last good poll) whose times lay in the future and were dropped or clamped; log once. */
  futureTimestamps: number;
}

export interface ImportReport {
  /** Devices and routers of the saved state whose times lay in the future and were dropped or clamped. */
  futureTimestamps: { devices: number; routers: number };
}

/**
 * How far in the future a time may lie and still be believed. Timestamps this
 * process makes are never later than its clock; a minute leaves room for the
 * small steps NTP makes when it corrects a clock, which are not clock errors.
 */
export const FUTURE_TOLERANCE_SECONDS = 60;

export interface RouterSummary {
  present: number;
  absent: number;
  /** IPs claimed by more than one MAC at the last good poll. */
  conflicts: number;
  leasesByServerStatus: LeaseCount[];
  droppedTotal: number;
  forgottenTotal: number;
}

/** A device whose only change is newer times: what the state journal writes in its compact form. */
export interface RefreshedDevice {
  router: string;
  mac: string;
  lastSeen: number | null;
  lastListedAt: number | null;
}

/**
 * What changed in the persisted history since the last drain (the state file's
 * journal writes only this). `changed` are the changes that must survive a
 * crash right away: a device listed or seen for the first time, an earlier
 * first-seen, a different kept fact (ip, hostname, ...). `refreshed` are
 * devices whose only change is a later last-seen or last-listed time, and
 * `routers` their routers' last good poll: the journal batches those.
 */
export interface StateChanges {
  changed: PersistedDevice[];
  refreshed: RefreshedDevice[];
  removed: Array<{ router: string; mac: string }>;
  routers: PersistedRouter[];
}

const DAY_SECONDS = 86_400;
/** rowEntries index of the depth ledger's sightings (after the merge's LEASE_ROWS, ARP_ROWS, BRIDGE_ROWS). */
const DEPTH_ROWS = 3;

const NO_ADDRESSES: string[] = Object.freeze([]) as unknown as string[];

/** The last Entry.infoVersion handed out. */
let infoVersions = 0;

/** Entry.dirty: what the state journal has not been given yet. */
const CLEAN = 0;
const REFRESHED = 1;
const CHANGED = 2;

/**
 * One device of one router, updated in place by every poll. It is also the
 * view the exposition renders (DeviceView), so a poll builds no per-device
 * objects: it is its own MergeSlot (the rows the merge chose for it), whose
 * facts are written into one scratch object shared by all entries and
 * compared with `facts`; only when they differ is a copy published.
 *
 * To add a fact: a field in MergedDevice (merge.ts: newDevice, copyDevice,
 * mergedFacts and the merge rules), in sameFacts below, in DeviceRecord and
 * recordOf, and a getter here if the exposition reads it.
 */
class Entry implements DeviceView, MergeSlot {
  /** See DeviceView; taken from infoVersions (unique across entries), set anew by the setters below. */
  infoVersion = ++infoVersions;
  private watchedNameValue: string | null = null;
  private publishedFacts: MergedDevice;
  firstSeen: number | null = null;
  lastSeen: number | null = null;
  lastListedAt: number | null = null;
  /** Value of the router's poll counter when a poll last listed the device; -1 never. */
  listedInPoll = -1;
  /** Seen within presence.timeoutSeconds of the router's last good poll; kept by every poll and import. */
  present = false;
  /** The poll being merged (MergeSlot, see class comment); emptied after each poll so no row is held. */
  pollLease: LeaseObservation | null = null;
  pollArp: ArpObservation | null = null;
  pollArpCurrent = false;
  pollBridge: BridgeHostObservation | null = null;
  pollObservedAt: number | null = null;
  pollConflicts: string[] = NO_ADDRESSES;
  /** The router's poll counter when the slot was last reset. */
  touchedInPoll = -1;
  /** Cached record; null when facts, times or presence changed since it was built. */
  record: DeviceRecord | null = null;
  /** CLEAN, REFRESHED or CHANGED since the last drainStateChanges(). */
  dirty = CLEAN;
  /** Device depth (depth-ledger.ts); null/empty when no depth source lists the device. */
  wifi: WifiFacts | null = null;
  traffic: TrafficFacts | null = null;
  ipv6Addresses: string[] = NO_ADDRESSES;
  /** The traffic source this device was first counted from, kept (a switch would make the counter jump). */
  trafficSource: TrafficSource | null = null;
  /** Last Wi-Fi byte counters, for the rate. */
  wifiBytes: WifiBytes | null = null;
  /** The router's poll counter when a depth source last listed the device; -1 never. */
  depthInPoll = -1;
  /** The depth ledger's sighting of this device at that poll (one object per MAC while it is listed). */
  depthSighting: DepthSighting | null = null;
  /** When lastSeen came from another router's poll (an access point): that router, and the time it saw the device. */
  seenBy: string | null = null;
  seenByAt: number | null = null;

  constructor(
    readonly router: string,
    readonly mac: string,
    readonly randomized: boolean,
  ) {
    this.publishedFacts = newDevice(mac);
  }

  /** Configured name; null when not watched. */
  get watchedName(): string | null {
    return this.watchedNameValue;
  }
  set watchedName(name: string | null) {
    this.watchedNameValue = name;
    this.infoVersion = ++infoVersions;
  }

  /** The facts as of the last poll that listed the device (faded since, if it was not listed). */
  get facts(): MergedDevice {
    return this.publishedFacts;
  }
  set facts(facts: MergedDevice) {
    this.publishedFacts = facts;
    this.infoVersion = ++infoVersions;
  }

  /** Publishes facts whose descriptive ones (samePersistedFacts) equal the current ones: the info labels stay. */
  publishSameInfo(facts: MergedDevice): void {
    this.publishedFacts = facts;
  }

  get ip(): string | null {
    return this.facts.ip;
  }
  get hostname(): string | null {
    return this.facts.hostname;
  }
  get name(): string | null {
    return this.watchedName ?? this.facts.leaseComment;
  }
  get interface(): string | null {
    return this.facts.interface;
  }
  get bridgePort(): string | null {
    return this.facts.bridgePort;
  }
  get dhcpServer(): string | null {
    return this.facts.dhcpServer;
  }
  get lease(): DeviceRecord['lease'] {
    return this.facts.lease;
  }
  get leaseExpiresAt(): number | null {
    return this.facts.leaseExpiresAt;
  }
  get watched(): boolean {
    return this.watchedName !== null;
  }
}

interface RouterEntries {
  readonly name: string;
  readonly entries: Map<string, Entry>;
  lastGoodPoll: number | null;
  polls: number;
  conflictCount: number;
  leases: LeaseCount[];
  droppedTotal: number;
  forgottenTotal: number;
  /** Entries sorted by MAC as of the last sortedEntries() call. */
  sorted: Entry[];
  /** Entries created since, not yet merged into `sorted`. */
  added: Entry[];
  /** Whether entries were deleted since. */
  removed: boolean;
  /** Records in MAC order; null after anything changed. */
  records: DeviceRecord[] | null;
  /** Entries marked CHANGED / REFRESHED since the last drain (may hold entries drained since: check `dirty`). */
  changedEntries: Entry[];
  refreshedEntries: Entry[];
  /** MACs deleted (forgotten or dropped) since the last drain. */
  removedMacs: string[];
  /** Whether lastGoodPoll moved since the last full drain. */
  pollTimeDirty: boolean;
  /** The latest time stored for this router; above "now" only after the clock went back. */
  latestTime: number;
  /** Entries with present true. */
  presentCount: number;
  /** Where a poll is merged: each listed device's scratch facts (see Entry). */
  target: MergeTarget;
  touchedEntries: Entry[];
  claims: ClaimTable;
  /**
   * Per table (RowTable), the entry each row position named at the last
   * poll: a row is matched to its entry by comparing its MAC with that one
   * entry's, instead of normalising it and hashing it into `entries` (at 50k
   * devices the map no longer fits in cache, and three lookups per device
   * were a third of the merge). Emptied whenever an entry is removed. The
   * last (DEPTH_ROWS) is by position in the depth ledger's sightings.
   */
  rowEntries: [Entry[], Entry[], Entry[], Entry[]];
}

/** The descriptive facts: what an unlisted device keeps, and what the state file keeps. */
type KeptFacts = Pick<MergedDevice, 'ip' | 'hostname' | 'leaseComment' | 'lease' | 'dhcpServer' | 'interface' | 'bridgePort'>;

/** Sets `into` to a device with the descriptive facts of `facts` only (they may be the same object); returns it. */
function fade(facts: KeptFacts, into: MergedDevice): MergedDevice {
  const { ip, hostname, leaseComment, lease, dhcpServer, interface: iface, bridgePort } = facts;
  copyDevice(NO_FACTS, into);
  into.ip = ip;
  into.hostname = hostname;
  into.leaseComment = leaseComment;
  into.lease = lease;
  into.dhcpServer = dhcpServer;
  into.interface = iface;
  into.bridgePort = bridgePort;
  return into;
}

/** Facts of a device no row lists (newDevice's values). */
const NO_FACTS: MergedDevice = Object.freeze(newDevice('')) as MergedDevice;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** observedAt is deliberately not compared: it feeds the times, which are compared separately. */
function sameFacts(a: MergedDevice, b: MergedDevice): boolean {
  return (
    samePersistedFacts(a, b) &&
    a.leaseStatus === b.leaseStatus &&
    a.leaseExpiresAt === b.leaseExpiresAt &&
    a.leaseAddress === b.leaseAddress &&
    a.arpStatus === b.arpStatus &&
    a.arpAddress === b.arpAddress &&
    (a.sources === b.sources ||
      (a.sources.dhcp === b.sources.dhcp && a.sources.arp === b.sources.arp && a.sources.bridge === b.sources.bridge)) &&
    sameList(a.conflicts, b.conflicts)
  );
}

/** The facts the state file keeps (see exportState). */
function samePersistedFacts(a: MergedDevice, b: MergedDevice): boolean {
  return (
    a.ip === b.ip &&
    a.hostname === b.hostname &&
    a.leaseComment === b.leaseComment &&
    a.interface === b.interface &&
    a.bridgePort === b.bridgePort &&
    a.dhcpServer === b.dhcpServer &&
    a.lease === b.lease
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Times {
  firstSeen: number | null;
  lastSeen: number | null;
  lastListedAt: number | null;
}

/**
 * Drops or clamps, in place, the times later than nowSeconds plus the
 * tolerance (rules in the file header); true when anything changed.
 */
function believeTimes(times: Times, nowSeconds: number): boolean {
  const limit = nowSeconds + FUTURE_TOLERANCE_SECONDS;
  let changed = false;
  if (times.firstSeen !== null && times.firstSeen > limit) {
    times.firstSeen = null;
    changed = true;
  }
  if (times.lastSeen !== null && times.lastSeen > limit) {
    times.lastSeen = times.firstSeen;
    changed = true;
  }
  if (times.lastListedAt !== null && times.lastListedAt > limit) {
    times.lastListedAt = nowSeconds;
    changed = true;
  }
  return changed;
}

export class DeviceRegistry {
  private readonly routers = new Map<string, RouterEntries>();
  private readonly configuredRouters: ReadonlySet<string> | null;
  private readonly watched = new Map<string, Map<string, string>>();
  private routerOrder: RouterEntries[] | null = null;
  private allRecords: DeviceRecord[] | null = null;

  private readonly depth: DepthLedger;
  /** Where each listed device's facts are written before they are compared with its published ones (see Entry). */
  private readonly scratch: MergedDevice = newDevice('');
  /** Per router, entries that carry depth facts (cleared when a poll no longer lists them). */
  private readonly depthEntries = new Map<string, { carrying: Entry[]; spare: Entry[]; poll: number }>();

  constructor(private readonly options: RegistryOptions) {
    this.depth = new DepthLedger(options.gateways ?? new Map());
    this.configuredRouters = options.routers && options.routers.length > 0 ? new Set(options.routers) : null;
    for (const name of options.routers ?? []) this.router(name);
    this.setWatched(options.watched ?? []);
  }

  /**
   * Sets the watched devices (at start, and on a reload): a newly watched
   * device is exported at once (absent until seen), one no longer watched keeps
   * its history and becomes an ordinary device, unless it was never seen (then
   * it was only ever the config's, and leaves). Names change in place.
   */
  setWatched(devices: ReadonlyArray<WatchedDevice>): void {
    const next = new Map<string, Map<string, string>>();
    for (const device of devices) {
      const mac = normalizeMac(device.mac);
      if (mac === null) throw new Error(`watched device "${device.name}": invalid MAC address ${JSON.stringify(device.mac)}`);
      let byMac = next.get(device.router);
      if (!byMac) {
        byMac = new Map();
        next.set(device.router, byMac);
      }
      byMac.set(mac, device.name);
    }
    for (const [router, byMac] of this.watched) {
      const state = this.routers.get(router);
      if (!state) continue;
      for (const mac of byMac.keys()) {
        const entry = state.entries.get(mac);
        if (entry === undefined || next.get(router)?.has(mac)) continue;
        entry.watchedName = null;
        entry.record = null;
        if (!isPersisted(entry)) {
          // Never seen: nothing to keep, and nothing the state file holds.
          state.entries.delete(mac);
          state.removed = true;
          if (entry.present) state.presentCount--;
        }
        state.records = null;
      }
    }
    this.watched.clear();
    for (const [router, byMac] of next) {
      this.watched.set(router, byMac);
      const state = this.router(router);
      for (const [mac, name] of byMac) {
        const entry = state.entries.get(mac) ?? this.entry(state, mac);
        entry.watchedName = name;
        entry.record = null;
      }
      state.records = null;
    }
    this.allRecords = null;
  }

  /** Feeds one successful poll of a router, taken at nowSeconds. */
  applyPoll(router: string, obs: RouterObservations, nowSeconds: number): PollChanges {
    const state = this.router(router);
    if (this.depth.gatewayOf(router) !== null) return this.applyAccessPointPoll(state, obs, nowSeconds);
    // The clock went back since times were stored (or a saved state came from the future): not believed.
    const futureTimestamps =
      state.latestTime > nowSeconds + FUTURE_TOLERANCE_SECONDS ? this.dropFutureTimes(state, nowSeconds) : 0;
    const poll = ++state.polls;
    state.touchedEntries.length = 0;
    const merged = mergeInto(obs, nowSeconds, this.options.presence, state.target, state.claims);
    const fresh: Entry[] = [];
    const conflictChanges: ConflictChange[] = [];
    const facts = this.scratch;

    for (const entry of state.touchedEntries) {
      markListed(state, entry, nowSeconds, poll, fresh);
      mergedFacts(entry, nowSeconds, facts);
      resetSlot(entry);
      const seen = facts.observedAt;
      if (seen !== null) {
        if (entry.lastSeen === null || seen > entry.lastSeen) {
          entry.lastSeen = seen;
          entry.record = null;
          markRefreshed(state, entry);
        }
        if (entry.firstSeen === null || seen < entry.firstSeen) {
          entry.firstSeen = seen;
          entry.record = null;
          markChanged(state, entry);
        }
      }
      const previous = entry.facts;
      if (!sameFacts(previous, facts)) {
        if (!sameList(previous.conflicts, facts.conflicts)) {
          conflictChanges.push({ router, mac: entry.mac, previous: [...previous.conflicts], current: [...facts.conflicts] });
        }
        // Published in place: records are copies and the exposition reads through the entry, so nothing else holds it.
        const sameInfo = samePersistedFacts(previous, facts);
        copyDevice(facts, previous);
        if (sameInfo) entry.publishSameInfo(previous);
        else {
          markChanged(state, entry);
          entry.facts = previous;
        }
        entry.record = null;
      }
    }
    state.touchedEntries.length = 0;
    this.applyDepth(state, obs, poll, nowSeconds, fresh);

    // Every device: presence against this poll; the ones it did not list fade, the long-gone are forgotten.
    state.lastGoodPoll = nowSeconds;
    state.pollTimeDirty = true;
    if (nowSeconds > state.latestTime) state.latestTime = nowSeconds;
    const forgetBefore = nowSeconds - this.options.retention.forgetAfterDays * DAY_SECONDS;
    const timeout = this.options.presence.timeoutSeconds;
    let forgotten = 0;
    let presentCount = 0;
    for (const entry of state.entries.values()) {
      if (entry.listedInPoll !== poll) {
        if (entry.listedInPoll === poll - 1) {
          const facts = entry.facts;
          if (facts.conflicts.length > 0) {
            conflictChanges.push({ router, mac: entry.mac, previous: [...facts.conflicts], current: [] });
          }
          entry.facts = fade(facts, facts);
          entry.record = null;
        }
        if (entry.watchedName === null) {
          const reference = entry.lastSeen ?? entry.lastListedAt ?? Number.NEGATIVE_INFINITY;
          if (reference < forgetBefore) {
            entry.present = false;
            this.remove(state, entry);
            forgotten++;
            continue;
          }
        }
      }
      const present = entry.lastSeen !== null && this.presenceReference(entry, nowSeconds) - entry.lastSeen <= timeout;
      if (present !== entry.present) {
        entry.present = present;
        entry.record = null;
      }
      if (present) presentCount++;
    }
    state.presentCount = presentCount;
    state.forgottenTotal += forgotten;
    const dropped = this.enforceCap(state, poll);

    state.conflictCount = merged.conflictCount;
    state.leases = merged.leasesByServerStatus;
    state.records = null;
    this.allRecords = null;

    const newDevices: DeviceRecord[] = [];
    for (const entry of fresh) {
      if (state.entries.get(entry.mac) === entry) newDevices.push(this.recordOf(state, entry));
    }
    return { newDevices, conflictChanges, forgotten, dropped, futureTimestamps };
  }

  /**
   * An access point's good poll: kept for its gateway's next poll (depth-ledger.ts).
   * The access point has no devices of its own; its last good poll is what
   * presence of the devices it saw is judged against.
   */
  private applyAccessPointPoll(state: RouterEntries, obs: RouterObservations, nowSeconds: number): PollChanges {
    this.depth.recordAccessPoint(state.name, obs.depth, obs.bridgeHosts, nowSeconds);
    state.polls++;
    state.lastGoodPoll = nowSeconds;
    state.pollTimeDirty = true;
    if (nowSeconds > state.latestTime) state.latestTime = nowSeconds;
    return { newDevices: [], conflictChanges: [], forgotten: 0, dropped: 0, futureTimestamps: 0 };
  }

  /**
   * Wi-Fi, traffic and IPv6 of this router's poll and of its access points'
   * last polls: sightings (making devices a lease/ARP/bridge poll did not list)
   * and depth facts on each device.
   */
  private applyDepth(state: RouterEntries, obs: RouterObservations, poll: number, nowSeconds: number, fresh: Entry[]): void {
    const ownLocal = new Set<string>();
    // Indexed: unoptimised, `for...of` makes an iterator result per row (9k bridge hosts at 10k devices).
    const hosts = obs.bridgeHosts;
    for (let i = 0; i < hosts.length; i++) if (hosts[i]!.local) ownLocal.add(hosts[i]!.mac);
    const sightings = this.depth.sightingsFor(state.name, obs.depth, ownLocal, nowSeconds);
    // The entries that carried depth facts after the last poll, and a spare list for this one (swapped each poll).
    let lists = this.depthEntries.get(state.name);
    if (lists === undefined) {
      lists = { carrying: [], spare: [], poll: -1 };
      this.depthEntries.set(state.name, lists);
    }
    // Entries of the last poll's list are exactly those stamped with its poll number: counting the ones
    // listed again tells whether any left, without walking the old list when none did.
    const previousPoll = lists.poll;
    lists.poll = poll;
    let listedAgain = 0;
    const previous = lists.carrying;
    const carrying = lists.spare;
    // Written from the start and cut to length at the end: emptied first, it would give its storage back.
    let carried = 0;
    lists.carrying = carrying;
    lists.spare = previous;
    const slots = state.rowEntries[DEPTH_ROWS];
    if (slots.length > sightings.length) slots.length = sightings.length;
    for (let row = 0; row < sightings.length; row++) {
      const sighting = sightings[row]!;
      const mac = sighting.mac;
      let entry = slots[row];
      // The ledger keeps one sighting object per MAC: the slot's entry is this device if it was this sighting's.
      if (entry === undefined || entry.depthSighting !== sighting) entry = state.entries.get(mac);
      if (entry === undefined || entry.listedInPoll !== poll) {
        // Kid control alone makes no device: it counts traffic of devices something else lists.
        if (sighting.observedAt === null && sighting.wifi === null && sighting.ipv6.length === 0) continue;
        if (entry === undefined) entry = this.entry(state, mac);
        markListed(state, entry, nowSeconds, poll, fresh);
        // Listed by depth sources only: the lease/ARP/bridge facts of an earlier poll are no longer live.
        const live = entry.facts.sources;
        if (live.dhcp || live.arp || live.bridge) entry.facts = fade(entry.facts, entry.facts);
      }
      const seen = sighting.observedAt;
      if (seen !== null && seen <= nowSeconds) {
        if (entry.lastSeen === null || seen > entry.lastSeen) {
          entry.lastSeen = seen;
          markRefreshed(state, entry);
          if (sighting.seenBy !== state.name) {
            entry.seenBy = sighting.seenBy;
            entry.seenByAt = seen;
          }
        }
        if (entry.firstSeen === null || seen < entry.firstSeen) {
          entry.firstSeen = seen;
          markChanged(state, entry);
        }
      }
      this.setDepthFacts(entry, sighting);
      entry.record = null;
      if (entry.depthInPoll === previousPoll) listedAgain++;
      entry.depthInPoll = poll;
      entry.depthSighting = sighting;
      carrying[carried++] = entry;
      // Only listed entries: those are the ones that leave only through remove(), which empties the slots.
      slots[row] = entry;
    }
    carrying.length = carried;
    if (listedAgain < previous.length) {
      for (const entry of previous) {
        if (entry.depthInPoll === poll) continue;
        entry.wifi = null;
        entry.traffic = null;
        entry.ipv6Addresses = NO_ADDRESSES;
        entry.wifiBytes = null;
        entry.depthSighting = null;
        entry.record = null;
      }
    }
  }

  private setDepthFacts(entry: Entry, sighting: DepthSighting): void {
    entry.wifi = sighting.wifi;
    entry.ipv6Addresses = sighting.ipv6;
    const kid = sighting.kidControl;
    const bytes = sighting.wifiBytes;
    entry.trafficSource ??= kid !== null ? 'kid-control' : bytes !== null ? 'wifi' : null;
    if (entry.trafficSource === 'kid-control' && kid !== null) {
      const counted = entry.traffic;
      entry.traffic =
        counted !== null &&
        counted.source === 'kid-control' &&
        counted.bytesDown === kid.bytesDown &&
        counted.bytesUp === kid.bytesUp &&
        counted.rateDownBps === kid.rateDownBps &&
        counted.rateUpBps === kid.rateUpBps
          ? counted
          : new Traffic('kid-control', kid.bytesDown, kid.bytesUp, kid.rateDownBps, kid.rateUpBps);
    } else if (entry.trafficSource === 'wifi' && bytes !== null) {
      // The sighting's counters are rewritten at its next poll: the entry keeps a copy of its own.
      let before = entry.wifiBytes;
      if (before !== null && bytes.at === before.at && entry.traffic !== null) return; // the access point has not polled since
      const elapsed = before === null ? 0 : bytes.at - before.at;
      const rateDownBps = before === null ? null : counterRate(bytes.down, before.down, elapsed);
      const rateUpBps = before === null ? null : counterRate(bytes.up, before.up, elapsed);
      const counted = entry.traffic;
      // An idle client's traffic is the same object from poll to poll (it is kept for as long as nothing changes).
      if (
        counted === null ||
        counted.source !== 'wifi' ||
        counted.bytesDown !== bytes.down ||
        counted.bytesUp !== bytes.up ||
        counted.rateDownBps !== rateDownBps ||
        counted.rateUpBps !== rateUpBps
      ) {
        entry.traffic = new Traffic('wifi', bytes.down, bytes.up, rateDownBps, rateUpBps);
      }
      if (before === null) {
        before = { down: bytes.down, up: bytes.up, at: bytes.at };
        entry.wifiBytes = before;
      } else {
        before.down = bytes.down;
        before.up = bytes.up;
        before.at = bytes.at;
      }
    } else {
      entry.traffic = null;
    }
  }

  /** Every device of every router, sorted by router then MAC; watched never-seen devices included. */
  devices(): DeviceRecord[] {
    if (this.allRecords === null) {
      const all: DeviceRecord[] = [];
      for (const state of this.sortedRouters()) for (const record of this.recordsOf(state)) all.push(record);
      this.allRecords = all;
    }
    return this.allRecords.slice();
  }

  /** One router's devices, sorted by MAC. */
  routerDevices(router: string): DeviceRecord[] {
    const state = this.routers.get(router);
    return state ? this.recordsOf(state).slice() : [];
  }

  /**
   * One router's devices for the exposition: the live entries themselves (no
   * copies), and their records built only if someone asks (/api/devices).
   */
  routerView(router: string): RouterDevices {
    const state = this.routers.get(router);
    if (!state) return { views: [], records: () => [] };
    return { views: this.sortedEntries(state), records: () => this.recordsOf(state) };
  }

  routerSummary(router: string): RouterSummary {
    const state = this.routers.get(router);
    if (!state) {
      return { present: 0, absent: 0, conflicts: 0, leasesByServerStatus: [], droppedTotal: 0, forgottenTotal: 0 };
    }
    return {
      present: state.presentCount,
      absent: state.entries.size - state.presentCount,
      conflicts: state.conflictCount,
      leasesByServerStatus: state.leases.map((lease) => ({ ...lease })),
      droppedTotal: state.droppedTotal,
      forgottenTotal: state.forgottenTotal,
    };
  }

  /** The history worth keeping across a restart. */
  exportState(savedAt: number = Date.now() / 1000): PersistedState {
    const state = this.stateToSave(savedAt);
    return { ...state, devices: [...state.devices] };
  }

  /**
   * exportState() whose devices are made one at a time as they are iterated
   * (StateStore.save writes each as it comes): 50k device objects at once
   * were 6 MB at the first poll's peak. The set of devices is the one of the
   * call; each device's facts are read when it is reached, so a poll merged
   * during a long write may already be in it. That is safe because what a
   * poll changes is also drained to the journal after the snapshot, and
   * journal records only ever carry the newest facts and times.
   */
  stateToSave(savedAt: number = Date.now() / 1000): StateToSave {
    const routers: PersistedState['routers'] = [];
    const lists: Array<{ name: string; entries: Entry[] }> = [];
    for (const state of this.sortedRouters()) {
      routers.push({ name: state.name, lastGoodPollAt: state.lastGoodPoll });
      lists.push({ name: state.name, entries: this.sortedEntries(state) });
    }
    return { version: STATE_VERSION, savedAt, routers, devices: persistedDevices(lists) };
  }

  /**
   * What changed in the persisted history since the last call (see
   * StateChanges); marks it handed over. Without `includeRefreshed`, devices
   * whose only change is newer times (and router poll times) stay pending for
   * a later call. exportState() does not drain: a caller that writes a full
   * state calls this too, and drops the result.
   */
  drainStateChanges(includeRefreshed: boolean): StateChanges {
    const changes: StateChanges = { changed: [], refreshed: [], removed: [], routers: [] };
    for (const state of this.sortedRouters()) {
      for (const mac of state.removedMacs) changes.removed.push({ router: state.name, mac });
      state.removedMacs = [];
      for (const entry of state.changedEntries) {
        if (entry.dirty !== CHANGED) continue;
        entry.dirty = CLEAN;
        if (state.entries.get(entry.mac) === entry && isPersisted(entry)) {
          changes.changed.push(persistedDevice(state.name, entry));
        }
      }
      state.changedEntries = [];
      if (!includeRefreshed) continue;
      for (const entry of state.refreshedEntries) {
        if (entry.dirty !== REFRESHED) continue;
        entry.dirty = CLEAN;
        if (state.entries.get(entry.mac) === entry && isPersisted(entry)) {
          changes.refreshed.push({
            router: state.name,
            mac: entry.mac,
            lastSeen: entry.lastSeen,
            lastListedAt: entry.lastListedAt,
          });
        }
      }
      state.refreshedEntries = [];
      if (state.pollTimeDirty) changes.routers.push({ name: state.name, lastGoodPollAt: state.lastGoodPoll });
      state.pollTimeDirty = false;
    }
    return changes;
  }

  /**
   * Merges a saved state in (normally once, before the first poll). Times merge
   * monotonically; facts are taken only for devices no poll has listed yet.
   * Times later than nowSeconds (plus FUTURE_TOLERANCE_SECONDS) are dropped or
   * clamped first (see the file header), and counted in the report.
   */
  importState(saved: PersistedState, nowSeconds: number = Date.now() / 1000): ImportReport {
    const limit = nowSeconds + FUTURE_TOLERANCE_SECONDS;
    const report: ImportReport = { futureTimestamps: { devices: 0, routers: 0 } };
    for (const router of saved.routers) {
      if (!this.knowsRouter(router.name)) continue;
      const state = this.router(router.name);
      let at = router.lastGoodPollAt;
      if (at !== null && at > limit) {
        at = nowSeconds;
        report.futureTimestamps.routers++;
        state.pollTimeDirty = true; // the state file still says otherwise
      }
      if (at !== null && (state.lastGoodPoll === null || at > state.lastGoodPoll)) state.lastGoodPoll = at;
      if (at !== null && at > state.latestTime) state.latestTime = at;
    }
    const touched = new Set<RouterEntries>();
    const times: Times = { firstSeen: null, lastSeen: null, lastListedAt: null };
    for (const device of saved.devices) {
      if (!this.knowsRouter(device.router)) continue;
      const mac = normalizeMac(device.mac);
      if (mac === null) continue;
      const state = this.router(device.router);
      touched.add(state);
      let entry = state.entries.get(mac);
      if (entry === undefined) entry = this.entry(state, mac);
      times.firstSeen = device.firstSeen;
      times.lastSeen = device.lastSeen;
      times.lastListedAt = device.lastListedAt;
      const clamped = believeTimes(times, nowSeconds);
      if (times.firstSeen !== null && (entry.firstSeen === null || times.firstSeen < entry.firstSeen)) {
        entry.firstSeen = times.firstSeen;
      }
      if (times.lastSeen !== null && (entry.lastSeen === null || times.lastSeen > entry.lastSeen)) {
        entry.lastSeen = times.lastSeen;
      }
      if (entry.listedInPoll < 0) {
        entry.facts = fade(device, entry.facts);
        if (times.lastListedAt !== null && (entry.lastListedAt === null || times.lastListedAt > entry.lastListedAt)) {
          entry.lastListedAt = times.lastListedAt;
        }
      }
      if (clamped) {
        report.futureTimestamps.devices++;
        markChanged(state, entry); // the state file still holds the future times
      }
      const latest = Math.max(entry.firstSeen ?? 0, entry.lastSeen ?? 0, entry.lastListedAt ?? 0);
      if (latest > state.latestTime) state.latestTime = latest;
      entry.record = null;
    }
    for (const state of touched) this.enforceCap(state, state.polls);
    for (const state of this.routers.values()) {
      state.records = null;
      this.refreshPresence(state);
    }
    this.allRecords = null;
    return report;
  }

  /** A poll at nowSeconds found this router's stored times later than now: the clock went back. */
  private dropFutureTimes(state: RouterEntries, nowSeconds: number): number {
    let count = 0;
    if (state.lastGoodPoll !== null && state.lastGoodPoll > nowSeconds + FUTURE_TOLERANCE_SECONDS) {
      state.lastGoodPoll = nowSeconds;
      state.pollTimeDirty = true;
      count++;
    }
    const times: Times = { firstSeen: null, lastSeen: null, lastListedAt: null };
    for (const entry of state.entries.values()) {
      times.firstSeen = entry.firstSeen;
      times.lastSeen = entry.lastSeen;
      times.lastListedAt = entry.lastListedAt;
      if (!believeTimes(times, nowSeconds)) continue;
      count++;
      entry.firstSeen = times.firstSeen;
      entry.lastSeen = times.lastSeen;
      entry.lastListedAt = times.lastListedAt;
      entry.record = null;
      markChanged(state, entry);
    }
    state.latestTime = nowSeconds;
    state.records = null;
    this.allRecords = null;
    return count;
  }

  private knowsRouter(name: string): boolean {
    return this.configuredRouters === null || this.configuredRouters.has(name);
  }

  private router(name: string): RouterEntries {
    let state = this.routers.get(name);
    if (!state) {
      state = {
        name,
        entries: new Map(),
        lastGoodPoll: null,
        polls: 0,
        conflictCount: 0,
        leases: [],
        droppedTotal: 0,
        forgottenTotal: 0,
        sorted: [],
        added: [],
        removed: false,
        records: null,
        changedEntries: [],
        refreshedEntries: [],
        removedMacs: [],
        pollTimeDirty: false,
        latestTime: Number.NEGATIVE_INFINITY,
        presentCount: 0,
        target: null as unknown as MergeTarget,
        touchedEntries: [],
        claims: new ClaimTable(),
        rowEntries: [[], [], [], []],
      };
      state.target = this.mergeTarget(state);
      this.routers.set(name, state);
      this.routerOrder = null;
    }
    return state;
  }

  private entry(state: RouterEntries, mac: string): Entry {
    const entry = new Entry(state.name, mac, isLocallyAdministered(mac));
    entry.watchedName = this.watched.get(state.name)?.get(mac) ?? null;
    state.entries.set(mac, entry);
    state.added.push(entry);
    return entry;
  }

  private mergeTarget(state: RouterEntries): MergeTarget {
    const touch = (entry: Entry): Entry => {
      if (entry.touchedInPoll !== state.polls) {
        entry.touchedInPoll = state.polls;
        resetSlot(entry);
        state.touchedEntries.push(entry);
      }
      return entry;
    };
    return {
      deviceFor: (mac) => touch(state.entries.get(mac) ?? this.entry(state, mac)),
      deviceForRow: (table: RowTable, row: number, named: MacRow) => {
        const slots = state.rowEntries[table];
        const rawMac = named.mac;
        let entry = slots[row];
        // Equal to an entry's MAC, the row's is already normalised.
        if (entry === undefined || entry.mac !== rawMac) {
          const mac = normalizeMac(rawMac);
          if (mac === null) return null;
          entry = state.entries.get(mac) ?? this.entry(state, mac);
          slots[row] = entry;
          if (entry.mac !== rawMac) return touch(entry); // spelled otherwise: the row keeps what the router sent
        }
        // The same value: the row holds the entry's string instead of its own copy (merge.ts, file header).
        named.mac = entry.mac;
        return touch(entry);
      },
      touched: state.touchedEntries,
    };
  }

  private remove(state: RouterEntries, entry: Entry): void {
    state.entries.delete(entry.mac);
    for (const slots of state.rowEntries) slots.length = 0;
    state.removedMacs.push(entry.mac);
    state.removed = true;
    if (entry.present) state.presentCount--;
  }

  /** After times or the last good poll changed outside a poll (import, clock correction). */
  private refreshPresence(state: RouterEntries): void {
    let presentCount = 0;
    for (const entry of state.entries.values()) {
      const present = this.isPresent(state, entry);
      if (present !== entry.present) {
        entry.present = present;
        entry.record = null;
      }
      if (present) presentCount++;
    }
    state.presentCount = presentCount;
  }

  /** Drops unwatched devices past the cap; returns how many. */
  private enforceCap(state: RouterEntries, poll: number): number {
    const excess = state.entries.size - this.options.retention.maxDevicesPerRouter;
    if (excess <= 0) return 0;
    const candidates: Entry[] = [];
    for (const entry of state.entries.values()) if (entry.watchedName === null) candidates.push(entry);
    const listed = (entry: Entry): number => (entry.listedInPoll === poll && poll > 0 ? 1 : 0);
    candidates.sort(
      (a, b) =>
        listed(a) - listed(b) ||
        (a.lastSeen ?? Number.NEGATIVE_INFINITY) - (b.lastSeen ?? Number.NEGATIVE_INFINITY) ||
        compareText(a.mac, b.mac),
    );
    const count = Math.min(excess, candidates.length);
    for (let i = 0; i < count; i++) this.remove(state, candidates[i]!);
    state.droppedTotal += count;
    return count;
  }

  private isPresent(state: RouterEntries, entry: Entry): boolean {
    if (entry.lastSeen === null || state.lastGoodPoll === null) return false;
    return this.presenceReference(entry, state.lastGoodPoll) - entry.lastSeen <= this.options.presence.timeoutSeconds;
  }

  /**
   * The poll time presence is judged against: the device's router's, unless its
   * last sighting came from an access point, then that access point's last good
   * poll (so an access point outage freezes presence like a router outage).
   */
  private presenceReference(entry: Entry, routerPoll: number): number {
    if (entry.seenBy === null || entry.lastSeen !== entry.seenByAt) return routerPoll;
    return this.routers.get(entry.seenBy)?.lastGoodPoll ?? routerPoll;
  }

  private recordOf(state: RouterEntries, entry: Entry): DeviceRecord {
    if (entry.record !== null) return entry.record;
    const present = entry.present;
    const facts = entry.facts;
    const record: DeviceRecord = {
      router: state.name,
      mac: entry.mac,
      ip: facts.ip,
      hostname: facts.hostname,
      name: entry.watchedName ?? facts.leaseComment,
      interface: facts.interface,
      bridgePort: facts.bridgePort,
      dhcpServer: facts.dhcpServer,
      lease: facts.lease,
      leaseStatus: facts.leaseStatus,
      leaseExpiresAt: facts.leaseExpiresAt,
      randomized: entry.randomized,
      watched: entry.watchedName !== null,
      firstSeen: entry.firstSeen,
      lastSeen: entry.lastSeen,
      present,
      sources: facts.sources,
      conflicts: facts.conflicts,
      arpStatus: facts.arpStatus,
      arpAddress: facts.arpAddress,
      leaseAddress: facts.leaseAddress,
      wifi: entry.wifi,
      traffic: entry.traffic,
      ipv6Addresses: entry.ipv6Addresses,
    };
    entry.record = record;
    return record;
  }

  /**
   * Kept sorted incrementally: a poll adds or removes a handful of devices, and
   * re-sorting 50k MACs every poll would cost more than the rest of the poll.
   */
  private sortedEntries(state: RouterEntries): Entry[] {
    if (state.added.length === 0 && !state.removed) return state.sorted;
    const alive = (entry: Entry): boolean => state.entries.get(entry.mac) === entry;
    const base = state.removed ? state.sorted.filter(alive) : state.sorted;
    const adds = state.added.filter(alive).sort((a, b) => compareText(a.mac, b.mac));
    const merged: Entry[] = new Array(base.length + adds.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < base.length && j < adds.length) {
      merged[k++] = base[i]!.mac < adds[j]!.mac ? base[i++]! : adds[j++]!;
    }
    while (i < base.length) merged[k++] = base[i++]!;
    while (j < adds.length) merged[k++] = adds[j++]!;
    state.sorted = merged;
    state.added = [];
    state.removed = false;
    return merged;
  }

  private recordsOf(state: RouterEntries): DeviceRecord[] {
    if (state.records === null) {
      state.records = this.sortedEntries(state).map((entry) => this.recordOf(state, entry));
    }
    return state.records;
  }

  private sortedRouters(): RouterEntries[] {
    if (this.routerOrder === null) {
      this.routerOrder = [...this.routers.values()].sort((a, b) => compareText(a.name, b.name));
    }
    return this.routerOrder;
  }
}

/** A watched device never met is not history: it comes back from the config. */
function isPersisted(entry: Entry): boolean {
  return entry.lastListedAt !== null || entry.firstSeen !== null;
}

function* persistedDevices(lists: ReadonlyArray<{ name: string; entries: Entry[] }>): Generator<PersistedDevice> {
  for (const { name, entries } of lists) {
    for (const entry of entries) if (isPersisted(entry)) yield persistedDevice(name, entry);
  }
}

function persistedDevice(router: string, entry: Entry): PersistedDevice {
  const facts = entry.facts;
  return {
    router,
    mac: entry.mac,
    firstSeen: entry.firstSeen,
    lastSeen: entry.lastSeen,
    lastListedAt: entry.lastListedAt,
    ip: facts.ip,
    hostname: facts.hostname,
    leaseComment: facts.leaseComment,
    interface: facts.interface,
    bridgePort: facts.bridgePort,
    dhcpServer: facts.dhcpServer,
    lease: facts.lease,
  };
}

function markChanged(state: RouterEntries, entry: Entry): void {
  if (entry.dirty === CHANGED) return;
  entry.dirty = CHANGED;
  state.changedEntries.push(entry);
}

function markRefreshed(state: RouterEntries, entry: Entry): void {
  if (entry.dirty !== CLEAN) return;
  entry.dirty = REFRESHED;
  state.refreshedEntries.push(entry);
}

/** The entry is listed by this poll: a first listing is fresh and changed, a listing at a new time refreshes it. */
function markListed(state: RouterEntries, entry: Entry, nowSeconds: number, poll: number, fresh: Entry[]): void {
  if (entry.lastListedAt === null) {
    fresh.push(entry);
    markChanged(state, entry);
  }
  if (entry.lastListedAt !== nowSeconds) markRefreshed(state, entry);
  entry.lastListedAt = nowSeconds;
  entry.listedInPoll = poll;
}

/** Bits per second between two readings of a byte counter `elapsed` seconds apart; null when it went back (a reset) or no time passed. */
function counterRate(now: number, then: number, elapsed: number): number | null {
  return elapsed <= 0 || now < then ? null : Math.round(((now - then) * 8) / elapsed);
}
