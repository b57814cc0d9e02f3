import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NETMON_CONFIG: '', LOG_LEVEL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

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
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('network-monitor serve [--config FILE] [--demo]');
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('check-config: OK summary, or every problem with its path and exit 1', async () => {
    const good = await run(['check-config', '--config', writeConfig({ routers: [router()] })]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/OK \(1 router\(s\): home; 0 watched device\(s\)\)/);
    const bad = await run([
      'check-config',
      '--config',
      writeConfig({ routers: [{ name: 'home', host: '', user: 'u', password: 'p' }], poll: { intervalSeconds: -1 } }),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2 problem(s)');
    expect(bad.stderr).toMatch(/\$\.routers\[0\]\.host: /);
    expect(bad.stderr).toMatch(/\$\.poll\.intervalSeconds: /);
  });

  it('check-config reads NETMON_CONFIG when --config is absent', async () => {
    const result = await run(['check-config'], { NETMON_CONFIG: writeConfig({ routers: [router()] }) });
    expect(result.code).toBe(0);
  });

  it('devices --json polls once and prints every device', async () => {
    const result = await run(['devices', '--json', '--config', writeConfig({ routers: [router()] })]);
    expect(result.code).toBe(0);
    const devices = JSON.parse(result.stdout) as Array<{ router: string; mac: string; present: boolean }>;
    expect(devices.length).toBeGreaterThan(50);
    expect(devices.every((d) => d.router === 'home' && /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(d.mac))).toBe(true);
    expect(devices.some((d) => d.present)).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('devices prints a table when piped, and fails with one line per unreachable router', async () => {
    const table = await run(['devices', '--config', writeConfig({ routers: [router()] })]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/MAC/);
    expect(table.stdout).not.toContain('\u001b[');

    const failing = await run([
      'devices',
      '--config',
      writeConfig({ routers: [router(), { ...router(), name: 'office', password: 'wrong-password-xyz' }] }),
    ]);
    expect(failing.code).toBe(1);
    const lines = failing.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^router office: auth: /);
    expect(failing.stderr + failing.stdout).not.toContain('wrong-password-xyz');
  });
});
