/**
 * Scriptable misbehaviour. A test flips a field (globally on `sim.faults`, or on
 * one connection's `faults`) and the next command sees it. Faults persist until
 * cleared, so a client that reconnects and retries meets the same fault again,
 * like a router that keeps misbehaving.
 */
export interface FaultSettings {
  /** Milliseconds to wait before every reply (login included). */
  delayMs: number;
  /** Accept commands and never answer them (a `/cancel` is not answered either). */
  stall: boolean;
  /**
   * Send only the first N bytes of each reply, then close the connection (FIN,
   * not RST, so the client reliably receives exactly those N bytes first).
   */
  closeAfterBytes: number | null;
  /** Send these bytes instead of a reply (connection stays open). */
  garbage: Buffer | null;
  /** Answer with a word whose prefix announces a 4 GB length, then a few bytes (stays open). */
  hugeWord: boolean;
  /**
   * A reply with no end: answer a print with its rows, then send those same
   * (valid) `!re` rows again and again, never `!done`, as fast as the socket
   * takes them, until the connection closes. A table with no rows is answered
   * normally.
   */
  endlessReply: boolean;
  /** Answer `!fatal` with this message, then close, as the router does on fatal errors. */
  fatal: string | null;
  /** Menu path (e.g. `/ip/arp`) -> `!trap` message for any command on it. */
  trapPaths: Record<string, string>;
  /** Answer every login with `invalid user name or password (6)`. */
  refuseLogin: boolean;
  /** Wait this long after TCP accept before starting the TLS handshake. */
  tlsHandshakeDelayMs: number;
  /**
   * Whether stall / closeAfterBytes / garbage / hugeWord / endlessReply / fatal also hit `/login`.
   * Off by default so a client can log in and then meet the fault on its polls.
   */
  includeLogin: boolean;
}

export function defaultFaults(): FaultSettings {
  return {
    delayMs: 0,
    stall: false,
    closeAfterBytes: null,
    garbage: null,
    hugeWord: false,
    endlessReply: false,
    fatal: null,
    trapPaths: {},
    refuseLogin: false,
    tlsHandshakeDelayMs: 0,
    includeLogin: false,
  };
}

/** Bytes sent for `garbage: DEFAULT_GARBAGE`: starts with a reserved control byte. */
export const DEFAULT_GARBAGE = Buffer.from([0xff, 0xfe, 0x13, 0x37, 0x00, 0x21, 0x72, 0x65]);

/** 0xF0 + 0xFFFFFFFF: a 5-byte length prefix announcing 4 GiB - 1. */
export const HUGE_WORD_PREFIX = Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0x41, 0x41, 0x41, 0x41]);
