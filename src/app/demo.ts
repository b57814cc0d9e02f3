import { buildConfig, type Config } from '../config/load.js';
import { sampleLan, startSimulator } from '../simulator/index.js';

export interface Demo {
  config: Config;
  simulatorHost: string;
  simulatorPort: number;
  close(): Promise<void>;
}

const DEMO_USER = 'monitor';
const DEMO_PASSWORD = 'demo-password';

/**
 * `serve --demo`: the bundled simulator serves a sample LAN on loopback and the
 * exporter polls it like a real router, so a newcomer sees real output with
 * nothing configured. The LAN is animated: devices age, leave and come back.
 */
export async function startDemo(env: NodeJS.ProcessEnv): Promise<Demo> {
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: DEMO_USER, password: DEMO_PASSWORD }],
    lan: sampleLan(),
    animate: true,
  });
  const { config } = buildConfig(
    {
      routers: [{ name: 'demo', host: simulator.host, port: simulator.port, user: DEMO_USER, password: DEMO_PASSWORD }],
      poll: { intervalSeconds: 5 },
      devices: [
        { mac: '00:11:32:ED:E6:61', name: 'nas', router: 'demo' },
        { mac: '3C:D9:2B:C5:57:78', name: 'office printer', router: 'demo' },
        // Never on the sample LAN: shows how a watched device that is gone looks.
        { mac: '00:1B:63:00:00:01', name: 'old laptop', router: 'demo' },
      ],
      state: { path: 'data/demo-state.json' },
      log: { level: 'info' },
    },
    '(demo)',
    env,
  );
  return {
    config,
    simulatorHost: simulator.host,
    simulatorPort: simulator.port,
    close: () => simulator.close(),
  };
}
