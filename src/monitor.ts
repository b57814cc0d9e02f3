import type { Config, RouterConfig } from './config/load.js';
import type { PollChanges, RouterSummary } from './inventory/registry.js';
import type { DeviceRecord, RouterDevices } from './inventory/types.js';
import type { Logger } from './logging.js';
import { type Snapshot, SnapshotBuilder } from './metrics/snapshot.js';
import { ConcurrencyLimit } from './poller/limit.js';
import { initialPollStatus, type RouterPollStatus } from './poller/router-poll-status.js';
import { spreadOffsetSeconds } from './poller/schedule.js';
import { PollScheduler } from './poller/scheduler.js';
import { POLL_ERROR_REASONS, type PollErrorReason } from './routeros/errors.js';
import type { RouterObservations } from './routeros/observation-types.js';

/** What the monitor needs from a router connection (RouterSession in production, anything in tests). */
export interface RouterClient {
  poll(): Promise<RouterObservations & { rejectedRows?: number }>;
  close(): Promise<void>;
}

/** What the monitor needs from the device registry. */
export interface DeviceInventory {
  applyPoll(router: string, observations: RouterObservations, nowSeconds: number): PollChanges | undefined;
  routerDevices(router: string): DeviceRecord[];
  /** Live views for rendering, records on demand; preferred over routerDevices when present (no records per poll). */
  routerView?(router: string): RouterDevices;
  routerSummary(router: string): RouterSummary;
}

/** What the monitor needs from the state file. */
export interface StatePersistence {
  flush(): Promise<void>;
  /** Called after every poll; implementations coalesce writes. */
  requestSave(): void;
  /** Called after every good poll, before it is published: makes its first sightings durable. Never rejects. */
  commitPoll?(): Promise<void>;
}

const NEW_DEVICE_LOG_LIMIT = 20;

export interface MonitorOptions {
  config: Pick<Config, 'routers'> & {
    /** concurrency and spreadSeconds are optional for callers that build a config by hand: unbounded, no spread. */
    poll: Pick<Config['poll'], 'intervalSeconds' | 'offsetSeconds'> &
      Partial<Pick<Config['poll'], 'concurrency' | 'spreadSeconds'>>;
  };
  logger: Logger;
  inventory: DeviceInventory;
  createClient: (router: RouterConfig) => RouterClient;
  persistence?: StatePersistence;
  nowMs?: () => number;
}

export interface PollOutcome {
  router: string;
  ok: boolean;
  error?: { reason: PollErrorReason; message: string };
}

/** What a reload changed in the router set, by name. */
export interface RouterSetChange {
  added: string[];
  removed: string[];
  /** Same name, different connection settings: reconnected, history kept. */
  changed: string[];
}

/**
 * The exporter's core loop: polls each router on schedule, feeds the registry,
 * and swaps in a new snapshot after every poll. Scrapes only ever read the
 * latest snapshot, so they never wait on a router and never see half a poll.
 */
export class Monitor {
  private readonly pollStatuses = new Map<string, RouterPollStatus>();
  private readonly clients = new Map<string, RouterClient>();
  private readonly limit: ConcurrencyLimit;
  private readonly routerConfigs = new Map<string, RouterConfig>();
  private readonly builder: SnapshotBuilder;
  private current: Snapshot;
  private scheduler: PollScheduler | null = null;
  private readonly nowMs: () => number;
  private pollsInFlight = 0;
  /** Routers whose merged poll is being made durable (commitPoll): not shown before it is. */
  private readonly committing = new Set<string>();
  private lastSaveRequestMs: number;

  constructor(private readonly options: MonitorOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.limit = new ConcurrencyLimit(options.config.poll.concurrency ?? Number.POSITIVE_INFINITY);
    this.lastSaveRequestMs = this.nowMs();
    const names = options.config.routers.map((router) => router.name);
    for (const name of names) this.pollStatuses.set(name, initialPollStatus(name));
    this.builder = new SnapshotBuilder(names, (name) => this.pollStatuses.get(name) ?? initialPollStatus(name));
    for (const router of options.config.routers) {
      this.routerConfigs.set(router.name, router);
      this.clients.set(router.name, options.createClient(router));
    }
    // Watched devices are exported from the start, before any poll.
    this.refreshAllRouters();
    this.current = this.builder.build(this.nowMs() / 1000);
  }

  snapshot(): Snapshot {
    return this.current;
  }

  /** Ready once every router has had one poll attempt, good or bad. */
  isReady(): boolean {
    for (const state of this.pollStatuses.values()) if (!state.attempted) return false;
    return true;
  }

  start(): void {
    if (this.scheduler) return;
    this.scheduler = new PollScheduler({
      routers: [...this.pollStatuses.keys()],
      intervalSeconds: this.options.config.poll.intervalSeconds,
      offsetSeconds: this.options.config.poll.offsetSeconds,
      routerOffsetSeconds: (router) => spreadOffsetSeconds(router, this.options.config.poll.spreadSeconds ?? 0),
      nowMs: this.nowMs,
      pollRouter: async (router) => {
        await this.limitedPoll(router);
      },
      onSkippedSlot: (router) => {
        const state = this.pollStatuses.get(router);
        if (!state) return;
        state.skippedSlotsTotal += 1;
        this.options.logger.warn({ router }, 'poll slot skipped: the previous poll is still running');
      },
    });
    this.scheduler.start();
  }

  /**
   * Applies a new router list (a reload): added routers start polling, removed
   * ones stop, lose their connection and leave the snapshot, routers whose
   * settings changed reconnect, and the others keep their session untouched.
   * Devices stay in the inventory either way, so a router that comes back
   * keeps its history.
   */
  async setRouters(routers: ReadonlyArray<RouterConfig>): Promise<RouterSetChange> {
    const next = new Map(routers.map((router) => [router.name, router]));
    const change: RouterSetChange = { added: [], removed: [], changed: [] };
    const closing: Promise<void>[] = [];
    for (const [name, client] of this.clients) {
      if (next.has(name)) continue;
      change.removed.push(name);
      this.scheduler?.removeRouter(name);
      this.clients.delete(name);
      this.routerConfigs.delete(name);
      this.pollStatuses.delete(name);
      this.builder.removeRouter(name);
      closing.push(client.close());
    }
    for (const [name, router] of next) {
      const previous = this.routerConfigs.get(name);
      if (previous === undefined) {
        change.added.push(name);
        const state = initialPollStatus(name);
        this.pollStatuses.set(name, state);
        this.routerConfigs.set(name, router);
        this.clients.set(name, this.options.createClient(router));
        this.builder.updateRouter(state, this.options.inventory.routerDevices(name), this.options.inventory.routerSummary(name));
      } else if (!sameRouterConfig(previous, router)) {
        change.changed.push(name);
        const old = this.clients.get(name);
        this.routerConfigs.set(name, router);
        this.clients.set(name, this.options.createClient(router));
        if (old) closing.push(old.close());
      }
    }
    this.current = this.builder.build(this.nowMs() / 1000);
    for (const name of change.added) this.scheduler?.addRouter(name);
    await Promise.allSettled(closing);
    return change;
  }

  /**
   * Shows what the inventory holds now for every router, without polling: after
   * a reload changed the watched devices, the next scrape has their names and
   * flags, also for a router that is down (its last good data, relabelled). A
   * router whose poll is being made durable is left out: it publishes itself
   * once it is, with the same names and flags.
   */
  republishDevices(): void {
    this.refreshAllRouters();
    this.current = this.builder.build(this.nowMs() / 1000);
  }

  /** One poll of every router, concurrently (the `devices` command). */
  async pollAllOnce(): Promise<PollOutcome[]> {
    // Access points first: their sightings join their gateway's devices at the gateway's poll.
    const names = [...this.pollStatuses.keys()];
    const isAccessPoint = (name: string) => Boolean(this.routerConfigs.get(name)?.gateway);
    const accessPoints = await Promise.all(names.filter(isAccessPoint).map((router) => this.limitedPoll(router)));
    const others = await Promise.all(names.filter((name) => !isAccessPoint(name)).map((router) => this.limitedPoll(router)));
    return [...accessPoints, ...others].filter((outcome): outcome is PollOutcome => outcome !== null);
  }

  /**
   * A poll that waits for one of `poll.concurrency` places first. The wait is
   * not part of the poll's duration; a router removed while it waited is not polled.
   */
  private limitedPoll(router: string): Promise<PollOutcome | null> {
    return this.limit.run(async () => (this.pollStatuses.has(router) ? this.pollRouter(router) : null));
  }

  /**
   * Stops polling, closes router connections (which also ends polls still in
   * flight), and flushes state; bounded so shutdown finishes within the documented 5 s.
   */
  async stop(graceMs = 2000): Promise<void> {
    const scheduler = this.scheduler;
    this.scheduler = null;
    const stopping = scheduler?.stop(graceMs) ?? Promise.resolve();
    await Promise.allSettled([...this.clients.values()].map((client) => client.close()));
    await stopping;
    await this.options.persistence?.flush();
  }

  async pollRouter(router: string): Promise<PollOutcome> {
    const state = this.pollStatuses.get(router);
    const client = this.clients.get(router);
    if (!state || !client) throw new Error(`unknown router ${router}`);
    const started = performance.now();
    let outcome: PollOutcome;
    this.pollsInFlight += 1;
    try {
      const observations = await client.poll();
      // A reload removed or reconnected the router while this poll ran: its result belongs to nobody.
      if (this.clients.get(router) !== client) return { router, ok: false };
      const nowSeconds = this.nowMs() / 1000;
      const changes = this.options.inventory.applyPoll(router, observations, nowSeconds);
      // On disk before anything (metrics, API, log) shows it: a crash never loses a first sighting.
      this.committing.add(router);
      try {
        await this.options.persistence?.commitPoll?.();
      } finally {
        this.committing.delete(router);
      }
      state.up = true;
      state.lastSuccess = nowSeconds;
      state.system = observations.system;
      state.rejectedRowsTotal += observations.rejectedRows ?? 0;
      state.missingTables = observations.missingTables;
      state.depthSources = observations.depth?.sources ?? null;
      state.pools = observations.depth?.pools ?? null;
      if (observations.rejectedRows) {
        this.options.logger.warn({ router, rows: observations.rejectedRows }, 'skipped API rows with unparseable values');
      }
      this.logChanges(router, changes);
      outcome = { router, ok: true };
    } catch (error) {
      if (this.clients.get(router) !== client) return { router, ok: false };
      const { reason, message } = classifyError(error);
      const wasUp = state.up || !state.attempted;
      state.up = false;
      state.errorsTotal[reason] += 1;
      state.lastError = { reason, message, at: this.nowMs() / 1000 };
      // Log the first failure of an outage at warn, repeats at debug, so a long outage does not flood the log.
      this.options.logger[wasUp ? 'warn' : 'debug']({ router, reason }, `poll failed: ${message}`);
      outcome = { router, ok: false, error: { reason, message } };
    } finally {
      this.pollsInFlight -= 1;
    }
    state.attempted = true;
    state.lastPollDurationSeconds = (performance.now() - started) / 1000;
    this.publish(router);
    return outcome;
  }

  private publish(router: string): void {
    const state = this.pollStatuses.get(router);
    if (!state) return;
    this.updateRouterPart(state);
    this.current = this.builder.build(this.nowMs() / 1000);
    this.requestSave();
  }

  /**
   * Routers are polled together, on the same slot: the state file is written
   * once the last poll of the round is in. Asked after every router's poll, the
   * coalescing saver wrote twice per round (once when the first poll finished,
   * once more for the rest): 20 routers of 1k devices, about 50 ms of CPU per
   * 5 MB write. A router whose poll outlasts the interval does not hold the
   * others' history back for longer than one interval.
   */
  private requestSave(): void {
    const persistence = this.options.persistence;
    if (!persistence) return;
    const now = this.nowMs();
    const intervalMs = this.options.config.poll.intervalSeconds * 1000;
    if (this.pollsInFlight > 0 && now - this.lastSaveRequestMs < intervalMs) return;
    this.lastSaveRequestMs = now;
    persistence.requestSave();
  }

  private refreshAllRouters(): void {
    for (const state of this.pollStatuses.values()) if (!this.committing.has(state.name)) this.updateRouterPart(state);
  }

  private updateRouterPart(state: RouterPollStatus): void {
    this.builder.updateRouter(state, this.devicesOf(state.name), this.options.inventory.routerSummary(state.name));
  }

  private devicesOf(router: string): DeviceRecord[] | RouterDevices {
    const inventory = this.options.inventory;
    return inventory.routerView ? inventory.routerView(router) : inventory.routerDevices(router);
  }

  private logChanges(router: string, changes: PollChanges | undefined): void {
    if (!changes) return;
    const newDevices = changes.newDevices;
    // The first poll of a big LAN finds thousands of "new" devices; one line says it better.
    if (newDevices.length > NEW_DEVICE_LOG_LIMIT) {
      this.options.logger.info({ router, count: newDevices.length }, 'new devices');
    } else {
      for (const device of newDevices) {
        this.options.logger.info({ router, mac: device.mac }, 'new device');
      }
    }
    for (const change of changes.conflictChanges) {
      this.options.logger.warn({ router, conflict: change }, 'address conflict changed');
    }
    if (changes.futureTimestamps) {
      this.options.logger.warn(
        { router, devices: changes.futureTimestamps },
        'first/last seen times later than now (the clock went back): dropped or clamped to now',
      );
    }
  }
}

function sameRouterConfig(a: RouterConfig, b: RouterConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function classifyError(error: unknown): { reason: PollErrorReason; message: string } {
  const candidate = error as { reason?: unknown; message?: unknown } | null;
  const reason =
    candidate && typeof candidate.reason === 'string' && (POLL_ERROR_REASONS as readonly string[]).includes(candidate.reason)
      ? (candidate.reason as PollErrorReason)
      : 'protocol';
  const message = candidate && typeof candidate.message === 'string' ? candidate.message : String(error);
  return { reason, message: message.split('\n')[0] ?? '' };
}
