/**
 * Child process that runs the simulated routers for a benchmark, so their CPU
 * time never lands in the exporter's figures. Started with fork() by
 * bench/sim-client.ts; talks over the IPC channel:
 *
 *   parent -> { type: 'start', routers: number, devices: number, seed: number }
 *   child  -> { type: 'ready', ports: number[] }
 *   parent -> { type: 'cpu', id }          child -> { type: 'cpu', id, micros }
 *   parent -> { type: 'stop' }             child exits
 *
 * Replies are cached (cacheReplies): the simulator's job here is to put the same
 * bytes on the wire as fast as a router would, not to re-render 50k rows per print.
 */
import { generateLan, type RunningSimulator, startSimulator } from '../src/simulator/index.js';

export const BENCH_USER = 'monitor';
export const BENCH_PASSWORD = 'bench-password';

type Message =
  | { type: 'start'; routers: number; devices: number; seed: number; depth?: boolean }
  | { type: 'cpu'; id: number }
  | { type: 'logins'; id: number }
  | { type: 'tick'; id: number; seconds: number }
  | { type: 'stop' };

const sims: RunningSimulator[] = [];

function send(message: unknown): void {
  process.send?.(message);
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function start(routers: number, devices: number, seed: number, depth = false): Promise<void> {
  for (let i = 0; i < routers; i++) {
    const lan = generateLan({ devices, seed: seed + i, identity: `bench-${i}`, depth });
    sims.push(
      await startSimulator({
        users: [{ name: BENCH_USER, password: BENCH_PASSWORD }],
        lan,
        cacheReplies: true,
        maxCommandLog: 16,
      }),
    );
  }
  send({ type: 'ready', ports: sims.map((s) => s.port) });
}

/**
 * The reply cache is keyed by command tag too, and node-routeros picks a random
 * tag per command, so with that client every print is a miss that stays cached:
 * tens of MB per poll at 50k devices. Empty it once it holds more than a few polls.
 */
function boundReplyCaches(): void {
  for (const sim of sims) {
    const cache = (sim as unknown as { replyCache?: Map<string, Buffer> | null }).replyCache;
    if (cache && cache.size > 32) sim.changed();
  }
}

/**
 * Lets `seconds` pass on every router's lease table as a real router's does
 * between polls: each bound client was heard a little longer ago and its lease
 * expires sooner (renewed once it runs out). Every lease row then differs from
 * the previous poll's, as on a real router, which the cached replies otherwise hide.
 * The same seconds pass on the traffic counters (tickTraffic).
 */
function tickLeases(seconds: number): void {
  for (const sim of sims) {
    for (const lease of sim.tables.leases) {
      if (lease.lastSeen !== null) lease.lastSeen += seconds;
      if (lease.expiresAfter !== null && lease.expiresAfter !== undefined) {
        lease.expiresAfter = lease.expiresAfter > seconds ? lease.expiresAfter - seconds : 600;
      }
    }
    tickTraffic(sim, seconds);
    sim.changed();
  }
}

let trafficTicks = 0;

/** A rate as kid control prints it (`96kbps`, `1.2Mbps`, `0bps`), from bits per second. */
function kidControlRate(bitsPerSecond: number): string {
  if (bitsPerSecond < 1000) return `${bitsPerSecond}bps`;
  if (bitsPerSecond < 1_000_000) return `${Math.floor(bitsPerSecond / 1000)}kbps`;
  return `${(bitsPerSecond / 1_000_000).toFixed(1)}Mbps`;
}

/**
 * Lets `seconds` of a busy network pass on the traffic counters: every Wi-Fi
 * client's `bytes` (and so `packets`) and every kid-control device's
 * `bytes-down`/`bytes-up` grow, and kid control's `rate-down`/`rate-up` say how
 * fast. Each device gets its own rate, different at each tick (deterministic:
 * the same run moves the same bytes): 1.2 to 19.7 Mbps down and a tenth of it
 * up, or 0 bps (an idle device, its counters still) one device-tick in
 * sixteen. Without this only the Wi-Fi uptime moves between polls and the row
 * memory reuses every kid-control row whole.
 */
function tickTraffic(sim: RunningSimulator, seconds: number): void {
  trafficTicks++;
  const wifiTables = [
    sim.tables.wifiRegistrations,
    sim.tables.wifiwave2Registrations,
    sim.tables.wirelessRegistrations,
    sim.tables.capsmanRegistrations,
  ];
  let device = 0;
  for (const rows of wifiTables) {
    for (const row of rows ?? []) {
      const down = busyRate(device++, trafficTicks);
      row.bytesTx += Math.floor((down * seconds) / 8);
      row.bytesRx += Math.floor((down * seconds) / 80);
    }
  }
  for (const row of sim.tables.kidControlDevices ?? []) {
    const down = busyRate(device++, trafficTicks);
    const up = Math.floor(down / 10);
    row.bytesDown += Math.floor((down * seconds) / 8);
    row.bytesUp += Math.floor((up * seconds) / 8);
    row.rateDown = kidControlRate(down);
    row.rateUp = kidControlRate(up);
  }
}

/** Bits per second of device `device` at tick `tick`: 0 for one device-tick in 16, else 1.2 to 19.7 Mbps. */
function busyRate(device: number, tick: number): number {
  const mix = Math.imul(device + 1, 0x9e3779b1) ^ Math.imul(tick, 0x85ebca6b);
  const roll = (mix >>> 0) % 16_384;
  return roll < 1024 ? 0 : 10_000 + roll * 1200;
}

if (process.send) {
  process.on('message', (message: Message) => {
    switch (message.type) {
      case 'start':
        start(message.routers, message.devices, message.seed, message.depth).catch((error: unknown) => {
          console.error(error);
          process.exit(1);
        });
        break;
      case 'cpu':
        send({ type: 'cpu', id: message.id, micros: cpuMicros() });
        boundReplyCaches();
        break;
      case 'tick':
        tickLeases(message.seconds);
        send({ type: 'tick', id: message.id });
        break;
      case 'logins':
        send({ type: 'logins', id: message.id, logins: sims.reduce((sum, sim) => sum + sim.stats.logins, 0) });
        break;
      case 'stop':
        void Promise.all(sims.map((s) => s.close())).finally(() => process.exit(0));
        break;
    }
  });
  // The parent died: do not linger as an orphan holding ports.
  process.on('disconnect', () => process.exit(0));
}
