// shell/build_image.sh on its own: label and tag, and the old image removed
// only once the new one exists.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, dockerBuilds, FAKE_BASE_DIGEST, restrictedPath, type Sandbox, sandboxesPerTest } from './sandbox.js';

const LABEL = 'org.opencontainers.image.revision';

const newSandbox = sandboxesPerTest();
const sandbox = (git = true): Sandbox => newSandbox({ git });

const dockerCommands = (s: Sandbox, env: Record<string, string> = {}) => {
  const r = s.run('build_image.sh', [], env);
  return { ...r, commands: r.calls.filter((c) => c.cmd === 'docker').map((c) => c.args.join(' ')) };
};

describe('shell/build_image.sh', () => {
  it('pulls the base tag, builds from the digest it resolves to (printed), tagged DOCKER_NAME and labelled with HEAD', () => {
    const s = sandbox();
    s.write('configuration/environment.properties', 'DOCKER_NAME=netmon-x\n');
    const r = dockerCommands(s);
    const pinned = `${BASE_IMAGE}@${FAKE_BASE_DIGEST}`;

    expect(r.status, r.stderr).toBe(0);
    expect(BASE_IMAGE).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
    expect(r.commands).toEqual([
      'image inspect --format {{.Id}} netmon-x',
      `pull --quiet ${BASE_IMAGE}`,
      `image inspect --format {{index .RepoDigests 0}} ${BASE_IMAGE}`,
      `build --build-arg NODE_IMAGE=${pinned} --label ${LABEL}=${s.head} --label org.opencontainers.image.base.name=${pinned} --tag netmon-x ${s.root}`,
      'image inspect --format {{.Id}} netmon-x',
    ]);
    expect(r.stderr).toContain(`build_image.sh: base image: ${pinned}\n`);
    expect(r.stderr).toContain('source_environment: loaded');
  });

  it('fails, saying how to check, when the base image cannot be resolved to a digest', () => {
    const s = sandbox();
    const r = dockerCommands(s, { FAKE_PULL_FAILS: '1' });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`could not pull ${BASE_IMAGE}; trying the local copy`);
    expect(r.stderr).toContain(
      `cannot resolve the base image ${BASE_IMAGE} to a digest (is the registry reachable? try: docker pull ${BASE_IMAGE})`,
    );
    expect(r.commands.some((c) => c.startsWith('build'))).toBe(false);
  });

  it('removes the previous image after a successful build', () => {
    const s = sandbox();
    s.addImage('0123');
    const r = dockerCommands(s);

    expect(r.status, r.stderr).toBe(0);
    expect(r.commands.indexOf('image rm sha256:old')).toBe(r.commands.length - 1);
    expect(r.stderr).toContain('removed the previous image sha256:old');
  });

  it('keeps the previous image, and fails, when the build fails', () => {
    const s = sandbox();
    s.addImage('0123');
    const r = dockerCommands(s, { FAKE_BUILD_FAILS: '1' });

    expect(r.status).not.toBe(0);
    expect(r.commands.some((c) => c.startsWith('image rm'))).toBe(false);
  });

  it('succeeds when the previous image is still used by a container, saying so', () => {
    const s = sandbox();
    s.addImage('0123');
    const r = dockerCommands(s, { FAKE_IMAGE_IN_USE: '1' });

    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('previous image sha256:old is still used by a container');
  });

  it('labels the image "unknown" outside a git checkout (e.g. a release tarball)', () => {
    const s = sandbox(false);
    const r = s.run('build_image.sh');

    expect(r.status, r.stderr).toBe(0);
    expect(dockerBuilds(r.calls)[0]?.args).toContain(`${LABEL}=unknown`);
  });

  it('fails with a clear message when docker is not installed', () => {
    const s = sandbox();
    const bare = restrictedPath(path.join(s.state, 'bare-bin'), ['dirname']);
    const r = s.run('build_image.sh', [], {}, { path: bare });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain('build_image.sh: docker is not installed or not on PATH');
  });
});
