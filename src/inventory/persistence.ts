import { copyFile, type FileHandle, link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type PersistedState, persistedStateSchema } from './persisted-state.js';

/**
 * The device state file (docs/devices.md, "State file").
 *
 * Write path: the new state goes to a temporary file in the same directory
 * (rename is only atomic within one filesystem) and is fsynced; the current
 * file gets a second, temporary name (hard link, or copy where links are not
 * supported); the new file is renamed over `<path>`, the old one over
 * `<path>.bak`, and the directory is fsynced so the renames survive a power
 * cut. At every instant `<path>` is a complete file (the previous or the new
 * one) and `.bak`, once it exists, a complete, strictly older one.
 *
 * Read path: `<path>`, else `<path>.bak`. A file that cannot be read, parsed or
 * validated is renamed to `<file>.corrupt-<timestamp>` and logged: kept for a
 * human, never overwritten.
 *
 * Failures to write never throw: the exporter must keep serving with a full or
 * read-only disk. They are counted (writeErrorsTotal), logged once per distinct
 * error, and retried by the next save.
 */

export interface StoreLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export type SaveResult = { ok: true; at: number } | { ok: false; error: string };

export type LoadSource = 'main' | 'backup' | 'none';

type Candidate = { kind: 'ok'; state: PersistedState } | { kind: 'missing' } | { kind: 'bad'; reason: string };

const silent: StoreLogger = { error() {}, warn() {}, info() {} };

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export class StateStore {
  readonly backupPath: string;
  /** Failed saves since start. */
  writeErrorsTotal = 0;
  /** Unix time (seconds) of the last successful save; null before the first. */
  lastWriteSuccess: number | null = null;
  /** Whether the last save succeeded; null before the first. */
  lastWriteOk: boolean | null = null;
  lastWriteError: string | null = null;
  /** Unreadable, unparseable or invalid files moved aside since start. */
  corruptFilesTotal = 0;
  /** Which copy the last load() returned. */
  loadedFrom: LoadSource | null = null;

  private readonly dir: string;
  private readonly base: string;
  private queue: Promise<unknown> = Promise.resolve();
  private tempCounter = 0;
  /** Whether the file at `path` is known to be ours (loaded, moved aside or written): only then may it be replaced. */
  private mainChecked = false;
  private lastWriteErrorKey: string | null = null;

  constructor(
    readonly path: string,
    private readonly logger: StoreLogger = silent,
    private readonly clock: () => number = Date.now,
  ) {
    this.backupPath = `${path}.bak`;
    this.dir = dirname(path);
    this.base = basename(path);
  }

  /** The newest readable copy, or null when there is none (first start, or everything was corrupt). */
  load(): Promise<PersistedState | null> {
    return this.serialised(() => this.loadNow());
  }

  /** Writes atomically; resolves (never rejects) with the outcome. Saves run one at a time, in call order. */
  save(state: PersistedState): Promise<SaveResult> {
    return this.serialised(() => this.saveNow(state));
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<PersistedState | null> {
    await this.removeStaleTemporaries();
    const main = await this.inspect(this.path);
    this.mainChecked = true;
    if (main.kind === 'ok') {
      this.loadedFrom = 'main';
      return main.state;
    }
    const backup = await this.inspect(this.backupPath);
    if (backup.kind === 'ok') {
      this.loadedFrom = 'backup';
      this.logger.warn({ path: this.backupPath }, 'device state loaded from the backup copy');
      return backup.state;
    }
    this.loadedFrom = 'none';
    return null;
  }

  /** Reads and validates one copy; a bad copy is moved aside before returning. */
  private async inspect(file: string): Promise<Candidate> {
    const candidate = await this.read(file);
    if (candidate.kind === 'bad') await this.moveAside(file, candidate.reason);
    return candidate;
  }

  private async read(file: string): Promise<Candidate> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // ENOTDIR: a parent is not a directory, so there is no file to keep aside; saving will report why.
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { kind: 'missing' };
      return { kind: 'bad', reason: `unreadable: ${describe(error)}` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { kind: 'bad', reason: `not JSON: ${describe(error)}` };
    }
    const parsed = persistedStateSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      return { kind: 'bad', reason: `invalid state file: ${issues}` };
    }
    return { kind: 'ok', state: parsed.data };
  }

  private async moveAside(file: string, reason: string): Promise<void> {
    this.corruptFilesTotal++;
    const stamp = new Date(this.clock()).toISOString().replace(/[:.]/g, '-');
    let target = `${file}.corrupt-${stamp}`;
    for (let n = 1; await exists(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
    try {
      await rename(file, target);
      this.logger.error({ path: file, movedTo: target, reason }, 'device state file is corrupt; moved aside');
    } catch (error) {
      this.logger.error(
        { path: file, reason, moveError: describe(error) },
        'device state file is corrupt and could not be moved aside',
      );
    }
  }

  /** Temporary files of a write that was killed halfway are garbage; the files they were to replace are intact. */
  private async removeStaleTemporaries(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const prefixes = [`${this.base}.tmp-`, `${this.base}.bak.tmp-`];
    for (const name of names) {
      if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
      await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  private async saveNow(state: PersistedState): Promise<SaveResult> {
    const suffix = `${process.pid}-${++this.tempCounter}`;
    const temp = `${this.path}.tmp-${suffix}`;
    let previous: string | null = null;
    try {
      const text = JSON.stringify(state);
      await mkdir(this.dir, { recursive: true });
      if (!this.mainChecked) {
        // Saving before any load (e.g. a one-shot command): never replace a file we have not vetted.
        await this.inspect(this.path);
        this.mainChecked = true;
      }
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Hold on to the current file under a temporary name, replace it, and only then make it
      // the backup: a crash at any point leaves `.bak` strictly older than `<path>`.
      previous = await this.holdCurrent(suffix);
      await rename(temp, this.path);
      if (previous !== null) await rename(previous, this.backupPath);
      previous = null;
      await this.syncDirectory();
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (previous !== null) await unlink(previous).catch(() => undefined);
      return this.failed(error);
    }
    const at = this.clock() / 1000;
    if (this.lastWriteOk === false) this.logger.info({ path: this.path }, 'device state written again after failures');
    this.lastWriteOk = true;
    this.lastWriteError = null;
    this.lastWriteErrorKey = null;
    this.lastWriteSuccess = at;
    return { ok: true, at };
  }

  /** A second name for the current file (hard link, or a copy where links are unsupported); null when there is none yet. */
  private async holdCurrent(suffix: string): Promise<string | null> {
    const held = `${this.backupPath}.tmp-${suffix}`;
    try {
      await link(this.path, held);
      return held;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null; // first write: nothing to keep
    }
    // Filesystems without hard links (some network and FUSE mounts): copy instead.
    try {
      await copyFile(this.path, held);
      return held;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      await unlink(held).catch(() => undefined);
      throw error;
    }
  }

  private async syncDirectory(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.dir, 'r');
    } catch (error) {
      // Directories cannot be opened for fsync on some platforms (Windows): the rename is all we get there.
      if (errorCode(error) === 'EISDIR' || errorCode(error) === 'EPERM') return;
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      if (errorCode(error) !== 'EINVAL') throw error;
    } finally {
      await handle.close();
    }
  }

  private failed(error: unknown): SaveResult {
    const message = describe(error);
    // Temporary file names differ on every attempt: compare by error code so a lasting failure logs once.
    const key = errorCode(error) ?? message;
    this.writeErrorsTotal++;
    if (this.lastWriteErrorKey !== key) {
      this.logger.error({ path: this.path, error: message, failures: this.writeErrorsTotal }, 'cannot write device state file');
    }
    this.lastWriteOk = false;
    this.lastWriteError = message;
    this.lastWriteErrorKey = key;
    return { ok: false, error: message };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
