import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_FIELD } from './own-files.js';
import { type ConfigProblem, describeIssues, formatPath } from './problems.js';
import { configSchema, type ListenAddress, parseListen, type RawConfig, type RouterSources } from './schema.js';
import { parseShardEnv } from './shard.js';
import { type SecretFile, stateFileProblems, webConfigFiles } from './state-path.js';

export { type ConfigProblem, formatPath };

export interface RouterConfig {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  tls: { enabled: boolean; ca: string | null; rejectUnauthorized: boolean; anonymous: boolean };
  timeoutSeconds: number;
  /** The router whose LAN this one (an access point) belongs to; null (or absent) for a gateway or standalone router. */
  gateway?: string | null;
  /** Absent: every source on. */
  sources?: RouterSources;
}

export interface Config extends Omit<RawConfig, 'routers'> {
  routers: RouterConfig[];
  listen: ListenAddress;
  /** Where the file was read from. */
  source: string;
  /** The config file itself and the files it names that hold secrets (password files, CAs, the web config and its TLS files). */
  secretFiles: SecretFile[];
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
    /** What to do about it, when there is one thing to do (e.g. copy the example). */
    readonly hint: string = CONFIG_REFERENCE_HINT,
  ) {
    super(`invalid configuration ${source}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n${hint}`);
    this.name = 'ConfigError';
  }
}

export const CONFIG_REFERENCE_HINT = 'Every key, its default and its range: docs/configuration.md';

export interface LoadedConfig {
  config: Config;
  /** Things worth a startup warning that do not stop the exporter. */
  warnings: string[];
}

export const DEFAULT_CONFIG_PATH = 'configuration/config.json';
const API_PORT = 8728;
const API_SSL_PORT = 8729;

export function resolveConfigPath(cliValue: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return cliValue ?? env.NETMON_CONFIG ?? DEFAULT_CONFIG_PATH;
}

/** Validates a parsed JSON document and applies environment overrides; no file I/O except password files. */
export function buildConfig(document: unknown, source: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const withEnv = applyEnvOverrides(document, env, source);
  const parsed = configSchema.safeParse(withEnv);
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error.issues, withEnv, configSchema));
  const raw = parsed.data;
  const problems: ConfigProblem[] = [];
  // Relative paths resolve against the working directory, as shell/run.sh (repo root) and the
  // container (WORKDIR /app) run it, so the default `data/state.json` lands in the top-level data/.
  const baseDir = process.cwd();
  const routers = raw.routers.map((router, index) =>
    buildRouter(router, baseDir, env, (message, key) => problems.push({ path: formatPath(['routers', index, key]), message })),
  );
  if (problems.length > 0) throw new ConfigError(source, problems);
  const listen = parseListen(raw.http.listen);
  if (!listen) throw new ConfigError(source, [{ path: '$.http.listen', message: 'invalid listen address' }]);
  const statePath = path.resolve(baseDir, raw.state.path);
  const webConfigFile = raw.http.webConfigFile === null ? null : path.resolve(baseDir, raw.http.webConfigFile);
  const secrets: SecretFile[] = [{ field: CONFIG_FILE_FIELD, file: path.resolve(baseDir, source) }];
  raw.routers.forEach((router, index) => {
    secrets.push(...routerSecretFiles(router, routers[index]!, baseDir, (keys) => formatPath(['routers', index, ...keys])));
  });
  if (webConfigFile !== null) {
    secrets.push({ field: '$.http.webConfigFile', file: webConfigFile }, ...webConfigFiles(webConfigFile));
  }
  // Every shard's state file: each instance of a fleet reads this same config.
  const stateProblems = stateFileProblems(statePath, secrets, raw.shard);
  if (stateProblems.length > 0) throw new ConfigError(source, stateProblems);
  const config: Config = {
    ...raw,
    routers,
    listen,
    state: { path: statePath },
    http: {
      ...raw.http,
      webConfigFile,
    },
    source,
    secretFiles: secrets,
  };
  return { config, warnings: [] };
}

/** A validated router object (from the config or a router file) with its password read and paths resolved. */
export function buildRouter(
  router: RawConfig['routers'][number],
  baseDir: string,
  env: NodeJS.ProcessEnv,
  report: (message: string, key: string) => void,
): RouterConfig {
  const password = resolvePassword(router, baseDir, env, report);
  const tls = router.tls;
  return {
    name: router.name,
    host: router.host,
    // The API port follows TLS when none is given: 8729 for api-ssl, 8728 without.
    port: router.port ?? (tls.enabled ? API_SSL_PORT : API_PORT),
    user: router.user,
    password,
    tls: { ...tls, ca: tls.ca === null ? null : path.resolve(baseDir, tls.ca) },
    timeoutSeconds: router.timeoutSeconds,
    gateway: router.gateway,
    sources: { ...router.sources },
  };
}

/** The files of a router that hold secrets (its passwordFile, its TLS CA), each named by `field(keys)`. */
export function routerSecretFiles(
  router: RawConfig['routers'][number],
  built: RouterConfig,
  baseDir: string,
  field: (keys: string[]) => string,
): SecretFile[] {
  const files: SecretFile[] = [];
  if (router.passwordFile !== undefined) {
    files.push({ field: field(['passwordFile']), file: path.resolve(baseDir, router.passwordFile) });
  }
  if (built.tls.ca !== null) files.push({ field: field(['tls', 'ca']), file: built.tls.ca });
  return files;
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadableConfig(file, error as NodeJS.ErrnoException);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [{ path: '$', message: `not valid JSON: ${describeJsonError(text, error)}` }]);
  }
  const loaded = buildConfig(document, file, env);
  const warnings = [...loaded.warnings];
  const hasInlinePassword =
    typeof document === 'object' &&
    document !== null &&
    Array.isArray((document as { routers?: unknown }).routers) &&
    (document as { routers: Array<Record<string, unknown>> }).routers.some((r) => typeof r?.password === 'string');
  if (hasInlinePassword && process.platform !== 'win32') {
    const mode = statSync(file).mode;
    if ((mode & 0o004) !== 0) {
      warnings.push(
        `${file} holds a router password and is world-readable (mode ${(mode & 0o777).toString(8)}); chmod 600 it or use passwordFile/passwordEnv`,
      );
    }
  }
  return { config: loaded.config, warnings };
}

const EXAMPLE_CONFIG = 'configuration/config.example.json';

/** A config file that cannot be read, with the one thing to do about it. */
function unreadableConfig(file: string, error: NodeJS.ErrnoException): ConfigError {
  switch (error.code) {
    case 'ENOENT':
      return new ConfigError(
        file,
        [{ path: '$', message: 'no such file' }],
        `To start, copy the example and fill in your router (docs/configuration.md):\n  cp ${EXAMPLE_CONFIG} ${file}\nTo try the exporter without a router: network-monitor serve --demo`,
      );
    case 'EACCES': {
      const uid = process.getuid?.();
      return new ConfigError(
        file,
        [{ path: '$', message: `permission denied${uid === undefined ? '' : ` (this process runs as uid ${uid})`}` }],
        `Make the file readable by that user. In the container the exporter runs as uid 1000:\n  sudo chown 1000:1000 ${file} && chmod 600 ${file}`,
      );
    }
    case 'EISDIR':
      return new ConfigError(file, [{ path: '$', message: 'is a directory, not a file' }]);
    default:
      return new ConfigError(file, [{ path: '$', message: `cannot read file: ${error.code ?? String(error)}` }]);
  }
}

/**
 * JSON.parse's message without the source text: V8 quotes the text around an
 * unexpected token (`Unexpected token 'h', ..."password": hunter2 }"... is not
 * valid JSON`), which prints a password written without quotes. The location
 * is kept, as a line and column.
 */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /^(.*?) (in|after) JSON at position (\d+)/s.exec(message);
  if (at && !at[1]!.includes('"')) {
    const what = at[1]!.startsWith('Unexpected token') ? 'unexpected character' : at[1]!;
    return `${what}${at[2] === 'after' ? ' after the JSON value' : ''} at ${lineAndColumn(text, Number(at[3]))}`;
  }
  if (!message.includes('"')) return message; // e.g. "Unexpected end of JSON input"
  // The quoted excerpt, with V8's "..." marks outside the quotes, locates the problem.
  const excerpt = /"(.*)"(?:\.\.\.)? is not valid JSON$/s.exec(message)?.[1];
  const index = excerpt !== undefined && excerpt.length > 0 ? text.indexOf(excerpt) : -1;
  return index >= 0 ? `unexpected character near ${lineAndColumn(text, index)}` : 'unexpected character';
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

function applyEnvOverrides(document: unknown, env: NodeJS.ProcessEnv, source: string): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const copy: Record<string, unknown> = { ...(document as Record<string, unknown>) };
  if (env.NETMON_SHARD !== undefined && env.NETMON_SHARD !== '') {
    const shard = parseShardEnv(env.NETMON_SHARD);
    if (shard === null) {
      throw new ConfigError(source, [
        { path: 'NETMON_SHARD', message: 'expected "i/n" with 0 <= i < n, e.g. "0/2" for the first of two instances' },
      ]);
    }
    copy.shard = shard;
  }
  if (env.NETMON_LISTEN) {
    copy.http = { ...(asObject(copy.http) ?? {}), listen: env.NETMON_LISTEN };
  }
  if (env.LOG_LEVEL) {
    copy.log = { ...(asObject(copy.log) ?? {}), level: env.LOG_LEVEL.toLowerCase() };
  }
  return copy;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function resolvePassword(
  router: RawConfig['routers'][number],
  baseDir: string,
  env: NodeJS.ProcessEnv,
  report: (message: string, key: string) => void,
): string {
  if (router.password !== undefined) return router.password;
  if (router.passwordFile !== undefined) {
    const file = path.resolve(baseDir, router.passwordFile);
    try {
      // A trailing newline is what `echo secret > file` leaves; it is never part of the password.
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      report(`cannot read password file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'passwordFile');
      return '';
    }
  }
  if (router.passwordEnv !== undefined) {
    const value = env[router.passwordEnv];
    if (value === undefined) report(`environment variable ${router.passwordEnv} is not set`, 'passwordEnv');
    return value ?? '';
  }
  return '';
}
