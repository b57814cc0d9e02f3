/**
 * Compiles the exporter and the bench workers to plain JavaScript before
 * measuring: under tsx every process carries a loader thread and a transpile
 * cache (about 40 MB of RSS here), which would be counted as the exporter's.
 *
 * Output goes under node_modules/.cache (ignored by git, and module resolution
 * from there still finds the project's node_modules):
 *   <base>/                        bench/ and src/ as committed
 *   <base>-node-routeros/, -wire/  src/ with RouterSession's default transport set
 *                                  to each transport: the one-line change proposed
 *                                  for session.ts, applied to compiled copies only.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = path.join(ROOT, 'node_modules/.cache/netmon-bench');

export type TransportName = 'node-routeros' | 'wire';

/** How session.js names its default transport, for each transport. */
const DEFAULTS: Record<TransportName, { importLine: string; use: string }> = {
  'node-routeros': {
    importLine: "import { createNodeRouterosTransport } from './node-routeros-transport.js';",
    use: 'options.transport ?? createNodeRouterosTransport',
  },
  wire: {
    importLine: "import { createWireTransport } from './wire-transport.js';",
    use: 'options.transport ?? createWireTransport',
  },
};

export interface Builds {
  /** Directory holding bench/ and src/ as committed. */
  base: string;
  /** Per transport, a directory whose src/cli.js serves with that transport as RouterSession's default. */
  serve: Record<TransportName, string>;
}

export function buildForBench(log: (line: string) => void = () => undefined): Builds {
  log('compiling src/ and bench/ with tsc ...');
  rmSync(BUILD_DIR, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'bench/tsconfig.json')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Type errors in files being edited elsewhere do not stop tsc from emitting;
    // only a missing output is fatal.
    if (!existsSync(path.join(BUILD_DIR, 'src/cli.js'))) throw error;
    log('  (tsc reported type errors in the tree; using the JavaScript it emitted)');
  }
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // ESM scope and version: a package.json beside the output, as beside dist/.
  const manifest = JSON.stringify({ name: 'network-monitor-bench-build', version: pkg.version, type: 'module', private: true });
  writeFileSync(path.join(BUILD_DIR, 'package.json'), manifest);

  const session = readFileSync(path.join(BUILD_DIR, 'src/routeros/session.js'), 'utf8');
  const current = (Object.keys(DEFAULTS) as TransportName[]).find(
    (name) => session.includes(DEFAULTS[name].importLine) && session.includes(DEFAULTS[name].use),
  );
  if (current === undefined) {
    throw new Error('cannot tell which transport session.js uses by default; update DEFAULTS in bench/build.ts');
  }
  const serve = {} as Record<TransportName, string>;
  for (const name of Object.keys(DEFAULTS) as TransportName[]) {
    const dir = `${BUILD_DIR}-${name}`;
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.join(BUILD_DIR, 'src'), path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), manifest);
    if (name !== current) {
      writeFileSync(
        path.join(dir, 'src/routeros/session.js'),
        session.replace(DEFAULTS[current].importLine, DEFAULTS[name].importLine).replace(DEFAULTS[current].use, DEFAULTS[name].use),
      );
    }
    serve[name] = dir;
  }
  log(`  RouterSession's default transport in the tree: ${current}`);
  return { base: BUILD_DIR, serve };
}
