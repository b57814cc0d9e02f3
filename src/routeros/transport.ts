/**
 * The seam between RouterSession (what to ask, when, and what failures mean)
 * and the code that speaks the API on a socket: our own client
 * (wire-transport.ts) in production, fakes in tests.
 */
import type { ConnectionOptions } from 'node:tls';
import type { Columns, Mapped, RawRow } from './observations.js';

/**
 * How much one reply (the answer to one print) may hold before the client
 * gives up on it: a router that keeps sending valid rows (broken, compromised,
 * or anyone in the path of plain 8728) must cost bounded memory. Exceeding
 * either limit fails that poll with reason `protocol` and drops the connection;
 * nothing more of the reply is buffered.
 */
export interface ReplyLimits {
  /** Most `!re` rows in one reply. */
  maxRows: number;
  /** Most bytes of `!re` sentences in one reply (also caps one sentence held while incomplete). */
  maxBytes: number;
}

/** Rows a table may list per device the registry keeps: ARP per interface, bridge hosts per VLAN, Wi-Fi on several radios. */
export const REPLY_ROWS_PER_DEVICE = 4;
/** Rows allowed on top, so a small maxDevicesPerRouter does not refuse a router's own entries (interfaces, gateways). */
export const REPLY_ROWS_SLACK = 1024;
/**
 * Average bytes per row allowed: a real row is 100-250 bytes (10k devices: 4.5 MB
 * for 27k rows over five prints); 2 KiB leaves room for long host names and comments.
 */
export const REPLY_BYTES_PER_ROW = 2048;

/**
 * The reply bounds for a retention.maxDevicesPerRouter:
 * rows <= 4 x maxDevicesPerRouter + 1024, bytes <= rows x 2048
 * (at the default 10,000: 41,024 rows and 84 MB per reply).
 */
export function replyLimitsFor(maxDevicesPerRouter: number): ReplyLimits {
  const maxRows = REPLY_ROWS_PER_DEVICE * maxDevicesPerRouter + REPLY_ROWS_SLACK;
  return { maxRows, maxBytes: maxRows * REPLY_BYTES_PER_ROW };
}

export interface TransportOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /** null for plain TCP. */
  tls: ConnectionOptions | null;
  /** Upper bound for TCP + TLS + login; the session also enforces its own deadline. */
  connectTimeoutSeconds: number;
  /** Bounds of one reply; default replyLimitsFor(10000) (the default maxDevicesPerRouter). */
  replyLimits?: ReplyLimits;
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
  /**
   * The same print, each row mapped as it is decoded: `map` gets the row's
   * values by proplist column (one array, reused for the next row) and returns
   * its observation, or null to reject (count) it. Same failures as print().
   */
  printRows<T>(
    path: string,
    proplist: readonly string[],
    map: (row: Columns) => T | null,
    options?: PrintRowsOptions<T>,
  ): Promise<Mapped<T>>;
  /**
   * `<path>/print =count-only=`: how many rows the table has, which RouterOS
   * answers with `!done =ret=N` and no rows; null when the answer carries no
   * such count. Same failures as print().
   */
  countRows(path: string): Promise<number | null>;
  /** Ends the connection now; pending calls reject. Idempotent. */
  close(): Promise<void>;
  /** Called once, when the connection is lost after connect() began (not after close()). */
  onFailure(listener: (error: import('./errors.js').PollError) => void): void;
}

export interface PrintRowsOptions<T = unknown> {
  /**
   * The observations are never modified once mapped (nor is anything they
   * hold), so a row whose bytes equal the previous print's row at the same
   * position may get that print's observation back instead of a new one
   * (row-memory.ts). Default false.
   */
  reuseUnchangedRows?: boolean;
  /**
   * For rows that change in a few columns at every poll: the observation of a
   * row given the previous print's observation of the row at the same position
   * (never null) and the columns that changed since (bit c: proplist[c]). Must
   * give what `map` gives for the row (TableMapping.remap). The client may use it
   * instead of `map` (row-memory.ts ColumnMemory).
   */
  remap?: ((row: Columns, changed: number, previous: T) => T | null) | undefined;
}

export type TransportFactory = (options: TransportOptions) => RouterTransport;
