/**
 * The HTTP surface of a real `serve` process secured by a web config file
 * (exporter-toolkit format: TLS + bcrypt basic auth), probed over real HTTPS
 * the way a scanner or a careless client would: no credentials, wrong ones,
 * malformed Authorization headers, odd methods, bodies, malformed paths.
 * Complements src/http/app.test.ts and web-config.test.ts (which test the app
 * and the auth gate in-process) at the process level.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { makeSelfSignedCertificate, type TestCertificate } from '../support/certs.js';
import { type ExporterProcess, startExporter, waitFor } from '../support/exporter-process.js';
import { parseExposition } from '../support/exposition-parser.js';

const SCRAPE_PASSWORD = 'scrape-Pw-9Hh3-zz';
const GOOD = `Basic ${Buffer.from(`prometheus:${SCRAPE_PASSWORD}`).toString('base64')}`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('secured endpoints of a running exporter', () => {
  let sim: RunningSimulator;
  let exporter: ExporterProcess;
  let cert: TestCertificate;
  let port: number;

  function call(
    method: string,
    pathname: string,
    options: { auth?: string; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: pathname,
          ca: cert.cert,
          agent: false,
          headers: {
            ...(options.auth ? { authorization: options.auth } : {}),
            ...options.headers,
            ...(options.body ? { 'content-length': String(options.body.length) } : {}),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      // A server that answers before reading a large body may close while we still send it.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE' || error.code === 'ECONNRESET') resolve({ status: -1, headers: {}, body: error.code });
        else reject(error);
      });
      req.end(options.body);
    });
  }

  const noInternals = (a: Answer, what: string) => {
    expect(a.body, what).not.toMatch(/\bat .+:\d+:\d+|Error:|node_modules|\/src\//);
    expect(a.headers['x-powered-by'], what).toBeUndefined();
  };

  beforeAll(async () => {
    sim = await startSimulator({ users: [{ name: 'monitor', password: 'pw-endpoints' }] });
    cert = makeSelfSignedCertificate();
    const dir = mkdtempSync(path.join(tmpdir(), 'netmon-endpoints-'));
    const webConfig = path.join(dir, 'web.yml');
    writeFileSync(
      webConfig,
      `tls_server_config:\n  cert_file: ${cert.certFile}\n  key_file: ${cert.keyFile}\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync(SCRAPE_PASSWORD, 6)}\n`,
    );
    exporter = await startExporter({
      config: {
        routers: [{ name: 'edge', host: sim.host, port: sim.port, user: 'monitor', password: 'pw-endpoints' }],
        http: { listen: '127.0.0.1:0', webConfigFile: webConfig },
        state: { path: path.join(dir, 'state.json') },
      },
      waitReady: false,
    });
    port = Number(new URL(exporter.url).port);
    expect(exporter.url).toMatch(/^https:/);
    await waitFor(
      async () => ((await call('GET', '/readyz', { auth: GOOD })).status === 200 ? true : undefined),
      15_000,
      'ready',
    );
  });

  afterAll(async () => {
    await exporter?.stop();
    await sim?.close();
  });

  it('asks for credentials on every path, known or not, before saying anything else', async () => {
    for (const p of ['/metrics', '/', '/api/devices', '/healthz', '/readyz', '/nope', '/.env', '/metrics/../api/devices']) {
      for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) {
        const a = await call(method, p);
        expect(a.status, `${method} ${p}`).toBe(401);
        expect(a.headers['www-authenticate'], `${method} ${p}`).toMatch(/^Basic realm=/);
        noInternals(a, `${method} ${p}`);
      }
    }
  });

  it('refuses wrong, unknown and malformed credentials with 401, never an error', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const attempts = [
      `Basic ${b64('prometheus:wrong')}`,
      `Basic ${b64(`mallory:${SCRAPE_PASSWORD}`)}`,
      `Basic ${b64(`prometheus:${SCRAPE_PASSWORD} `)}`,
      `Basic ${b64('prometheus')}`,
      `Basic ${b64(':')}`,
      'Basic',
      'Basic !!!not base64!!!',
      `Bearer ${SCRAPE_PASSWORD}`,
      `basic ${b64('prometheus:wrong')}`,
      `Basic ${b64(`prometheus:${'x'.repeat(6000)}`)}`,
      `Basic ${b64('\u0000:\u0000')}`,
    ];
    for (const auth of attempts) {
      const a = await call('GET', '/metrics', { auth });
      expect(a.status, auth.slice(0, 40)).toBe(401);
      noInternals(a, auth.slice(0, 40));
    }
  });

  it('with credentials: pages served, unknown paths 404, other methods 405, bodies ignored', async () => {
    const metrics = await call('GET', '/metrics', { auth: GOOD });
    expect(metrics.status).toBe(200);
    expect(parseExposition(metrics.body).some((s) => s.name === 'netmon_router_up' && s.value === 1)).toBe(true);
    expect((await call('HEAD', '/metrics', { auth: GOOD })).body).toBe('');

    const missing = await call('GET', '/nope', { auth: GOOD });
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('not found\n');

    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const a = await call(method, '/metrics', {
        auth: GOOD,
        body: Buffer.from('{"x":1}'),
        headers: { 'content-type': 'application/json' },
      });
      expect(a.status, method).toBe(405);
      expect(a.headers.allow, method).toBe('GET, HEAD');
      noInternals(a, method);
    }
    // A large body is neither parsed nor echoed: a short 405, or the connection closed mid-upload.
    const big = await call('POST', '/api/devices', {
      auth: GOOD,
      body: Buffer.alloc(5 * 1024 * 1024, 0x41),
      headers: { 'content-type': 'application/json' },
    });
    expect([405, -1]).toContain(big.status);
    expect(big.body.length).toBeLessThan(100);
    const unauthenticated = await call('POST', '/metrics', { body: Buffer.alloc(5 * 1024 * 1024, 0x41) });
    expect([401, -1]).toContain(unauthenticated.status);
    expect((await call('GET', '/healthz', { auth: GOOD })).status).toBe(200);
    // A GET with a body is answered as a GET.
    const withBody = await call('GET', '/api/devices', {
      auth: GOOD,
      body: Buffer.from('{"__proto__":{"x":1}}'),
      headers: { 'content-type': 'application/json' },
    });
    expect(withBody.status).toBe(200);
    expect(Array.isArray(JSON.parse(withBody.body))).toBe(true);
  });

  it('malformed paths get a client error, without internals', async () => {
    for (const p of ['/%E0%A4%A', '/%', '/metrics%00', '//metrics', `/${'a'.repeat(4000)}`, '/api/devices?%zz=1']) {
      const a = await call('GET', p, { auth: GOOD });
      expect(a.status, p).toBeGreaterThanOrEqual(200);
      expect(a.status, p).toBeLessThan(500);
      noInternals(a, p);
    }
  });

  it('kept serving, never logged the scrape password, crashed nothing', async () => {
    expect((await call('GET', '/healthz', { auth: GOOD })).status).toBe(200);
    const output = exporter.output();
    expect(output).not.toContain(SCRAPE_PASSWORD);
    expect(output).not.toMatch(/uncaught|unhandled/i);
    expect(exporter.child.exitCode).toBeNull();
  });
});
