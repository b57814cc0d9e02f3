import type { RequestListener } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TlsServerSettings } from './web-config.js';

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  port: number;
  /** TLS from the web config file; plain HTTP when absent. */
  tls?: TlsServerSettings;
  /** Told about each TLS client refused by the client-certificate policy. */
  onRefusedClient?: (reason: string, remoteAddress: string | undefined) => void;
}

/** Binds the app; close() stops accepting, ends idle keep-alive sockets and waits for requests in flight. */
export async function listen(app: RequestListener, options: ServeOptions): Promise<ListeningServer> {
  const tls = options.tls;
  const server = tls ? https.createServer(tls.options, app) : http.createServer(app);
  if (tls) {
    // Ahead of the HTTP layer's own listener: a refused client's connection ends before any request is read.
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      const reason = tls.refusal(socket);
      if (reason === null) return;
      options.onRefusedClient?.(reason, socket.remoteAddress);
      socket.destroy();
    });
  }
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
