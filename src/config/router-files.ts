import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { z } from 'zod';
import { buildRouter, type Config, type ConfigProblem, describeJsonError, formatPath, type RouterConfig } from './load.js';
import { routerSchema } from './schema.js';

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
}

export interface RouterFilesRead {
  /** Routers of every matched file (its last good version when the current one is bad), files in path order. */
  routers: RouterConfig[];
  /** Problems of files as they are now: `<file>:$[i].key` paths. */
  problems: ConfigProblem[];
  /** Files whose problems are new since the last read (report these; the others were reported already). */
  newProblems: ConfigProblem[];
  files: string[];
}

export class RouterFileSet {
  private readonly good = new Map<string, FileVersion>();
  private readonly reported = new Map<string, string>();

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
  read(taken: ReadonlySet<string>): RouterFilesRead {
    const files = this.match();
    const names = new Set(taken);
    const routers: RouterConfig[] = [];
    const problems: ConfigProblem[] = [];
    const newProblems: ConfigProblem[] = [];
    for (const file of files) {
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
        version = previous?.text === text ? previous : this.parse(file, text, fileProblems);
      }
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
      for (const router of version.routers) {
        names.add(router.name);
        routers.push(router);
      }
    }
    // A file that no longer matches (deleted, renamed) takes its routers with it.
    const matched = new Set(files);
    for (const file of [...this.good.keys()]) if (!matched.has(file)) this.good.delete(file);
    for (const file of [...this.reported.keys()]) if (!matched.has(file)) this.reported.delete(file);
    return { routers, problems, newProblems, files };
  }

  private parse(file: string, text: string, problems: ConfigProblem[]): FileVersion | null {
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
    return problems.length > before ? null : { text, routers };
  }
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
  problems: ConfigProblem[];
  newProblems: ConfigProblem[];
  files: string[];
}

/** Every router of the config and its router files; watched devices must name one of them. */
export function collectRouters(config: Pick<Config, 'routers' | 'devices'>, files: RouterFileSet): AllRouters {
  const fromFiles = files.read(new Set(config.routers.map((router) => router.name)));
  const routers = [...config.routers, ...fromFiles.routers];
  const known = new Set(routers.map((router) => router.name));
  const problems = [...fromFiles.problems];
  config.devices.forEach((device, index) => {
    if (!known.has(device.router)) {
      problems.push({ path: formatPath(['devices', index, 'router']), message: `unknown router "${device.router}"` });
    }
  });
  return { routers, problems, newProblems: fromFiles.newProblems, files: fromFiles.files };
}
