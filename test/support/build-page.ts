/**
 * vitest global setup: compiles the landing page's script (tsconfig.page.json) before any test serves the page, so
 * a test run from a fresh checkout sees the script of its own sources. Incremental: a no-op when nothing changed.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default function buildPage(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.page.json')], { cwd: ROOT, stdio: 'inherit' });
}
