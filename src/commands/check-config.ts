import { ConfigError, loadConfigFile, resolveConfigPath } from '../config/load.js';
import { skippedFileMessage } from '../config/own-files.js';
import { collectRouters, RouterFileSet } from '../config/router-files.js';
import { routersOfShard } from '../config/shard.js';
import { loadWebConfig, WebConfigError } from '../http/web-config.js';

export async function checkConfigCommand(options: { configPath?: string }): Promise<number> {
  const file = resolveConfigPath(options.configPath);
  try {
    const { config, warnings } = loadConfigFile(file);
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    // Router files are validated too, exactly as `serve` reads them at start.
    const all = collectRouters(config, new RouterFileSet(config.routerFiles));
    for (const skip of all.skipped) process.stderr.write(`warning: ${skippedFileMessage(skip)}\n`);
    if (all.problems.length > 0) throw new ConfigError(file, all.problems);
    // The web config too, as `serve` reads it at start (TLS files, client_auth_type with client_ca_file, users).
    if (config.http.webConfigFile !== null) {
      try {
        loadWebConfig(config.http.webConfigFile);
      } catch (error) {
        if (!(error instanceof WebConfigError)) throw error;
        throw new ConfigError(file, [{ path: '$.http.webConfigFile', message: error.message }]);
      }
    }
    const names = all.routers.map((r) => r.name);
    const routers = names.length > 20 ? `${names.slice(0, 20).join(', ')}, ...` : names.join(', ');
    const files = config.routerFiles.length > 0 ? ` from the config and ${count(all.files.length, 'router file')}` : '';
    const shard =
      config.shard === null
        ? ''
        : `; shard ${config.shard.index}/${config.shard.count} polls ${routersOfShard(all.routers, config.shard).length}`;
    process.stdout.write(
      `${file}: OK (${count(names.length, 'router')}${files}: ${routers}${shard}; ${count(config.devices.length, 'watched device')})\n`,
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
