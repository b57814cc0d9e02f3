import { type Demo, startDemo } from '../app/demo.js';
import { type Config, ConfigError, loadConfigFile, resolveConfigPath } from '../config/load.js';

export interface CommandConfig {
  config: Config;
  /** The demo's simulated routers, to close when the command ends; null with a config file. */
  demo: Demo | null;
  /** The config file; null for the demo. */
  file: string | null;
  /** Worth a warning, not a stop (loadConfigFile). */
  warnings: string[];
}

/**
 * What `serve` and `devices` run with: the demo's configuration (its simulated
 * routers started), or the config file's. A file that does not validate is
 * reported on stderr and null returned: the command exits 1.
 */
export async function commandConfig(options: { configPath?: string; demo?: boolean }): Promise<CommandConfig | null> {
  if (options.demo) {
    const demo = await startDemo(process.env);
    return { config: demo.config, demo, file: null, warnings: [] };
  }
  const file = resolveConfigPath(options.configPath);
  try {
    const { config, warnings } = loadConfigFile(file);
    return { config, demo: null, file, warnings };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`network-monitor: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}
