/**
 * What the image runs the exporter with, read from the Dockerfile, so the bench measures
 * processes as they are deployed: the Node release (ARG NODE_IMAGE), the node options of
 * its ENTRYPOINT and its malloc setting (ENV). shell/run.sh passes the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function dockerfile(): string {
  // Compiled, this file runs from node_modules/.cache/...: the repository is the first directory up with a Dockerfile.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'Dockerfile')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return existsSync(path.join(dir, 'Dockerfile')) ? readFileSync(path.join(dir, 'Dockerfile'), 'utf8') : '';
}

/** The Node.js release of the image (e.g. "24.21.0"), or undefined when the Dockerfile names none. */
export function imageNodeVersion(): string | undefined {
  return /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile())?.[1];
}

/** The malloc setting of the image (Dockerfile ENV, also exported by shell/run.sh). */
export function deployedMallocEnv(): Record<string, string> {
  const value = /^ENV MALLOC_MMAP_THRESHOLD_=(\d+)$/m.exec(dockerfile())?.[1];
  return value === undefined ? {} : { MALLOC_MMAP_THRESHOLD_: value };
}

/** The node options of the image's ENTRYPOINT, between `node` and `dist/cli.js` (V8's heap sizing). */
export function deployedNodeArgs(): string[] {
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile())?.[1];
  if (entrypoint === undefined) return [];
  const words = JSON.parse(entrypoint) as string[];
  return words.slice(1, words.indexOf('dist/cli.js'));
}
