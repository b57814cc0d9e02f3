import { type Config, ConfigError, type RouterConfig } from '../config/load.js';
import { type OwnFile, skippedFileMessage } from '../config/own-files.js';
import { collectRouters, RouterFileSet } from '../config/router-files.js';
import { routersOfShard } from '../config/shard.js';
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
import { replyLimitsFor } from '../routeros/transport.js';
import { vendorFields } from '../vendor/oui.js';
import { VERSION } from '../version.js';
import { watchRouterFiles } from './router-files-watch.js';
import { readSiblingState, shardStatePath, siblingStatePaths } from './shard-state.js';
import { StateWriter } from './state-saver.js';

export interface Runtime {
  monitor: Monitor;
  registry: DeviceRegistry;
  store: StateStore | null;
  server: ListeningServer | null;
  /** Applies a reloaded configuration (SIGHUP) as far as it can change live; router files are read again too. */
  reconfigure(next: Config): Promise<ReconfigureResult>;
  /** Reads the router files again and applies what changed (the file watcher calls this). */
  refreshRouterFiles(): Promise<RouterSetChange>;
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
  ['shard', (config) => config.shard],
  ['presence', (config) => config.presence],
  ['retention', (config) => config.retention],
];

/**
 * Access point -> gateway, from routers[].gateway. A bad gateway (in the
 * config or a router file) is refused at start and by check-config, so the
 * registry is built from good ones; while running, gateways only take effect
 * at a restart, and this map (bad ones left out) tells whether they changed.
 */
export function gatewaysOf(config: { routers: ReadonlyArray<Pick<RouterConfig, 'name' | 'gateway'>> }): Map<string, string> {
  const byName = new Map(config.routers.map((router) => [router.name, router]));
  const gateways = new Map<string, string>();
  for (const router of config.routers) {
    const gateway = router.gateway ? byName.get(router.gateway) : undefined;
    if (gateway !== undefined && gateway.name !== router.name && !gateway.gateway) gateways.set(router.name, gateway.name);
  }
  return gateways;
}

export function restartOnlyChanges(current: Config, next: Config): string[] {
  return RESTART_ONLY.filter(([, read]) => JSON.stringify(read(current)) !== JSON.stringify(read(next))).map(([key]) => key);
}

export function createRegistry(config: Config, routers: ReadonlyArray<RouterConfig> = config.routers): DeviceRegistry {
  return new DeviceRegistry({
    presence: config.presence,
    retention: config.retention,
    watched: config.devices,
    routers: routers.map((router) => router.name),
    gateways: gatewaysOf({ routers }),
  });
}

/** Devices of the routers this shard polls, from the other instances' state files (read only). */
function importOtherShards(
  registry: DeviceRegistry,
  configuredPath: string,
  ownPath: string,
  routers: ReadonlyArray<RouterConfig>,
  logger: Logger,
): void {
  const mine = new Set(routers.map((router) => router.name));
  for (const file of siblingStatePaths(configuredPath, ownPath)) {
    const read = readSiblingState(file, mine);
    if ('error' in read) {
      logger.warn({ path: file, problem: read.error }, 'state file of another shard skipped');
      continue;
    }
    if (read.devices === 0) continue;
    registry.importState(read.state, Date.now() / 1000);
    logger.info(
      { path: file, devices: read.devices },
      "device history of this shard's routers imported from another shard's state file",
    );
  }
}

/**
 * The routers this instance polls: the config's and its router files', then
 * this shard's share. A problem in a router file is returned, not thrown: the
 * caller decides whether it stops a start or only gets logged.
 */
export function routersToPoll(config: Config, files: RouterFileSet) {
  const all = collectRouters(config, files);
  return { ...all, all: all.routers, routers: routersOfShard(all.routers, config.shard) };
}

/** Once per file: the exporter's own files that routerFiles matched, skipped (the same words as check-config). */
function logSkippedFiles(logger: Logger, skipped: ReadonlyArray<OwnFile>): void {
  for (const skip of skipped) logger.warn({ file: skip.file, is: skip.is }, skippedFileMessage(skip));
}

export function createRouterClient(config: Config, logger: Logger) {
  const replyLimits = replyLimitsFor(config.retention.maxDevicesPerRouter);
  return (router: Config['routers'][number]): RouterClient => new RouterSession({ ...router, logger, replyLimits });
}

/** Everything `serve` runs: state reloaded, polling started, HTTP listening. */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  // Read before anything starts, so a bad web config stops the start with its own message.
  const web = config.http.webConfigFile ? loadWebConfig(config.http.webConfigFile) : {};
  const files = new RouterFileSet(config.routerFiles);
  const initial = routersToPoll(config, files);
  if (initial.problems.length > 0) throw new ConfigError(config.source, initial.problems);
  logSkippedFiles(logger, initial.newSkipped);
  if (config.shard !== null) {
    logger.info(
      { shard: `${config.shard.index}/${config.shard.count}`, polled: initial.routers.length, total: initial.all.length },
      "shard: polling this instance's share of the routers",
    );
  }
  // The registry knows every router of the fleet, not only this shard's: the devices of a router
  // that moved to another shard stay in this file for its new owner to read (see shard-state.ts).
  const registry = createRegistry(config, initial.all);
  const statePath = shardStatePath(config.state.path, config.shard);
  // Before anything reads or cleans the state files: a second instance stops here (StateLockedError).
  const lock = await acquireStateLock(statePath, logger);
  try {
    return await startLocked({ config, logger, web, registry, lock, statePath, files, initial });
  } catch (error) {
    await lock.release();
    throw error;
  }
}

interface LockedStart {
  config: Config;
  logger: Logger;
  web: ReturnType<typeof loadWebConfig> | Record<string, never>;
  registry: DeviceRegistry;
  lock: StateLock;
  /** This instance's state file (its shard's). */
  statePath: string;
  files: RouterFileSet;
  initial: ReturnType<typeof routersToPoll>;
}

async function startLocked({ config, logger, web, registry, lock, statePath, files, initial }: LockedStart): Promise<Runtime> {
  const store = new StateStore(statePath, logger);
  const saved = await store.load();
  if (saved) {
    const report = registry.importState(saved, Date.now() / 1000);
    logger.info({ path: statePath, devices: saved.devices.length }, 'device state loaded');
    const future = report.futureTimestamps;
    if (future.devices > 0 || future.routers > 0) {
      logger.warn(
        { path: statePath, ...future },
        'device state holds times later than now (a clock that was ahead, or an edited file): dropped or clamped to now',
      );
    }
  }
  if (config.shard !== null) importOtherShards(registry, config.state.path, statePath, initial.routers, logger);
  const saver = new StateWriter(registry, store);
  const monitor = new Monitor({
    config: { ...config, routers: initial.routers },
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
  logger.info({ url: server.url, routers: initial.routers.map((r) => r.name) }, 'serving metrics');
  monitor.start();
  let current = config;
  // Applies the router set from `current` (or a reloaded config) and the files; reloads and file changes take turns.
  let applying: Promise<unknown> = Promise.resolve();
  let appliedSignature = JSON.stringify(initial.routers);
  // The registry's access points were set at start; a change (from any file) is reported, once.
  const startGateways = JSON.stringify([...gatewaysOf({ routers: initial.all })]);
  let reportedGateways = startGateways;
  let reportedFleet = new Set<string>();
  const applyRouters = (reason: string, reloaded?: Config): Promise<RouterSetChange & { gatewaysChanged: boolean }> => {
    const run = applying.then(async () => {
      if (reloaded) files.setPatterns(reloaded.routerFiles);
      const next = routersToPoll(reloaded ?? current, files);
      for (const problem of next.newProblems) {
        logger.error({ file: problem.path, problem: problem.message }, 'router file refused; its last good version stays');
      }
      logSkippedFiles(logger, next.newSkipped);
      if (reloaded) {
        // A reloaded config whose gateways or watched devices name no router is refused as a whole.
        const own = next.fleetProblems.filter((problem) => problem.path.startsWith('$'));
        if (own.length > 0) {
          files.setPatterns(current.routerFiles);
          throw new ConfigError(reloaded.source, own);
        }
        current = reloaded;
      }
      const fleet = new Set(next.fleetProblems.map((problem) => `${problem.path}: ${problem.message}`));
      for (const problem of fleet) {
        if (!reportedFleet.has(problem)) logger.error({ problem }, 'configuration problem between routers; fix it');
      }
      reportedFleet = fleet;
      const gateways = JSON.stringify([...gatewaysOf({ routers: next.all })]);
      if (gateways !== reportedGateways) {
        reportedGateways = gateways;
        // A reload reports it with the other settings that need a restart.
        if (gateways !== startGateways && !reloaded)
          logger.warn({ setting: 'routers[].gateway' }, 'gateways changed; they take effect at the next restart');
      }
      const gatewaysChanged = gateways !== startGateways;
      // The re-scan runs every interval: with nothing changed it must not touch the monitor.
      const signature = JSON.stringify(next.routers);
      if (signature === appliedSignature) return { added: [], removed: [], changed: [], gatewaysChanged };
      appliedSignature = signature;
      const change = await monitor.setRouters(next.routers);
      if (change.added.length + change.removed.length + change.changed.length > 0) {
        logger.info({ reason, ...change }, 'routers changed');
      }
      return { ...change, gatewaysChanged };
    });
    applying = run.catch(() => undefined);
    return run;
  };
  // Re-scanned once per poll interval (at most every 30 s): a change is applied within two intervals at worst.
  const watcher = watchRouterFiles({
    directories: () => files.directories(),
    rescanMs: Math.max(1000, Math.min(30_000, config.poll.intervalSeconds * 1000)),
    onChange: () => {
      if (current.routerFiles.length === 0) return;
      applyRouters('router files changed').catch((error: unknown) =>
        logger.error({ err: error }, 'applying router files failed'),
      );
    },
    logger,
  });
  return {
    monitor,
    registry,
    store,
    server,
    async reconfigure(next) {
      // Compared with what the process started with: those settings never change while it runs.
      const needsRestart = restartOnlyChanges(config, next);
      const watchedBefore = JSON.stringify(current.devices);
      // The shard and the state file are restart-only settings: a reload keeps the running ones.
      const running = { ...next, shard: config.shard, state: config.state };
      const { gatewaysChanged, ...change } = await applyRouters('reload', running);
      if (gatewaysChanged) needsRestart.push('routers[].gateway');
      // Names and watched flags change in place, and show at the next scrape (a router that is down included).
      if (JSON.stringify(next.devices) !== watchedBefore) {
        registry.setWatched(next.devices);
        monitor.republishDevices();
      }
      logger.level = next.log.level;
      return { ...change, needsRestart };
    },
    refreshRouterFiles: () => applyRouters('router files changed'),
    async stop() {
      watcher.close();
      await monitor.stop();
      await store.close();
      await lock.release();
      await server.close();
    },
  };
}
