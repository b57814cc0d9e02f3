// shell/run_docker.sh decisions, against a fake docker that records its calls:
// the three rebuild conditions, env sourced once, clear errors, bare-metal
// cleanup, and the exact `docker run` it ends with.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BASE_IMAGE,
  dockerBuilds,
  dockerRun,
  FAKE_BASE_DIGEST,
  flagValues,
  restrictedPath,
  type Sandbox,
  sandboxesPerTest,
} from './sandbox.js';

const LABEL = 'org.opencontainers.image.revision';

const newSandbox = sandboxesPerTest();

/** A git-backed sandbox with a config file, so `serve` without --demo is allowed. */
function sandbox(opts: { config?: boolean } = {}): Sandbox {
  const s = newSandbox({ git: true });
  if (opts.config !== false) s.write('configuration/config.json', '{"routers":[]}\n');
  return s;
}

describe('shell/run_docker.sh: when to rebuild the image', () => {
  it('builds when the image does not exist, labelled with HEAD, then runs it', () => {
    const s = sandbox();
    const r = s.run('run_docker.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('rebuilding: image network-monitor does not exist');
    const [build, ...more] = dockerBuilds(r.calls);
    expect(more).toEqual([]);
    const pinned = `${BASE_IMAGE}@${FAKE_BASE_DIGEST}`;
    expect(build?.args).toEqual([
      'build',
      '--build-arg',
      `NODE_IMAGE=${pinned}`,
      '--label',
      `${LABEL}=${s.head}`,
      '--label',
      `org.opencontainers.image.base.name=${pinned}`,
      '--tag',
      'network-monitor',
      s.root,
    ]);
    expect(dockerRun(r.calls)).toBeDefined();
  });

  it('does not build when the image was built from the current HEAD', () => {
    const s = sandbox();
    s.addImage(s.head);
    const r = s.run('run_docker.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(dockerBuilds(r.calls)).toEqual([]);
    expect(r.stderr).toContain(`up to date with HEAD ${s.head}`);
    expect(dockerRun(r.calls)).toBeDefined();
  });

  it('builds when HEAD moved since the image was built', () => {
    const s = sandbox();
    const old = s.head;
    s.addImage(old);
    const now = s.commit('a change');
    const r = s.run('run_docker.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`repository HEAD changed (image built from ${old}, HEAD is ${now})`);
    expect(flagValues(dockerBuilds(r.calls)[0]?.args ?? [], '--label')[0]).toBe(`${LABEL}=${now}`);
  });

  it('builds when the image carries no revision label (built by hand)', () => {
    const s = sandbox();
    s.addImage('');
    const r = s.run('run_docker.sh');

    expect(r.stderr).toContain('image built from an unlabelled tree');
    expect(dockerBuilds(r.calls)).toHaveLength(1);
  });

  it('builds when FORCE_DOCKER_REBUILD=TRUE even though the image matches HEAD', () => {
    const s = sandbox();
    s.addImage(s.head);
    const r = s.run('run_docker.sh', [], { FORCE_DOCKER_REBUILD: 'TRUE' });

    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('rebuilding: FORCE_DOCKER_REBUILD=TRUE');
    expect(dockerBuilds(r.calls)).toHaveLength(1);
  });

  it('reads FORCE_DOCKER_REBUILD from environment.properties, and FALSE there means no', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.write('configuration/environment.properties', 'FORCE_DOCKER_REBUILD=TRUE\n');
    expect(dockerBuilds(s.run('run_docker.sh').calls)).toHaveLength(1);
    s.addImage(s.head);
    s.write('configuration/environment.properties', 'FORCE_DOCKER_REBUILD=FALSE\n');
    expect(dockerBuilds(s.run('run_docker.sh').calls)).toHaveLength(0);
  });

  it('stops before running when the build fails', () => {
    const s = sandbox();
    const r = s.run('run_docker.sh', [], { FAKE_BUILD_FAILS: '1' });

    expect(r.status).not.toBe(0);
    expect(dockerRun(r.calls)).toBeUndefined();
  });

  it('uses DOCKER_NAME for the image it inspects, builds and runs', () => {
    const s = sandbox();
    s.write('configuration/environment.properties', 'DOCKER_NAME=netmon-test\n');
    s.addImage(s.head, 'netmon-test');
    const r = s.run('run_docker.sh');

    expect(dockerBuilds(r.calls)).toEqual([]);
    const run = dockerRun(r.calls) ?? [];
    expect(flagValues(run, '--name')).toEqual(['netmon-test']);
    expect(run.slice(-2)).toEqual(['netmon-test', 'serve']);
  });
});

describe('shell/run_docker.sh: environment', () => {
  it('reads environment.properties once: build_image.sh inherits it instead of reading it again', () => {
    const s = sandbox();
    s.write('configuration/environment.properties', 'DOCKER_NAME=from-file\nCUSTOM_FROM_FILE=x\n');
    const r = s.run('run_docker.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.match(/source_environment: loaded/g)).toHaveLength(1);
    const build = dockerBuilds(r.calls)[0];
    expect(build?.env.ALREADY_SOURCED).toBe('TRUE');
    expect(build?.env.CUSTOM_FROM_FILE).toBe('x');
    expect(flagValues(build?.args ?? [], '--tag')).toEqual(['from-file']);
  });

  it('does not read the file at all when ALREADY_SOURCED is set by the caller', () => {
    const s = sandbox();
    s.write('configuration/environment.properties', 'DOCKER_NAME=from-file\n');
    const r = s.run('run_docker.sh', [], { ALREADY_SOURCED: 'TRUE' });

    expect(r.stderr).not.toContain('source_environment: loaded');
    expect(flagValues(dockerRun(r.calls) ?? [], '--name')).toEqual(['network-monitor']);
  });
});

describe('shell/run_docker.sh: errors', () => {
  it('fails with a clear message, before anything else, when docker is not installed', () => {
    const s = sandbox();
    // Only what the script needs before its docker check; no docker anywhere.
    const bare = restrictedPath(path.join(s.state, 'bare-bin'), ['dirname']);
    const r = s.run('run_docker.sh', ['--demo'], {}, { path: bare });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain('run_docker.sh: docker is not installed or not on PATH; install Docker Engine');
    expect(r.stderr).not.toContain('source_environment');
  });

  it('fails with a clear message when the Docker daemon is not reachable', () => {
    const s = sandbox();
    const r = s.run('run_docker.sh', [], { FAKE_DAEMON: 'down' });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot reach the Docker daemon');
    expect(r.calls.map((c) => c.args[0])).toEqual(['version']);
  });

  it('refuses to start without a config file unless --demo is given', () => {
    const s = sandbox({ config: false });
    s.addImage(s.head);
    const r = s.run('run_docker.sh');

    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no configuration at ${s.root}/configuration/config.json`);
    expect(r.stderr).toContain('shell/run_docker.sh --demo');
    expect(dockerRun(r.calls)).toBeUndefined();

    const demo = s.run('run_docker.sh', ['--demo']);
    expect(demo.status, demo.stderr).toBe(0);
    const run = dockerRun(demo.calls) ?? [];
    expect(run.slice(-3)).toEqual(['network-monitor', 'serve', '--demo']);
    expect(flagValues(run, '-e').some((e) => e.startsWith('NETMON_CONFIG='))).toBe(false);
  });
});

describe('shell/run_docker.sh: files the container (uid 1000) must read', () => {
  const fixHint = (file: string) =>
    `fix: sudo chown 1000:1000 '${file}' (see docs/deployment.md#file-ownership-in-the-container)`;

  it('refuses a mode-600 config owned by another user, naming the chown that fixes it', () => {
    const s = sandbox();
    s.addImage(s.head);
    const config = path.join(s.root, 'configuration/config.json');
    chownSync(config, 0, 0);
    chmodSync(config, 0o600);
    const r = s.run('run_docker.sh');

    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `run_docker.sh: the container runs as uid 1000 and cannot read ${config} (0 0 600: uid gid mode); ${fixHint(config)}\n`,
    );
    expect(dockerRun(r.calls)).toBeUndefined();

    chownSync(config, 1000, 1000);
    const owned = s.run('run_docker.sh');
    expect(owned.status, owned.stderr).toBe(0);
    expect(dockerRun(owned.calls)).toBeDefined();
  });

  it('accepts a config its group 1000 or everyone may read', () => {
    const s = sandbox();
    s.addImage(s.head);
    const config = path.join(s.root, 'configuration/config.json');
    chownSync(config, 0, 1000);
    chmodSync(config, 0o640);
    expect(s.run('run_docker.sh').status).toBe(0);
    chownSync(config, 0, 0);
    chmodSync(config, 0o644);
    expect(s.run('run_docker.sh').status).toBe(0);
    chmodSync(config, 0o640);
    expect(s.run('run_docker.sh').status).toBe(1);
  });

  it('checks password files beside the config too', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.write('configuration/home.pass', 'secret\n');
    const secret = path.join(s.root, 'configuration/home.pass');
    chownSync(secret, 0, 0);
    chmodSync(secret, 0o600);
    const r = s.run('run_docker.sh');

    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot read ${secret} (0 0 600: uid gid mode); ${fixHint(secret)}`);
  });
});

describe('shell/run_docker.sh: the container it runs', () => {
  it('passes every argument through to serve, untouched', () => {
    const s = sandbox();
    s.addImage(s.head);
    const args = ['--demo', 'two words', '--x=$HOME', '*', ''];
    const run = dockerRun(s.run('run_docker.sh', args).calls) ?? [];

    expect(run.slice(-7)).toEqual(['network-monitor', 'serve', ...args]);
  });

  it('mounts env file, configuration/ and the state volume, publishes the port, hardens the container', () => {
    const s = sandbox();
    s.addImage(s.head);
    const run = dockerRun(s.run('run_docker.sh').calls) ?? [];

    expect(flagValues(run, '--env-file')).toEqual([`${s.root}/configuration/environment.properties.example`]);
    expect(flagValues(run, '-v')).toEqual(['network-monitor-state:/app/data', `${s.root}/configuration:/app/configuration:ro`]);
    expect(flagValues(run, '-e')).toEqual([
      'NETMON_LISTEN=0.0.0.0:9847',
      'LOG_LEVEL=info',
      'NETMON_CONFIG=/app/configuration/config.json',
    ]);
    expect(flagValues(run, '--publish')).toEqual(['9847:9847']);
    expect(run).toEqual(expect.arrayContaining(['--init', '--read-only', '--rm']));
    expect(flagValues(run, '--cap-drop')).toEqual(['ALL']);
    expect(flagValues(run, '--security-opt')).toEqual(['no-new-privileges']);
    // Every option comes before the image name; after it only serve's arguments.
    expect(run.indexOf('network-monitor', run.indexOf('--name') + 2)).toBe(run.length - 2);
  });

  it('-e values come after --env-file so they override what the file says', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.write('configuration/environment.properties', 'NETMON_LISTEN=127.0.0.1:1\nNETMON_CONFIG=/etc/elsewhere.json\n');
    const run = dockerRun(s.run('run_docker.sh', ['--demo']).calls) ?? [];

    expect(run.indexOf('--env-file')).toBeLessThan(run.indexOf('NETMON_LISTEN=0.0.0.0:9847'));
  });

  it('publishes METRICS_PORT, including an ADDRESS:PORT form', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.write('configuration/environment.properties', 'METRICS_PORT=127.0.0.1:9999\n');
    const run = dockerRun(s.run('run_docker.sh').calls) ?? [];

    expect(flagValues(run, '--publish')).toEqual(['127.0.0.1:9999:9847']);
  });

  it('runs detached with the restart policy when DOCKER_RESTART is set, in the foreground with --rm when empty', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.write('configuration/environment.properties', 'DOCKER_RESTART=unless-stopped\n');
    const detached = dockerRun(s.run('run_docker.sh').calls) ?? [];
    expect(flagValues(detached, '--restart')).toEqual(['unless-stopped']);
    expect(detached).toContain('--detach');
    expect(detached).not.toContain('--rm');

    s.write('configuration/environment.properties', 'DOCKER_RESTART=\n');
    const foreground = dockerRun(s.run('run_docker.sh').calls) ?? [];
    expect(foreground).toContain('--rm');
    expect(foreground).not.toContain('--detach');
    expect(foreground).not.toContain('--restart');
  });

  it('bind-mounts STATE_DIR (relative to the repository) when set, creating it', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.write('configuration/environment.properties', 'STATE_DIR=var/state\n');
    const run = dockerRun(s.run('run_docker.sh').calls) ?? [];

    expect(flagValues(run, '-v')).toContain(`${s.root}/var/state:/app/data`);
    expect(s.exists('var/state')).toBe(true);
  });

  it('mounts a config file from outside configuration/ at its own path', () => {
    const s = sandbox({ config: false });
    s.addImage(s.head);
    const outside = path.join(s.state, 'netmon.json');
    writeFileSync(outside, '{}');
    const run = dockerRun(s.run('run_docker.sh', [], { NETMON_CONFIG: outside }).calls) ?? [];

    expect(flagValues(run, '-v')).toContain(`${outside}:/app/external-config.json:ro`);
    expect(flagValues(run, '-e')).toContain('NETMON_CONFIG=/app/external-config.json');
  });

  it('maps a config path inside configuration/ to the same path in the container', () => {
    const s = sandbox({ config: false });
    s.addImage(s.head);
    s.write('configuration/site/lan.json', '{}');
    const run = dockerRun(s.run('run_docker.sh', [], { NETMON_CONFIG: 'configuration/site/lan.json' }).calls) ?? [];

    expect(flagValues(run, '-e')).toContain('NETMON_CONFIG=/app/configuration/site/lan.json');
  });

  it('replaces a container left by a previous detached run', () => {
    const s = sandbox();
    s.addImage(s.head);
    s.addContainer();
    const r = s.run('run_docker.sh');
    const commands = r.calls.map((c) => c.args.slice(0, 2).join(' '));

    expect(commands.indexOf('rm --force')).toBeGreaterThan(-1);
    expect(commands.indexOf('rm --force')).toBeLessThan(commands.findIndex((c) => c.startsWith('run ')));
    expect(r.calls.find((c) => c.args[0] === 'rm')?.args).toEqual(['rm', '--force', 'network-monitor']);
  });
});

describe('shell/run_docker.sh: bare-metal leftovers', () => {
  function withBareMetalTree(s: Sandbox, stamped: boolean): void {
    mkdirSync(path.join(s.root, 'node_modules', 'x'), { recursive: true });
    mkdirSync(path.join(s.root, 'dist'), { recursive: true });
    writeFileSync(path.join(s.root, 'dist', 'cli.js'), '');
    if (stamped) writeFileSync(path.join(s.root, 'node_modules', '.install-stamp'), '1 2\n');
  }

  it('removes node_modules/ and dist/ made by shell/run.sh, whether or not it rebuilt', () => {
    for (const imageCurrent of [true, false]) {
      const s = sandbox();
      if (imageCurrent) s.addImage(s.head);
      withBareMetalTree(s, true);
      const r = s.run('run_docker.sh');

      expect(r.status, r.stderr).toBe(0);
      expect(dockerBuilds(r.calls)).toHaveLength(imageCurrent ? 0 : 1);
      expect(s.exists('node_modules')).toBe(false);
      expect(s.exists('dist')).toBe(false);
    }
  });

  it('keeps a tree not installed by shell/run.sh (a developer checkout)', () => {
    const s = sandbox();
    s.addImage(s.head);
    withBareMetalTree(s, false);
    s.run('run_docker.sh');

    expect(s.exists('node_modules/x')).toBe(true);
    expect(s.exists('dist/cli.js')).toBe(true);
  });

  it('keeps them when CLEAN_BARE_METAL=FALSE', () => {
    const s = sandbox();
    s.addImage(s.head);
    withBareMetalTree(s, true);
    s.run('run_docker.sh', [], { CLEAN_BARE_METAL: 'FALSE' });

    expect(s.exists('node_modules/.install-stamp')).toBe(true);
    expect(s.exists('dist/cli.js')).toBe(true);
  });
});

// The fake docker accepts anything; the real CLI parses and validates flags,
// port and volume specs and the env file before it contacts the daemon. So
// replaying the recorded calls against the real CLI with an unreachable daemon
// proves the scripts' command lines are valid, without a Docker engine.
const realDocker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(!realDocker)('shell/run_docker.sh: command lines accepted by the real docker CLI', () => {
  it('every docker call of a rebuild-and-run, detached, bind-mounted run parses', () => {
    const s = sandbox();
    s.write(
      'configuration/environment.properties',
      'DOCKER_RESTART=unless-stopped\nSTATE_DIR=var/state\nMETRICS_PORT=127.0.0.1:9847\nLOG_LEVEL=debug\n',
    );
    s.addContainer();
    const recorded = s.run('run_docker.sh', ['--demo', 'two words']).calls.filter((c) => c.cmd === 'docker');
    expect(recorded.map((c) => c.args[0])).toEqual([
      'version',
      'image',
      'image',
      'pull',
      'image',
      'build',
      'image',
      'container',
      'rm',
      'run',
    ]);

    for (const call of recorded) {
      const r = spawnSync(realDocker, call.args, {
        encoding: 'utf8',
        timeout: 20_000,
        env: {
          PATH: '/usr/bin:/bin',
          HOME: s.state,
          DOCKER_CONFIG: path.join(s.state, 'docker-config'),
          DOCKER_HOST: `unix://${path.join(s.state, 'no-daemon.sock')}`,
        },
      });
      expect(r.stderr, `docker ${call.args.join(' ')}`).toContain('Cannot connect to the Docker daemon');
      expect(r.stderr).not.toMatch(/unknown (flag|shorthand)|invalid|no such file/i);
    }
  });
});
