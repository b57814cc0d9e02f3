import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingAnchors, markdownLinks } from './markdown.js';

/**
 * README.md and docs/ are the user's whole reference: every relative link
 * must reach a file (and a heading, for #anchors), the README stays short
 * enough to read, and nothing points at a document outside the repository.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

function brokenLinks(document: string): string[] {
  const file = path.join(ROOT, document);
  const broken: string[] = [];
  for (const { line, target } of markdownLinks(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
    const where = `${document}:${line}: ${target}`;
    if (!resolved.startsWith(ROOT + path.sep) && resolved !== ROOT) {
      broken.push(`${where} (outside the repository)`);
    } else if (!existsSync(resolved)) {
      broken.push(`${where} (no such file)`);
    } else if (anchor !== undefined) {
      if (!resolved.endsWith('.md') || statSync(resolved).isDirectory())
        broken.push(`${where} (anchor into a non-Markdown file)`);
      else if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
    }
  }
  return broken;
}

describe('documentation', () => {
  it('has the reference files the README links to', () => {
    expect(DOCUMENTS).toEqual(
      expect.arrayContaining([
        'docs/configuration.md',
        'docs/metrics.md',
        'docs/routeros.md',
        'docs/deployment.md',
        'docs/alerts.md',
        'docs/security.md',
        'docs/development.md',
        'docs/performance.md',
      ]),
    );
  });

  it.each(DOCUMENTS)('every relative link in %s resolves, anchors included', (document) => {
    expect(brokenLinks(document)).toEqual([]);
  });

  it('README.md is at most 25 kB', () => {
    expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(25_000);
  });

  it('no tracked file cites the product contract: the repository stands alone', () => {
    // Spelled in pieces so this file does not find itself.
    const name = ['S', 'P', 'E', 'C'].join('');
    let hits = '';
    try {
      hits = execFileSync('git', ['grep', '-n', '-I', name], { cwd: ROOT, encoding: 'utf8' });
    } catch (error) {
      // git grep exits 1 when nothing matches.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(hits).toBe('');
  });
});
