import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ConfigProblem } from './problems.js';
import type { Shard } from './shard.js';

/**
 * The state file is written, renamed to `.bak`, moved aside as `.corrupt-*`
 * when it does not parse, and locked: pointed at a password file, a CA or the
 * web config (by mistake, or through a symlink or hard link), it would destroy
 * that file and could put its content where it does not belong. Such a path is
 * refused by `check-config` and at start, naming the field it collides with.
 */

export interface SecretFile {
  /** Config path of the field that names it, e.g. `$.routers[0].passwordFile`. */
  field: string;
  file: string;
}

/**
 * The state file of one shard: `state.path` with `.shard-<index>` before the
 * extension (data/state.json -> data/state.shard-1.json); `state.path` itself
 * without shards. The count is not in the name, so a file stays its shard's
 * when the fleet grows.
 */
export function shardStatePath(statePath: string, shard: Shard | null): string {
  if (shard === null || shard.count === 1) return statePath;
  const ext = path.extname(statePath);
  return `${statePath.slice(0, statePath.length - ext.length)}.shard-${shard.index}${ext}`;
}

/**
 * The files the state store writes or moves: the state file and the backup,
 * journal and lock beside it. With shards, those of every shard: each instance
 * of the fleet reads the same config and writes its shard's file.
 */
export function stateFiles(statePath: string, shard: Shard | null): string[] {
  const snapshots =
    shard === null || shard.count === 1
      ? [statePath]
      : Array.from({ length: shard.count }, (_, index) => shardStatePath(statePath, { index, count: shard.count }));
  return snapshots.flatMap((file) => [file, `${file}.bak`, `${file}.journal`, `${file}.lock`]);
}

/** Where a path really leads: symlinks resolved as far as the path exists. */
export function realPath(file: string): string {
  const absolute = path.resolve(file);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** Device and inode of a file (hard links share them); null when it does not exist. */
export function identity(file: string): string | null {
  try {
    const info = statSync(file);
    return `${info.dev}:${info.ino}`;
  } catch {
    return null;
  }
}

/** The certificate, key and client CA files a web config names (relative to its directory); none when unreadable. */
export function webConfigFiles(webConfigFile: string): SecretFile[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(webConfigFile, 'utf8'));
  } catch {
    return []; // its own loader reports why
  }
  const tls = (document as { tls_server_config?: Record<string, unknown> } | null)?.tls_server_config;
  if (typeof tls !== 'object' || tls === null) return [];
  const dir = path.dirname(path.resolve(webConfigFile));
  const files: SecretFile[] = [];
  for (const key of ['cert_file', 'key_file', 'client_ca_file']) {
    const value = tls[key];
    if (typeof value === 'string' && value.length > 0) {
      files.push({ field: `${webConfigFile}: tls_server_config.${key}`, file: path.resolve(dir, value) });
    }
  }
  return files;
}

export interface StateCollision {
  secret: SecretFile;
  /** The state file, or a file written beside it, that is the secret. */
  stateFile: string;
}

/** The secret files that a state file (or a file derived from it) is, as real paths or the same inode. */
export function stateCollisions(statePath: string, shard: Shard | null, secrets: ReadonlyArray<SecretFile>): StateCollision[] {
  if (secrets.length === 0) return [];
  const collisions: StateCollision[] = [];
  const ours = stateFiles(statePath, shard).map((file) => ({ file, real: realPath(file), id: identity(file) }));
  for (const secret of secrets) {
    const real = realPath(secret.file);
    const id = identity(secret.file);
    const hit = ours.find((own) => own.real === real || (id !== null && own.id === id));
    if (hit) collisions.push({ secret, stateFile: hit.file });
  }
  return collisions;
}

/** One `$.state.path` problem for each secret file of the config the state files collide with. */
export function stateFileProblems(
  statePath: string,
  secrets: ReadonlyArray<SecretFile>,
  shard: Shard | null = null,
): ConfigProblem[] {
  return stateCollisions(statePath, shard, secrets).map(({ secret, stateFile }) => ({
    path: '$.state.path',
    message: `${stateFile === statePath ? 'is' : `makes ${stateFile}, which is`} also ${secret.field} (${secret.file}); the state file is rewritten and moved aside, so give it a path of its own`,
  }));
}
