/**
 * The device-depth side of the inventory: Wi-Fi, traffic and IPv6 facts per
 * device, and the sightings access points contribute to their gateway.
 *
 * How a gateway's devices are made (decisions documented in docs/routeros.md):
 * - A router with `gateway` set is an access point: its last good poll is kept
 *   here as a contribution (its Wi-Fi clients and its dynamic, non-local bridge
 *   hosts) and joins the gateway's devices at the gateway's next poll. It has
 *   no devices of its own.
 * - A contribution stays as it was while its access point is down (frozen, like
 *   a router outage); the registry judges a device's presence against the last
 *   good poll of the router whose sighting was the latest (`seenBy`), so those
 *   devices do not age into absent either.
 * - Wi-Fi clients (of the gateway itself or of an access point) and IPv6
 *   neighbours with a MAC in reachable/delay/probe are sightings; entries of
 *   either make a device, like ARP-only devices. Bridge hosts the gateway
 *   itself owns (local) are never devices, even when an access point learns
 *   them on its uplink.
 * - A client listed by two access points (roaming, between their polls) takes
 *   its Wi-Fi facts from the poll that saw it last.
 * - Traffic: kid control where the device has a kid-control entry, else the Wi-Fi
 *   byte counters. The first source a device gets is kept for as long as the
 *   device is known: switching would make the counter jump backwards.
 */

import type { WifiClientObservation } from '../routeros/depth-observations.js';
import type { DepthObservations } from '../routeros/depth-sources.js';
import type { BridgeHostObservation } from '../routeros/observation-types.js';

/** A client's association as the device keeps it: the observation's link facts, which access point, and since when. */
export interface WifiFacts
  extends Pick<WifiClientObservation, 'interface' | 'ssid' | 'band' | 'signalDbm' | 'txRateBps' | 'rxRateBps'> {
  /** Router name of the access point (the gateway's own name for its own radios). */
  ap: string;
  /** Unix time the association began (poll time minus the client's uptime). */
  connectedSince: number | null;
}

export type TrafficSource = 'kid-control' | 'wifi';

/** A Wi-Fi client's byte counters (down is to the client) as of the poll time `at` of the access point that listed it. */
export interface WifiBytes {
  down: number;
  up: number;
  at: number;
}

export interface TrafficFacts {
  source: TrafficSource;
  /** Counters as the router counts them: down is to the device. */
  bytesDown: number;
  bytesUp: number;
  /** Current rate in bits per second: kid control's own, or the Wi-Fi counters' change since the last poll. */
  rateDownBps: number | null;
  rateUpBps: number | null;
}

/**
 * What one gateway poll (with its access points) says about one MAC's depth.
 * The ledger updates these in place from poll to poll: read one during the
 * poll that produced it, never keep it. The facts it points to (wifi,
 * kidControl, ipv6) are never changed once handed out; one that is equal to
 * the last poll's is that same object. `wifiBytes` is the sighting's own and
 * is rewritten at each poll (its `at` moves every poll): copy its numbers.
 */
export interface DepthSighting {
  readonly mac: string;
  /** Latest moment a depth source saw the device; null when it is only listed (a stale IPv6 entry). */
  observedAt: number | null;
  /** Router whose poll made observedAt. */
  seenBy: string;
  wifi: WifiFacts | null;
  /** Counters of the sources present now; the registry picks the device's kept source. */
  kidControl: { bytesDown: number; bytesUp: number; rateDownBps: number | null; rateUpBps: number | null } | null;
  wifiBytes: Readonly<WifiBytes> | null;
  /** Sorted; the same array as the last poll's when the addresses did not change. */
  ipv6: string[];
}

// Facts are made by constructors, not object literals: V8 pretenures a literal whose objects outlive young
// collections (these live a poll or more), and then allocates every one in the old generation, where each
// poll's replaced facts become work for full collections (measured: WifiClient in depth-observations.ts).

class Association implements WifiFacts {
  readonly ap: string;
  readonly interface: string | null;
  readonly ssid: string | null;
  readonly band: string | null;
  readonly signalDbm: number | null;
  readonly txRateBps: number | null;
  readonly rxRateBps: number | null;
  readonly connectedSince: number | null;

  constructor(ap: string, client: WifiClientObservation, connectedSince: number | null) {
    this.ap = ap;
    this.interface = client.interface;
    this.ssid = client.ssid;
    this.band = client.band;
    this.signalDbm = client.signalDbm;
    this.txRateBps = client.txRateBps;
    this.rxRateBps = client.rxRateBps;
    this.connectedSince = connectedSince;
  }
}

/** A device's traffic facts (a class for the reason above). */
export class Traffic implements TrafficFacts {
  constructor(
    readonly source: TrafficSource,
    readonly bytesDown: number,
    readonly bytesUp: number,
    readonly rateDownBps: number | null,
    readonly rateUpBps: number | null,
  ) {}
}

/** A sighting as the ledger keeps it between polls, with what it needs to reuse last poll's facts. */
class Sighting implements DepthSighting {
  observedAt: number | null = null;
  seenBy: string;
  wifi: WifiFacts | null = null;
  kidControl: DepthSighting['kidControl'] = null;
  wifiBytes: WifiBytes | null = null;
  ipv6: string[] = NO_ADDRESSES;
  /**
   * What wifiBytes points to when set: rewritten in place, since `at` is the poll time and
   * differs at every poll (a new object per client per poll lived one poll and fed the old generation).
   */
  ownWifiBytes: WifiBytes | null = null;
  /** The gateway's poll counter when this was last reset (its facts belong to that poll). */
  poll = -1;
  /** Set when the ledger forgets the MAC: a row slot still naming this sighting must look the MAC up again. */
  dropped = false;
  /** Poll time of the Wi-Fi facts (the poll that saw the client last wins when it roams). */
  wifiAt = Number.NEGATIVE_INFINITY;
  /** Last poll's facts, for reuse when unchanged. */
  previousWifi: WifiFacts | null = null;
  previousKidControl: DepthSighting['kidControl'] = null;
  previousIpv6: string[] = NO_ADDRESSES;
  /**
   * This poll's addresses as they are gathered: the first addressCount. Made for two (link-local
   * and global; a push from empty makes room for 17) when the first arrives, and never shortened:
   * emptied each poll, it gave its storage back and a push allocated it again (4.5k sightings with
   * addresses at 10k devices, 0.7 MB per poll).
   */
  addresses: string[] = NO_ADDRESSES;
  addressCount = 0;

  constructor(
    readonly mac: string,
    by: string,
  ) {
    this.seenBy = by;
  }

  /** Starts a new poll's facts, keeping the last poll's for reuse. */
  reset(poll: number, by: string): void {
    this.poll = poll;
    this.observedAt = null;
    this.seenBy = by;
    this.previousWifi = this.wifi;
    this.previousKidControl = this.kidControl;
    this.previousIpv6 = this.ipv6;
    this.wifi = null;
    this.kidControl = null;
    this.wifiBytes = null;
    this.ipv6 = NO_ADDRESSES;
    this.wifiAt = Number.NEGATIVE_INFINITY;
    this.addressCount = 0;
  }
}

/**
 * Per list of rows a gateway poll reads, the sighting each row position named
 * at the last poll: a row finds its sighting by comparing its MAC with that one
 * sighting's, instead of hashing it into the map (as the registry's row slots).
 */
type RowSlots = Sighting[];

/** One gateway's sightings, kept from poll to poll. */
interface GatewaySightings {
  readonly byMac: Map<string, Sighting>;
  /** The sightings of the last poll, in the order they were first listed. */
  readonly listed: Sighting[];
  poll: number;
  readonly wifiSlots: RowSlots;
  readonly neighborSlots: RowSlots;
  readonly kidSlots: RowSlots;
  /** Per access point: its Wi-Fi clients' and its bridge hosts' slots. */
  readonly accessPointSlots: Map<string, { wifi: RowSlots; hosts: RowSlots }>;
}

const NO_ADDRESSES: string[] = Object.freeze([]) as unknown as string[];

/** Whether `facts` are what this client's row says, seen by `ap`, associated since `connectedSince`. */
function sameWifi(facts: WifiFacts, ap: string, client: WifiClientObservation, connectedSince: number | null): boolean {
  return (
    facts.ap === ap &&
    facts.interface === client.interface &&
    facts.ssid === client.ssid &&
    facts.band === client.band &&
    facts.signalDbm === client.signalDbm &&
    facts.txRateBps === client.txRateBps &&
    facts.rxRateBps === client.rxRateBps &&
    facts.connectedSince === connectedSince
  );
}

/** Whether the first `count` of `a` are the list `b`. */
function sameList(a: readonly string[], count: number, b: readonly string[]): boolean {
  if (count !== b.length) return false;
  for (let i = 0; i < count; i++) if (a[i] !== b[i]) return false;
  return true;
}

function includes(list: readonly string[], count: number, value: string): boolean {
  for (let i = 0; i < count; i++) if (list[i] === value) return true;
  return false;
}

interface Contribution {
  ap: string;
  pollTime: number;
  wifi: WifiClientObservation[];
  bridgeHosts: BridgeHostObservation[];
}

const SIGHTING_STATES: ReadonlySet<string> = new Set(['reachable', 'delay', 'probe']);

export class DepthLedger {
  /** gateway -> access point -> its last good poll. */
  private readonly contributions = new Map<string, Map<string, Contribution>>();
  /** gateway -> its sightings, reused from poll to poll. */
  private readonly sightings = new Map<string, GatewaySightings>();

  constructor(private gateways: ReadonlyMap<string, string>) {}

  setGateways(gateways: ReadonlyMap<string, string>): void {
    this.gateways = gateways;
    for (const [gateway, byAp] of this.contributions) {
      for (const ap of byAp.keys()) if (this.gateways.get(ap) !== gateway) byAp.delete(ap);
    }
    for (const [gateway, kept] of this.sightings) {
      for (const ap of kept.accessPointSlots.keys()) if (this.gateways.get(ap) !== gateway) kept.accessPointSlots.delete(ap);
    }
  }

  gatewayOf(router: string): string | null {
    return this.gateways.get(router) ?? null;
  }

  /** Keeps an access point's good poll for its gateway's next poll. */
  recordAccessPoint(
    ap: string,
    depth: DepthObservations | undefined,
    bridgeHosts: BridgeHostObservation[],
    pollTime: number,
  ): void {
    const gateway = this.gateways.get(ap);
    if (gateway === undefined) return;
    let byAp = this.contributions.get(gateway);
    if (!byAp) {
      byAp = new Map();
      this.contributions.set(gateway, byAp);
    }
    byAp.set(ap, {
      ap,
      pollTime,
      wifi: depth?.wifi ?? [],
      bridgeHosts: bridgeHosts.filter((host) => host.dynamic && !host.local),
    });
  }

  /**
   * Depth sightings for one gateway poll: its own depth tables at pollTime,
   * and each access point's last contribution at that access point's poll time.
   * `ownLocalMacs` are the gateway's own ports (local bridge hosts). One
   * sighting per MAC, in the order first listed; the list and the sightings are
   * this ledger's and change at the gateway's next poll.
   */
  sightingsFor(
    gateway: string,
    depth: DepthObservations | undefined,
    ownLocalMacs: ReadonlySet<string>,
    pollTime: number,
  ): readonly DepthSighting[] {
    let kept = this.sightings.get(gateway);
    if (kept === undefined) {
      kept = {
        byMac: new Map(),
        listed: [],
        poll: 0,
        wifiSlots: [],
        neighborSlots: [],
        kidSlots: [],
        accessPointSlots: new Map(),
      };
      this.sightings.set(gateway, kept);
    }
    const poll = ++kept.poll;
    const { byMac, listed } = kept;
    // Written from the start and cut to length at the end: emptied first, it would give its storage back.
    let listedCount = 0;
    const sightingOf = (slots: RowSlots, row: number, mac: string, by: string): Sighting => {
      let found = slots[row];
      if (found === undefined || found.dropped || found.mac !== mac) {
        found = byMac.get(mac);
        if (found === undefined) {
          found = new Sighting(mac, by);
          byMac.set(mac, found);
        }
        slots[row] = found;
      }
      if (found.poll !== poll) {
        found.reset(poll, by);
        listed[listedCount++] = found;
      }
      return found;
    };
    const seen = (sighting: Sighting, at: number, by: string): void => {
      if (sighting.observedAt === null || at > sighting.observedAt) {
        sighting.observedAt = at;
        sighting.seenBy = by;
      }
    };
    const addWifi = (clients: readonly WifiClientObservation[], slots: RowSlots, ap: string, at: number) => {
      if (slots.length > clients.length) slots.length = clients.length;
      for (let row = 0; row < clients.length; row++) {
        const client = clients[row]!;
        if (ownLocalMacs.has(client.mac)) continue;
        const sighting = sightingOf(slots, row, client.mac, ap);
        seen(sighting, at, ap);
        // Roaming: the poll that saw the client last wins.
        if (sighting.wifiAt > at) continue;
        sighting.wifiAt = at;
        const previous = sighting.previousWifi;
        let connectedSince = client.uptimeSeconds === null ? null : Math.round(at - client.uptimeSeconds);
        // RouterOS counts uptime in whole seconds and a poll lands anywhere within a second, so the same
        // association computes to its start or a second either side: keep the start already known.
        if (
          connectedSince !== null &&
          previous !== null &&
          previous.ap === ap &&
          previous.connectedSince !== null &&
          Math.abs(connectedSince - previous.connectedSince) <= 1
        ) {
          connectedSince = previous.connectedSince;
        }
        sighting.wifi =
          previous !== null && sameWifi(previous, ap, client, connectedSince)
            ? previous
            : new Association(ap, client, connectedSince);
        if (client.bytesToClient === null || client.bytesFromClient === null) {
          sighting.wifiBytes = null;
        } else {
          sighting.ownWifiBytes ??= { down: 0, up: 0, at: 0 };
          const bytes = sighting.ownWifiBytes;
          bytes.down = client.bytesToClient;
          bytes.up = client.bytesFromClient;
          bytes.at = at;
          sighting.wifiBytes = bytes;
        }
      }
    };

    if (depth) {
      addWifi(depth.wifi, kept.wifiSlots, gateway, pollTime);
      const neighbors = depth.ipv6Neighbors;
      const neighborSlots = kept.neighborSlots;
      if (neighborSlots.length > neighbors.length) neighborSlots.length = neighbors.length;
      for (let row = 0; row < neighbors.length; row++) {
        const neighbor = neighbors[row]!;
        if (ownLocalMacs.has(neighbor.mac)) continue;
        const sighting = sightingOf(neighborSlots, row, neighbor.mac, gateway);
        if (sighting.addresses === NO_ADDRESSES) sighting.addresses = new Array<string>(2);
        const addresses = sighting.addresses;
        if (!includes(addresses, sighting.addressCount, neighbor.address)) addresses[sighting.addressCount++] = neighbor.address;
        if (neighbor.status !== null && SIGHTING_STATES.has(neighbor.status)) seen(sighting, pollTime, gateway);
      }
    }
    for (const contribution of this.contributions.get(gateway)?.values() ?? []) {
      let slots = kept.accessPointSlots.get(contribution.ap);
      if (slots === undefined) {
        slots = { wifi: [], hosts: [] };
        kept.accessPointSlots.set(contribution.ap, slots);
      }
      addWifi(contribution.wifi, slots.wifi, contribution.ap, contribution.pollTime);
      const hosts = contribution.bridgeHosts;
      if (slots.hosts.length > hosts.length) slots.hosts.length = hosts.length;
      for (let row = 0; row < hosts.length; row++) {
        const host = hosts[row]!;
        if (ownLocalMacs.has(host.mac)) continue;
        seen(sightingOf(slots.hosts, row, host.mac, contribution.ap), contribution.pollTime, contribution.ap);
      }
    }
    // Kid control counts traffic of devices something else lists; alone it makes no device.
    if (depth) {
      const kids = depth.kidControl;
      const kidSlots = kept.kidSlots;
      if (kidSlots.length > kids.length) kidSlots.length = kids.length;
      for (let row = 0; row < kids.length; row++) {
        const kid = kids[row]!;
        const sighting = sightingOf(kidSlots, row, kid.mac, gateway);
        const before = sighting.previousKidControl;
        // A changed row's counters are the observation itself (read-only, like the facts), not a copy:
        // on a busy network every row's counters move at every poll.
        sighting.kidControl =
          before !== null &&
          before.bytesDown === kid.bytesDown &&
          before.bytesUp === kid.bytesUp &&
          before.rateDownBps === kid.rateDownBps &&
          before.rateUpBps === kid.rateUpBps
            ? before
            : kid;
      }
    }
    listed.length = listedCount;
    for (let i = 0; i < listedCount; i++) {
      const sighting = listed[i]!;
      const count = sighting.addressCount;
      if (count === 0) continue;
      const addresses = sighting.addresses;
      // Two addresses (link-local and global) is the common case: ordered as sort() would, without it.
      if (count === 2) {
        const first = addresses[0]!;
        if (addresses[1]! < first) {
          addresses[0] = addresses[1]!;
          addresses[1] = first;
        }
      } else if (count > 2) {
        addresses.length = count;
        addresses.sort();
      }
      sighting.ipv6 = sameList(addresses, count, sighting.previousIpv6) ? sighting.previousIpv6 : addresses.slice(0, count);
    }
    // MACs no longer listed anywhere are dropped (a sighting is kept only while something lists it).
    if (byMac.size > listedCount) {
      for (const [mac, sighting] of byMac) {
        if (sighting.poll === poll) continue;
        sighting.dropped = true;
        byMac.delete(mac);
      }
    }
    return listed;
  }
}
