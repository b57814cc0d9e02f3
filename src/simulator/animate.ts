/**
 * Makes the demo LAN look alive: clients keep talking (small last-seen), leases
 * count down and renew, ARP entries wander between reachable/stale/delay, and
 * now and then one device leaves (its ARP and bridge entries vanish, its lease
 * ages) and later comes back.
 */
import { type ArpRow, type BridgeHostRow, type LanData, makeRng } from './lan.js';

export interface AnimateOptions {
  /** Tick period. Default 5000 ms. */
  intervalMs?: number;
  /** Ticks between a device leaving and the next change (return or another departure). Default 6. */
  awayTicks?: number;
  /** Lease time used on renewal, seconds. Default 1800 (30m). */
  leaseTimeSeconds?: number;
  seed?: number;
}

interface Away {
  mac: string;
  arp: ArpRow[];
  hosts: BridgeHostRow[];
}

export interface Animated {
  tables: LanData;
  changed(): void;
}

/** One step of the animation; exported so tests can drive it without timers. */
export function createAnimator(target: Animated, options: AnimateOptions = {}): (dtSeconds: number) => void {
  const rng = makeRng(options.seed ?? 7);
  const awayTicks = options.awayTicks ?? 6;
  const leaseTime = options.leaseTimeSeconds ?? 1800;
  let away: Away | null = null;
  let ticks = 0;

  return (dt: number) => {
    const lan = target.tables;
    ticks++;
    if (ticks % awayTicks === 0) {
      if (away) {
        lan.arp.push(...away.arp);
        lan.bridgeHosts.push(...away.hosts);
        for (const l of lan.leases) {
          if (l.macAddress === away.mac && l.status !== 'offered') {
            l.status = 'bound';
            l.lastSeen = 0;
            l.expiresAfter = leaseTime;
          }
        }
        away = null;
      } else {
        const candidates = lan.arp.filter((a) => a.dynamic && a.macAddress && a.interface !== 'ether1');
        const pick = candidates[Math.floor(rng() * candidates.length)];
        if (pick?.macAddress) {
          const mac = pick.macAddress;
          away = {
            mac,
            arp: lan.arp.filter((a) => a.macAddress === mac),
            hosts: lan.bridgeHosts.filter((h) => h.macAddress === mac),
          };
          lan.arp = lan.arp.filter((a) => a.macAddress !== mac);
          lan.bridgeHosts = lan.bridgeHosts.filter((h) => h.macAddress !== mac);
        }
      }
    }
    const present = new Set<string>();
    for (const a of lan.arp) if (a.macAddress) present.add(a.macAddress);
    for (const l of lan.leases) {
      if (l.status !== 'bound') continue;
      const here = present.has(l.macAddress) && l.macAddress !== away?.mac;
      if (here) l.lastSeen = Math.floor(rng() * 60);
      else if (l.lastSeen !== null) l.lastSeen += dt;
      if (l.expiresAfter !== null && l.expiresAfter !== undefined) {
        l.expiresAfter -= dt;
        if (l.expiresAfter <= 0) {
          if (here) l.expiresAfter = leaseTime;
          else {
            // A static lease whose client is gone waits; a dynamic one would be
            // removed, but we keep it waiting too so the device can come back to it.
            l.status = 'waiting';
            l.expiresAfter = null;
          }
        }
      }
    }
    for (const a of lan.arp) {
      if (!a.dynamic || !a.macAddress || a.status === 'failed' || a.status === 'incomplete') continue;
      const r = rng();
      a.status = r < 0.7 ? 'reachable' : r < 0.9 ? 'stale' : 'delay';
    }
    target.changed();
  };
}

export function startAnimation(target: Animated, options: AnimateOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? 5000;
  const step = createAnimator(target, options);
  const timer = setInterval(() => step(intervalMs / 1000), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
