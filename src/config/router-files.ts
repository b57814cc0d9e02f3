import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { z } from 'zod';
import {
  buildRouter,
  type Config,
  type ConfigProblem,
  describeJsonError,
  formatPath,
  type RouterConfig,
  routerSecretFiles,
} from './load.js';
import { type OwnFile, OwnFiles } from './own-files.js';
import { gatewayProblems, routerSchema } from './schema.js';
import type { Shard } from './shard.js';
import { type SecretFile, stateCollisions } from './state-path.js';

/**
 * `routerFiles`: more routers from JSON files, each an array of router objects
 * (the schema of `routers[]`), matched by glob patterns and read again while
 * the exporter runs. A file that stops validating keeps its last good version,
 * so one bad write by an inventory tool does not stop the routers it listed.
 *
 * Globs are matched by tinyglobby (Node 20 has no fs.glob): `**`, braces and
 * character classes behave as in the shell, which a hand-written matcher
 * would only approximate.
 */

const fileSchema = z.array(routerSchema);

interface FileVersion {
  text: string;
  routers: RouterConfig[];
  /** The password files and CAs its routers name. */
  secrets: SecretFile[];
}

/** The state files a router file must not name as a password file or CA (state-path.ts). */
export interface StateFiles {
  path: string;
  shard: Shard | null;
}

export interface RouterFilesRead {
  /** Routers of every matched file (its last good version when the current one is bad), files in path order. */
  routers: RouterConfig[];
  /** Where each of `routers` comes from: its file and index there. */
  origins: Array<{ file: string; index: number }>;
  /** Problems of files as they are now: `<file>:$[i].key` paths. */
  problems: ConfigProblem[];
  /** Files whose problems are new since the last read (report these; the others were reported already). */
  newProblems: ConfigProblem[];
  /** Read as router files (matched and not skipped). */
  files: string[];
  /** Matched files that are the exporter's own (own-files.ts), or a password file or CA a router file names: not read as router files. */
  skipped: OwnFile[];
  /** Those of `skipped` not reported before (log these). */
  newSkipped: OwnFile[];
}

export class RouterFileSet {
  private readonly good = new Map<string, FileVersion>();
  private readonly reported = new Map<string, string>();
  /** Skipped files reported so far, by skipKey: each is said once while the process runs. */
  private readonly reportedSkips = new Map<string, string>();

  constructor(
    private patterns: ReadonlyArray<string>,
    private readonly baseDir: string = process.cwd(),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  setPatterns(patterns: ReadonlyArray<string>): void {
    this.patterns = patterns;
  }

  /** The files the patterns match now, sorted. */
  match(): string[] {
    if (this.patterns.length === 0) return [];
    return globSync([...this.patterns], { cwd: this.baseDir, absolute: true, onlyFiles: true }).sort();
  }

  /**
   * Directories to watch: each pattern's directory part up to its first glob
   * character. Changes deeper down (`**`) are found by the periodic re-scan.
   */
  directories(): string[] {
    const dirs = new Set<string>();
    for (const pattern of this.patterns) {
      const absolute = path.resolve(this.baseDir, pattern);
      const segments = absolute.split(path.sep);
      const firstGlob = segments.findIndex((segment) => /[*?[\]{}()!]/.test(segment));
      const fixed = firstGlob === -1 ? segments.slice(0, -1) : segments.slice(0, firstGlob);
      dirs.add(fixed.join(path.sep) || path.sep);
    }
    return [...dirs].sort();
  }

  /**
   * Reads every matched file. `taken` are router names already used (the
   * config's own routers): a file that repeats one of them, or a name of an
   * earlier file, is a problem like invalid JSON.
   */
  read(taken: ReadonlySet<string>, state: StateFiles | null = null, own: OwnFiles | null = null): RouterFilesRead {
    const matched = this.match();
    const names = new Set(taken);
    const routers: RouterConfig[] = [];
    const origins: RouterFilesRead['origins'] = [];
    const problems: ConfigProblem[] = [];
    const newProblems: ConfigProblem[] = [];
    const skipped: OwnFile[] = [];
    // The exporter's own files are known from the config: never read.
    const reads: FileRead[] = [];
    for (const file of matched) {
      const is = own?.identify(file) ?? null;
      if (is !== null) skipped.push({ file, is });
      else reads.push(this.readOne(file, state));
    }
    // A password file or CA that a router file names is known once the router files are parsed.
    const named = reads.flatMap((read) => (read.version ?? this.good.get(read.file))?.secrets ?? []);
    const secretsOfFiles = named.length > 0 ? new OwnFiles(null, named) : null;
    const files: string[] = [];
    for (const { file, text, fileProblems, version: parsed } of reads) {
      const is = secretsOfFiles?.identify(file) ?? null;
      if (is !== null) {
        skipped.push({ file, is });
        continue;
      }
      files.push(file);
      let version = parsed;
      if (version !== null) {
        const clash = duplicateNames(version.routers, names);
        for (const { index, name } of clash) {
          fileProblems.push({
            path: `${file}:${formatPath([index, 'name'])}`,
            message: `duplicate router name "${name}" (already in the config or another router file)`,
          });
        }
        if (clash.length > 0) version = null;
      }
      if (version !== null) {
        this.good.set(file, version);
        this.reported.delete(file);
      } else {
        problems.push(...fileProblems);
        const key = `${text ?? ''}\u0000${fileProblems.map((p) => `${p.path} ${p.message}`).join('\n')}`;
        if (this.reported.get(file) !== key) {
          this.reported.set(file, key);
          newProblems.push(...fileProblems);
        }
        // The last good version, unless its names now clash too.
        const last = this.good.get(file);
        version = last !== undefined && duplicateNames(last.routers, names).length === 0 ? last : null;
      }
      if (version === null) continue;
      version.routers.forEach((router, index) => {
        names.add(router.name);
        routers.push(router);
        origins.push({ file, index });
      });
    }
    // A file that no longer matches (deleted, renamed) or is skipped now takes its routers with it.
    const kept = new Set(files);
    for (const file of [...this.good.keys()]) if (!kept.has(file)) this.good.delete(file);
    for (const file of [...this.reported.keys()]) if (!kept.has(file)) this.reported.delete(file);
    skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const newSkipped = skipped.filter((skip) => this.reportedSkips.get(skipKey(skip.file)) !== skip.is);
    for (const skip of newSkipped) this.reportedSkips.set(skipKey(skip.file), skip.is);
    return { routers, origins, problems, newProblems, files, skipped, newSkipped };
  }

  /** One matched file: its text and the routers it holds, or the problems that keep it from being read. */
  private readOne(file: string, state: StateFiles | null): FileRead {
    const fileProblems: ConfigProblem[] = [];
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      fileProblems.push({
        path: `${file}:$`,
        message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      });
    }
    let version: FileVersion | null = null;
    if (text !== null) {
      const previous = this.good.get(file);
      version = previous?.text === text ? previous : this.parse(file, text, fileProblems, state);
    }
    return { file, text, fileProblems, version };
  }

  private parse(file: string, text: string, problems: ConfigProblem[], state: StateFiles | null): FileVersion | null {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      problems.push({ path: `${file}:$`, message: `not valid JSON: ${describeJsonError(text, error)}` });
      return null;
    }
    const parsed = fileSchema.safeParse(document);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const message = issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message;
        problems.push({ path: `${file}:${formatPath(issue.path)}`, message });
      }
      return null;
    }
    const before = problems.length;
    const routers = parsed.data.map((router, index) =>
      buildRouter(router, this.baseDir, this.env, (message, key) =>
        problems.push({ path: `${file}:${formatPath([index, key])}`, message }),
      ),
    );
    const secrets = parsed.data.flatMap((router, index) =>
      routerSecretFiles(router, routers[index]!, this.baseDir, (keys) => `${file}:${formatPath([index, ...keys])}`),
    );
    if (state !== null) {
      // A password file or CA that is the state file (or its journal, lock, backup, another shard's file)
      // would be overwritten, and its content sent to the router as a password.
      for (const { secret, stateFile } of stateCollisions(state.path, state.shard, secrets)) {
        problems.push({
          path: secret.field,
          message: `is ${stateFile}, ${stateFile === state.path ? 'the state file' : 'a file written with the state file'} ($.state.path), which is rewritten and moved aside; give this file a path of its own`,
        });
      }
    }
    return problems.length > before ? null : { text, routers, secrets };
  }
}

/**
 * A skipped file as reported: the state store's temporary files (`<file>.tmp-<suffix>`,
 * `<lock>.stale-<suffix>`) get a new name at every write, and a re-scan that meets one
 * must not log it again under its new name.
 */
function skipKey(file: string): string {
  return file.replace(/\.(tmp|stale)-[^/\\]*$/, '.$1-*');
}

interface FileRead {
  file: string;
  text: string | null;
  fileProblems: ConfigProblem[];
  version: FileVersion | null;
}

function duplicateNames(
  routers: ReadonlyArray<RouterConfig>,
  taken: ReadonlySet<string>,
): Array<{ index: number; name: string }> {
  const seen = new Set<string>();
  const clash: Array<{ index: number; name: string }> = [];
  routers.forEach((router, index) => {
    if (taken.has(router.name) || seen.has(router.name)) clash.push({ index, name: router.name });
    seen.add(router.name);
  });
  return clash;
}

export interface AllRouters {
  /** The config's routers, then those of the router files. */
  routers: RouterConfig[];
  /** Every problem: refused at start and by check-config. */
  problems: ConfigProblem[];
  /** Router files with problems not reported before (a running exporter logs these; the file's last good version stays). */
  newProblems: ConfigProblem[];
  /**
   * Problems between routers and devices (a gateway or a watched device naming a router
   * that is not there), located in the config (`$.`) or in a router file (`<file>:$[i]`).
   */
  fleetProblems: ConfigProblem[];
  files: string[];
  /** See RouterFilesRead. */
  skipped: OwnFile[];
  newSkipped: OwnFile[];
}

/**
 * Every router of the config and its router files. Checked across them all:
 * a gateway must name a router of either (schema.ts: gatewayProblems), and watched
 * devices must name one; a router file must not name the state file as a secret.
 * Matched files that are the exporter's own are skipped (own-files.ts).
 */
export function collectRouters(
  config: Pick<Config, 'routers' | 'devices'> & Partial<Pick<Config, 'state' | 'shard' | 'secretFiles'>>,
  files: RouterFileSet,
): AllRouters {
  const state = config.state ? { path: config.state.path, shard: config.shard ?? null } : null;
  const own = state !== null || config.secretFiles ? new OwnFiles(state, config.secretFiles ?? []) : null;
  const fromFiles = files.read(new Set(config.routers.map((router) => router.name)), state, own);
  const routers = [...config.routers, ...fromFiles.routers];
  const fleetProblems: ConfigProblem[] = [];
  for (const { index, message } of gatewayProblems(routers)) {
    const origin = fromFiles.origins[index - config.routers.length];
    fleetProblems.push(
      origin === undefined
        ? { path: formatPath(['routers', index, 'gateway']), message }
        : {
            path: `${origin.file}:${formatPath([origin.index, 'gateway'])}`,
            message: `router "${routers[index]!.name}": ${message}`,
          },
    );
  }
  const known = new Set(routers.map((router) => router.name));
  config.devices.forEach((device, index) => {
    if (!known.has(device.router)) {
      fleetProblems.push({ path: formatPath(['devices', index, 'router']), message: `unknown router "${device.router}"` });
    }
  });
  return {
    routers,
    problems: [...fromFiles.problems, ...fleetProblems],
    newProblems: fromFiles.newProblems,
    fleetProblems,
    files: fromFiles.files,
    skipped: fromFiles.skipped,
    newSkipped: fromFiles.newSkipped,
  };
}
