/**
 * RouterTransport on node-routeros 1.6.9, with that library's defects contained
 * per connection (no process-wide handlers). Each containment names the code in
 * node_modules/node-routeros/dist it answers:
 *
 * (a) `!empty` (RouterOS 7.18+, empty print): Channel.processPacket sends any
 *     reply word other than !re/!done/!trap to onUnknown, which throws
 *     UNKNOWNREPLY from inside the socket 'data' handler: an uncaught exception,
 *     and Receiver.processSentence is left with processingSentencePipe = true, so
 *     the connection never delivers another reply. Contained by wrapping this
 *     connector's `read` so `!empty` packets never reach the Channel (the `!done`
 *     that follows resolves the print with no rows), other unknown reply words
 *     fail the connection as a protocol error, and by running the receiver inside
 *     a try/catch so anything else it throws fails only this connection.
 * (b) A command's promise stays pending forever when the router sends `!fatal`
 *     or closes the socket: Connector.onEnd only emits 'close', Channel promises
 *     are never rejected. Contained by tracking every pending call here and
 *     rejecting all of them when the socket closes, errors or the session ends.
 * (c) Connector arms socket.setTimeout(timeout) (default 10 s) and, once logged
 *     in, RouterOSAPI turns the 'timeout' into an 'error' event on itself; with
 *     no listener that is an uncaught exception every time the connection idles
 *     between polls. Contained by listening for 'error' on the RouterOSAPI and by
 *     switching the idle timer off after login (the session enforces its own
 *     per-command deadlines). RouterOSAPI.holdConnection, which sends '#' probes
 *     only to keep that timer quiet during long replies, is turned off with it.
 * (d) Receiver decodes every word with iconv-lite as win1252, which maps five
 *     bytes (0x81 0x8D 0x8F 0x90 0x9D) to U+FFFD: UTF-8 text such as Cyrillic "с"
 *     (D1 81) is destroyed, not just mis-decoded. There is no per-connection way
 *     to change that call (the receiver uses its module's iconv-lite directly),
 *     so while *this transport's* receiver runs, its win1252 decode returns the
 *     bytes unchanged (latin1), and we decode them here (UTF-8 when valid, else
 *     Windows-1252). Outside that synchronous window iconv-lite behaves exactly
 *     as before. If the hook ever stops applying, text falls back to
 *     recoverWin1252Text (lossy only for those five bytes).
 * (e) RouterOSAPI.setOptions defaults the port to 8728 before Connector can pick
 *     8729 for TLS. Contained by always passing an explicit port (resolvePort).
 */

import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { RosException, RouterOSAPI } from 'node-routeros';
import { CommandTrap, PollError } from './errors.js';
import type { RawRow } from './observations.js';
import type { RouterTransport, TransportOptions } from './transport.js';
import { decodeRouterBytes, recoverWin1252Text, sanitizeText } from './values.js';

/** Longest word we accept; a prefix announcing more (up to 4 GiB) is a broken or hostile peer. */
export const MAX_WORD_BYTES = 16 * 1024 * 1024;

// --- node-routeros internals we touch (TypeScript-private in its .d.ts) -------

interface ReceiverInternals {
  processRawData(data: Buffer): void;
  /** [prefix bytes, word length] for the word starting at data[0]. */
  decodeLength(data: Buffer): [number, number];
}

/** A length prefix no well-behaved router sends; thrown inside the receiver, caught around it. */
class FramingError extends Error {}

interface ConnectorInternals extends EventEmitter {
  socket: Socket;
  receiver: ReceiverInternals;
  read(tag: string, callback: (packet: string[]) => void): void;
  destroy(): void;
}

interface ApiInternals {
  connector: ConnectorInternals | null;
  holdConnection(): void;
  releaseConnectionHold(): void;
}

// --- (d) byte-preserving decode while our receivers run -----------------------

interface IconvLite {
  decode(buffer: Buffer, encoding: string, options?: unknown): string;
}

let receiverDepth = 0;
let hookInstalled = false;

function installByteHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // The iconv-lite instance node-routeros itself loads, whichever copy that is.
  const fromRouteros = createRequire(createRequire(import.meta.url).resolve('node-routeros'));
  const iconv = fromRouteros('iconv-lite') as IconvLite;
  const original = iconv.decode;
  iconv.decode = function decode(this: unknown, buffer: Buffer, encoding: string, options?: unknown): string {
    if (receiverDepth > 0 && encoding === 'win1252' && Buffer.isBuffer(buffer)) return buffer.toString('latin1');
    return original.call(this, buffer, encoding, options);
  };
}

const NON_ASCII = /[^\x00-\x7f]/;
const BEYOND_LATIN1 = /[^\x00-\xff]/;

/** Text from a word node-routeros produced; see (d). */
export function decodeWordText(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  // Characters above U+00FF mean the hook did not apply: undo win1252 as best we can.
  if (BEYOND_LATIN1.test(text)) return recoverWin1252Text(text);
  return decodeRouterBytes(Buffer.from(text, 'latin1'));
}

/** Decodes a row node-routeros built (a fresh object we own) in place: most rows are ASCII. */
function decodeRow(row: Record<string, string>): RawRow {
  for (const key of Object.keys(row)) {
    const value = row[key]!;
    if (NON_ASCII.test(key)) {
      delete row[key];
      row[decodeWordText(key)] = decodeWordText(value);
    } else if (NON_ASCII.test(value)) {
      row[key] = decodeWordText(value);
    }
  }
  return row;
}

// --------------------------------------------------------------------------

interface Pending {
  reject(error: Error): void;
}

function describeSocketError(error: Error & { code?: string }): string {
  const text = sanitizeText(error.message, 200) ?? 'socket error';
  return error.code && !text.includes(error.code) ? `${text} (${error.code})` : text;
}

export class NodeRouterosTransport implements RouterTransport {
  private api: RouterOSAPI | null = null;
  private connector: ConnectorInternals | null = null;
  private readonly pending = new Set<Pending>();
  private readonly failureListeners: Array<(error: PollError) => void> = [];
  private failure: PollError | null = null;
  private closed = false;
  private connected = false;
  private lastSocketError: (Error & { code?: string }) | null = null;
  private fatalSeen = false;

  constructor(private readonly options: TransportOptions) {}

  private get where(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  onFailure(listener: (error: PollError) => void): void {
    this.failureListeners.push(listener);
  }

  connect(): Promise<void> {
    if (this.api) return Promise.reject(new PollError('protocol', 'transport already used; create a new one'));
    installByteHook();
    const { host, port, user, password, tls, connectTimeoutSeconds } = this.options;
    const api = new RouterOSAPI({
      host,
      port, // (e) always explicit
      user,
      password,
      timeout: Math.max(1, Math.ceil(connectTimeoutSeconds)),
      ...(tls ? { tls: tls as NonNullable<ConstructorParameters<typeof RouterOSAPI>[0]['tls']> } : {}),
      keepalive: false,
    });
    this.api = api;
    // (c) RouterOSAPI re-emits connector errors and idle timeouts as 'error' after login.
    api.on('error', (error: unknown) => this.fail(this.connectionError(error)));
    const internals = api as unknown as ApiInternals;
    internals.holdConnection = () => undefined;
    internals.releaseConnectionHold = () => undefined;

    return this.track<void>((resolve, reject) => {
      const connecting = api.connect();
      // connect() builds the connector and its socket synchronously; no byte has
      // arrived yet, so containment is in place before the first reply.
      if (internals.connector) this.contain(internals.connector);
      connecting.then(
        () => {
          this.connected = true;
          // (c) no idle timer between polls; the session's deadlines bound every command.
          this.connector?.socket.setTimeout(0);
          resolve();
        },
        (error: unknown) => reject(this.connectError(error)),
      );
    });
  }

  print(path: string, proplist: readonly string[]): Promise<RawRow[]> {
    const command = `${path}/print`;
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new PollError('connection', 'session closed'));
    const api = this.api;
    if (!api || !this.connected) return Promise.reject(new PollError('protocol', `${command} before login`));
    return this.track<RawRow[]>((resolve, reject) => {
      api.write(command, [`=.proplist=${proplist.join(',')}`]).then(
        (rows) => resolve((rows as unknown as Array<Record<string, string>>).map(decodeRow)),
        (error: unknown) => {
          // Channel rejects a `!trap` with a plain Error carrying the router's message.
          if (error instanceof Error && error.constructor === Error) {
            reject(new CommandTrap(command, sanitizeText(decodeWordText(error.message), 300) ?? 'trap'));
          } else {
            reject(this.failure ?? new PollError('protocol', `${command} failed: ${describe(error)}`));
          }
        },
      );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = this.connector?.socket;
    this.rejectPending(new PollError('connection', 'session closed'));
    this.connector?.destroy();
    if (socket && !socket.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  // -- containment ------------------------------------------------------------

  private contain(connector: ConnectorInternals): void {
    this.connector = connector;
    const socket = connector.socket;
    const receiver = connector.receiver;

    // (a) `!empty` never reaches a Channel; any other unknown reply word fails the
    // connection instead of throwing out of the socket's 'data' handler.
    const read = connector.read.bind(connector);
    connector.read = (tag, callback) =>
      read(tag, (packet) => {
        const reply = packet[0];
        if (reply === '!empty') return;
        if (reply !== '!re' && reply !== '!done' && reply !== '!trap') {
          this.fail(new PollError('protocol', `${this.where}: unexpected reply word ${JSON.stringify(sanitizeText(reply, 40))}`));
          return;
        }
        callback(packet);
      });

    // (a)+(d): the receiver runs with the byte hook on, and whatever it throws
    // (UNREGISTEREDTAG on a reply for an unknown tag, ...) ends this connection only.
    const processRawData = receiver.processRawData.bind(receiver);
    receiver.processRawData = (data: Buffer) => {
      if (this.failure || this.closed) return;
      receiverDepth += 1;
      try {
        processRawData(data);
      } catch (error) {
        const detail = error instanceof FramingError ? error.message : `undecodable reply (${describe(error)})`;
        this.fail(new PollError('protocol', `${this.where}: ${detail}`));
      } finally {
        receiverDepth -= 1;
      }
    };

    // Receiver.decodeLength reads control bytes (>= 0xF8) and 0xF1..0xF7 as if
    // they were 0xF0, and computes 5-byte lengths in 32-bit signed arithmetic, so
    // a 4 GB announcement becomes -1 and the stream silently desynchronises into
    // a stall. Refuse such prefixes, and any word longer than MAX_WORD_BYTES.
    const decodeLength = receiver.decodeLength.bind(receiver);
    receiver.decodeLength = (data: Buffer) => {
      const first = data[0];
      if (first !== undefined && first > 0xf0) {
        throw new FramingError(`invalid length prefix byte 0x${first.toString(16)} in reply`);
      }
      if (first === 0xf0 && data.length >= 5 && data.readUInt32BE(1) > MAX_WORD_BYTES) {
        throw new FramingError(`reply word announces ${data.readUInt32BE(1)} bytes (limit ${MAX_WORD_BYTES})`);
      }
      const decoded = decodeLength(data);
      if (decoded[1] > MAX_WORD_BYTES) {
        throw new FramingError(`reply word announces ${decoded[1]} bytes (limit ${MAX_WORD_BYTES})`);
      }
      return decoded;
    };

    // A connector that node-routeros destroyed has no 'error' listener left; a
    // late socket error would then be an unhandled 'error' event.
    const destroy = connector.destroy.bind(connector);
    const absorb = (): void => undefined;
    connector.destroy = () => {
      destroy();
      connector.on('error', absorb);
    };
    connector.on('error', absorb);

    // node-routeros writes each word with its own socket.write; with Nagle on,
    // every command after the first word waits for the router's delayed ACK.
    socket.setNoDelay(true);

    // (b) every way the socket can end reaches fail().
    socket.on('error', (error: Error & { code?: string }) => {
      this.lastSocketError ??= error;
    });
    socket.on('fatal', () => {
      this.fatalSeen = true;
    });
    socket.on('close', () => {
      // Let the library's own rejection (a refused login, say) settle first: it
      // names the cause better than "closed".
      setImmediate(() => this.fail(this.closedError()));
    });
  }

  private closedError(): PollError {
    if (this.lastSocketError) return new PollError('connection', `${this.where}: ${describeSocketError(this.lastSocketError)}`);
    if (this.fatalSeen) return new PollError('connection', `${this.where}: router ended the API session (!fatal)`);
    return new PollError('connection', `${this.where}: connection closed by the router`);
  }

  private connectionError(error: unknown): PollError {
    if (error instanceof RosException && error.errno === 'SOCKTMOUT') {
      return new PollError('timeout', `${this.where}: no data for ${this.options.connectTimeoutSeconds} s`);
    }
    return this.closedError();
  }

  private connectError(error: unknown): PollError {
    if (this.failure) return this.failure;
    if (error instanceof RosException) {
      if (error.errno === 'SOCKTMOUT') {
        return new PollError(
          'timeout',
          `${this.where}: no answer within ${this.options.connectTimeoutSeconds} s while connecting`,
        );
      }
      if (error.errno === 'CANTLOGIN')
        return new PollError('auth', `${this.where}: login refused (invalid user name or password)`);
      return this.closedError();
    }
    if (this.lastSocketError) return this.closedError();
    // RouterOSAPI.login rejects with the router's `!trap` text.
    if (error instanceof Error) {
      return new PollError(
        'auth',
        `${this.where}: login refused (${sanitizeText(decodeWordText(error.message), 200) ?? 'no reason given'})`,
      );
    }
    return new PollError('protocol', `${this.where}: connect failed (${describe(error)})`);
  }

  private fail(error: PollError): void {
    if (this.failure || this.closed) return;
    this.failure = error;
    this.connector?.destroy();
    this.rejectPending(error);
    for (const listener of this.failureListeners) listener(error);
  }

  private rejectPending(error: Error): void {
    const pending = [...this.pending];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }

  /** A promise that also settles (rejects) when the connection fails or closes. */
  private track<T>(executor: (resolve: (value: T) => void, reject: (error: Error) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const entry: Pending = {
        reject: (error) => {
          if (settled) return;
          settled = true;
          reject(error);
        },
      };
      this.pending.add(entry);
      executor(
        (value) => {
          if (settled) return;
          settled = true;
          this.pending.delete(entry);
          resolve(value);
        },
        (error) => {
          this.pending.delete(entry);
          entry.reject(error);
        },
      );
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof RosException) return error.message || String(error.errno);
  if (error instanceof Error) return sanitizeText(error.message, 200) ?? error.name;
  return sanitizeText(String(error), 200) ?? 'unknown error';
}

export const createNodeRouterosTransport = (options: TransportOptions): RouterTransport => new NodeRouterosTransport(options);
