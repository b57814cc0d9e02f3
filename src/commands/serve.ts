import { type Runtime, startRuntime } from '../app/runtime.js';
import { type Config, ConfigError, loadConfigFile } from '../config/load.js';
import { StateLockedError } from '../inventory/state-lock.js';
import { createLogger, type Logger } from '../logging.js';
import { commandConfig } from './command-config.js';

const SHUTDOWN_DEADLINE_MS = 5000;

export async function serveCommand(options: { configPath?: string; demo: boolean }): Promise<number> {
  const loaded = await commandConfig(options);
  if (loaded === null) return 1;
  const { config, demo, file: configFile } = loaded;
  const logger = createLogger(config.log.level);
  if (demo) logger.info({ simulator: `${demo.simulatorHost}:${demo.simulatorPort}` }, 'demo: simulated RouterOS router started');
  for (const warning of loaded.warnings) logger.warn(warning);

  let runtime: Runtime;
  try {
    runtime = await startRuntime(config, logger);
  } catch (error) {
    // A router file that does not validate stops the start like the config itself.
    if (error instanceof StateLockedError || error instanceof ConfigError)
      process.stderr.write(`network-monitor: ${error.message}\n`);
    else logger.fatal({ err: error }, 'cannot start');
    await demo?.close();
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      // A stuck socket must not keep the process past the documented 5 s bound.
      const deadline = setTimeout(() => {
        logger.error('shutdown deadline passed; exiting');
        resolve(0);
      }, SHUTDOWN_DEADLINE_MS - 500);
      deadline.unref();
      runtime
        .stop()
        .then(() => demo?.close())
        .catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'))
        .finally(() => {
          clearTimeout(deadline);
          logger.info('stopped');
          resolve(0);
        });
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
    const reload = serialReload(() => (stopping ? Promise.resolve() : reloadConfig(configFile, runtime, logger)));
    process.on('SIGHUP', () => {
      logger.info({ signal: 'SIGHUP' }, 'reloading configuration');
      reload();
    });
  }).then((code) => {
    // Sockets of routers that never answered may still hold the loop open; the state is flushed, so exit now.
    process.exit(code);
  });
}

/**
 * Re-reads the config file and applies it. A file that does not validate is
 * refused as a whole, with every problem logged, and the running routers stay.
 */
async function reloadConfig(file: string | null, runtime: Runtime, logger: Logger): Promise<void> {
  if (file === null) {
    logger.warn('reload: the demo has no configuration file; nothing to re-read');
    return;
  }
  // A config that does not validate, alone or with the router files, changes nothing.
  const refused = (error: unknown): boolean => {
    if (!(error instanceof ConfigError)) return false;
    logger.error({ problems: error.problems }, `reload refused, the running configuration stays: ${error.message}`);
    return true;
  };
  let next: Config;
  try {
    const loaded = loadConfigFile(file);
    next = loaded.config;
    for (const warning of loaded.warnings) logger.warn(warning);
  } catch (error) {
    if (!refused(error)) logger.error({ err: error }, 'reload failed, the running configuration stays');
    return;
  }
  try {
    // Read with the router files, a gateway or watched device naming no router refuses the reload too.
    const result = await runtime.reconfigure(next);
    if (result.needsRestart.length > 0) {
      logger.warn(
        { settings: result.needsRestart },
        'reload: these settings changed and need a restart; the running values stay',
      );
    }
    logger.info(
      { added: result.added, removed: result.removed, changed: result.changed },
      `configuration reloaded: ${result.added.length} router(s) added, ${result.removed.length} removed, ${result.changed.length} reconnected`,
    );
  } catch (error) {
    if (!refused(error)) logger.error({ err: error }, 'reload failed');
  }
}

/** One reload at a time; signals that arrive meanwhile collapse into one more run. */
function serialReload(run: () => Promise<void>): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async (): Promise<void> => {
    do {
      again = false;
      await run();
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      return;
    }
    running = loop();
  };
}
