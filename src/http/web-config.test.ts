import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSignedCertificate, type TestCertificate } from '../../test/support/certs.js';
import { createLogger } from '../logging.js';
import { createLiveRegistry } from '../metrics/live-registry.js';
import { SnapshotBuilder } from '../metrics/snapshot.js';
import { initialPollStatus } from '../poller/router-poll-status.js';
import { createApp } from './app.js';
import { type ListeningServer, listen } from './server.js';
import { loadWebConfig, WebConfigError } from './web-config.js';

function get(
  url: string,
  ca: Buffer,
  auth?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      url,
      { ca, headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
  });
}

describe('web config (exporter-toolkit format) over real HTTPS', () => {
  let cert: TestCertificate;
  let server: ListeningServer;

  beforeAll(async () => {
    cert = makeSelfSignedCertificate();
    const file = path.join(cert.dir, 'web.yml');
    writeFileSync(
      file,
      [
        'tls_server_config:',
        '  cert_file: cert.pem',
        '  key_file: key.pem',
        'basic_auth_users:',
        `  prometheus: ${bcrypt.hashSync('scrape-secret', 4).replace('$2b$', '$2y$')}`,
        '',
      ].join('\n'),
    );
    const web = loadWebConfig(file);
    const snapshot = new SnapshotBuilder(['home'], initialPollStatus).build(1);
    const app = createApp({
      logger: createLogger('silent'),
      version: '1',
      snapshot: () => snapshot,
      liveRegistry: createLiveRegistry({ version: '1', stateWrites: () => ({ errorsTotal: 0, lastSuccess: null }) }),
      isReady: () => true,
      authenticate: web.authenticate,
    });
    server = await listen(app, { host: '127.0.0.1', port: 0, tls: web.tls });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves over TLS and asks for credentials', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${server.url}/metrics`, cert.cert);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="network-monitor", charset="UTF-8"');
  });

  it('lets the right user in and keeps wrong passwords and unknown users out', async () => {
    expect((await get(`${server.url}/metrics`, cert.cert, 'prometheus:scrape-secret')).status).toBe(200);
    // Second request hits the verified-credentials cache and must still succeed.
    expect((await get(`${server.url}/metrics`, cert.cert, 'prometheus:scrape-secret')).status).toBe(200);
    expect((await get(`${server.url}/metrics`, cert.cert, 'prometheus:wrong')).status).toBe(401);
    expect((await get(`${server.url}/metrics`, cert.cert, 'mallory:scrape-secret')).status).toBe(401);
    expect((await get(`${server.url}/healthz`, cert.cert, 'prometheus')).status).toBe(401);
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(get(`${server.url}/metrics`, Buffer.from(''))).rejects.toThrow(/self.signed|certificate/i);
  });

  it('names the problem in a bad web config', () => {
    const file = path.join(cert.dir, 'bad.yml');
    writeFileSync(
      file,
      'basic_auth_users:\n  alice: plaintext\ntls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n',
    );
    expect(() => loadWebConfig(file)).toThrow(WebConfigError);
    expect(() => loadWebConfig(file)).toThrow(/basic_auth_users\.alice: expected a bcrypt hash/);
    writeFileSync(file, 'tls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n');
    expect(() => loadWebConfig(file)).toThrow(/cannot read missing\.pem: ENOENT/);
  });
});
