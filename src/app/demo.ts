import { buildConfig, type Config } from '../config/load.js';
import { type LanData, type RunningSimulator, sampleLan, startSimulator } from '../simulator/index.js';

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
}

/** The demo's routers: a home gateway with the sample home network behind it. */
const DEMO_ROUTERS: ReadonlyArray<DemoRouter> = [{ name: 'demo', lan: sampleLan }];

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
