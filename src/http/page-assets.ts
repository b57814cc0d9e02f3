import { createHash } from 'node:crypto';
import { DEVICES_SCRIPT } from './page-script.js';
import { DEVICES_STYLE } from './page-style.js';

export interface PageAsset {
  contentType: string;
  body: string;
  /** Content hash, appended to the URL so browsers may cache an asset for good and still see a new release. */
  hash: string;
}

function asset(contentType: string, body: string): PageAsset {
  return { contentType, body, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

export const PAGE_ASSETS: Readonly<Record<string, PageAsset>> = Object.freeze({
  '/assets/devices.js': asset('text/javascript; charset=utf-8', DEVICES_SCRIPT),
  '/assets/devices.css': asset('text/css; charset=utf-8', DEVICES_STYLE),
});

/** Relative (no leading slash), so the page also works behind a reverse proxy under a path prefix. */
export function assetHref(path: keyof typeof PAGE_ASSETS): string {
  const found = PAGE_ASSETS[path];
  if (!found) throw new Error(`unknown page asset ${path}`);
  return `${path.slice(1)}?v=${found.hash}`;
}
