// shell/run.sh decisions: install only when package-lock.json changed (or
// FORCE_REBUILD), build only when an input is newer than the last build, then
// exec `node dist/cli.js serve` with the arguments untouched.
import { readFileSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Call, REPO, restrictedPath, type Sandbox, sandboxesPerTest } from './sandbox.js';

const sandbox = sandboxesPerTest();

/** The node options of the image's ENTRYPOINT (between `node` and `dist/cli.js`): run.sh passes the same. */
const IMAGE_ENTRYPOINT = JSON.parse(
  /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'))?.[1] ?? '[]',
) as string[];
const IMAGE_NODE_OPTIONS = IMAGE_ENTRYPOINT.slice(1, IMAGE_ENTRYPOINT.indexOf('dist/cli.js'));

const npmCalls = (calls: Call[]) => calls.filter((c) => c.cmd === 'npm').map((c) => c.args.join(' '));
const nodeCalls = (calls: Call[]) => calls.filter((c) => c.cmd === 'node');

/** Moves a file's mtime into the past so a later write is measurably newer. */
function age(s: Sandbox, rel: string, seconds: number): void {
  const when = new Date(Date.now() - seconds * 1000);
  utimesSync(path.join(s.root, rel), when, when);
}

describe('shell/run.sh', () => {
  it('on a fresh clone installs, builds and execs serve with the arguments untouched', () => {
    const s = sandbox();
    const r = s.run('run.sh', ['--demo', 'two words', '--flag=a"b']);

    expect(r.status, r.stderr).toBe(0);
    expect(npmCalls(r.calls)).toEqual(['ci --no-audit --no-fund', 'run build']);
    const [serve, ...others] = nodeCalls(r.calls);
    expect(others).toEqual([]);
    expect(serve?.args).toEqual([...IMAGE_NODE_OPTIONS, 'dist/cli.js', 'serve', '--demo', 'two words', '--flag=a"b']);
    // Relative dist/cli.js only works from the repository root.
    expect(serve?.cwd).toBe(s.root);
    expect(s.read('node_modules/.install-stamp').trim()).toMatch(/^\d+ \d+$/);
    expect(r.stderr).toContain('first run (no node_modules/.install-stamp): installing dependencies');
    expect(s.exists('dist/.build-stamp')).toBe(true);
  });

  it("runs serve with the image's malloc setting (Dockerfile ENV MALLOC_MMAP_THRESHOLD_), unless one is already set", () => {
    const image = /^ENV MALLOC_MMAP_THRESHOLD_=(\d+)$/m.exec(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'))?.[1];
    expect(image).toBe('131072');
    const s = sandbox();
    const r = s.run('run.sh', ['--demo']);
    expect(r.status, r.stderr).toBe(0);
    expect(nodeCalls(r.calls)[0]?.env.MALLOC_MMAP_THRESHOLD_).toBe(image);
    const own = s.run('run.sh', ['--demo'], { MALLOC_MMAP_THRESHOLD_: '65536' });
    expect(nodeCalls(own.calls)[0]?.env.MALLOC_MMAP_THRESHOLD_).toBe('65536');
  });

  it("starts node with the image's heap options (Dockerfile ENTRYPOINT)", () => {
    expect(IMAGE_NODE_OPTIONS).toEqual(['--max-semi-space-size=8']);
    const s = sandbox();
    const r = s.run('run.sh', ['--demo']);
    expect(r.status, r.stderr).toBe(0);
    expect(nodeCalls(r.calls)[0]?.args.slice(0, IMAGE_NODE_OPTIONS.length)).toEqual(IMAGE_NODE_OPTIONS);
  });

  it('skips npm ci and the build when nothing changed since the last run', () => {
    const s = sandbox();
    expect(s.run('run.sh').status).toBe(0);
    const r = s.run('run.sh', ['--demo']);

    expect(r.status, r.stderr).toBe(0);
    expect(npmCalls(r.calls)).toEqual([]);
    expect(nodeCalls(r.calls).map((c) => c.args)).toEqual([[...IMAGE_NODE_OPTIONS, 'dist/cli.js', 'serve', '--demo']]);
  });

  it('runs npm ci (and rebuilds) when package-lock.json changed', () => {
    const s = sandbox();
    expect(s.run('run.sh').status).toBe(0);
    const before = s.read('node_modules/.install-stamp');
    s.write('package-lock.json', '{"lockfileVersion":3,"packages":{"node_modules/x":{}}}\n');
    const r = s.run('run.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(npmCalls(r.calls)).toEqual(['ci --no-audit --no-fund', 'run build']);
    expect(r.stderr).toContain('package-lock.json changed');
    expect(s.read('node_modules/.install-stamp')).not.toBe(before);
  });

  it('runs npm ci and the build when FORCE_REBUILD=TRUE even with nothing changed', () => {
    const s = sandbox();
    expect(s.run('run.sh').status).toBe(0);
    const r = s.run('run.sh', [], { FORCE_REBUILD: 'TRUE' });

    expect(r.status, r.stderr).toBe(0);
    expect(npmCalls(r.calls)).toEqual(['ci --no-audit --no-fund', 'run build']);
    expect(r.stderr).toContain('FORCE_REBUILD=TRUE');
  });

  it('takes FORCE_REBUILD from environment.properties too', () => {
    const s = sandbox();
    expect(s.run('run.sh').status).toBe(0);
    s.write('configuration/environment.properties', 'FORCE_REBUILD=TRUE\n');
    const r = s.run('run.sh');

    expect(npmCalls(r.calls)).toEqual(['ci --no-audit --no-fund', 'run build']);
  });

  it('rebuilds without reinstalling when a source file is newer than the last build', () => {
    const s = sandbox();
    expect(s.run('run.sh').status).toBe(0);
    age(s, 'dist/.build-stamp', 60);
    s.write('src/cli.ts', 'export const changed = true;\n');
    const r = s.run('run.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(npmCalls(r.calls)).toEqual(['run build']);
  });

  it('rebuilds when dist/ was deleted', () => {
    const s = sandbox();
    expect(s.run('run.sh').status).toBe(0);
    rmSync(path.join(s.root, 'dist'), { recursive: true });
    const r = s.run('run.sh');

    expect(npmCalls(r.calls)).toEqual(['run build']);
  });

  it('does not write the install stamp when npm ci fails, so the next run retries', () => {
    const s = sandbox();
    const r = s.run('run.sh', [], { FAKE_NPM_CI_FAILS: '1' });

    expect(r.status).not.toBe(0);
    expect(nodeCalls(r.calls)).toEqual([]);
    expect(s.exists('node_modules/.install-stamp')).toBe(false);
  });

  it('exports environment.properties to the exporter and drops empty values', () => {
    const s = sandbox();
    s.write('configuration/environment.properties', 'LOG_LEVEL=debug\nNETMON_LISTEN=127.0.0.1:9999\nNETMON_CONFIG=\n');
    const r = s.run('run.sh');

    const env = nodeCalls(r.calls)[0]?.env;
    expect(env?.LOG_LEVEL).toBe('debug');
    expect(env?.NETMON_LISTEN).toBe('127.0.0.1:9999');
    // An empty NETMON_CONFIG would otherwise override the default path with "".
    expect(env && 'NETMON_CONFIG' in env).toBe(false);
  });

  it('lets a variable set in the caller environment win over the file', () => {
    const s = sandbox();
    s.write('configuration/environment.properties', 'LOG_LEVEL=debug\n');
    const r = s.run('run.sh', [], { LOG_LEVEL: 'warn' });

    expect(nodeCalls(r.calls)[0]?.env.LOG_LEVEL).toBe('warn');
  });

  it('runs check-config and devices instead of serve when asked, on the same build', () => {
    const s = sandbox();
    const check = s.run('run.sh', ['check-config', '--config', 'x.json']);
    expect(check.status, check.stderr).toBe(0);
    expect(nodeCalls(check.calls).map((c) => c.args)).toEqual([
      [...IMAGE_NODE_OPTIONS, 'dist/cli.js', 'check-config', '--config', 'x.json'],
    ]);
    const devices = s.run('run.sh', ['devices', '--json']);
    expect(nodeCalls(devices.calls).map((c) => c.args)).toEqual([[...IMAGE_NODE_OPTIONS, 'dist/cli.js', 'devices', '--json']]);
    // Built once, by the first of them.
    expect(npmCalls([...check.calls, ...devices.calls])).toEqual(['ci --no-audit --no-fund', 'run build']);
  });

  it('fails with a clear message when Node.js is older than 22', () => {
    const s = sandbox();
    const r = s.run('run.sh', [], { FAKE_NODE_TOO_OLD: '1' });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'Node.js 22 or newer is required (Node 20 reached end of life on 2026-04-30), found v18.0.0; install Node.js 24',
    );
    expect(npmCalls(r.calls)).toEqual([]);
  });

  it('fails with a clear message when node is not installed', () => {
    const s = sandbox();
    const bare = restrictedPath(path.join(s.state, 'bare-bin'), ['dirname', 'cat', 'cksum']);
    const r = s.run('run.sh', [], {}, { path: bare });

    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/node is not on PATH; install Node\.js 24 or 22/);
  });
});
