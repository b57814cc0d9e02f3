import type { Config } from '../config/load.js';
import { createApp } from '../http/app.js';
import { type ListeningServer, listen } from '../http/server.js';
import { loadWebConfig } from '../http/web-config.js';
import { StateStore } from '../inventory/persistence.js';
import { DeviceRegistry } from '../inventory/registry.js';
import { acquireStateLock, type StateLock } from '../inventory/state-lock.js';
import type { Logger } from '../logging.js';
import { createLiveRegistry } from '../metrics/live-registry.js';
import { Monitor, type RouterClient, type RouterSetChange } from '../monitor.js';
import { RouterSession } from '../routeros/session.js';
import { vendorFields } from '../vendor/oui.js';
import { VERSION } from '../version.js';
import { StateWriter } from './state-saver.js';

export interface Runtime {
  monitor: Monitor;
  registry: DeviceRegistry;
  store: StateStore | null;
  server: ListeningServer | null;
  /** Applies a reloaded configuration (SIGHUP) as far as it can change live. */
  reconfigure(next: Config): Promise<ReconfigureResult>;
  stop(): Promise<void>;
}

export interface ReconfigureResult extends RouterSetChange {
  /** Settings that differ but only take effect after a restart (kept as they were). */
  needsRestart: string[];
}

/**
 * Settings a reload cannot change in a running process: the listening socket,
 * the state file (and its lock), what the registry and the scheduler were built
 * with. They are compared as JSON and reported by their config path.
 */
const RESTART_ONLY: ReadonlyArray<[string, (config: Config) => unknown]> = [
  ['http.listen', (config) => config.http.listen],
  ['http.webConfigFile', (config) => config.http.webConfigFile],
  ['state.path', (config) => config.state.path],
  ['poll', (config) => config.poll],
  ['presence', (config) => config.presence],
  ['retention', (config) => config.retention],
  ['devices', (config) => config.devices],
];

export function restartOnlyChanges(current: Config, next: Config): string[] {
  return RESTART_ONLY.filter(([, read]) => JSON.stringify(read(current)) !== JSON.stringify(read(next))).map(([key]) => key);
}

export function createRegistry(config: Config): DeviceRegistry {
  return new DeviceRegistry({
    presence: config.presence,
    retention: config.retention,
    watched: config.devices,
    routers: config.routers.map((router) => router.name),
  });
}

export function createRouterClient(_config: Config, logger: Logger) {
  return (router: Config['routers'][number]): RouterClient => new RouterSession({ ...router, logger });
}

/** Everything `serve` runs: state reloaded, polling started, HTTP listening. */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  // Read before anything starts, so a bad web config stops the start with its own message.
  const web = config.http.webConfigFile ? loadWebConfig(config.http.webConfigFile) : {};
  const registry = createRegistry(config);
  // Before anything reads or cleans the state files: a second instance stops here (StateLockedError).
  const lock = await acquireStateLock(config.state.path, logger);
  try {
    return await startLocked(config, logger, web, registry, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startLocked(
  config: Config,
  logger: Logger,
  web: ReturnType<typeof loadWebConfig> | Record<string, never>,
  registry: DeviceRegistry,
  lock: StateLock,
): Promise<Runtime> {
  const store = new StateStore(config.state.path, logger);
  const saved = await store.load();
  if (saved) {
    const report = registry.importState(saved, Date.now() / 1000);
    logger.info({ path: config.state.path, devices: saved.devices.length }, 'device state loaded');
    const future = report.futureTimestamps;
    if (future.devices > 0 || future.routers > 0) {
      logger.warn(
        { path: config.state.path, ...future },
        'device state holds times later than now (a clock that was ahead, or an edited file): dropped or clamped to now',
      );
    }
  }
  const saver = new StateWriter(registry, store);
  const monitor = new Monitor({
    config,
    logger,
    inventory: registry,
    createClient: createRouterClient(config, logger),
    persistence: saver,
  });
  const app = createApp({
    logger,
    version: VERSION,
    snapshot: () => monitor.snapshot(),
    liveRegistry: createLiveRegistry({
      version: VERSION,
      stateWrites: () => ({ errorsTotal: store.writeErrorsTotal, lastSuccess: store.lastWriteSuccess }),
    }),
    isReady: () => monitor.isReady(),
    authenticate: web.authenticate,
    decorateDevice: vendorFields,
  });
  const server = await listen(app, {
    ...config.listen,
    tls: web.tls,
    onRefusedClient: (reason, client) => logger.debug({ client, reason }, 'TLS client refused by client_auth_type'),
  });
  logger.info({ url: server.url, routers: config.routers.map((r) => r.name) }, 'serving metrics');
  monitor.start();
  return {
    monitor,
    registry,
    store,
    server,
    async reconfigure(next) {
      // Compared with what the process started with: those settings never change while it runs.
      const needsRestart = restartOnlyChanges(config, next);
      const change = await monitor.setRouters(next.routers);
      logger.level = next.log.level;
      return { ...change, needsRestart };
    },
    async stop() {
      await monitor.stop();
      await store.close();
      await lock.release();
      await server.close();
    },
  };
}
