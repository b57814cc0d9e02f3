import { buildConfig, type Config } from '../config/load.js';
import {
  type LanData,
  legacyWirelessAccessPointLan,
  type RunningSimulator,
  sampleGatewayLan,
  startSimulator,
  startSimulatorFleet,
  type VersionProfile,
  wifiAccessPointLan,
} from '../simulator/index.js';

export interface Demo {
  config: Config;
  simulatorHost: string;
  simulatorPort: number;
  close(): Promise<void>;
}

const DEMO_USER = 'monitor';
const DEMO_PASSWORD = 'demo-password';

/** One simulated router of the demo; add an entry to DEMO_ROUTERS to add a router. */
interface DemoRouter {
  name: string;
  lan: () => LanData;
  /** Extra keys of this router's config entry. */
  config?: Record<string, unknown>;
  /** The simulated RouterOS version; default 7.x. */
  versionProfile?: VersionProfile;
}

/**
 * The demo's routers: a home gateway with the sample home network behind it
 * (kid control, IPv6, its DHCP pool), and two access points in its LAN, a
 * RouterOS 6.49 one with legacy wireless and a RouterOS 7 one with the wifi
 * package, whose clients join the gateway's devices.
 */
const DEMO_ROUTERS: ReadonlyArray<DemoRouter> = [
  { name: 'demo', lan: sampleGatewayLan },
  { name: 'ap-garage', lan: legacyWirelessAccessPointLan, versionProfile: '6.49', config: { gateway: 'demo' } },
  { name: 'ap-upstairs', lan: wifiAccessPointLan, config: { gateway: 'demo' } },
];

/** Devices of the sample home network the demo watches, and one that is never there. */
const DEMO_WATCHED = [
  { mac: '00:11:32:ED:E6:61', name: 'nas', router: 'demo' },
  { mac: '3C:D9:2B:C5:57:78', name: 'office printer', router: 'demo' },
  // Never on the sample LAN: shows how a watched device that is gone looks.
  { mac: '00:1B:63:00:00:01', name: 'old laptop', router: 'demo' },
];

/**
 * `serve --demo` and `devices --demo`: the bundled simulator serves a sample home
 * network on loopback and the exporter polls it like a real router, so a
 * newcomer sees real output with nothing configured. The LAN is animated:
 * devices age, leave and come back.
 */
export async function startDemo(env: NodeJS.ProcessEnv): Promise<Demo> {
  const fleetSize = demoFleetSize(env.NETMON_DEMO_ROUTERS);
  if (fleetSize > 1) return startFleetDemo(fleetSize, env);
  const simulators: RunningSimulator[] = [];
  const close = async () => {
    await Promise.all(simulators.map((simulator) => simulator.close()));
  };
  try {
    for (const router of DEMO_ROUTERS) {
      simulators.push(
        await startSimulator({
          host: '127.0.0.1',
          port: 0,
          users: [{ name: DEMO_USER, password: DEMO_PASSWORD }],
          lan: router.lan(),
          animate: true,
          ...(router.versionProfile ? { versionProfile: router.versionProfile } : {}),
        }),
      );
    }
    const { config } = buildConfig(
      {
        routers: DEMO_ROUTERS.map((router, index) => ({
          name: router.name,
          host: simulators[index]!.host,
          port: simulators[index]!.port,
          user: DEMO_USER,
          password: DEMO_PASSWORD,
          ...router.config,
        })),
        poll: { intervalSeconds: 5 },
        devices: DEMO_WATCHED,
        state: { path: 'data/demo-state.json' },
        log: { level: 'info' },
      },
      '(demo)',
      env,
    );
    return { config, simulatorHost: simulators[0]!.host, simulatorPort: simulators[0]!.port, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** NETMON_DEMO_ROUTERS=N: how many simulated routers the demo serves (1 to 1000; anything else is one). */
export function demoFleetSize(value: string | undefined): number {
  if (value === undefined || !/^\d{1,4}$/.test(value.trim())) return 1;
  return Math.min(1000, Math.max(1, Number(value)));
}

const FLEET_DEVICES_PER_ROUTER = 12;

/**
 * `NETMON_DEMO_ROUTERS=N serve --demo`: N simulated routers in this process,
 * each on its own loopback port with a small generated LAN (demo-000, demo-001,
 * ...), to see a fleet (and shards, with NETMON_SHARD) with no router at hand.
 */
async function startFleetDemo(routers: number, env: NodeJS.ProcessEnv): Promise<Demo> {
  const fleet = await startSimulatorFleet({
    routers,
    devicesPerRouter: FLEET_DEVICES_PER_ROUTER,
    namePrefix: 'demo',
    user: DEMO_USER,
    password: DEMO_PASSWORD,
    simulator: { animate: true },
  });
  try {
    const { config } = buildConfig(
      {
        routers: fleet.routerConfigs(),
        poll: { intervalSeconds: 5 },
        state: { path: 'data/demo-fleet-state.json' },
        log: { level: 'info' },
      },
      '(demo)',
      env,
    );
    const first = fleet.routers[0]!.simulator;
    return { config, simulatorHost: first.host, simulatorPort: first.port, close: () => fleet.close() };
  } catch (error) {
    await fleet.close();
    throw error;
  }
}
