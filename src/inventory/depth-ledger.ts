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

export interface WifiFacts {
  /** Router name of the access point (the gateway's own name for its own radios). */
  ap: string;
  interface: string | null;
  ssid: string | null;
  band: string | null;
  signalDbm: number | null;
  txRateBps: number | null;
  rxRateBps: number | null;
  /** Unix time the association began (poll time minus the client's uptime). */
  connectedSince: number | null;
}

export type TrafficSource = 'kid-control' | 'wifi';

export interface TrafficFacts {
  source: TrafficSource;
  /** Counters as the router counts them: down is to the device. */
  bytesDown: number;
  bytesUp: number;
  /** Current rate in bits per second: kid control's own, or the Wi-Fi counters' change since the last poll. */
  rateDownBps: number | null;
  rateUpBps: number | null;
}

/** What one gateway poll (with its access points) says about one MAC's depth. */
export interface DepthSighting {
  /** Latest moment a depth source saw the device; null when it is only listed (a stale IPv6 entry). */
  observedAt: number | null;
  /** Router whose poll made observedAt. */
  seenBy: string;
  wifi: WifiFacts | null;
  /** Counters of the sources present now; the registry picks the device's kept source. */
  kidControl: { bytesDown: number; bytesUp: number; rateDownBps: number | null; rateUpBps: number | null } | null;
  wifiBytes: { down: number; up: number; at: number } | null;
  ipv6: string[];
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

  constructor(private gateways: ReadonlyMap<string, string>) {}

  setGateways(gateways: ReadonlyMap<string, string>): void {
    this.gateways = gateways;
    for (const [gateway, byAp] of this.contributions) {
      for (const ap of byAp.keys()) if (this.gateways.get(ap) !== gateway) byAp.delete(ap);
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
   * `ownLocalMacs` are the gateway's own ports (local bridge hosts).
   */
  sightingsFor(
    gateway: string,
    depth: DepthObservations | undefined,
    ownLocalMacs: ReadonlySet<string>,
    pollTime: number,
  ): Map<string, DepthSighting> {
    const out = new Map<string, DepthSighting>();
    const sightingOf = (mac: string, by: string): DepthSighting => {
      let found = out.get(mac);
      if (found === undefined) {
        found = { observedAt: null, seenBy: by, wifi: null, kidControl: null, wifiBytes: null, ipv6: [] };
        out.set(mac, found);
      }
      return found;
    };
    const seen = (sighting: DepthSighting, at: number, by: string): void => {
      if (sighting.observedAt === null || at > sighting.observedAt) {
        sighting.observedAt = at;
        sighting.seenBy = by;
      }
    };
    const addWifi = (clients: readonly WifiClientObservation[], ap: string, at: number, wifiSince: Map<string, number>) => {
      for (const client of clients) {
        if (ownLocalMacs.has(client.mac)) continue;
        const sighting = sightingOf(client.mac, ap);
        seen(sighting, at, ap);
        // Roaming: the poll that saw the client last wins.
        const previous = wifiSince.get(client.mac);
        if (previous !== undefined && previous > at) continue;
        wifiSince.set(client.mac, at);
        sighting.wifi = {
          ap,
          interface: client.interface,
          ssid: client.ssid,
          band: client.band,
          signalDbm: client.signalDbm,
          txRateBps: client.txRateBps,
          rxRateBps: client.rxRateBps,
          connectedSince: client.uptimeSeconds === null ? null : Math.round(at - client.uptimeSeconds),
        };
        sighting.wifiBytes =
          client.bytesToClient === null || client.bytesFromClient === null
            ? null
            : { down: client.bytesToClient, up: client.bytesFromClient, at };
      }
    };

    const wifiSince = new Map<string, number>();
    if (depth) {
      addWifi(depth.wifi, gateway, pollTime, wifiSince);
      for (const neighbor of depth.ipv6Neighbors) {
        if (ownLocalMacs.has(neighbor.mac)) continue;
        const sighting = sightingOf(neighbor.mac, gateway);
        if (!sighting.ipv6.includes(neighbor.address)) sighting.ipv6.push(neighbor.address);
        if (neighbor.status !== null && SIGHTING_STATES.has(neighbor.status)) seen(sighting, pollTime, gateway);
      }
    }
    for (const contribution of this.contributions.get(gateway)?.values() ?? []) {
      addWifi(contribution.wifi, contribution.ap, contribution.pollTime, wifiSince);
      for (const host of contribution.bridgeHosts) {
        if (ownLocalMacs.has(host.mac)) continue;
        seen(sightingOf(host.mac, contribution.ap), contribution.pollTime, contribution.ap);
      }
    }
    // Kid control counts traffic of devices something else lists; alone it makes no device.
    if (depth) {
      for (const kid of depth.kidControl) {
        const sighting = out.get(kid.mac);
        const entry = {
          bytesDown: kid.bytesDown,
          bytesUp: kid.bytesUp,
          rateDownBps: kid.rateDownBps,
          rateUpBps: kid.rateUpBps,
        };
        if (sighting) sighting.kidControl = entry;
        else out.set(kid.mac, { observedAt: null, seenBy: gateway, wifi: null, kidControl: entry, wifiBytes: null, ipv6: [] });
      }
    }
    for (const sighting of out.values()) if (sighting.ipv6.length > 1) sighting.ipv6.sort();
    return out;
  }
}
