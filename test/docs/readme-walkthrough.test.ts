import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/exporter-process.js';
import { codeBlocks } from './markdown.js';

/**
 * The README's "Connect your own router" section, followed literally in a fresh
 * clone: its shell blocks run in order, the config is the README's smallest
 * file edited as the README says for the bundled simulator, and the exporter
 * it starts is scraped. Two deviations, both so parallel tests cannot collide:
 * the simulator's port 18728 becomes a free port (in the command and the
 * config alike), and serve listens on a free loopback port (NETMON_LISTEN,
 * which the README documents).
 *
 * It clones, installs and builds, so it takes a minute or two. shell/run.sh
 * needs Node 22 or newer: CI (shell/test.sh) runs the tests on Node 24; on an
 * older Node the test uses the Node 24 that shell/test.sh caches, or is skipped.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SIMULATOR_PORT_IN_README = '18728';

function nodeForScripts(): string | null {
  if (Number(process.versions.node.split('.')[0]) >= 22) return path.dirname(process.execPath);
  const cache = path.join(ROOT, 'node_modules/.cache');
  const cached = existsSync(cache) ? readdirSync(cache).filter((name) => /^node-(2[2-9]|[3-9]\d)\./.test(name)) : [];
  for (const name of cached) {
    const bin = path.join(cache, name, 'node_modules/.bin');
    if (existsSync(path.join(bin, 'node'))) return bin;
  }
  return null;
}
const NODE_BIN = nodeForScripts();

function section(title: string): string {
  const start = README.indexOf(`## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
let clone = '';
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  await Promise.all(
    children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))),
  );
  if (clone) rmSync(path.dirname(clone), { recursive: true, force: true });
});

describe.skipIf(NODE_BIN === null)('README: connect your own router, in a fresh clone', () => {
  it('copy the example, fill a router pointing at the simulator, check-config, devices, run.sh, scrape', {
    timeout: 600_000,
  }, async () => {
    const steps = section('Connect your own router');
    const shellBlocks = codeBlocks(steps, 'sh');
    const [configBlock] = codeBlocks(steps, 'json');
    expect(shellBlocks.length).toBeGreaterThanOrEqual(5);
    expect(steps).toContain(`"host": "127.0.0.1", "port": ${SIMULATOR_PORT_IN_README}`);

    clone = path.join(mkdtempSync(path.join(tmpdir(), 'netmon-readme-')), 'network-monitor');
    execFileSync('git', ['clone', '--quiet', ROOT, clone], { stdio: 'pipe' });

    const simulatorPort = await freePort();
    const listenPort = await freePort();
    const env = {
      ...process.env,
      PATH: `${NODE_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      NETMON_CONFIG: '',
      LOG_LEVEL: '',
      NETMON_LISTEN: `127.0.0.1:${listenPort}`,
      NO_COLOR: '1',
    };
    const transcript: string[] = [];
    let configWritten = false;

    for (const block of shellBlocks) {
      for (const rawLine of block.split('\n')) {
        const line = rawLine.replaceAll(SIMULATOR_PORT_IN_README, String(simulatorPort)).trim();
        if (line === '' || line.startsWith('#')) continue;
        if (line.startsWith('shell/run.sh') && !configWritten) {
          // "Edit configuration/config.json": the README's smallest file, with the
          // simulator's address as the README says.
          const config = JSON.parse(configBlock!) as { routers: Array<Record<string, unknown>> };
          Object.assign(config.routers[0]!, { host: '127.0.0.1', port: simulatorPort });
          writeFileSync(path.join(clone, 'configuration/config.json'), JSON.stringify(config, null, 2));
          configWritten = true;
        }
        if (line.startsWith('node dist/simulator/cli.js') || line === 'shell/run.sh') {
          const child = spawn('sh', ['-c', `exec ${line}`], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
          children.push(child);
          let output = '';
          child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
          child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
          if (line === 'shell/run.sh') {
            const metrics = await waitFor(
              async () => {
                if (child.exitCode !== null) throw new Error(`shell/run.sh exited ${child.exitCode}:\n${output}`);
                const response = await fetch(`http://127.0.0.1:${listenPort}/metrics`).catch(() => null);
                const text = response?.ok ? await response.text() : '';
                return /^netmon_router_up\{router="home"\} 1$/m.test(text) ? text : undefined;
              },
              120_000,
              'the exporter started by shell/run.sh to scrape the simulator',
            );
            expect(metrics).toMatch(/^netmon_device_present\{router="home",mac="00:11:32:ED:E6:61"\} 1$/m);
            expect(metrics).toMatch(/^netmon_devices\{router="home",state="present"\} [1-9]\d*$/m);
            const page = await (await fetch(`http://127.0.0.1:${listenPort}/`)).text();
            expect(page).toContain('00:11:32:ED:E6:61');
          } else {
            await waitFor(
              () => {
                if (child.exitCode !== null) throw new Error(`simulator exited ${child.exitCode}:\n${output}`);
                return output.includes(`listening on 127.0.0.1:${simulatorPort}`) ? true : undefined;
              },
              30_000,
              'the simulator to listen',
            );
          }
          transcript.push(`$ ${line} (running)`);
          continue;
        }
        const result = spawnSync('sh', ['-c', line], { cwd: clone, env, encoding: 'utf8', timeout: 400_000 });
        transcript.push(`$ ${line}\n${result.stdout}${result.stderr}`);
        expect(result.status, transcript.join('\n')).toBe(0);
        if (line === 'shell/run.sh check-config') {
          expect(result.stdout).toBe('configuration/config.json: OK (1 router: home; 0 watched devices)\n');
        }
        if (line === 'shell/run.sh devices') {
          expect(result.stdout).toMatch(/^NAME +IP +MAC/);
          expect(result.stdout).toMatch(/ 00:11:32:ED:E6:61 /);
          expect(result.stdout).toMatch(/^\d+ devices: \d+ present, \d+ absent, 0 watched\n$/m);
        }
      }
    }
    expect(transcript.map((entry) => entry.split('\n')[0])).toEqual([
      '$ cp configuration/config.example.json configuration/config.json',
      "$ printf '%s\\n' 'a-long-random-password' > configuration/home.pass",
      '$ chmod 600 configuration/home.pass',
      '$ shell/run.sh check-config',
      `$ node dist/simulator/cli.js --port ${simulatorPort} --user netmon --password-file configuration/home.pass (running)`,
      '$ shell/run.sh devices',
      '$ shell/run.sh (running)',
    ]);
    // The secrets the README has the user create are not tracked.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  });
});
