import { copyFile, type FileHandle, link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeJsonError } from '../config/load.js';
import { ChunkedWriter, writePieces } from './chunked-writer.js';
import {
  encodeHeader,
  isEmptyChange,
  type JournalRecord,
  readJournal,
  recordPieces,
  replay,
  writeRecordLine,
} from './journal.js';
import {
  type PersistedState,
  persistedStateSchema,
  type StateToSave,
  snapshotFileSchema,
  snapshotPieces,
} from './persisted-state.js';
import type { StateChanges } from './registry.js';

/**
 * The device state files (docs/devices.md, "State file"): a snapshot `<path>`
 * and a journal `<path>.journal` of what changed since (format in journal.ts).
 *
 * Snapshot write path (save(), also called compaction): the new state goes to
 * a temporary file in the same directory (rename is only atomic within one
 * filesystem) and is fsynced; the current file gets a second, temporary name
 * (hard link, or copy where links are not supported); the new file is renamed
 * over `<path>`, the old one over `<path>.bak`, and the directory is fsynced
 * so the renames survive a power cut. At every instant `<path>` is a complete
 * file (the previous or the new one) and `.bak`, once it exists, a complete,
 * strictly older one. Then a new, empty journal of the snapshot's generation
 * replaces the old one the same way (temporary file, fsync, rename).
 *
 * Journal write path (append()): one line per call, appended and fdatasynced
 * before the call resolves. A failed append is cut back to the last good
 * record where possible; otherwise appends stop until the next compaction.
 *
 * Both are written in pieces through one 64 kB buffer (chunked-writer.ts),
 * never as one string: the first poll of a large LAN writes every device to
 * the journal and then to the first snapshot, at the moment the heap is
 * fullest. A journal line larger than the buffer gets its checksum (at its
 * start) written last, after the rest of the line: until then the line has
 * a placeholder no reader accepts, so a crash in between leaves a torn tail,
 * as a crash inside a one-piece write does.
 *
 * Read path: `<path>`, else `<path>.bak`, then the journal replayed on top
 * (when its generation is not older). A file that cannot be read, parsed or
 * validated is renamed to `<file>.corrupt-<timestamp>` and logged: kept for a
 * human, never overwritten. A journal whose last record is torn (a crash in
 * the middle of an append) is cut back to its good records, with a warning.
 * No message ever quotes file content: the path may point at a secret.
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

type Candidate =
  | { kind: 'ok'; state: PersistedState; generation: number; bytes: number }
  | { kind: 'missing' }
  | { kind: 'bad'; reason: string };

/** Whether appends may go to the journal file: 'absent' creates one first; 'broken' waits for a compaction. */
type JournalStatus = 'unknown' | 'absent' | 'open' | 'broken';

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
  readonly journalPath: string;
  /** Bytes written to the snapshot and the journal since start (what wears a disk out). */
  bytesWrittenTotal = 0;
  /** Size of the last snapshot read or written, and of the journal's good records. */
  snapshotBytes = 0;
  journalBytes = 0;
  /** Journal records replayed by the last load(). */
  journalRecordsLoaded = 0;
  /** Set when the journal cannot take appends (or loading found damage): the next save() rewrites both files. */
  needsCompaction = false;

  private readonly dir: string;
  private readonly base: string;
  private queue: Promise<unknown> = Promise.resolve();
  private tempCounter = 0;
  /** Whether the file at `path` is known to be ours (loaded, moved aside or written): only then may it be replaced. */
  private mainChecked = false;
  private lastWriteErrorKey: string | null = null;
  /** Generation of the current snapshot; the journal being appended to carries the same. */
  private generation = 0;
  private journal: FileHandle | null = null;
  private journalStatus: JournalStatus = 'unknown';

  constructor(
    readonly path: string,
    private readonly logger: StoreLogger = silent,
    private readonly clock: () => number = Date.now,
  ) {
    this.backupPath = `${path}.bak`;
    this.journalPath = `${path}.journal`;
    this.dir = dirname(path);
    this.base = basename(path);
  }

  /** The newest readable copy with the journal replayed, or null when there is none (first start, or everything was corrupt). */
  load(): Promise<PersistedState | null> {
    return this.serialised(() => this.loadNow());
  }

  /**
   * Writes the whole state atomically and starts an empty journal after it
   * (compaction); resolves (never rejects) with the outcome. Writes (saves and
   * appends) run one at a time, in call order.
   */
  save(state: StateToSave): Promise<SaveResult> {
    return this.serialised(() => this.saveNow(state));
  }

  /** Appends one record of changes to the journal and fdatasyncs it; resolves (never rejects) with the outcome. */
  append(changes: StateChanges): Promise<SaveResult> {
    // Stamped now, in call order with the registry's drains; encoded as it is written (the changes are the drain's own copies).
    const at = this.clock() / 1000;
    const pieces = isEmptyChange(changes) ? null : recordPieces(changes, at);
    return this.serialised(() => this.appendNow(pieces));
  }

  /** Closes the journal (the files stay as they are). */
  close(): Promise<void> {
    return this.serialised(async () => {
      await this.journal?.close().catch(() => undefined);
      this.journal = null;
      if (this.journalStatus === 'open') this.journalStatus = 'unknown';
    });
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<PersistedState | null> {
    await this.removeStaleTemporaries();
    await this.journal?.close().catch(() => undefined);
    this.journal = null;
    const snapshot = await this.loadSnapshot();
    this.generation = snapshot?.generation ?? 0;
    this.snapshotBytes = snapshot?.bytes ?? 0;
    const records = await this.loadJournal();
    this.journalRecordsLoaded = records.length;
    if (records.length > 0) this.needsCompaction = true; // start the next run from one file
    if (snapshot === null && records.length === 0) return null;
    const base: PersistedState = snapshot?.state ?? { version: 1, savedAt: 0, routers: [], devices: [] };
    return replay(base, records);
  }

  private async loadSnapshot(): Promise<(Candidate & { kind: 'ok' }) | null> {
    const main = await this.inspect(this.path);
    this.mainChecked = true;
    if (main.kind === 'ok') {
      this.loadedFrom = 'main';
      return main;
    }
    const backup = await this.inspect(this.backupPath);
    if (backup.kind === 'ok') {
      this.loadedFrom = 'backup';
      this.logger.warn({ path: this.backupPath }, 'device state loaded from the backup copy');
      this.needsCompaction = true;
      return backup;
    }
    this.loadedFrom = 'none';
    return null;
  }

  /**
   * The journal records that continue the loaded snapshot. Leaves the journal
   * ready for appends: cut back to its good records, or absent (to be created).
   */
  private async loadJournal(): Promise<JournalRecord[]> {
    this.journalStatus = 'absent';
    this.journalBytes = 0;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.journalPath);
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      await this.moveAside(this.journalPath, `unreadable: ${describe(error)}`);
      this.needsCompaction = true;
      return [];
    }
    const read = readJournal(bytes);
    if (read.kind === 'bad-header') {
      await this.moveAside(this.journalPath, 'not a state journal (bad first line)');
      this.needsCompaction = true;
      return [];
    }
    if (read.generation < this.generation) {
      // A crash between writing a snapshot and starting its journal: the snapshot holds all of it.
      this.logger.info({ path: this.journalPath }, 'device state journal is older than the snapshot; discarded');
      await unlink(this.journalPath).catch(() => undefined);
      return [];
    }
    if (read.tail === 'corrupt') {
      this.logger.error(
        { path: this.journalPath, line: read.badLine, recordsKept: read.records.length },
        'device state journal is damaged; the records before the damage are used',
      );
      await this.moveAside(this.journalPath, `damaged record at line ${read.badLine}`);
      this.needsCompaction = true;
      return read.records;
    }
    if (read.tail === 'torn') {
      this.logger.warn(
        { path: this.journalPath, line: read.badLine, bytesIgnored: bytes.length - read.validBytes },
        'device state journal ends in a record cut short by a crash; ignored',
      );
    }
    // Appends continue this journal (cut back past a torn tail) until the next compaction.
    this.generation = read.generation;
    try {
      // Not O_APPEND: appends write at journalBytes themselves (see ChunkedWriter).
      this.journal = await open(this.journalPath, 'r+');
      if (read.tail === 'torn') {
        await this.journal.truncate(read.validBytes);
        await this.journal.sync();
      }
      this.journalStatus = 'open';
      this.journalBytes = read.validBytes;
    } catch {
      await this.journal?.close().catch(() => undefined);
      this.journal = null;
      this.journalStatus = 'broken';
      this.needsCompaction = true;
    }
    return read.records;
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
      // V8's message quotes the text around the error: say where, never what.
      return { kind: 'bad', reason: `not JSON: ${describeJsonError(text, error)}` };
    }
    const parsed = snapshotFileSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      return { kind: 'bad', reason: `invalid state file: ${issues}` };
    }
    const { generation, ...state } = parsed.data;
    return { kind: 'ok', state: persistedStateSchema.parse(state), generation, bytes: Buffer.byteLength(text) };
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
    const prefixes = [`${this.base}.tmp-`, `${this.base}.bak.tmp-`, `${this.base}.journal.tmp-`, `${this.base}.lock.stale-`];
    for (const name of names) {
      if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
      await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  private async saveNow(state: StateToSave): Promise<SaveResult> {
    const suffix = `${process.pid}-${++this.tempCounter}`;
    const temp = `${this.path}.tmp-${suffix}`;
    const generation = this.generation + 1;
    let previous: string | null = null;
    let bytes = 0;
    try {
      await mkdir(this.dir, { recursive: true });
      if (!this.mainChecked) {
        // Saving before any load (e.g. a one-shot command): never replace a file we have not vetted.
        await this.inspect(this.path);
        this.mainChecked = true;
      }
      const handle = await open(temp, 'wx', 0o600);
      try {
        const writer = new ChunkedWriter(handle, 0);
        await writePieces(writer, snapshotPieces(state, generation));
        bytes = writer.written;
        this.bytesWrittenTotal += bytes;
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
      this.needsCompaction = true;
      return this.failed(error);
    }
    // The snapshot holds everything now; whatever the old journal says is in it.
    this.generation = generation;
    this.snapshotBytes = bytes;
    await this.journal?.close().catch(() => undefined);
    this.journal = null;
    this.journalStatus = 'absent';
    this.journalBytes = 0;
    try {
      await this.startJournal(suffix);
    } catch (error) {
      // Appends will try to start it again; until then a crash loses only what was not appended.
      return this.failed(error);
    }
    this.needsCompaction = false;
    return this.succeeded();
  }

  /** Replaces the journal with an empty one of the current generation, atomically. */
  private async startJournal(suffix: string): Promise<void> {
    const temp = `${this.journalPath}.tmp-${suffix}`;
    const header = encodeHeader(this.generation);
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(header, 'utf8');
        this.bytesWrittenTotal += header.length;
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.journalPath);
      await this.syncDirectory();
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    this.journal = await open(this.journalPath, 'r+');
    this.journalStatus = 'open';
    this.journalBytes = header.length;
  }

  private async appendNow(pieces: Iterable<string> | null): Promise<SaveResult> {
    if (pieces === null) return { ok: true, at: this.clock() / 1000 };
    if (this.journalStatus === 'unknown') {
      // Never loaded: the journal on disk (if any) has not been vetted, so nothing may be added to it.
      return this.failed(new Error('the state journal was not loaded; the next full save writes the state'));
    }
    if (this.journalStatus === 'broken') {
      return this.failed(new Error('the state journal could not be cut back after a failed write; waiting for a full save'));
    }
    try {
      await mkdir(this.dir, { recursive: true });
      if (this.journalStatus === 'absent') await this.startJournal(`${process.pid}-${++this.tempCounter}`);
    } catch (error) {
      this.needsCompaction = true;
      return this.failed(error);
    }
    const journal = this.journal!;
    const writer = new ChunkedWriter(journal, this.journalBytes);
    try {
      await writeRecordLine(writer, pieces);
      this.bytesWrittenTotal += writer.written;
      await journal.datasync();
      this.journalBytes += writer.written;
    } catch (error) {
      // A record cut short must not stay in front of the next one: cut the file back to its good records.
      try {
        await journal.truncate(this.journalBytes);
      } catch {
        await journal.close().catch(() => undefined);
        this.journal = null;
        this.journalStatus = 'broken';
      }
      this.needsCompaction = true;
      return this.failed(error);
    }
    return this.succeeded();
  }

  private succeeded(): SaveResult {
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
