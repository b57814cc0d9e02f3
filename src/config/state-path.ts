import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ConfigProblem } from './problems.js';

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

/** The files the state store writes or moves: the state path and the names derived from it. */
function stateFiles(statePath: string): string[] {
  return [statePath, `${statePath}.bak`, `${statePath}.journal`, `${statePath}.lock`];
}

/** Where a path really leads: symlinks resolved as far as the path exists. */
function realPath(file: string): string {
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

function identity(file: string): string | null {
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

/** One problem for each secret file the state path (or a file derived from it) is, as real paths or the same inode. */
export function stateFileProblems(statePath: string, secrets: ReadonlyArray<SecretFile>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ours = stateFiles(statePath).map((file) => ({ file, real: realPath(file), id: identity(file) }));
  for (const secret of secrets) {
    const real = realPath(secret.file);
    const id = identity(secret.file);
    const hit = ours.find((own) => own.real === real || (id !== null && own.id === id));
    if (!hit) continue;
    problems.push({
      path: '$.state.path',
      message: `${hit.file === statePath ? 'is' : `makes ${hit.file}, which is`} also ${secret.field} (${secret.file}); the state file is rewritten and moved aside, so give it a path of its own`,
    });
  }
  return problems;
}
