import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVICES_STYLE } from './page-style.js';

export interface PageAsset {
  contentType: string;
  body: string;
  /** Content hash, in the URL so browsers may cache an asset for good and still see a new release. */
  hash: string;
}

const hashOf = (body: string): string => createHash('sha256').update(body).digest('hex').slice(0, 12);

function asset(contentType: string, body: string): PageAsset {
  return { contentType, body, hash: hashOf(body) };
}

/**
 * The page's script: browser modules compiled by tsc (tsconfig.page.json) into dist/page. They import one another
 * by relative URL, so they are served together under a directory named by the hash of them all: every module can be
 * cached for good, and a new release is a new directory.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const PAGE_DIR = fileURLToPath(new URL(FROM_SOURCES ? '../../dist/page/' : '../page/', import.meta.url));

function pageModules(): Map<string, string> {
  const modules = new Map<string, string>();
  let files: string[];
  try {
    files = readdirSync(PAGE_DIR, { recursive: true, encoding: 'utf8' });
  } catch {
    throw new Error(`the page's script is not compiled (no ${PAGE_DIR}): run npm run build`);
  }
  for (const file of files.filter((name) => name.endsWith('.js')).sort()) {
    modules.set(file.split(path.sep).join('/'), readFileSync(path.join(PAGE_DIR, file), 'utf8'));
  }
  if (!modules.has(ENTRY)) throw new Error(`the page's script is not compiled (no ${ENTRY} in ${PAGE_DIR}): run npm run build`);
  return modules;
}

const ENTRY = 'http/page/devices.js';
const MODULES = pageModules();
const SCRIPT_DIR = `/assets/page-${hashOf([...MODULES].map(([file, body]) => `${file}\n${body}`).join('\n'))}`;

export const PAGE_ASSETS: Readonly<Record<string, PageAsset>> = Object.freeze({
  '/assets/devices.css': asset('text/css; charset=utf-8', DEVICES_STYLE),
  ...Object.fromEntries(
    [...MODULES].map(([file, body]) => [`${SCRIPT_DIR}/${file}`, asset('text/javascript; charset=utf-8', body)]),
  ),
});

/** Relative (no leading slash), so the page also works behind a reverse proxy under a path prefix. */
export function assetHref(path: keyof typeof PAGE_ASSETS): string {
  const found = PAGE_ASSETS[path];
  if (!found) throw new Error(`unknown page asset ${path}`);
  return path.startsWith(SCRIPT_DIR) ? path.slice(1) : `${path.slice(1)}?v=${found.hash}`;
}

/** The page's script (a module; it loads the others). */
export const PAGE_SCRIPT = `${SCRIPT_DIR}/${ENTRY}`;
