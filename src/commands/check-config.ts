import { ConfigError, loadConfigFile, resolveConfigPath } from '../config/load.js';

export async function checkConfigCommand(options: { configPath?: string }): Promise<number> {
  const file = resolveConfigPath(options.configPath);
  try {
    const { config, warnings } = loadConfigFile(file);
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    const routers = config.routers.map((r) => r.name).join(', ');
    process.stdout.write(
      `${file}: OK (${count(config.routers.length, 'router')}: ${routers}; ${count(config.devices.length, 'watched device')})\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${file}: ${count(error.problems.length, 'problem')}\n`);
      for (const problem of error.problems) process.stderr.write(`  ${problem.path}: ${problem.message}\n`);
      process.stderr.write(`${error.hint}\n`);
      return 1;
    }
    throw error;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
