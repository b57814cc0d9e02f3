/**
 * bcrypt comparisons in worker threads, behind a bounded queue.
 *
 * bcryptjs is plain JavaScript: on the event loop, 16 clients sending wrong
 * passwords pushed an authorised scrape from milliseconds to about a second,
 * 32 to about 3 s (measured by test/security/auth-flood.test.ts). In workers
 * the event loop only passes messages, so a scrape never waits for a password
 * check; the queue bound turns a flood into quick refusals instead of a
 * backlog that grows with the attack.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompareRequest } from './bcrypt-worker.js';

export interface BcryptPoolOptions {
  /** Worker threads; by default one fewer than the cores (at least one), at most 4. */
  size?: number;
  /** Comparisons that may wait for a worker; beyond this compare() answers "busy" at once. */
  maxQueued?: number;
}

interface Job extends CompareRequest {
  resolve(ok: boolean): void;
  reject(error: Error): void;
}

// From the compiled tree the worker is a .js file. Run from the sources (tests, tsx) it is .ts, and Node 20 does not
// apply tsx's loader to a worker's entry, so a one-line bootstrap imports it through tsx's API (a dev dependency).
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCES ? './bcrypt-worker.ts' : './bcrypt-worker.js', import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCES) return new Worker(WORKER_URL);
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return new Worker(
    "const { workerData } = require('node:worker_threads'); require(workerData.tsx).require(workerData.entry, workerData.entry);",
    {
      eval: true,
      workerData: { tsx, entry: fileURLToPath(WORKER_URL) },
    },
  );
}

export class BcryptPool {
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private started = 0;
  private closed = false;

  constructor(options: BcryptPoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.maxQueued = options.maxQueued ?? 16;
  }

  /** Whether `password` matches `hash`, or "busy" when the queue is full (nothing was queued). */
  compare(password: string, hash: string): Promise<boolean> | 'busy' {
    if (this.closed) return Promise.reject(new Error('bcrypt pool closed'));
    // The queue holds only what no worker could take.
    if (this.queue.length >= this.maxQueued) return 'busy';
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ password, hash, resolve, reject });
      this.dispatch();
    });
  }

  /** Comparisons waiting for a worker (not counting those running). */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('bcrypt pool closed'));
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (worker === undefined) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage({ password: job.password, hash: job.hash } satisfies CompareRequest);
    }
  }

  private spawn(): Worker {
    this.started += 1;
    const worker = startWorker();
    worker.on('message', (ok: boolean) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      // An idle worker must not keep the process alive at shutdown.
      worker.unref();
      this.idle.push(worker);
      job?.resolve(ok === true);
      this.dispatch();
    });
    worker.on('error', (error) => this.retire(worker, error));
    worker.on('exit', () => this.retire(worker, new Error('bcrypt worker exited')));
    return worker;
  }

  /** A worker that failed is replaced on the next dispatch; its job fails, the others go on. */
  private retire(worker: Worker, error: Error): void {
    const index = this.idle.indexOf(worker);
    if (index >= 0) this.idle.splice(index, 1);
    const job = this.busy.get(worker);
    if (!this.busy.delete(worker) && index < 0) return;
    this.started -= 1;
    job?.reject(error);
    this.dispatch();
  }
}
