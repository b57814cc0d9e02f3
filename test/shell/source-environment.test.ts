// shell/source_environment.sh: which file is read, how its lines are read
// (literally, like `docker run --env-file`), precedence, and the once-only guard.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type Sandbox, sandboxesPerTest } from './sandbox.js';

const newSandbox = sandboxesPerTest();

function sandbox(properties?: string): Sandbox {
  const s = newSandbox();
  if (properties !== undefined) s.write('configuration/environment.properties', properties);
  return s;
}

/** Sources the script from the sandbox root the way the entry points do, then dumps the environment. */
function source(s: Sandbox, env: Record<string, string> = {}) {
  const r = spawnSync('/bin/sh', ['-c', 'set -eu; . "$NETMON_ROOT/shell/source_environment.sh"; env'], {
    encoding: 'utf8',
    cwd: s.root,
    env: { PATH: '/usr/bin:/bin', NETMON_ROOT: s.root, ...env },
  });
  const vars: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { status: r.status, stderr: r.stderr, vars };
}

describe('shell/source_environment.sh', () => {
  it('falls back to the committed example on a fresh clone', () => {
    const s = sandbox();
    const r = source(s);

    expect(r.status, r.stderr).toBe(0);
    expect(r.vars.NETMON_ENV_FILE).toBe(`${s.root}/configuration/environment.properties.example`);
    expect(r.vars.DOCKER_NAME).toBe('network-monitor');
    expect(r.vars.METRICS_PORT).toBe('9847');
    expect(r.vars.LOG_LEVEL).toBe('info');
    expect(r.vars.ALREADY_SOURCED).toBe('TRUE');
    expect(r.stderr).toContain('loaded');
  });

  it('reads configuration/environment.properties instead of the example when present', () => {
    const s = sandbox('DOCKER_NAME=mine\n');
    const r = source(s);

    expect(r.vars.NETMON_ENV_FILE).toBe(`${s.root}/configuration/environment.properties`);
    expect(r.vars.DOCKER_NAME).toBe('mine');
    // Not merged with the example: the real file is the whole truth.
    expect(r.vars.METRICS_PORT).toBeUndefined();
  });

  it('reads values literally, as docker --env-file does: no quotes removed, no expansion, no commands', () => {
    const s = sandbox(
      [
        '# comment',
        '',
        '   INDENTED=yes',
        'SPACES=two words',
        'QUOTED="q"',
        'DOLLAR=$HOME/x',
        'CMD=$(touch pwned)',
        'EQUALS=a=b',
        'EMPTY=',
        'NO_NEWLINE_AT_END=last',
      ].join('\n'),
    );
    const r = source(s);

    expect(r.status, r.stderr).toBe(0);
    expect(r.vars).toMatchObject({
      INDENTED: 'yes',
      SPACES: 'two words',
      QUOTED: '"q"',
      DOLLAR: '$HOME/x',
      CMD: '$(touch pwned)',
      EQUALS: 'a=b',
      EMPTY: '',
      NO_NEWLINE_AT_END: 'last',
    });
    expect(s.exists('pwned')).toBe(false);
  });

  it('lets a variable already in the environment win, even when set to empty', () => {
    const s = sandbox('LOG_LEVEL=debug\nDOCKER_RESTART=unless-stopped\n');
    const r = source(s, { LOG_LEVEL: 'warn', DOCKER_RESTART: '' });

    expect(r.vars.LOG_LEVEL).toBe('warn');
    expect(r.vars.DOCKER_RESTART).toBe('');
  });

  it('does nothing when ALREADY_SOURCED is set', () => {
    const s = sandbox('DOCKER_NAME=mine\n');
    const r = source(s, { ALREADY_SOURCED: 'TRUE' });

    expect(r.status).toBe(0);
    expect(r.vars.DOCKER_NAME).toBeUndefined();
    expect(r.stderr).not.toContain('loaded');
    // Still says which file applies, so run_docker.sh can hand it to docker.
    expect(r.vars.NETMON_ENV_FILE).toBe(`${s.root}/configuration/environment.properties`);
  });

  it('reads another file when NETMON_ENV_FILE names one', () => {
    const s = sandbox('DOCKER_NAME=mine\n');
    s.write('elsewhere.properties', 'DOCKER_NAME=other\n');
    const r = source(s, { NETMON_ENV_FILE: `${s.root}/elsewhere.properties` });

    expect(r.vars.DOCKER_NAME).toBe('other');
  });

  it('refuses a line that is not KEY=value, naming file and line', () => {
    const s = sandbox('A=1\nexport B=2\n');
    const r = source(s);

    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${s.root}/configuration/environment.properties:2: "export B" is not a variable name`);
  });
});
