/**
 * Compiles the exporter and the bench workers to plain JavaScript before
 * measuring: under tsx every process carries a loader thread and a transpile
 * cache (about 40 MB of RSS here), which would be counted as the exporter's.
 *
 * Output goes under node_modules/.cache (ignored by git, and module resolution
 * from there still finds the project's node_modules).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = path.join(ROOT, 'node_modules/.cache/netmon-bench');

export interface Builds {
  /** Directory holding bench/ and src/ as committed; serve is src/cli.js there. */
  base: string;
}

export function buildForBench(log: (line: string) => void = () => undefined): Builds {
  log('compiling src/ and bench/ with tsc ...');
  rmSync(BUILD_DIR, { recursive: true, force: true });
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'bench/tsconfig.json')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    // Type errors in files being edited elsewhere do not stop tsc from emitting;
    // only a missing output is fatal.
    if (!existsSync(path.join(BUILD_DIR, 'src/cli.js'))) throw error;
    log('  (tsc reported type errors in the tree; using the JavaScript it emitted)');
  }
  // The page's browser modules, where the compiled server looks for them (src/page beside src/http, as dist/page).
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      path.join(ROOT, 'tsconfig.page.json'),
      '--outDir',
      path.join(BUILD_DIR, 'src/page'),
      '--tsBuildInfoFile',
      path.join(BUILD_DIR, 'page.tsbuildinfo'),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // ESM scope and version: a package.json beside the output, as beside dist/.
  writeFileSync(
    path.join(BUILD_DIR, 'package.json'),
    JSON.stringify({ name: 'network-monitor-bench-build', version: pkg.version, type: 'module', private: true }),
  );
  return { base: BUILD_DIR };
}
