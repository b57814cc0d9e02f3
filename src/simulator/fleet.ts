import { type RunningSimulator, type SimulatorOptions, startSimulator } from './index.js';
import { generateLan } from './lan.js';

/**
 * Many simulated routers in one process, each on its own loopback port with a
 * small generated LAN of its own (seeded by its position, so the same fleet
 * comes back every run). For fleet tests, `npm run bench` and `serve --demo`
 * with NETMON_DEMO_ROUTERS.
 */
export interface FleetOptions {
  routers: number;
  devicesPerRouter: number;
  /** Router names are `<prefix>-<nnn>` (zero-padded position). Default "site". */
  namePrefix?: string;
  /** First LAN seed; router i uses seed + i. Default 1. */
  seed?: number;
  user?: string;
  password?: string;
  /** Passed to every simulator (animate, cacheReplies, maxCommandLog, ...). */
  simulator?: Omit<SimulatorOptions, 'lan' | 'users' | 'port'>;
}

export interface FleetRouter {
  name: string;
  simulator: RunningSimulator;
}

export interface RunningFleet {
  readonly routers: ReadonlyArray<FleetRouter>;
  readonly user: string;
  readonly password: string;
  /** Router objects as the config's `routers[]` (or a router file) takes them. */
  routerConfigs(extra?: Record<string, unknown>): Array<Record<string, unknown>>;
  byName(name: string): RunningSimulator | undefined;
  /** Summed over the fleet. */
  totals(): { logins: number; connectionsOpened: number; connectionsOpen: number };
  close(): Promise<void>;
}

export async function startSimulatorFleet(options: FleetOptions): Promise<RunningFleet> {
  const prefix = options.namePrefix ?? 'site';
  const user = options.user ?? 'monitor';
  const password = options.password ?? 'secret';
  const width = String(Math.max(options.routers - 1, 0)).length;
  const routers: FleetRouter[] = [];
  try {
    for (let i = 0; i < options.routers; i++) {
      const name = `${prefix}-${String(i).padStart(Math.max(width, 3), '0')}`;
      const simulator = await startSimulator({
        maxCommandLog: 64,
        ...options.simulator,
        users: [{ name: user, password }],
        lan: generateLan({ devices: options.devicesPerRouter, seed: (options.seed ?? 1) + i, identity: name }),
      });
      routers.push({ name, simulator });
    }
  } catch (error) {
    await Promise.allSettled(routers.map((router) => router.simulator.close()));
    throw error;
  }
  const byName = new Map(routers.map((router) => [router.name, router.simulator]));
  return {
    routers,
    user,
    password,
    routerConfigs: (extra = {}) =>
      routers.map(({ name, simulator }) => ({ name, host: simulator.host, port: simulator.port, user, password, ...extra })),
    byName: (name) => byName.get(name),
    totals() {
      let logins = 0;
      let connectionsOpened = 0;
      let connectionsOpen = 0;
      for (const { simulator } of routers) {
        logins += simulator.stats.logins;
        connectionsOpened += simulator.stats.connectionsOpened;
        connectionsOpen += simulator.stats.connectionsOpen;
      }
      return { logins, connectionsOpened, connectionsOpen };
    },
    async close() {
      await Promise.allSettled(routers.map((router) => router.simulator.close()));
    },
  };
}
