/**
 * No router password leaves the process: a full run of `serve` (log level
 * trace), `devices` (table and JSON) and `check-config`, with passwords from
 * the config file, a password file and the environment, through a good login,
 * a refused login, a refused connection and a router that echoes the password
 * back in an error. Everything the process prints, serves or writes (stdout,
 * stderr, every HTTP path, the state file) is searched for each password.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { startExporter, waitFor } from '../support/exporter-process.js';
import { runCli } from './cli.js';

// Distinctive, so a hit can only be a leak; no regex metacharacters.
const SECRETS = {
  inline: 'Inl1ne-Pw-7Qx9-zz',
  file: 'F1le-Pw-K2v8-zz',
  env: 'Env-Pw-M4t6-zz',
  envRefused: 'Env2-Pw-R8p3-zz',
};
const ENV_VAR = 'NETMON_TEST_ROUTER_PW';
const ENV_VAR_2 = 'NETMON_TEST_ROUTER_PW_2';

function leaks(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('router passwords never leave the process', () => {
  let good: RunningSimulator;
  let echoing: RunningSimulator;
  let dir: string;
  let configPath: string;
  let statePath: string;
  const env = { [ENV_VAR]: SECRETS.env, [ENV_VAR_2]: SECRETS.envRefused, LOG_LEVEL: 'trace' };

  beforeAll(async () => {
    good = await startSimulator({ users: [{ name: 'monitor', password: SECRETS.inline }] });
    // A router that repeats the password in its error text (as a hostile or buggy one might).
    echoing = await startSimulator({
      users: [{ name: 'monitor', password: SECRETS.env }],
      faults: { trapPaths: { '/ip/arp': `failure: user monitor password ${SECRETS.env} lacks policy` } },
    });
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-secrets-'));
    const passwordFile = path.join(dir, 'router.pw');
    writeFileSync(passwordFile, `${SECRETS.file}\n`, { mode: 0o600 });
    statePath = path.join(dir, 'state', 'state.json');
    configPath = path.join(dir, 'config.json');
    const refusedPort = await closedPort();
    writeFileSync(
      configPath,
      JSON.stringify({
        routers: [
          { name: 'inline-ok', host: good.host, port: good.port, user: 'monitor', password: SECRETS.inline, timeoutSeconds: 2 },
          // The good router does not know this password: a refused login.
          { name: 'file-refused', host: good.host, port: good.port, user: 'monitor', passwordFile, timeoutSeconds: 2 },
          { name: 'env-echo', host: echoing.host, port: echoing.port, user: 'monitor', passwordEnv: ENV_VAR, timeoutSeconds: 2 },
          {
            name: 'env-unreachable',
            host: '127.0.0.1',
            port: refusedPort,
            user: 'monitor',
            passwordEnv: ENV_VAR_2,
            timeoutSeconds: 2,
          },
        ],
        poll: { intervalSeconds: 1 },
        state: { path: statePath },
      }),
      { mode: 0o600 },
    );
  });

  afterAll(async () => {
    await good?.close();
    await echoing?.close();
  });

  it('serve: logs, every HTTP answer and the state file', async () => {
    const exporter = await startExporter({ configPath, env });
    const seen: string[] = [];
    // Two rounds of failures, so repeat logging paths run too.
    await waitFor(
      async () => {
        const text = await (await fetch(`${exporter.url}/metrics`)).text();
        const m = /netmon_router_poll_errors_total\{router="file-refused",reason="auth"\} (\d+)/.exec(text);
        return m && Number(m[1]) >= 2 ? true : undefined;
      },
      20_000,
      'two refused logins',
    );
    for (const p of ['/metrics', '/api/devices', '/', '/healthz', '/readyz', '/nope', '/api/devices?x=1']) {
      const res = await fetch(`${exporter.url}${p}`);
      seen.push(`${p} ${res.status} ${JSON.stringify([...res.headers])}\n${await res.text()}`);
    }
    const posted = await fetch(`${exporter.url}/metrics`, { method: 'POST', body: SECRETS.inline });
    seen.push(await posted.text());
    const page = seen.find((s) => s.startsWith('/ 200')) ?? '';
    for (const href of page.matchAll(/(?:src|href)="(\/[^"]+)"/g))
      seen.push(await (await fetch(`${exporter.url}${href[1]}`)).text());
    expect(await exporter.stop('SIGTERM')).toBe(0);

    const output = exporter.output();
    // The secrets did travel: logins succeeded and failed, the echo was redacted.
    expect(good.stats.logins).toBeGreaterThan(0);
    expect(good.stats.loginFailures).toBeGreaterThan(0);
    expect(echoing.stats.logins).toBeGreaterThan(0);
    expect(output).toContain('login refused');
    expect(output).toContain('[redacted]');
    expect(output).toContain('ECONNREFUSED');

    const stateFiles = readdirSync(path.dirname(statePath)).map((f) =>
      readFileSync(path.join(path.dirname(statePath), f), 'utf8'),
    );
    expect(stateFiles.length).toBeGreaterThan(0);
    expect(leaks(output), 'stdout/stderr').toEqual([]);
    expect(leaks(seen.join('\n')), 'HTTP').toEqual([]);
    expect(leaks(stateFiles.join('\n')), 'state file').toEqual([]);
  });

  it('devices (table and JSON): output and one-line failure reasons', async () => {
    for (const args of [
      ['devices', '--config', configPath],
      ['devices', '--json', '--config', configPath],
    ]) {
      const result = await runCli(args, env);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/router file-refused: auth: .*login refused/);
      expect(result.stderr).toMatch(/router env-echo: protocol: .*\[redacted\]/);
      expect(result.stderr).toMatch(/router env-unreachable: connection: .*ECONNREFUSED/);
      expect(leaks(result.stdout + result.stderr), args.join(' ')).toEqual([]);
    }
  });

  it('check-config: a good file, and a broken one that holds passwords in odd places', async () => {
    const ok = await runCli(['check-config', '--config', configPath], env);
    expect(ok.status).toBe(0);
    expect(leaks(ok.stdout + ok.stderr)).toEqual([]);

    const broken = path.join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        routers: [
          { name: 'a', host: 'h', user: 'u', pasword: SECRETS.inline, passwordFile: path.join(dir, 'missing.pw') },
          { name: 'b', host: 'h', user: 'u', password: [SECRETS.file] },
          { name: 'c', host: 'h', user: 'u', password: SECRETS.env, passwordEnv: ENV_VAR },
          {
            name: 'd',
            host: SECRETS.envRefused.length > 0 ? 'h' : '',
            user: 'u',
            password: SECRETS.envRefused,
            timeoutSeconds: SECRETS.envRefused,
          },
        ],
      }),
      { mode: 0o600 },
    );
    const bad = await runCli(['check-config', '--config', broken], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('$.routers[0]');
    expect(bad.stderr).toContain('$.routers[3].timeoutSeconds');
    expect(leaks(bad.stdout + bad.stderr)).toEqual([]);
  });

  // V8's JSON.parse messages quote the source around an unexpected token
  // (`Unexpected token 'h', ..."password": hunter2-zq }"... is not valid JSON`):
  // a password typed without quotes would be printed to the terminal and the logs.
  it('check-config and serve: a password written without quotes is not echoed by the JSON syntax error', async () => {
    const short = 'hunter2-zq';
    const cases = {
      unquoted: `{\n  "routers": [\n    { "name": "home", "host": "192.168.88.1", "user": "monitor", "password": ${short} }\n  ]\n}\n`,
      alone: `${short}\n`,
      'missing comma': `{"routers":[{"password":"${short}" "x"}]}`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(dir, `garbled-${name.replace(' ', '-')}.json`);
      writeFileSync(file, text, { mode: 0o600 });
      for (const command of ['check-config', 'serve']) {
        const result = await runCli([command, '--config', file], env);
        expect(result.status, `${command}, ${name}`).toBe(1);
        expect(result.stderr, `${command}, ${name}`).toMatch(/not valid JSON/);
        expect(result.stdout + result.stderr, `${command}, ${name}`).not.toContain(short.slice(0, 4));
      }
    }
    // Still says where the problem is.
    const where = await runCli(['check-config', '--config', path.join(dir, 'garbled-unquoted.json')], env);
    expect(where.stderr).toMatch(/line 3/);
  });
});

describe('world-readable config warning', () => {
  const secret = 'Ww-Pw-5Lk2-zz';
  let dir: string;
  const write = (name: string, router: Record<string, unknown>, mode: number): string => {
    const file = path.join(dir, name);
    writeFileSync(
      file,
      JSON.stringify({
        routers: [{ name: 'r', host: '127.0.0.1', port: 1, user: 'u', ...router }],
        state: { path: path.join(dir, `${name}.state`) },
      }),
    );
    chmodSync(file, mode);
    return file;
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-modes-'));
  });

  it('warns for an inline password in a world-readable file, without repeating it', async () => {
    const file = write('open.json', { password: secret }, 0o644);
    const result = await runCli(['check-config', '--config', file]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`warning: ${file} holds a router password and is world-readable (mode 644)`);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('serve warns at startup too', async () => {
    const file = write('open-serve.json', { password: secret }, 0o604);
    const exporter = await startExporter({ configPath: file, waitReady: false });
    try {
      const warning = exporter
        .output()
        .split('\n')
        .find((l) => l.includes('world-readable'));
      expect(warning).toBeDefined();
      expect(JSON.parse(warning!).level).toBe(40);
      expect(warning).toContain('mode 604');
    } finally {
      await exporter.stop();
    }
    expect(exporter.output()).not.toContain(secret);
  });

  it('stays quiet for mode 600, and for a world-readable file that only names a password source', async () => {
    const closed = await runCli(['check-config', '--config', write('closed.json', { password: secret }, 0o600)]);
    expect(closed.stderr).not.toContain('world-readable');
    const pwFile = path.join(dir, 'pw');
    writeFileSync(pwFile, secret, { mode: 0o600 });
    const indirect = await runCli(['check-config', '--config', write('indirect.json', { passwordFile: pwFile }, 0o644)]);
    expect(indirect.status).toBe(0);
    expect(indirect.stderr).not.toContain('world-readable');
    expect(indirect.stdout + indirect.stderr).not.toContain(secret);
  });
});

describe('no secret reaches the output through the state file', () => {
  const secret = 'St4te-S3cret-Qv7-zz';
  let dir: string;
  let sim: RunningSimulator;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-state-secret-'));
    sim = await startSimulator({ users: [{ name: 'monitor', password: 'pw-state' }] });
  });
  afterAll(async () => {
    await sim?.close();
  });

  function config(name: string, state: string, router: Record<string, unknown> = { password: 'pw-state' }): string {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        routers: [{ name: 'home', host: sim.host, port: sim.port, user: 'monitor', timeoutSeconds: 2, ...router }],
        poll: { intervalSeconds: 1 },
        state: { path: state },
      }),
      { mode: 0o600 },
    );
    return file;
  }

  it('serve: a state file and a journal that are not ours are moved aside without quoting a byte of them', async () => {
    const state = path.join(dir, 'passwd-like');
    const contents = {
      state: `root:${secret}:0:0:root:/root:/bin/bash\n`,
      journal: `{"password": ${secret}}\n`,
    };
    writeFileSync(state, contents.state);
    writeFileSync(`${state}.journal`, contents.journal);
    const exporter = await startExporter({ configPath: config('foreign-state', state), env: { LOG_LEVEL: 'trace' } });
    const devices = await (await fetch(`${exporter.url}/api/devices`)).text();
    expect(await exporter.stop('SIGTERM')).toBe(0);
    const output = exporter.output();
    expect(output).toMatch(/"path":"[^"]*passwd-like"[^\n]*device state file is corrupt; moved aside/);
    expect(output).toMatch(/"reason":"not JSON: unexpected character (at|near) line 1, column 1"/);
    expect(output).toContain('not a state journal');
    for (const piece of [secret, secret.slice(0, 6), 'root:', '"password"']) expect(output, piece).not.toContain(piece);
    expect(devices).not.toContain(secret.slice(0, 6));
    // Kept for a human, byte for byte.
    const aside = readdirSync(dir).filter((name) => name.includes('.corrupt-'));
    expect(aside.map((name) => readFileSync(path.join(dir, name), 'utf8')).sort()).toEqual(
      [contents.journal, contents.state].sort(),
    );
  });

  it('check-config and serve refuse a state.path that is a password file, naming the field, without reading it out', async () => {
    const passwordFile = path.join(dir, 'router.pw');
    writeFileSync(passwordFile, `${secret}\n`, { mode: 0o600 });
    const file = config('state-is-password', passwordFile, { passwordFile });
    for (const command of ['check-config', 'serve']) {
      const result = await runCli([command, '--config', file], { NETMON_LISTEN: '127.0.0.1:0' });
      expect(result.status, command).toBe(1);
      expect(result.stderr, command).toContain(`$.state.path: is also $.routers[0].passwordFile (${passwordFile})`);
      expect(result.stdout + result.stderr, command).not.toContain(secret.slice(0, 6));
    }
    // Untouched: not moved aside, not rewritten.
    expect(readFileSync(passwordFile, 'utf8')).toBe(`${secret}\n`);
    expect(readdirSync(dir).filter((name) => name.startsWith('router.pw'))).toEqual(['router.pw']);
  });
});
