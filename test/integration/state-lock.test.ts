/**
 * One writer per state file, against real `serve` processes: a second instance
 * on the same file is refused with one line naming the file and the first
 * one's pid while the first keeps serving; after a kill -9 the next start
 * takes the stale lock over and cleans the temporary files left behind.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../security/cli.js';
import { type ExporterProcess, startExporter, waitFor } from '../support/exporter-process.js';

describe('state file lock between real serve processes', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  it('refuses a second instance, keeps the first, and recovers the lock after a kill -9', async () => {
    const sim: RunningSimulator = await startSimulator({ users: [{ name: 'monitor', password: 'pw-lock' }] });
    cleanups.push(() => sim.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-lock-'));
    const statePath = path.join(dir, 'state.json');
    const configPath = path.join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        routers: [{ name: 'home', host: sim.host, port: sim.port, user: 'monitor', password: 'pw-lock', timeoutSeconds: 2 }],
        poll: { intervalSeconds: 1 },
        state: { path: statePath },
      }),
      { mode: 0o600 },
    );
    const start = async (): Promise<ExporterProcess> => {
      const proc = await startExporter({ configPath });
      cleanups.push(() => proc.stop('SIGKILL'));
      return proc;
    };

    const first = await start();
    await waitFor(() => (existsSync(statePath) ? true : undefined), 10_000, 'the first state write');
    const second = await runCli(['serve', '--config', configPath], { NETMON_LISTEN: '127.0.0.1:0' });
    expect(second.status).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(`state file ${statePath} is in use by another network-monitor (pid ${first.child.pid} on `),
    ]);
    // The first one still polls, serves and writes.
    const polls = () =>
      fetch(`${first.url}/metrics`).then(async (r) => /netmon_router_up\{router="home"\} 1/.test(await r.text()));
    expect(await polls()).toBe(true);
    expect(first.child.exitCode).toBeNull();

    // A crashed writer leaves its lock and maybe a temporary file behind.
    first.child.kill('SIGKILL');
    await first.exited;
    writeFileSync(`${statePath}.tmp-99999-7`, '{"version":1,"sav');
    writeFileSync(`${statePath}.journal.tmp-99999-8`, 'x');
    expect(existsSync(`${statePath}.lock`)).toBe(true);
    const third = await start();
    expect(third.output()).toContain('took over the lock of a network-monitor that is no longer running');
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(await fetch(`${third.url}/metrics`).then((r) => r.status)).toBe(200);
    expect(await third.stop('SIGTERM')).toBe(0);
    // A clean stop gives the lock back.
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });
});
