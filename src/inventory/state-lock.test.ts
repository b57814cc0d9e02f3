import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireStateLock, type LockLogger, processStartTime, STALE_AFTER_MS, StateLockedError } from './state-lock.js';

function recorder(): LockLogger & { lines: Array<[string, object, string]> } {
  const lines: Array<[string, object, string]> = [];
  return {
    lines,
    warn: (details, message) => lines.push(['warn', details, message]),
    error: (details, message) => lines.push(['error', details, message]),
  };
}

let dir: string;
let statePath: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netmon-lock-'));
  statePath = join(dir, 'state.json');
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Another live process, as the owner of a lock. */
async function liveProcess(): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid!;
}

async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const writeLock = (owner: object) => writeFile(`${statePath}.lock`, JSON.stringify(owner));

describe('state file lock', () => {
  it('is created with our pid, host and start time, and removed on release', async () => {
    const lock = await acquireStateLock(statePath, recorder());
    expect(lock.held).toBe(true);
    expect(JSON.parse(await readFile(`${statePath}.lock`, 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      started: processStartTime(process.pid),
    });
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses while another live process holds it, naming the file and the pid', async () => {
    const pid = await liveProcess();
    await writeLock({ pid, host: hostname(), started: processStartTime(pid) });
    const attempt = acquireStateLock(statePath, recorder());
    await expect(attempt).rejects.toBeInstanceOf(StateLockedError);
    await expect(attempt).rejects.toThrow(
      `state file ${statePath} is in use by another network-monitor (pid ${pid} on ${hostname()})`,
    );
    expect(JSON.parse(await readFile(`${statePath}.lock`, 'utf8')).pid).toBe(pid);
  });

  it('takes over the lock of a process that is gone, with a warning', async () => {
    const pid = await deadPid();
    await writeLock({ pid, host: hostname(), started: '1' });
    const log = recorder();
    const lock = await acquireStateLock(statePath, log);
    expect(lock.held).toBe(true);
    expect(JSON.parse(await readFile(`${statePath}.lock`, 'utf8')).pid).toBe(process.pid);
    expect(log.lines.map(([level, details, message]) => [level, message, (details as { pid: number }).pid])).toEqual([
      ['warn', 'took over the lock of a network-monitor that is no longer running', pid],
    ]);
    expect(await readdir(dir)).toEqual(['state.json.lock']);
    await lock.release();
  });

  it('takes over when the pid runs again but is another process (reused pid), or is our own', async () => {
    const pid = await liveProcess();
    await writeLock({ pid, host: hostname(), started: `${Number(processStartTime(pid)) - 1}` });
    await (await acquireStateLock(statePath, recorder())).release();
    await unlink(`${statePath}.lock`).catch(() => undefined);
    await writeLock({ pid: process.pid, host: hostname(), started: '1' });
    const lock = await acquireStateLock(statePath, recorder());
    expect(lock.held).toBe(true);
    await lock.release();
  });

  it('another host: refused while its owner keeps the lock fresh, taken over once it is stale', async () => {
    await writeLock({ pid: 1, host: 'other-host', started: '5' });
    await expect(acquireStateLock(statePath, recorder())).rejects.toThrow('(pid 1 on other-host)');
    const old = new Date(Date.now() - STALE_AFTER_MS - 1000);
    await utimes(`${statePath}.lock`, old, old);
    const lock = await acquireStateLock(statePath, recorder());
    expect(lock.held).toBe(true);
    await lock.release();
  });

  it('a lock with no owner written yet is refused while fresh (being created) and taken over when old', async () => {
    await writeFile(`${statePath}.lock`, '');
    await expect(acquireStateLock(statePath, recorder())).rejects.toThrow('is being locked by another network-monitor');
    const old = new Date(Date.now() - STALE_AFTER_MS - 1000);
    await utimes(`${statePath}.lock`, old, old);
    expect((await acquireStateLock(statePath, recorder())).held).toBe(true);
  });

  it('release leaves alone a lock that is not ours any more', async () => {
    const lock = await acquireStateLock(statePath, recorder());
    await unlink(`${statePath}.lock`);
    await writeLock({ pid: 42, host: 'elsewhere', started: null });
    await lock.release();
    expect(JSON.parse(await readFile(`${statePath}.lock`, 'utf8')).pid).toBe(42);
  });

  it('an unwritable place is logged and not held, so the exporter still serves', async () => {
    await writeFile(join(dir, 'file'), 'not a directory');
    const log = recorder();
    const lock = await acquireStateLock(join(dir, 'file', 'state.json'), log);
    expect(lock.held).toBe(false);
    expect(log.lines.map(([level, , message]) => [level, message])).toEqual([['error', 'cannot lock the device state file']]);
  });
});
