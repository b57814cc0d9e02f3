import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import { findSample, parseExposition } from '../../test/support/exposition-parser.js';
import { promtoolCheckMetrics } from '../../test/support/promtool.js';
import { createLogger } from '../logging.js';
import { createLiveRegistry } from '../metrics/live-registry.js';
import { emptySummary, type Snapshot, SnapshotBuilder } from '../metrics/snapshot.js';
import { initialPollStatus } from '../poller/router-poll-status.js';
import { createApp } from './app.js';
import { listen } from './server.js';

function snapshotWith(hostname: string): Snapshot {
  const builder = new SnapshotBuilder(['home'], initialPollStatus);
  builder.updateRouter(
    { ...initialPollStatus('home'), attempted: true, up: true },
    [deviceRecord({ router: 'home', mac: 'AA:BB:CC:DD:EE:01', hostname, present: true, lastSeen: 100 })],
    emptySummary(),
  );
  return builder.build(100);
}

function appWith(options: { ready?: boolean; snapshot?: Snapshot } = {}) {
  let current = options.snapshot ?? snapshotWith('nas');
  const app = createApp({
    logger: createLogger('silent'),
    version: '1.2.3',
    snapshot: () => current,
    liveRegistry: createLiveRegistry({ version: '1.2.3', stateWrites: () => ({ errorsTotal: 2, lastSuccess: 50 }) }),
    isReady: () => options.ready ?? true,
  });
  return { app, swap: (next: Snapshot) => (current = next) };
}

/** An app whose snapshot throws `message`, and the log lines it writes. */
function failingApp(message: string) {
  const lines: string[] = [];
  const app = createApp({
    logger: createLogger('info', { write: (line: string) => lines.push(line) }),
    version: '1',
    snapshot: () => {
      throw new Error(message);
    },
    liveRegistry: createLiveRegistry({ version: '1', stateWrites: () => ({ errorsTotal: 0, lastSuccess: null }) }),
    isReady: () => true,
  });
  return { app, lines };
}

describe('HTTP app', () => {
  it('serves the snapshot and live metrics in the text format', async () => {
    const { app } = appWith();
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(res.text);
    expect(findSample(samples, 'netmon_device_present', { mac: 'AA:BB:CC:DD:EE:01' })?.value).toBe(1);
    expect(findSample(samples, 'netmon_build_info', { version: '1.2.3' })?.value).toBe(1);
    expect(findSample(samples, 'netmon_state_write_errors_total', {})?.value).toBe(2);
    expect(findSample(samples, 'process_cpu_user_seconds_total', {})).toBeDefined();
    expect(promtoolCheckMetrics(res.text)).toEqual({ status: 0, output: '' });
  });

  it('sends the same page gzip-compressed to clients that ask for it, as Prometheus does', async () => {
    const { app } = appWith();
    const plain = await request(app).get('/metrics').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    // supertest would inflate the body itself: read the raw bytes from a real socket instead.
    const server = await listen(app, { host: '127.0.0.1', port: 0 });
    const zipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      http
        .get(`${server.url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
    await server.close();
    expect(zipped.encoding).toBe('gzip');
    const text = gunzipSync(zipped.body).toString('utf8');
    const strip = (page: string) =>
      page.split('\n').filter((line) => line.startsWith('netmon_device') || line.startsWith('netmon_router'));
    expect(strip(text)).toEqual(strip(plain.text));
    expect(strip(text).length).toBeGreaterThan(5);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
  });

  it('negotiates gzip from Accept-Encoding as Prometheus, curl and browsers send it', async () => {
    const server = await listen(appWith().app, { host: '127.0.0.1', port: 0 });
    const encodingFor = (acceptEncoding: string | undefined) =>
      new Promise<string>((resolve, reject) => {
        http
          .get(
            `${server.url}/metrics`,
            { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.headers['content-encoding'] ?? 'identity'));
            },
          )
          .on('error', reject);
      });
    const cases: Record<string, string> = {
      gzip: 'gzip',
      'gzip, deflate, br': 'gzip',
      identity: 'identity',
      'gzip;q=0': 'identity',
      'GZIP;Q=0.5': 'gzip',
      '*': 'gzip',
      'identity;q=0.5, gzip;q=0.9': 'gzip',
      br: 'identity',
      '': 'identity',
    };
    const seen: Record<string, string> = {};
    for (const header of Object.keys(cases)) seen[header] = await encodingFor(header);
    seen[''] = await encodingFor(undefined);
    await server.close();
    expect(seen).toEqual(cases);
  });

  it('answers a scrape as Prometheus sends it (GET /metrics, gzip) outside Express with the same response', async () => {
    const { app } = appWith();
    const server = await listen(app, { host: '127.0.0.1', port: 0 });
    const fetchRaw = (path: string, acceptEncoding: string, method = 'GET') =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .request(`${server.url}${path}`, { method, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on('error', reject)
          .end();
      });
    // 'gzip' alone is the fast path; a query string or any other header value goes through Express.
    const fast = await fetchRaw('/metrics', 'gzip');
    const routed = await fetchRaw('/metrics?from=express', 'gzip, identity');
    const fastHead = await fetchRaw('/metrics', 'gzip', 'HEAD');
    await server.close();
    const comparable = (headers: http.IncomingHttpHeaders) => {
      const { date: _date, ...rest } = headers;
      return rest;
    };
    expect(fast.status).toBe(200);
    expect(comparable(fast.headers)).toEqual(comparable(routed.headers));
    expect(fast.headers).toMatchObject({
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-encoding': 'gzip',
      'cache-control': 'no-store',
      vary: 'Accept-Encoding',
      'content-length': String(fast.body.length),
    });
    // Both within the live metrics' one-second reuse: the same bytes.
    expect(fast.body.equals(routed.body)).toBe(true);
    expect(findSample(parseExposition(gunzipSync(fast.body).toString('utf8')), 'netmon_device_present', {})?.value).toBe(1);
    expect(fastHead.status).toBe(200);
    expect(fastHead.body.length).toBe(0);
    expect(comparable(fastHead.headers)).toEqual(comparable(fast.headers));
  });

  it('logs a failed fast-path scrape and answers a plain 500', async () => {
    const { app, lines } = failingApp('snapshot unavailable');
    const res = await request(app).get('/metrics').set('Accept-Encoding', 'gzip').expect(500);
    expect(res.text).toBe('internal error\n');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, msg: 'request failed', method: 'GET', path: '/metrics' });
  });

  it('serves whichever snapshot is current at request time', async () => {
    const { app, swap } = appWith();
    swap(snapshotWith('renamed'));
    const res = await request(app).get('/api/devices').expect(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ mac: 'AA:BB:CC:DD:EE:01', hostname: 'renamed', present: true, lastSeen: 100 });
  });

  it('revalidates /api/devices with an ETag that changes with the snapshot', async () => {
    const { app, swap } = appWith();
    const first = await request(app).get('/api/devices').expect(200);
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-z]+-\d+"$/);
    const again = await request(app).get('/api/devices').set('If-None-Match', etag).expect(304);
    expect(again.text).toBe('');
    // If-None-Match as clients send it: a list, or the weak form of the tag.
    await request(app).get('/api/devices').set('If-None-Match', `"other", ${etag}`).expect(304);
    await request(app).get('/api/devices').set('If-None-Match', `W/${etag}`).expect(304);
    await request(app).get('/api/devices').set('If-None-Match', '"other"').expect(200);
    swap(snapshotWith('renamed'));
    const changed = await request(app).get('/api/devices').set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body[0].hostname).toBe('renamed');
  });

  it('answers health and readiness', async () => {
    await request(appWith().app).get('/healthz').expect(200, 'OK\n');
    await request(appWith({ ready: true }).app)
      .get('/readyz')
      .expect(200);
    await request(appWith({ ready: false }).app)
      .get('/readyz')
      .expect(503);
  });

  it('renders hostile hostnames as text on the landing page', async () => {
    const { app } = appWith({ snapshot: snapshotWith('<script>alert(1)</script>') });
    const res = await request(app).get('/').expect(200);
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('1.2.3');
  });

  it('refuses other methods and paths without leaking internals', async () => {
    const { app } = appWith();
    const post = await request(app).post('/metrics').send('x=1').expect(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    await request(app).get('/nope').expect(404, 'not found\n');
    await request(app).get('/metrics/').expect(404);
    const head = await request(app).head('/metrics').expect(200);
    expect(head.text).toBeUndefined();
  });

  it('hides errors behind a plain 500, and logs them with method and path but no credentials or query', async () => {
    const { app, lines } = failingApp('snapshot unavailable at /srv/app.js:12');
    const res = await request(app)
      .get('/metrics?token=Query-Secret-7f')
      .set('Authorization', `Basic ${Buffer.from('prometheus:Header-Secret-9k').toString('base64')}`)
      .set('Cookie', 'session=Cookie-Secret-3z')
      .expect(500);
    expect(res.text).toBe('internal error\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 50, msg: 'request failed', method: 'GET', path: '/metrics' });
    expect((entry.err as { message: string }).message).toBe('snapshot unavailable at /srv/app.js:12');
    expect(lines[0]).not.toMatch(/Secret|cHJvbWV0aGV1czpIZWFkZXI/);
  });
});
