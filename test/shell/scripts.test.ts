// Static checks of the shell entry points: POSIX sh, executable, shellcheck-clean.
// (shell/test.sh runs shellcheck too; this gives the same answer from vitest.)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './sandbox.js';

const ENTRY_POINTS = ['shell/run.sh', 'shell/run_docker.sh', 'shell/build_image.sh', 'shell/shipped_node.sh'];
const SOURCED = ['shell/source_environment.sh'];
const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;

describe('shell scripts', () => {
  it.each(ENTRY_POINTS)('%s is an executable POSIX sh script', (rel) => {
    const file = path.join(REPO, rel);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('#!/bin/sh');
    expect(statSync(file).mode & 0o111).toBe(0o111);
  });

  it.each(SOURCED)('%s is sourced, so it declares its dialect for shellcheck and is not executable', (rel) => {
    const file = path.join(REPO, rel);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# shellcheck shell=sh');
    expect(statSync(file).mode & 0o111).toBe(0);
  });

  it.skipIf(!hasShellcheck)('shellcheck finds nothing, at its strictest severity', () => {
    const r = spawnSync('shellcheck', ['--severity=style', ...ENTRY_POINTS, ...SOURCED], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('/bin/sh -n parses every script', () => {
    for (const rel of [...ENTRY_POINTS, ...SOURCED]) {
      const r = spawnSync('/bin/sh', ['-n', path.join(REPO, rel)], { encoding: 'utf8' });
      expect(r.stderr, rel).toBe('');
      expect(r.status, rel).toBe(0);
    }
  });

  // shell/test.sh installs that Node before the tests run; elsewhere the test would download it.
  const shipped = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'))?.[1];
  it.skipIf(!existsSync(path.join(REPO, `node_modules/.cache/node-${shipped}/node_modules/.bin/node`)))(
    "shell/shipped_node.sh runs a command with the Dockerfile's Node release first on PATH, and prints where it is",
    () => {
      const run = spawnSync('sh', [path.join(REPO, 'shell/shipped_node.sh'), 'node', '-p', 'process.versions.node'], {
        cwd: '/',
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${shipped}\n`);
      const where = spawnSync('sh', [path.join(REPO, 'shell/shipped_node.sh')], { encoding: 'utf8' });
      expect(where.stdout).toBe(`${path.join(REPO, `node_modules/.cache/node-${shipped}/node_modules/.bin`)}\n`);
    },
  );
});
