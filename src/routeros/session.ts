/**
 * One router, one persistent logged-in API connection, polled on demand.
 *
 * A poll prints five tables, one command each, with `.proplist`, and maps the
 * rows to observations. The connection is opened on the first poll and kept;
 * after a failure it is dropped and re-opened on a later poll, no sooner than
 * an exponential backoff with jitter allows (polls in between fail fast), so a
 * dead router costs one connection attempt per backoff step, not per poll.
 *
 * Every failure is a PollError with a reason and a one-line message that names
 * the router's address and never contains the password.
 */
import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';
import { ALL_SOURCES_ON, DepthReader, type DepthSourceSwitches } from './depth-sources.js';
import { CommandTrap, isMissingMenu, PollError, redact } from './errors.js';
import type { RouterObservations } from './observation-types.js';
import { ARP, BRIDGE_HOSTS, IDENTITY, LEASES, type Mapped, RESOURCE, routerIdentity, type TableMapping } from './observations.js';
import { buildTlsOptions, type RouterTlsConfig, resolvePort } from './tls-options.js';
import type { ReplyLimits, RouterTransport, TransportFactory } from './transport.js';
import { createWireTransport } from './wire-transport.js';

export type { PollErrorReason } from './errors.js';
export { PollError } from './errors.js';

export interface RouterSessionOptions {
  name: string;
  host: string;
  /** Default 8728, or 8729 with TLS. */
  port?: number;
  user: string;
  password: string;
  tls?: RouterTlsConfig;
  /** Deadline for connecting (TCP + TLS + login) and for each command. Default 10. */
  timeoutSeconds?: number;
  logger: Logger;
  /** Bounds of one reply, from retention.maxDevicesPerRouter (replyLimitsFor); default that of 10,000 devices. */
  replyLimits?: ReplyLimits;
  /** How to reach the router; default our own client (wire-transport.ts). Tests inject others. */
  transport?: TransportFactory;
  backoff?: BackoffPolicy;
  /** Device-depth sources to read (each only where the router has the menu). Default: all on. */
  sources?: DepthSourceSwitches;
  /** Injected for tests. */
  random?: () => number;
  nowMs?: () => number;
}

export type PollResult = RouterObservations & { rejectedRows: number };

/**
 * The tables one poll reads, in order: one descriptor each (menu path, and the
 * mapping with its `.proplist` and row mapper). A new table is one more entry
 * here and one more read in pollOnce.
 */
export interface PolledTable<T> {
  readonly path: string;
  readonly mapping: TableMapping<T>;
}

export const TABLES = {
  leases: { path: '/ip/dhcp-server/lease', mapping: LEASES },
  arp: { path: '/ip/arp', mapping: ARP },
  bridgeHosts: { path: '/interface/bridge/host', mapping: BRIDGE_HOSTS },
  identity: { path: '/system/identity', mapping: IDENTITY },
  resource: { path: '/system/resource', mapping: RESOURCE },
} as const satisfies Record<string, PolledTable<unknown>>;

/** Path and proplist of each table, in poll order (for tools that print them without mapping). */
export const POLLED_TABLES = Object.entries(TABLES).map(([key, table]) => ({
  key,
  path: table.path,
  proplist: table.mapping.proplist,
}));

export class RouterSession {
  readonly name: string;
  private readonly host: string;
  private readonly port: number;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly createTransport: TransportFactory;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly nowMs: () => number;

  private transport: RouterTransport | null = null;
  private inFlight: Promise<PollResult> | null = null;
  private closed = false;
  private consecutiveFailures = 0;
  private retryAtMs = 0;
  private lastFailure: PollError | null = null;
  private readonly reportedMissing = new Set<string>();
  private connectionsOpened = 0;
  private readonly depth: DepthReader;

  constructor(private readonly options: RouterSessionOptions) {
    this.name = options.name;
    this.host = options.host;
    this.port = resolvePort(options.port, options.tls);
    this.timeoutMs = Math.max(0.05, options.timeoutSeconds ?? 10) * 1000;
    this.logger = options.logger;
    this.createTransport = options.transport ?? createWireTransport;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.nowMs = options.nowMs ?? Date.now;
    this.depth = new DepthReader(options.name, options.sources ?? ALL_SOURCES_ON, options.logger);
  }

  /** Connections opened so far (one per login): for tests and diagnostics. */
  get connectionCount(): number {
    return this.connectionsOpened;
  }

  /** The address this session dials, `host:port`. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** One poll. Concurrent calls share the poll in flight. */
  poll(): Promise<PollResult> {
    if (this.inFlight) return this.inFlight;
    const polling = this.pollOnce().finally(() => {
      this.inFlight = null;
    });
    this.inFlight = polling;
    return polling;
  }

  /** Ends the connection; a poll in flight fails with reason 'connection'. */
  async close(): Promise<void> {
    this.closed = true;
    const transport = this.transport;
    this.transport = null;
    await transport?.close();
  }

  private async pollOnce(): Promise<PollResult> {
    try {
      if (this.closed) throw new PollError('connection', `${this.address}: session closed`);
      const transport = await this.connected();
      const missingTables: string[] = [];
      const leases = await this.read(transport, TABLES.leases, missingTables);
      const arp = await this.read(transport, TABLES.arp, missingTables);
      const bridgeHosts = await this.read(transport, TABLES.bridgeHosts, missingTables);
      const identity = await this.read(transport, TABLES.identity, missingTables);
      const resource = await this.read(transport, TABLES.resource, missingTables);
      const depth = await this.depth.read(
        (path, mapping) =>
          this.depthCall(
            transport,
            path,
            transport.printRows(path, mapping.proplist, mapping.map, {
              reuseUnchangedRows: mapping.reuseUnchangedRows === true,
              remap: mapping.remap?.bind(mapping),
            }),
          ),
        (path) => this.depthCall(transport, path, transport.countRows(path)),
      );
      this.consecutiveFailures = 0;
      this.lastFailure = null;
      return {
        leases: leases.observations,
        arp: arp.observations,
        bridgeHosts: bridgeHosts.observations,
        system: routerIdentity(identity.observations[0], resource.observations[0]),
        missingTables,
        depth,
        rejectedRows: leases.rejected + arp.rejected + bridgeHosts.rejected + depth.rejectedRows,
      };
    } catch (error) {
      throw this.safe(error);
    }
  }

  private async connected(): Promise<RouterTransport> {
    if (this.transport) return this.transport;
    const now = this.nowMs();
    if (now < this.retryAtMs) {
      const wait = ((this.retryAtMs - now) / 1000).toFixed(1);
      const last = this.lastFailure ? ` after: ${this.lastFailure.message}` : '';
      // Keep the reason of the failure that started the backoff: a wrong password must keep
      // counting as `auth` on every poll, or the error counter would hide what is wrong.
      throw new PollError(
        this.lastFailure?.reason ?? 'connection',
        `${this.address}: not reconnecting for another ${wait} s${last}`,
      );
    }
    let transport: RouterTransport;
    try {
      transport = this.createTransport({
        host: this.host,
        port: this.port,
        user: this.options.user,
        password: this.options.password,
        tls: buildTlsOptions(this.options.tls, this.host),
        connectTimeoutSeconds: this.timeoutMs / 1000,
        replyLimits: this.options.replyLimits,
      });
    } catch (error) {
      // A CA file that cannot be read, for instance.
      throw this.failed(null, new PollError('connection', `${this.address}: ${describe(error)}`));
    }
    transport.onFailure((error) => {
      if (this.transport !== transport) return;
      this.transport = null;
      // Lost while idle (router reboot, NAT timeout): the next poll reconnects at once.
      this.logger.info({ router: this.name, reason: error.reason }, `connection lost: ${this.safe(error).message}`);
    });
    this.connectionsOpened += 1;
    try {
      await this.deadline(transport.connect(), 'connect and log in');
    } catch (error) {
      throw this.failed(transport, error);
    }
    if (this.closed) {
      await transport.close();
      throw new PollError('connection', `${this.address}: session closed`);
    }
    this.transport = transport;
    this.depth.reconnected();
    this.logger.info({ router: this.name, address: this.address, tls: this.options.tls?.enabled ?? false }, 'logged in');
    return transport;
  }

  /** A depth table's print: a trap is the answer `{ trap }` (the session is fine), any other failure fails the poll. */
  private async depthCall<T>(transport: RouterTransport, path: string, call: Promise<T>): Promise<T | { trap: string }> {
    try {
      return await this.deadline(call, `${path}/print`);
    } catch (error) {
      if (error instanceof CommandTrap) return { trap: error.trapMessage };
      throw this.failed(transport, error);
    }
  }

  /** One table, mapped as it is read; a table the router lacks is listed in `missing` and reads as empty. */
  private async read<T>(transport: RouterTransport, table: PolledTable<T>, missing: string[]): Promise<Mapped<T>> {
    const result = await this.print(transport, table.path, table.mapping);
    if (result !== 'missing') return result;
    missing.push(table.path);
    return { observations: [], rejected: 0 };
  }

  private async print<T>(transport: RouterTransport, path: string, mapping: TableMapping<T>): Promise<Mapped<T> | 'missing'> {
    try {
      return await this.deadline(
        transport.printRows(path, mapping.proplist, mapping.map, { reuseUnchangedRows: mapping.reuseUnchangedRows === true }),
        `${path}/print`,
      );
    } catch (error) {
      if (error instanceof CommandTrap) {
        if (isMissingMenu(error)) {
          if (!this.reportedMissing.has(path)) {
            this.reportedMissing.add(path);
            this.logger.warn({ router: this.name, table: path }, 'router has no such table; skipping it');
          }
          return 'missing';
        }
        // The router refused the command; the connection itself is fine.
        throw new PollError('protocol', `${this.address}: ${error.message}`);
      }
      throw this.failed(transport, error);
    }
  }

  /** Drops the connection after a failure and schedules the earliest reconnect. */
  private failed(transport: RouterTransport | null, error: unknown): PollError {
    const pollError = this.safe(error);
    if (transport) {
      if (this.transport === transport) this.transport = null;
      void transport.close();
    }
    if (this.closed) return new PollError('connection', `${this.address}: session closed`);
    this.consecutiveFailures += 1;
    this.lastFailure = pollError;
    this.retryAtMs = this.nowMs() + backoffDelayMs(this.consecutiveFailures, this.backoff, this.random);
    return pollError;
  }

  private deadline<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new PollError('timeout', `${this.address}: ${what}: no answer within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Any error as a PollError whose message cannot carry the password. */
  private safe(error: unknown): PollError {
    const pollError = error instanceof PollError ? error : new PollError('protocol', `${this.address}: ${describe(error)}`);
    const message = redact(pollError.message, this.options.password);
    return message === pollError.message ? pollError : new PollError(pollError.reason, message);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
