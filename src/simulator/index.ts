/**
 * A RouterOS 7 API server for tests, `serve --demo` and benchmarks: the real
 * wire protocol over TCP or TLS (with a certificate, or anonymous DH like
 * api-ssl on a router without one), a mutable LAN, scriptable faults and
 * statistics about what clients asked.
 */
import net from 'node:net';
import tls from 'node:tls';
import { type AnimateOptions, startAnimation } from './animate.js';
import { SimConnection } from './connection.js';
import type { LoginMode, SimulatorCore, SimulatorUser } from './core.js';
import { defaultFaults, type FaultSettings } from './faults.js';
import { cloneLan, type LanData, sampleLan } from './lan.js';
import type { VersionProfile } from './render.js';

export { md5Response, SimConnection } from './connection.js';
export type { LoginMode, SimulatorUser } from './core.js';
export type { FaultSettings } from './faults.js';
export { DEFAULT_GARBAGE, HUGE_WORD_PREFIX } from './faults.js';
export * from './lan.js';
export { PROFILE_VERSION, type VersionProfile } from './render.js';

export interface SimulatorTlsOptions {
  /** `certificate`: TLS with cert/key. `anonymous`: ADH ciphers at @SECLEVEL=0, no certificate. */
  mode: 'certificate' | 'anonymous';
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  users?: SimulatorUser[];
  login?: LoginMode;
  /** Default: RouterOS 7.18+ behaviour. */
  versionProfile?: VersionProfile;
  /** `!empty` before `!done` for an empty print. Default: true only for the 7.18+ profile. */
  emptyReplies?: boolean;
  tls?: SimulatorTlsOptions;
  /** Copied: the simulator owns its tables. Default: sampleLan(). */
  lan?: LanData;
  /** Initial global faults. */
  faults?: Partial<FaultSettings>;
  /**
   * Cache encoded table prints (for benchmarks). While on, call `changed()` after
   * mutating `tables`, or clients keep seeing the old rows.
   */
  cacheReplies?: boolean;
  /** Age last-seen, let devices leave and return (demo). `true` = defaults. */
  animate?: boolean | AnimateOptions;
  /** Commands kept in `stats.commands` (oldest dropped first). Default 10000. */
  maxCommandLog?: number;
}

export interface CommandRecord {
  connection: number;
  command: string;
  /** Every word as sent, decoded as UTF-8 (for assertions). */
  words: string[];
  at: number;
}

export interface SimulatorStats {
  connectionsOpened: number;
  connectionsOpen: number;
  tlsHandshakes: number;
  logins: number;
  loginFailures: number;
  bytesSent: number;
  commands: CommandRecord[];
  /** Commands whose first word is `command` (e.g. `/ip/arp/print`). */
  commandsFor(command: string): CommandRecord[];
  reset(): void;
}

export interface RunningSimulator {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** The LAN being served; mutate it between polls. */
  tables: LanData;
  /** Global faults; fields may be changed at any time. */
  readonly faults: FaultSettings;
  readonly stats: SimulatorStats;
  /** Open connections, each with its own `faults` overrides. */
  connections(): SimConnection[];
  setFaults(partial: Partial<FaultSettings>): void;
  clearFaults(): void;
  /** Faults applied to the next accepted connection only. */
  faultsForNextConnection(partial: Partial<FaultSettings>): void;
  /** Drop every open connection (the listener stays). */
  dropConnections(): void;
  /** Stop accepting (clients get ECONNREFUSED); optionally drop open connections. */
  stopListening(options?: { dropConnections?: boolean }): Promise<void>;
  /** Listen again on the same port. */
  startListening(): Promise<void>;
  /** Router reboot: drop everything, refuse connections for `downMs`, come back on the same port. */
  reboot(downMs: number): Promise<void>;
  /** Tell the reply cache the tables changed (only needed with cacheReplies). */
  changed(): void;
  close(): Promise<void>;
}

class Stats implements SimulatorStats {
  connectionsOpened = 0;
  connectionsOpen = 0;
  tlsHandshakes = 0;
  logins = 0;
  loginFailures = 0;
  bytesSent = 0;
  commands: CommandRecord[] = [];

  commandsFor(command: string): CommandRecord[] {
    return this.commands.filter((c) => c.command === command);
  }

  reset(): void {
    this.connectionsOpened = 0;
    this.tlsHandshakes = 0;
    this.logins = 0;
    this.loginFailures = 0;
    this.bytesSent = 0;
    this.commands = [];
  }
}

const ANONYMOUS_CIPHERS =
  'ADH-AES256-GCM-SHA384:ADH-AES128-GCM-SHA256:ADH-AES256-SHA256:ADH-AES128-SHA256:ADH-AES256-SHA:ADH-AES128-SHA:@SECLEVEL=0';

function idCounterStart(rows: ReadonlyArray<{ id?: string }>): number {
  let max = 0;
  for (const r of rows) {
    if (r.id?.startsWith('*')) {
      const n = parseInt(r.id.slice(1), 16);
      if (Number.isFinite(n) && n > max) max = n;
    }
  }
  return max + 1;
}

function idCounters(lan: LanData): Record<'leases' | 'arp' | 'bridgeHosts', number> {
  return {
    leases: idCounterStart(lan.leases),
    arp: idCounterStart(lan.arp),
    bridgeHosts: idCounterStart(lan.bridgeHosts),
  };
}

class Simulator implements RunningSimulator, SimulatorCore {
  readonly host: string;
  port: number;
  readonly tls: boolean;
  readonly faults: FaultSettings;
  readonly stats = new Stats();
  readonly users: readonly SimulatorUser[];
  readonly loginMode: LoginMode;
  readonly emptyReplies: boolean;
  readonly profile: VersionProfile;
  readonly replyCache: Map<string, Buffer> | null;

  private server: net.Server | null = null;
  private readonly open = new Set<SimConnection>();
  private readonly secureContext: tls.SecureContext | null;
  private readonly startedAt = Date.now();
  private nextConnectionId = 1;
  private nextConnFaults: Partial<FaultSettings> | null = null;
  private readonly maxCommandLog: number;
  private lan: LanData;
  private ids: Record<'leases' | 'arp' | 'bridgeHosts', number>;
  private stopAnimation: (() => void) | null = null;
  private closed = false;

  constructor(options: SimulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.users = options.users ?? [{ name: 'monitor', password: 'secret' }];
    this.loginMode = options.login ?? 'plain';
    this.profile = options.versionProfile ?? '7.18+';
    this.emptyReplies = options.emptyReplies ?? this.profile === '7.18+';
    this.lan = cloneLan(options.lan ?? sampleLan());
    this.faults = { ...defaultFaults(), ...options.faults };
    this.replyCache = options.cacheReplies ? new Map() : null;
    this.maxCommandLog = options.maxCommandLog ?? 10_000;
    this.ids = idCounters(this.lan);
    this.tls = options.tls !== undefined;
    this.secureContext = options.tls ? makeSecureContext(options.tls) : null;
    if (options.animate) {
      const animateOptions = options.animate === true ? {} : options.animate;
      this.stopAnimation = startAnimation(this, animateOptions);
    }
  }

  get tables(): LanData {
    return this.lan;
  }

  /** Replacing the whole LAN is allowed; new rows without `.id` get ids after the highest present. */
  set tables(lan: LanData) {
    this.lan = lan;
    this.ids = idCounters(lan);
    this.changed();
  }

  // -- SimulatorCore --------------------------------------------------------

  elapsedSeconds(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }

  nextId(table: 'leases' | 'arp' | 'bridgeHosts'): string {
    const n = this.ids[table]++;
    return `*${n.toString(16).toUpperCase()}`;
  }

  recordCommand(conn: SimConnection, command: string, words: readonly Buffer[]): void {
    this.stats.commands.push({ connection: conn.id, command, words: words.map((w) => w.toString('utf8')), at: Date.now() });
    if (this.stats.commands.length > this.maxCommandLog) {
      this.stats.commands.splice(0, this.stats.commands.length - this.maxCommandLog);
    }
  }

  loginSucceeded(): void {
    this.stats.logins++;
  }

  loginFailed(): void {
    this.stats.loginFailures++;
  }

  connectionClosed(conn: SimConnection): void {
    if (this.open.delete(conn)) this.stats.connectionsOpen--;
  }

  countBytes(n: number): void {
    this.stats.bytesSent += n;
  }

  // -- RunningSimulator -----------------------------------------------------

  connections(): SimConnection[] {
    return [...this.open];
  }

  setFaults(partial: Partial<FaultSettings>): void {
    Object.assign(this.faults, partial);
  }

  clearFaults(): void {
    Object.assign(this.faults, defaultFaults());
    for (const c of this.open) c.faults = {};
    this.nextConnFaults = null;
  }

  faultsForNextConnection(partial: Partial<FaultSettings>): void {
    this.nextConnFaults = partial;
  }

  dropConnections(): void {
    for (const c of [...this.open]) c.destroy();
  }

  changed(): void {
    this.replyCache?.clear();
  }

  async startListening(): Promise<void> {
    if (this.server || this.closed) return;
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stopListening(options: { dropConnections?: boolean } = {}): Promise<void> {
    const server = this.server;
    this.server = null;
    if (options.dropConnections) this.dropConnections();
    if (!server) return;
    // close() stops accepting at once but calls back only when every accepted
    // connection has ended; sessions may outlive the listener, as on a router
    // whose api service was disabled, so wait only for the listening socket.
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.open.size === 0) await done;
    else await new Promise((resolve) => setImmediate(resolve));
  }

  async reboot(downMs: number): Promise<void> {
    await this.stopListening({ dropConnections: true });
    await new Promise((r) => setTimeout(r, downMs));
    await this.startListening();
  }

  async close(): Promise<void> {
    this.stopAnimation?.();
    this.stopAnimation = null;
    await this.stopListening({ dropConnections: true });
    this.closed = true;
  }

  private accept(raw: net.Socket): void {
    raw.setNoDelay(true);
    const faults = { ...this.faults, ...(this.nextConnFaults ?? {}) };
    const connFaults = this.nextConnFaults;
    this.nextConnFaults = null;
    this.stats.connectionsOpened++;
    const begin = (socket: net.Socket): void => {
      const conn = new SimConnection(this.nextConnectionId++, socket, this);
      if (connFaults) conn.faults = { ...connFaults };
      this.open.add(conn);
      this.stats.connectionsOpen++;
    };
    if (!this.secureContext) {
      begin(raw);
      return;
    }
    const context = this.secureContext;
    const startTls = (): void => {
      if (raw.destroyed) return;
      const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
      secure.once('secure', () => this.stats.tlsHandshakes++);
      secure.on('error', () => secure.destroy());
      begin(secure);
    };
    // Until the TLS layer exists, a raw error must not crash the process.
    raw.on('error', () => raw.destroy());
    if (faults.tlsHandshakeDelayMs > 0) {
      const timer = setTimeout(startTls, faults.tlsHandshakeDelayMs);
      raw.once('close', () => clearTimeout(timer));
    } else {
      startTls();
    }
  }
}

function makeSecureContext(options: SimulatorTlsOptions): tls.SecureContext {
  if (options.mode === 'anonymous') {
    // api-ssl without a certificate: anonymous Diffie-Hellman, which OpenSSL 3 only
    // allows at security level 0 and only up to TLS 1.2 (TLS 1.3 has no anon suites).
    return tls.createSecureContext({
      ciphers: ANONYMOUS_CIPHERS,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      dhparam: 'auto',
    });
  }
  if (!options.cert || !options.key) throw new Error('tls.mode "certificate" needs cert and key');
  return tls.createSecureContext({ cert: options.cert, key: options.key });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = new Simulator(options);
  try {
    await sim.startListening();
  } catch (err) {
    await sim.close();
    throw err;
  }
  return sim;
}
export { type FleetOptions, type FleetRouter, type RunningFleet, startSimulatorFleet } from './fleet.js';
