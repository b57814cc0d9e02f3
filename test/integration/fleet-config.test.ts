import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../security/cli.js';
import { type ExporterProcess, reload, startExporter, waitFor } from '../support/exporter-process.js';

/**
 * Checks across the config and its router files, in the real `check-config`
 * and `serve`: a gateway naming a router that is in no file, and a file
 * router's password file that is a state file (of any shard). Nothing here
 * needs a router to answer: routers point at a closed port.
 */

const CLOSED_PORT = 1;

const router = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  host: '127.0.0.1',
  port: CLOSED_PORT,
  user: 'monitor',
  password: 'fleet-config-pw',
  timeoutSeconds: 1,
  ...extra,
});

function fleet(files: Record<string, unknown>, config: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'netmon-fleet-config-'));
  mkdirSync(path.join(dir, 'routers.d'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, 'routers.d', name), JSON.stringify(content));
  const configPath = path.join(dir, 'config.json');
  const document = {
    routers: [],
    routerFiles: [path.join(dir, 'routers.d', '*.json')],
    poll: { intervalSeconds: 1 },
    state: { path: path.join(dir, 'state.json') },
    ...config,
  };
  writeFileSync(configPath, JSON.stringify(document), { mode: 0o600 });
  return { dir, configPath, file: (name: string) => path.join(dir, 'routers.d', name) };
}

describe('gateways between routers of router files', () => {
  it('check-config accepts a gateway in another file, and one named from the config', async () => {
    const { configPath } = fleet(
      { 'gateways.json': [router('home')], 'aps.json': [router('ap-upstairs', { gateway: 'home' })] },
      { routers: [router('ap-garage', { gateway: 'home' })] },
    );
    const result = await runCli(['check-config', '--config', configPath], { NETMON_SHARD: '' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `${configPath}: OK (3 routers from the config and 2 router files: ap-garage, ap-upstairs, home; 0 watched devices)\n`,
    );
    expect(result.status).toBe(0);
  });

  it('check-config and serve refuse a gateway that is in no file, naming the file and the router', async () => {
    const { configPath, file } = fleet({
      'gateways.json': [router('home')],
      'aps.json': [router('ap-upstairs', { gateway: 'home' }), router('ap-garage', { gateway: 'hom' })],
    });
    const expected = `  ${file('aps.json')}:$[1].gateway: router "ap-garage": unknown router "hom": name one of the configured routers (ap-upstairs, ap-garage, home)\n`;
    const check = await runCli(['check-config', '--config', configPath], { NETMON_SHARD: '' });
    expect(check.stderr).toBe(
      `${configPath}: 1 problem\n${expected}Every key, its default and its range: docs/configuration.md\n`,
    );
    expect(check.status).toBe(1);

    const serve = await runCli(['serve', '--config', configPath], { NETMON_SHARD: '', NETMON_LISTEN: '127.0.0.1:0' });
    expect(serve.status).toBe(1);
    expect(serve.stderr).toContain(`network-monitor: invalid configuration ${configPath}:\n${expected}`);
  });
});

describe("a router file's passwordFile on a state file", () => {
  it('check-config and serve refuse one that is another shard state file, and leave it untouched', async () => {
    const { dir, configPath, file } = fleet({});
    const shardState = path.join(dir, 'state.shard-1.json');
    writeFileSync(shardState, '{"not":"yours"}');
    const { password: _, ...withoutPassword } = router('cust-1');
    writeFileSync(file('a.json'), JSON.stringify([{ ...withoutPassword, passwordFile: shardState }]));
    const expected = `  ${file('a.json')}:$[0].passwordFile: is ${shardState}, a file written with the state file ($.state.path), which is rewritten and moved aside; give this file a path of its own\n`;
    for (const shard of ['0/2', '1/2']) {
      const check = await runCli(['check-config', '--config', configPath], { NETMON_SHARD: shard });
      expect(check.stderr, shard).toBe(
        `${configPath}: 1 problem\n${expected}Every key, its default and its range: docs/configuration.md\n`,
      );
      expect(check.status).toBe(1);
    }
    const serve = await runCli(['serve', '--config', configPath], { NETMON_SHARD: '1/2', NETMON_LISTEN: '127.0.0.1:0' });
    expect(serve.status).toBe(1);
    expect(serve.stderr).toContain(expected);
    expect(readFileSync(shardState, 'utf8')).toBe('{"not":"yours"}');
  });
});

describe('SIGHUP with gateways in router files', () => {
  let exporter: ExporterProcess;
  let setup: ReturnType<typeof fleet>;

  beforeAll(async () => {
    setup = fleet({ 'gateways.json': [router('home')], 'aps.json': [router('ap-upstairs', { gateway: 'home' })] });
    exporter = await startExporter({ configPath: setup.configPath, env: { NETMON_SHARD: '' } });
  });
  afterAll(async () => {
    await exporter?.stop('SIGKILL');
  });

  it('logs a gateway that no longer names a router, with the file and the router, and keeps serving', async () => {
    const before = exporter.output().length;
    writeFileSync(setup.file('gateways.json'), JSON.stringify([router('home-2')]));
    const log = await reload(exporter, /configuration reloaded/, before);
    expect(log).toContain(
      `"problem":"${setup.file('aps.json')}:$[0].gateway: router \\"ap-upstairs\\": unknown router \\"home\\": name one of the configured routers (ap-upstairs, home-2)"`,
    );
    expect(log).toContain('configuration problem between routers; fix it');
    expect((await fetch(`${exporter.url}/healthz`)).status).toBe(200);
  });

  it('refuses a reloaded config whose own gateway names no router, and keeps the running one', async () => {
    const document = JSON.parse(readFileSync(setup.configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(setup.configPath, JSON.stringify({ ...document, routers: [router('ap-hall', { gateway: 'nowhere' })] }));
    const log = await reload(exporter, /reload refused, the running configuration stays/);
    expect(log).toContain('$.routers[0].gateway: unknown router \\"nowhere\\": name one of the configured routers');
    expect(exporter.child.exitCode).toBeNull();
  });
});

describe("a routerFiles glob that matches the exporter's own files", () => {
  const SECRET = 'own-files-pw-7f3a9c';
  let exporter: ExporterProcess | undefined;

  afterAll(async () => {
    await exporter?.stop('SIGKILL');
  });

  /** Everything in one directory, matched by `<dir>/*`: the config, a password file, the state files, one router file. */
  function ownDirectory() {
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-own-files-'));
    const at = (name: string) => path.join(dir, name);
    writeFileSync(at('pw'), `${SECRET}\n`, { mode: 0o600 });
    writeFileSync(at('routers.json'), JSON.stringify([router('filed')]));
    const { password: _, ...withoutPassword } = router('inline');
    const document = {
      routers: [{ ...withoutPassword, passwordFile: at('pw') }],
      routerFiles: [path.join(dir, '*')],
      poll: { intervalSeconds: 1 },
      state: { path: at('state.json') },
    };
    writeFileSync(at('config.json'), JSON.stringify(document), { mode: 0o600 });
    return { configPath: at('config.json'), at };
  }

  const line = (file: string, is: string) => `${file} matches routerFiles but is ${is}; skipped (not a router file)`;

  it('serve skips them with one log line each, also for state files written after the start', async () => {
    const { configPath, at } = ownDirectory();
    exporter = await startExporter({ configPath, env: { NETMON_SHARD: '' } });
    const running = exporter;
    const beside = 'a file the exporter writes beside the state file ($.state.path)';
    const expected = [
      line(at('config.json'), 'the configuration file'),
      line(at('pw'), 'a file named by $.routers[0].passwordFile'),
      line(at('state.json.lock'), beside),
      line(at('state.json'), 'the state file ($.state.path)'),
    ];
    await waitFor(
      () => (expected.every((text) => running.output().includes(`"msg":"${text}"`)) ? true : undefined),
      10_000,
      'a skip line for each own file',
    );
    // Re-scanned every second: still one line per file after two more scans.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const output = running.output();
    for (const text of expected) expect(output.split(`"msg":"${text}"`).length - 1, text).toBe(1);
    expect(output).not.toContain('router file refused');
    expect(output).not.toContain('not valid JSON');
    expect(output).not.toContain(SECRET);
    const up = (await (await fetch(`${running.url}/metrics`)).text()).match(/^netmon_router_up\{router="[^"]+"\}/gm);
    expect(up).toEqual(['netmon_router_up{router="inline"}', 'netmon_router_up{router="filed"}']);
    expect(await running.stop('SIGTERM')).toBe(0);

    // check-config says the same of each (the journal and backup are there now too), and passes.
    const check = await runCli(['check-config', '--config', configPath], { NETMON_SHARD: '' });
    const warnings = check.stderr.split('\n').filter(Boolean);
    expect(warnings).toContain(`warning: ${line(at('config.json'), 'the configuration file')}`);
    expect(warnings).toContain(`warning: ${line(at('pw'), 'a file named by $.routers[0].passwordFile')}`);
    expect(warnings).toContain(`warning: ${line(at('state.json'), 'the state file ($.state.path)')}`);
    expect(warnings.every((text) => text.startsWith('warning: ') && text.endsWith('; skipped (not a router file)'))).toBe(true);
    expect(check.stderr).not.toContain(SECRET);
    expect(check.stdout).toBe(
      `${configPath}: OK (2 routers from the config and 1 router file: inline, filed; 0 watched devices)\n`,
    );
    expect(check.status).toBe(0);
  });
});
