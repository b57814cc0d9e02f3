import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from './load.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netmon-statepath-'));
  writeFileSync(path.join(dir, 'router.pw'), 'pw\n', { mode: 0o600 });
  writeFileSync(path.join(dir, 'ca.pem'), 'not read here');
});

function problemsOf(document: object): string[] {
  try {
    buildConfig(document, path.join(dir, 'config.json'), {});
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
  }
}

const router = (extra: object = {}) => ({
  name: 'home',
  host: 'h',
  user: 'u',
  passwordFile: path.join(dir, 'router.pw'),
  ...extra,
});

describe('state.path may not be a secret file', () => {
  it('accepts a state path of its own', () => {
    expect(problemsOf({ routers: [router()], state: { path: path.join(dir, 'state.json') } })).toEqual([]);
  });

  it("refuses a router's passwordFile, naming the field", () => {
    expect(problemsOf({ routers: [router()], state: { path: path.join(dir, 'router.pw') } })).toEqual([
      `$.state.path: is also $.routers[0].passwordFile (${dir}/router.pw); the state file is rewritten and moved aside, so give it a path of its own`,
    ]);
  });

  it('compares real paths and inodes: through a symlink, a hard link, or ./ and ../ detours', () => {
    symlinkSync(path.join(dir, 'router.pw'), path.join(dir, 'link-to-pw'));
    linkSync(path.join(dir, 'router.pw'), path.join(dir, 'hard-pw'));
    mkdirSync(path.join(dir, 'sub'));
    for (const statePath of [path.join(dir, 'link-to-pw'), path.join(dir, 'hard-pw'), `${dir}/sub/../router.pw`]) {
      expect(problemsOf({ routers: [router()], state: { path: statePath } }), statePath).toEqual([
        expect.stringMatching(/^\$\.state\.path: is also \$\.routers\[0\]\.passwordFile /),
      ]);
    }
  });

  it('refuses a state path whose backup, journal or lock would land on a secret', () => {
    writeFileSync(path.join(dir, 'x.bak'), 'secret');
    expect(
      problemsOf({ routers: [router({ passwordFile: path.join(dir, 'x.bak') })], state: { path: path.join(dir, 'x') } }),
    ).toEqual([expect.stringContaining(`$.state.path: makes ${dir}/x.bak, which is also $.routers[0].passwordFile`)]);
  });

  it('refuses a state path whose journal or lock would land on a secret', () => {
    for (const suffix of ['journal', 'lock']) {
      const secret = path.join(dir, `y.${suffix}`);
      writeFileSync(secret, 'secret');
      expect(problemsOf({ routers: [router({ passwordFile: secret })], state: { path: path.join(dir, 'y') } })).toEqual([
        expect.stringContaining(`$.state.path: makes ${secret}, which is also $.routers[0].passwordFile`),
      ]);
    }
  });

  it("with shards, refuses a secret that is any shard's state file, journal, backup or lock", () => {
    const state = path.join(dir, 'state.json');
    for (const name of [
      'state.shard-0.json',
      'state.shard-2.json.journal',
      'state.shard-1.json.lock',
      'state.shard-2.json.bak',
    ]) {
      const secret = path.join(dir, name);
      writeFileSync(secret, 'secret');
      expect(
        problemsOf({ routers: [router({ passwordFile: secret })], state: { path: state }, shard: { index: 0, count: 3 } }),
        name,
      ).toEqual([
        `$.state.path: makes ${secret}, which is also $.routers[0].passwordFile (${secret}); the state file is rewritten and moved aside, so give it a path of its own`,
      ]);
    }
    // A shard beyond the count is no instance's file.
    expect(
      problemsOf({
        routers: [router({ passwordFile: path.join(dir, 'state.shard-2.json.bak') })],
        state: { path: state },
        shard: { index: 0, count: 2 },
      }),
    ).toEqual([]);
  });

  it("refuses a router's TLS CA, the web config, the files the web config names, and the config file itself", () => {
    const web = path.join(dir, 'web.yml');
    writeFileSync(
      web,
      'tls_server_config:\n  cert_file: tls/server.crt\n  key_file: tls/server.key\n  client_ca_file: clients.pem\n',
    );
    const tls = { enabled: true, ca: path.join(dir, 'ca.pem') };
    const cases: Array<[string, string]> = [
      [path.join(dir, 'ca.pem'), '$.routers[0].tls.ca'],
      [web, '$.http.webConfigFile'],
      [path.join(dir, 'tls', 'server.key'), `${web}: tls_server_config.key_file`],
      [path.join(dir, 'tls', 'server.crt'), `${web}: tls_server_config.cert_file`],
      [path.join(dir, 'clients.pem'), `${web}: tls_server_config.client_ca_file`],
      [path.join(dir, 'config.json'), 'the configuration file itself'],
    ];
    for (const [statePath, field] of cases) {
      const problems = problemsOf({
        routers: [router({ tls })],
        http: { webConfigFile: web },
        state: { path: statePath },
      });
      expect(problems, field).toEqual([expect.stringContaining(`$.state.path: is also ${field} (${statePath})`)]);
    }
  });
});
