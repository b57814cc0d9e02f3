import { readFileSync } from 'node:fs';
import { type FileHandle, link, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/**
 * One writer per state file: `<state path>.lock`, created exclusively (O_EXCL)
 * and holding the owner's pid, host and process start time.
 *
 * A lock whose owner is gone is stale and taken over:
 * - same host: the pid is not running, or it is running but started at another
 *   time (the pid was reused after a crash or a reboot: /proc/<pid>/stat's
 *   start time is compared where /proc exists), or it is our own pid (a
 *   container restarted as pid 1 again);
 * - another host (a shared volume, a container started anew with a new
 *   hostname): the owner refreshes the lock's mtime every HEARTBEAT_MS, so a
 *   lock not touched for STALE_AFTER_MS is taken over.
 * The takeover renames the stale lock away and checks that the renamed file is
 * the one judged stale (two starters racing for the same stale lock cannot
 * both win), then retries the exclusive create.
 */

export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS;

interface Owner {
  pid: number;
  host: string;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22); null where unknown. */
  started: string | null;
}

export interface LockLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export class StateLockedError extends Error {
  constructor(
    readonly statePath: string,
    readonly owner: Owner | null,
    readonly lockPath: string,
  ) {
    super(
      owner
        ? `state file ${statePath} is in use by another network-monitor (pid ${owner.pid} on ${owner.host}); stop that one or give this one another state.path (lock: ${lockPath})`
        : `state file ${statePath} is being locked by another network-monitor just now; stop that one or give this one another state.path (lock: ${lockPath})`,
    );
    this.name = 'StateLockedError';
  }
}

export interface StateLock {
  readonly path: string;
  /** Whether the lock is held (false when it could not be created, e.g. an unwritable directory). */
  readonly held: boolean;
  release(): Promise<void>;
}

/** Start time of a process, from /proc; null where there is no /proc or no such process. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces); starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): Owner | null {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, started: typeof value.started === 'string' ? value.started : null };
  } catch {
    return null;
  }
}

/** Whether the lock's owner may still be running. */
function ownerAlive(owner: Owner | null, mtimeMs: number, now: number): boolean {
  const fresh = now - mtimeMs < STALE_AFTER_MS;
  if (owner === null) return fresh; // being written right now, or garbage left long ago
  if (owner.host !== hostname()) return fresh;
  if (owner.pid === process.pid) return false;
  if (!running(owner.pid)) return false;
  const started = processStartTime(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * Takes the lock of `statePath`, or throws StateLockedError naming the owner.
 * A lock that cannot be created for another reason (the directory cannot be
 * made or written) is logged and not held: the exporter still serves, and its
 * state writes fail and are counted the same way.
 */
export async function acquireStateLock(statePath: string, logger: LockLogger, now: () => number = Date.now): Promise<StateLock> {
  const lockPath = `${statePath}.lock`;
  const me: Owner = { pid: process.pid, host: hostname(), started: processStartTime(process.pid) };
  const unheld: StateLock = { path: lockPath, held: false, release: async () => undefined };
  try {
    await mkdir(dirname(statePath), { recursive: true });
  } catch (error) {
    logger.error({ path: lockPath, error: errorCode(error) ?? String(error) }, 'cannot lock the device state file');
    return unheld;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    let handle: FileHandle;
    try {
      handle = await open(lockPath, 'wx', 0o600);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') {
        logger.error({ path: lockPath, error: errorCode(error) ?? String(error) }, 'cannot lock the device state file');
        return unheld;
      }
      const judged = await inspect(lockPath);
      if (judged === null) continue; // gone meanwhile: try again
      if (ownerAlive(judged.owner, judged.mtimeMs, now())) throw new StateLockedError(statePath, judged.owner, lockPath);
      await takeOver(lockPath, judged, logger);
      continue;
    }
    try {
      await handle.writeFile(JSON.stringify(me));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return heldLock(lockPath, JSON.stringify(me), logger);
  }
  throw new StateLockedError(statePath, null, lockPath);
}

interface Judged {
  owner: Owner | null;
  text: string;
  mtimeMs: number;
  ino: number;
}

async function inspect(lockPath: string): Promise<Judged | null> {
  try {
    const info = await stat(lockPath);
    const text = await readFile(lockPath, 'utf8');
    return { owner: parseOwner(text), text, mtimeMs: info.mtimeMs, ino: info.ino };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Whether `file` is still the lock judged (inode numbers are reused at once, so the content is compared too). */
async function isSame(file: string, ino: number, text: string): Promise<boolean> {
  try {
    return (await stat(file)).ino === ino && (await readFile(file, 'utf8')) === text;
  } catch {
    return false;
  }
}

async function takeOver(lockPath: string, judged: Judged, logger: LockLogger): Promise<void> {
  const owner = judged.owner;
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // someone else took it over first
    throw error;
  }
  if (!(await isSame(aside, judged.ino, judged.text))) {
    // Between our look and the rename, another starter replaced the stale lock with its own: give it back.
    await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return;
  }
  await unlink(aside).catch(() => undefined);
  logger.warn(
    { path: lockPath, pid: owner?.pid ?? null, host: owner?.host ?? null },
    'took over the lock of a network-monitor that is no longer running',
  );
}

async function heldLock(lockPath: string, text: string, logger: LockLogger): Promise<StateLock> {
  const ino = (await stat(lockPath)).ino;
  let lost = false;
  const beat = setInterval(() => {
    void (async () => {
      try {
        if (!(await isSame(lockPath, ino, text))) throw Object.assign(new Error('replaced'), { code: 'EREPLACED' });
        const at = new Date();
        await utimes(lockPath, at, at);
      } catch (error) {
        if (!lost)
          logger.error(
            { path: lockPath, error: errorCode(error) ?? String(error) },
            'the state file lock was removed or replaced',
          );
        lost = true;
      }
    })();
  }, HEARTBEAT_MS);
  beat.unref();
  return {
    path: lockPath,
    held: true,
    async release() {
      clearInterval(beat);
      if (await isSame(lockPath, ino, text)) await unlink(lockPath).catch(() => undefined);
    },
  };
}
