/**
 * Wrong passwords cannot starve scrapes. A real `serve` process with basic
 * auth (bcrypt cost 10, the cost the exporter-toolkit documentation uses) is
 * hammered by 32 clients sending wrong passwords (a new one each time, as a
 * guesser does, so no cache of failures helps), each from its own loopback
 * address (so no per-address limit helps) and as fast as it answers, while an
 * authorised scraper reads /metrics. The scraper's median latency must stay
 * under 250 ms (Prometheus gives up at 10 s; before the fix it was seconds).
 * The attackers run in their own process so their load is not measured as the
 * scraper's latency.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { type ExporterProcess, sleep, startExporter } from '../support/exporter-process.js';

const PASSWORD = 'scrape-Flood-4Jq8-zz';
const ATTACKERS = 32;
const SAMPLES = 60;

/** Runs in a child process: `count` loops, each sending a wrong password and, once answered, the next one. */
const ATTACKER_SCRIPT = `
const http = require('node:http');
const [url, count] = process.argv.slice(1);
// Each attacker from its own loopback address, as a distributed guesser would be (so no per-address limit helps).
const agents = Array.from({ length: Number(count) }, (_, n) => new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.' + (n + 2) }));
let answered = 0;
const statuses = {};
function attack(n) {
  const guess = 'prometheus:guess-' + n + '-' + Math.random().toString(36).slice(2);
  const req = http.get(url, { agent: agents[n], headers: { authorization: 'Basic ' + Buffer.from(guess).toString('base64') } }, (res) => {
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    answered++;
    res.resume();
    res.on('end', () => attack(n));
  });
  req.on('error', () => setTimeout(() => attack(n), 10));
}
for (let i = 0; i < Number(count); i++) attack(i);
setInterval(() => process.stdout.write(JSON.stringify({ answered, statuses }) + '\\n'), 500);
`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

describe('an authorised scrape under a wrong-password flood', () => {
  let sim: RunningSimulator;
  let exporter: ExporterProcess;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  function scrape(auth: string): Promise<{ status: number; ms: number }> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.get(`${exporter.url}/metrics`, { agent, headers: { authorization: auth } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
      });
      req.on('error', reject);
    });
  }

  beforeAll(async () => {
    sim = await startSimulator({ users: [{ name: 'monitor', password: 'pw-flood' }] });
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-auth-flood-'));
    const webConfig = path.join(dir, 'web.yml');
    writeFileSync(webConfig, `basic_auth_users:\n  prometheus: ${bcrypt.hashSync(PASSWORD, 10)}\n`);
    exporter = await startExporter({
      config: {
        routers: [{ name: 'edge', host: sim.host, port: sim.port, user: 'monitor', password: 'pw-flood' }],
        http: { listen: '127.0.0.1:0', webConfigFile: webConfig },
        state: { path: path.join(dir, 'state.json') },
      },
      waitReady: false,
      timeoutMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    agent.destroy();
    await exporter?.stop();
    await sim?.close();
  });

  it(`keeps the median authorised /metrics under 250 ms with ${ATTACKERS} wrong-password clients`, async () => {
    const good = `Basic ${Buffer.from(`prometheus:${PASSWORD}`).toString('base64')}`;
    expect((await scrape(good)).status).toBe(200);
    const quiet: number[] = [];
    for (let i = 0; i < 20; i++) quiet.push((await scrape(good)).ms);
    quiet.sort((a, b) => a - b);

    const attackers = spawn(process.execPath, ['-e', ATTACKER_SCRIPT, `${exporter.url}/metrics`, String(ATTACKERS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let progress = '';
    attackers.stdout.setEncoding('utf8').on('data', (chunk: string) => (progress += chunk));
    try {
      // Let the flood build up before measuring.
      await sleep(1500);
      const latencies: number[] = [];
      // At most 30 s of sampling, so a starved scraper fails with its figures instead of timing out.
      const until = performance.now() + 30_000;
      for (let i = 0; i < SAMPLES && performance.now() < until; i++) {
        const { status, ms } = await scrape(good);
        expect(status).toBe(200);
        latencies.push(ms);
        await sleep(20);
      }
      const last = JSON.parse(progress.trim().split('\n').at(-1) ?? '{}') as { answered?: number; statuses?: object };
      latencies.sort((a, b) => a - b);
      const median = percentile(latencies, 50);
      console.log(
        `authorised /metrics under ${ATTACKERS} wrong-password clients: median ${median.toFixed(1)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms ` +
          `(${latencies.length} samples; without the flood: median ${percentile(quiet, 50).toFixed(1)} ms); attackers answered ${last.answered} times: ${JSON.stringify(last.statuses)}`,
      );
      // The flood was real: attackers were answered, and never let in.
      expect(last.answered).toBeGreaterThan(ATTACKERS);
      expect(Object.keys(last.statuses ?? {}).filter((status) => status === '200')).toEqual([]);
      expect(median).toBeLessThan(250);
    } finally {
      attackers.kill();
    }
    // Wrong passwords were refused, the right one still works, and the exporter is alive.
    expect((await scrape(good)).status).toBe(200);
    expect(exporter.child.exitCode).toBeNull();
  }, 60_000);
});
