import type { RequestListener } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  port: number;
  /** TLS options from the web config file; plain HTTP when absent. */
  tls?: https.ServerOptions;
}

/** Binds the app; close() stops accepting, ends idle keep-alive sockets and waits for requests in flight. */
export async function listen(app: RequestListener, options: ServeOptions): Promise<ListeningServer> {
  const server = options.tls ? https.createServer(options.tls, app) : http.createServer(app);
  // Scrapers keep connections open between scrapes; bound how long a silent one may hold a socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
