import { ConfigError, loadConfigFile, resolveConfigPath } from '../config/load.js';

export async function checkConfigCommand(options: { configPath?: string }): Promise<number> {
  const file = resolveConfigPath(options.configPath);
  try {
    const { config, warnings } = loadConfigFile(file);
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(
      `${file}: OK (${config.routers.length} router(s): ${config.routers.map((r) => r.name).join(', ')}; ${config.devices.length} watched device(s))\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${file}: ${error.problems.length} problem(s)\n`);
      for (const problem of error.problems) process.stderr.write(`  ${problem.path}: ${problem.message}\n`);
      return 1;
    }
    throw error;
  }
}
