import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../security/cli.js';

/** The CLI with no config path or log level from the environment unless a test gives one. */
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { NETMON_CONFIG: '', LOG_LEVEL: '', ...env });

function writeConfig(document: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-cli-')), 'config.json');
  writeFileSync(file, JSON.stringify(document), { mode: 0o600 });
  return file;
}

describe('CLI', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ users: [{ name: 'monitor', password: 'cli-secret-pw' }] });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  const router = () => ({
    name: 'home',
    host: simulator.host,
    port: simulator.port,
    user: 'monitor',
    password: 'cli-secret-pw',
    timeoutSeconds: 2,
  });

  it('prints its version and help', async () => {
    const version = await run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('network-monitor serve [--config FILE] [--demo]');
    const unknown = await run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('check-config: OK summary, or every problem with its path and exit 1', async () => {
    const good = await run(['check-config', '--config', writeConfig({ routers: [router()] })]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/OK \(1 router: home; 0 watched devices\)\n$/);
    const badFile = writeConfig({
      routers: [{ name: 'home', host: '', user: 'u', password: 'p' }],
      poll: { intervalSeconds: -1 },
    });
    const bad = await run(['check-config', '--config', badFile]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      `${badFile}: 2 problems\n` +
        '  $.routers[0].host: must not be empty\n' +
        '  $.poll.intervalSeconds: must be a number from 1 to 3600\n' +
        'Every key, its default and its range: docs/configuration.md\n',
    );
  });

  it('check-config: required keys, ranges and typos in the words of the file', async () => {
    const file = writeConfig({ routers: [{ name: 'home', user: 'u', password: 'p', port: 0 }], poll: { intervalSecond: 5 } });
    const result = await run(['check-config', '--config', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${file}: 3 problems\n` +
        '  $.routers[0].host: required\n' +
        '  $.routers[0].port: must be a whole number from 1 to 65535\n' +
        '  $.poll.intervalSecond: unknown key; did you mean "intervalSeconds"?\n' +
        'Every key, its default and its range: docs/configuration.md\n',
    );
  });

  it('a missing config file: check-config, devices and serve say how to create it', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-cli-')), 'config.json');
    const hint =
      'To start, copy the example and fill in your router (docs/configuration.md):\n' +
      `  cp configuration/config.example.json ${missing}\n` +
      'To try the exporter without a router: network-monitor serve --demo\n';
    const check = await run(['check-config', '--config', missing]);
    expect(check.status).toBe(1);
    expect(check.stderr).toBe(`${missing}: 1 problem\n  $: no such file\n${hint}`);
    for (const command of ['devices', 'serve']) {
      const result = await run([command], { NETMON_CONFIG: missing });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`network-monitor: invalid configuration ${missing}:\n  $: no such file\n${hint}`);
    }
  });

  it('devices --demo prints the demo home network without a config', async () => {
    const result = await run(['devices', '--demo'], { NETMON_CONFIG: '/nonexistent/config.json' });
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +IP +MAC +VENDOR +ROUTER/);
    expect(lines.at(-1)).toMatch(/^64 devices: \d+ present, \d+ absent, 3 watched$/);
    expect(result.stdout).toMatch(/^nas +192\.168\.88\.10 +00:11:32:ED:E6:61 +Synology/m);
    expect(result.stdout).toMatch(/^old laptop +00:1B:63:00:00:01 /m);
    const json = await run(['devices', '--demo', '--json']);
    expect(json.status).toBe(0);
    const devices = JSON.parse(json.stdout) as Array<{ router: string }>;
    expect(devices).toHaveLength(64); // the sample network, plus a Wi-Fi-only camera and an IPv6-only sensor
    expect(new Set(devices.map((device) => device.router))).toEqual(new Set(['demo']));
  });

  it('check-config reads NETMON_CONFIG when --config is absent', async () => {
    const result = await run(['check-config'], { NETMON_CONFIG: writeConfig({ routers: [router()] }) });
    expect(result.status).toBe(0);
  });

  it('devices --json polls once and prints every device', async () => {
    const result = await run(['devices', '--json', '--config', writeConfig({ routers: [router()] })]);
    expect(result.status).toBe(0);
    const devices = JSON.parse(result.stdout) as Array<{ router: string; mac: string; present: boolean }>;
    expect(devices.length).toBeGreaterThan(50);
    expect(devices.every((d) => d.router === 'home' && /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(d.mac))).toBe(true);
    expect(devices.some((d) => d.present)).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('devices prints a table when piped, and fails with one line per unreachable router', async () => {
    const table = await run(['devices', '--config', writeConfig({ routers: [router()] })]);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/MAC/);
    expect(table.stdout).not.toContain('\u001b[');

    const failing = await run([
      'devices',
      '--config',
      writeConfig({ routers: [router(), { ...router(), name: 'office', password: 'wrong-password-xyz' }] }),
    ]);
    expect(failing.status).toBe(1);
    const lines = failing.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^router office: auth: /);
    expect(failing.stderr + failing.stdout).not.toContain('wrong-password-xyz');
  });
});
