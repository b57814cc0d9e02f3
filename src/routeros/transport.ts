/**
 * The seam between RouterSession (what to ask, when, and what failures mean)
 * and the code that speaks the API on a socket: our own client
 * (wire-transport.ts) in production, fakes in tests.
 */
import type { ConnectionOptions } from 'node:tls';
import type { RawRow } from './observations.js';

export interface TransportOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /** null for plain TCP. */
  tls: ConnectionOptions | null;
  /** Upper bound for TCP + TLS + login; the session also enforces its own deadline. */
  connectTimeoutSeconds: number;
}

export interface RouterTransport {
  /**
   * Opens the connection and logs in. Rejects with PollError
   * (auth / connection / timeout / protocol).
   */
  connect(): Promise<void>;
  /**
   * `<path>/print =.proplist=...`: every row, attribute values decoded as text
   * (UTF-8 when the bytes are valid UTF-8, else Windows-1252). Rejects with
   * CommandTrap when the router answers `!trap`, with PollError when the
   * connection fails. Never stays pending once the connection is gone.
   */
  print(path: string, proplist: readonly string[]): Promise<RawRow[]>;
  /** Ends the connection now; pending calls reject. Idempotent. */
  close(): Promise<void>;
  /** Called once, when the connection is lost after connect() began (not after close()). */
  onFailure(listener: (error: import('./errors.js').PollError) => void): void;
}

export type TransportFactory = (options: TransportOptions) => RouterTransport;
