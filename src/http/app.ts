import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging.js';
import type { Snapshot } from '../metrics/snapshot.js';
import { sendExposition } from './exposition.js';
import { renderLandingPage } from './landing.js';
import { PAGE_ASSETS } from './page-assets.js';

export interface AppDependencies {
  version: string;
  /** Where a request that failed is logged (the 500's cause). */
  logger: Pick<Logger, 'error'>;
  /** The current snapshot; swapped whole by the poller, read without waiting on any router. */
  snapshot: () => Snapshot;
  liveRegistry: Registry;
  isReady: () => boolean;
  /** Optional request gate (basic auth from the web config file). */
  authenticate?: (req: Request, res: Response, next: NextFunction) => void;
  /** Extra fields merged into each device of /api/devices (e.g. vendor names); not part of metrics. */
  decorateDevice?: (device: Snapshot['devices'][number]) => Record<string, unknown>;
}

const PROCESS_TAG = Date.now().toString(36);

/** The page loads only its own script and stylesheet: markup injected by a hostile hostname could run nothing. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * A scrape as Prometheus sends it: GET (or HEAD) of exactly /metrics, with
 * `Accept-Encoding: gzip` and nothing to negotiate. Such a request is answered
 * without Express: its router, request and response decoration cost about a
 * tenth of the exporter's CPU per scrape under 50 concurrent clients (profiled),
 * for a response that is a few cached Buffers. Anything else (another encoding
 * header, a query string, basic auth configured) takes the Express route, which
 * gives the same answer.
 */
function isPlainScrape(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.url === '/metrics' && req.headers['accept-encoding'] === 'gzip';
}

/** The exporter's HTTP surface, without a listening socket so tests can drive it directly. */
export function createApp(deps: AppDependencies): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('case sensitive routing', true);
  app.set('strict routing', true);

  if (deps.authenticate) app.use(deps.authenticate);

  // Serialised once per snapshot: at 10k devices the JSON is ~5 MB and every open page asks for it every 5 s.
  const serialised = new WeakMap<Snapshot, { body: Buffer; etag: string }>();
  let generation = 0;
  const devicesJson = (snapshot: Snapshot): { body: Buffer; etag: string } => {
    let cached = serialised.get(snapshot);
    if (!cached) {
      const devices = deps.decorateDevice
        ? snapshot.devices.map((device) => ({ ...device, ...deps.decorateDevice!(device) }))
        : snapshot.devices;
      generation += 1;
      // Process start time plus a counter: unique per snapshot, and never reused after a restart.
      cached = { body: Buffer.from(JSON.stringify(devices)), etag: `"${PROCESS_TAG}-${generation}"` };
      serialised.set(snapshot, cached);
    }
    return cached;
  };

  const serveMetrics = async (res: ServerResponse, gzip: boolean, head: boolean): Promise<void> => {
    const snapshot = deps.snapshot();
    const live = await deps.liveRegistry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    // The snapshot's bytes (and their gzip) are made once per poll, not per scrape.
    await sendExposition(res, { gzip, head }, snapshot, live);
  };

  // Never leak a stack trace to a client; the log gets the detail. Only method and path (no query string, no
  // headers): a client's credentials or tokens never reach the log through a failed request.
  const fail = (error: unknown, method: string | undefined, path: string, res: ServerResponse): void => {
    deps.logger.error({ err: error, method, path }, 'request failed');
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('internal error\n');
    } else res.destroy();
  };

  const routes: Record<string, (req: Request, res: Response) => Promise<void> | void> = {
    '/metrics': (req, res) => serveMetrics(res, req.acceptsEncodings('gzip', 'identity') === 'gzip', req.method === 'HEAD'),
    '/api/devices': (_req, res) => {
      const { body, etag } = devicesJson(deps.snapshot());
      // Clients may keep a copy but must revalidate: between polls the answer is a bodiless 304.
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', etag);
      // res.send answers 304 without a body when req.fresh (If-None-Match lists this ETag, weak or strong).
      res.type('application/json').send(body);
    },
    '/healthz': (_req, res) => {
      res.type('text/plain').send('OK\n');
    },
    '/readyz': (_req, res) => {
      const ready = deps.isReady();
      res
        .status(ready ? 200 : 503)
        .type('text/plain')
        .send(ready ? 'ready\n' : 'waiting for the first poll of every router\n');
    },
    '/': (_req, res) => {
      res.setHeader('Content-Security-Policy', PAGE_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-store');
      res
        .type('html')
        .send(renderLandingPage({ version: deps.version, snapshot: deps.snapshot(), decorate: deps.decorateDevice }));
    },
  };
  for (const [path, asset] of Object.entries(PAGE_ASSETS)) {
    routes[path] = (_req, res) => {
      res.setHeader('Content-Type', asset.contentType);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // The page links each asset with its content hash in the query, so a cached copy is never stale.
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.send(asset.body);
    };
  }

  for (const [path, handler] of Object.entries(routes)) {
    app.all(path, (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        res.status(405).type('text/plain').send('method not allowed\n');
        return;
      }
      Promise.resolve(handler(req, res)).catch(next);
    });
  }

  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('not found\n');
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => fail(error, req.method, req.path, res));

  if (deps.authenticate) return app;
  return (req, res) => {
    if (!isPlainScrape(req)) {
      app(req, res);
      return;
    }
    serveMetrics(res, true, req.method === 'HEAD').catch((error: unknown) => fail(error, req.method, '/metrics', res));
  };
}
