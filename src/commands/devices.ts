import { createRegistry, createRouterClient, routersToPoll } from '../app/runtime.js';
import { type Config, ConfigError } from '../config/load.js';
import { RouterFileSet } from '../config/router-files.js';
import { createLogger } from '../logging.js';
import { Monitor } from '../monitor.js';
import { commandConfig } from './command-config.js';
import { renderDeviceTable, useColor } from './device-table.js';

/** One poll of every router, printed; nothing is persisted, so it is safe beside a running `serve`. */
export async function devicesCommand(options: { configPath?: string; json: boolean; demo?: boolean }): Promise<number> {
  // With --demo, the same simulated home network `serve --demo` serves, read once.
  const loaded = await commandConfig(options);
  if (loaded === null) return 1;
  try {
    return await pollAndPrint(loaded.config, options.json);
  } finally {
    await loaded.demo?.close();
  }
}

async function pollAndPrint(config: Config, json: boolean): Promise<number> {
  // Only problems reach the terminal unless LOG_LEVEL asks for more (the config validated it).
  const logger = createLogger(process.env.LOG_LEVEL ? config.log.level : 'error');
  // The config's routers and its router files', this shard's share: what `serve` would poll.
  const toPoll = routersToPoll(config, new RouterFileSet(config.routerFiles));
  if (toPoll.problems.length > 0) {
    process.stderr.write(`network-monitor: ${new ConfigError(config.source, toPoll.problems).message}\n`);
    return 1;
  }
  const routers = toPoll.routers;
  const registry = createRegistry(config, routers);
  const monitor = new Monitor({
    config: { ...config, routers },
    logger,
    inventory: registry,
    createClient: createRouterClient(config, logger),
  });
  const outcomes = await monitor.pollAllOnce();
  await monitor.stop(0);
  const devices = monitor.snapshot().devices;
  if (json) {
    process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
  } else {
    process.stdout.write(renderDeviceTable(devices, { now: Date.now() / 1000, color: useColor(process.stdout, process.env) }));
  }
  const failed = outcomes.filter((outcome) => !outcome.ok);
  for (const outcome of failed) {
    process.stderr.write(`router ${outcome.router}: ${outcome.error?.reason}: ${outcome.error?.message}\n`);
  }
  return failed.length === 0 ? 0 : 1;
}
