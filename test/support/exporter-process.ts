import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningFleet } from '../../src/simulator/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ExporterProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process logged so far (pino JSON lines on stderr, plus stdout). */
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartExporterOptions {
  /** A config document (written to a temp file) or the path of one. */
  config?: unknown;
  configPath?: string;
  args?: string[];
  /** Modules imported into the process before the CLI starts (after tsx), e.g. a test's clock or timer shim. */
  preload?: string[];
  env?: NodeJS.ProcessEnv;
  /** Waits for /readyz too (every router attempted once). Default true. */
  waitReady?: boolean;
  timeoutMs?: number;
}

/**
 * Runs the real CLI (`serve`) as a child process from the TypeScript sources,
 * listening on a free loopback port, and resolves once it serves HTTP.
 */
export async function startExporter(options: StartExporterOptions = {}): Promise<ExporterProcess> {
  let configPath = options.configPath;
  if (options.config !== undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-exporter-'));
    configPath = path.join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(options.config, null, 2), { mode: 0o600 });
  }
  const args = [
    '--import',
    // Resolved here, so the child can run in another working directory (NETMON_TEST_CWD).
    import.meta.resolve('tsx'),
    ...(options.preload ?? []).flatMap((module) => ['--import', module]),
    path.join(ROOT, 'src/cli.ts'),
    'serve',
    ...(configPath ? ['--config', configPath] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.env?.NETMON_TEST_CWD ?? ROOT,
    env: { ...process.env, NETMON_LISTEN: '127.0.0.1:0', LOG_LEVEL: 'debug', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let url: string | null = null;
  while (url === null) {
    const match = /"url":"(http[s]?:\/\/[^"]+)"[^\n]*"msg":"serving metrics"/.exec(output);
    if (match?.[1]) url = match[1];
    else if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode} before serving:\n${output}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`exporter did not start in time:\n${output}`);
    } else await sleep(50);
  }
  if (options.waitReady !== false) {
    while (
      (await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`exporter not ready in time:\n${output}`);
      await sleep(50);
    }
  }
  return {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A config for every router of a simulated fleet, in a new temporary directory
 * (mode 600, as a real one holding passwords), with the state file beside it.
 */
export function writeFleetConfig(fleet: RunningFleet, intervalSeconds: number): { dir: string; configPath: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-fleet-config-'));
  const configPath = path.join(dir, 'config.json');
  const document = {
    routers: fleet.routerConfigs({ timeoutSeconds: 10 }),
    poll: { intervalSeconds },
    state: { path: path.join(dir, 'state.json') },
  };
  writeFileSync(configPath, JSON.stringify(document), { mode: 0o600 });
  return { dir, configPath };
}

/** One `serve` per shard (NETMON_SHARD=i/count) on the same config, started one after the other. */
export async function startShards(configPath: string, count: number): Promise<ExporterProcess[]> {
  const shards: ExporterProcess[] = [];
  for (let index = 0; index < count; index++) {
    shards.push(await startExporter({ configPath, env: { NETMON_SHARD: `${index}/${count}` } }));
  }
  return shards;
}

/**
 * Sends SIGHUP and resolves with what the process logged since `since` once it
 * matches `expectLog`. Take `since` (an output length) before changing a file
 * the process watches, as it may log that change before the signal.
 */
export function reload(
  exporter: ExporterProcess,
  expectLog: RegExp,
  since = exporter.output().length,
  timeoutMs = 15_000,
): Promise<string> {
  exporter.child.kill('SIGHUP');
  return waitFor(
    () => {
      const logged = exporter.output().slice(since);
      return expectLog.test(logged) ? logged : undefined;
    },
    timeoutMs,
    `log ${expectLog}`,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value that is not undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
