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
 */
function tickLeases(seconds: number): void {
  for (const sim of sims) {
    for (const lease of sim.tables.leases) {
      if (lease.lastSeen !== null) lease.lastSeen += seconds;
      if (lease.expiresAfter !== null && lease.expiresAfter !== undefined) {
        lease.expiresAfter = lease.expiresAfter > seconds ? lease.expiresAfter - seconds : 600;
      }
    }
    sim.changed();
  }
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
