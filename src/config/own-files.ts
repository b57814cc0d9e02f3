import path from 'node:path';
import { identity, realPath, type SecretFile, stateFiles } from './state-path.js';

/**
 * The exporter's own files, which a `routerFiles` glob may match by accident
 * (`/etc/network-monitor/*` beside the config, `data/*.json` beside the state):
 * read as router files they were reported as invalid JSON, or worse, their
 * content could end up in a log. They are recognised by path (symlinks
 * resolved) or inode (hard links), never by content, and skipped.
 */

export interface OwnFile {
  file: string;
  /** What the file is, for the log: "the state file ($.state.path)", "a file named by $.routers[0].passwordFile". */
  is: string;
}

export interface StateLocation {
  path: string;
  shard: { index: number; count: number } | null;
}

export class OwnFiles {
  private readonly stateDir: string | null;
  /** <stem>.json, <stem>.shard-<i>.json, and anything written beside either (`.bak`, `.journal`, `.lock`, `.tmp-*`, `.corrupt-*`). */
  private readonly statePattern: RegExp | null;
  private readonly stateIds: Map<string, string>;
  private readonly secrets: Array<SecretFile & { real: string; id: string | null }>;

  constructor(state: StateLocation | null, secrets: ReadonlyArray<SecretFile>) {
    this.stateDir = state === null ? null : realPath(path.dirname(state.path));
    if (state === null) {
      this.statePattern = null;
      this.stateIds = new Map();
    } else {
      const base = path.basename(state.path);
      const ext = path.extname(base);
      const stem = base.slice(0, base.length - ext.length);
      this.statePattern = new RegExp(`^${escapeRegExp(stem)}(\\.shard-\\d+)?${escapeRegExp(ext)}(\\..+)?$`);
      this.stateIds = new Map();
      for (const file of stateFiles(state.path, state.shard)) {
        const id = identity(file);
        if (id !== null) this.stateIds.set(id, file);
      }
    }
    this.secrets = secrets.map((secret) => ({ ...secret, real: realPath(secret.file), id: identity(secret.file) }));
  }

  /** What `file` is when it is one of the exporter's own files; null when it is not. */
  identify(file: string): string | null {
    const real = realPath(file);
    const id = identity(file);
    const secret = this.secrets.find((own) => own.real === real || (id !== null && own.id === id));
    if (secret) return describeSecret(secret.field);
    if (this.statePattern !== null) {
      const name = path.basename(real);
      const match = path.dirname(real) === this.stateDir ? this.statePattern.exec(name) : null;
      if (match) {
        if (match[2] !== undefined) return 'a file the exporter writes beside the state file ($.state.path)';
        return match[1] === undefined ? 'the state file ($.state.path)' : "a shard's state file ($.state.path)";
      }
      const linked = id === null ? undefined : this.stateIds.get(id);
      if (linked !== undefined) return `a hard link to ${linked}, written with the state file ($.state.path)`;
    }
    return null;
  }
}

function describeSecret(field: string): string {
  return field === CONFIG_FILE_FIELD ? 'the configuration file' : `a file named by ${field}`;
}

/** The SecretFile field of the configuration file itself (load.ts). */
export const CONFIG_FILE_FIELD = 'the configuration file itself';

/** The log line (and check-config warning) for an own file a routerFiles glob matched. */
export function skippedFileMessage(skipped: OwnFile): string {
  return `${skipped.file} matches routerFiles but is ${skipped.is}; skipped (not a router file)`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
