import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceRecord } from '../../test/support/devices.js';
import { emptySummary, type Snapshot, SnapshotBuilder } from '../metrics/snapshot.js';
import { initialPollStatus } from '../poller/router-poll-status.js';
import { EXPOSITION_CONTENT_TYPE, sendExposition } from './exposition.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

function snapshotOf(count: number, hostname = 'host'): Snapshot {
  const builder = new SnapshotBuilder(['home', 'office'], initialPollStatus);
  const devices = Array.from({ length: count }, (_, i) =>
    deviceRecord({
      router: 'home',
      mac: `AA:BB:CC:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase(),
      hostname: `${hostname}-${i}`,
      present: i % 2 === 0,
      lastSeen: 1_700_000_000 + i,
    }),
  );
  builder.updateRouter({ ...initialPollStatus('home'), attempted: true, up: true }, devices, emptySummary());
  return builder.build(1);
}

async function serve(snapshot: () => Snapshot, live: () => string): Promise<string> {
  server = createServer((req, res) => {
    // Negotiation is the app's job (Express); here a client asks for gzip or it does not.
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    void sendExposition(res, { gzip, head: req.method === 'HEAD' }, snapshot(), live());
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/metrics`;
}

function get(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('sendExposition', () => {
  const live = '# HELP process_x x\n# TYPE process_x gauge\nprocess_x 1\n';

  it('sends the page and the live text as they are, with their exact length', async () => {
    const snapshot = snapshotOf(300);
    const url = await serve(
      () => snapshot,
      () => live,
    );
    const res = await get(url, {});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(EXPOSITION_CONTENT_TYPE);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString('utf8')).toBe(snapshot.exposition + live);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  it('gzips when asked: one member that any gunzip reads back to the same text, also after the live text changes', async () => {
    const snapshot = snapshotOf(2000, 'Вася');
    let liveText = live;
    const url = await serve(
      () => snapshot,
      () => liveText,
    );
    for (const text of [live, live, `${live}process_y 2\n`]) {
      liveText = text;
      const res = await get(url, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
      expect(gunzipSync(res.body).toString('utf8')).toBe(snapshot.exposition + text);
      expect(res.body.length).toBeLessThan(snapshot.expositionByteLength / 4);
    }
  });

  it('gzips a page that shares its unchanged chunks with the previous one, and reads back each page exactly', async () => {
    const builder = new SnapshotBuilder(['home', 'office'], initialPollStatus);
    const devices = Array.from({ length: 200 }, (_, i) =>
      deviceRecord({ router: 'home', mac: `AA:BB:CC:00:01:${i.toString(16).padStart(2, '0')}`.toUpperCase() }),
    );
    const status = { ...initialPollStatus('home'), attempted: true, up: true };
    builder.updateRouter(status, devices, emptySummary());
    let snapshot = builder.build(1);
    const url = await serve(
      () => snapshot,
      () => live,
    );
    const first = gunzipSync((await get(url, { 'accept-encoding': 'gzip' })).body).toString('utf8');
    expect(first).toBe(snapshot.exposition + live);
    // One device's hostname changes: the info family is new, the other device families are the same Buffers.
    const previousChunks = new Set(snapshot.expositionChunks);
    builder.updateRouter(
      status,
      devices.map((d, i) => (i === 7 ? { ...d, hostname: 'renamed' } : d)),
      emptySummary(),
    );
    snapshot = builder.build(2);
    const shared = snapshot.expositionChunks.filter((chunk) => previousChunks.has(chunk));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(snapshot.expositionChunks.length);
    const second = gunzipSync((await get(url, { 'accept-encoding': 'gzip' })).body).toString('utf8');
    expect(second).toBe(snapshot.exposition + live);
    expect(second).toContain('hostname="renamed"');
  });

  it('answers HEAD with the headers only', async () => {
    const snapshot = snapshotOf(10);
    const url = await serve(
      () => snapshot,
      () => live,
    );
    const res = await get(url, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });
});
