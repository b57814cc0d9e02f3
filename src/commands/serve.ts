import { type Demo, startDemo } from '../app/demo.js';
import { type Runtime, startRuntime } from '../app/runtime.js';
import { type Config, ConfigError, loadConfigFile, resolveConfigPath } from '../config/load.js';
import { createLogger, type Logger } from '../logging.js';

const SHUTDOWN_DEADLINE_MS = 5000;

export async function serveCommand(options: { configPath?: string; demo: boolean }): Promise<number> {
  let config: Config;
  let demo: Demo | null = null;
  let logger: Logger;
  if (options.demo) {
    demo = await startDemo(process.env);
    config = demo.config;
    logger = createLogger(config.log.level);
    logger.info({ simulator: `${demo.simulatorHost}:${demo.simulatorPort}` }, 'demo: simulated RouterOS router started');
  } else {
    const file = resolveConfigPath(options.configPath);
    try {
      const loaded = loadConfigFile(file);
      config = loaded.config;
      logger = createLogger(config.log.level);
      for (const warning of loaded.warnings) logger.warn(warning);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`network-monitor: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }

  let runtime: Runtime;
  try {
    runtime = await startRuntime(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    await demo?.close();
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      // A stuck socket must not keep the process past SPEC's bound.
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
  }).then((code) => {
    // Sockets of routers that never answered may still hold the loop open; the state is flushed, so exit now.
    process.exit(code);
  });
}
