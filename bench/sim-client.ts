/**
 * Parent side of bench/sim-process.ts: starts the simulated routers in their
 * own process and reads that process's CPU clock on demand.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Compiled for a run (bench/build.ts) or straight from source under tsx.
const COMPILED = import.meta.url.endsWith('.js');
const SCRIPT = fileURLToPath(new URL(COMPILED ? './sim-process.js' : './sim-process.ts', import.meta.url));

export interface SimulatorProcess {
  readonly ports: number[];
  readonly pid: number;
  /** CPU time (user + system) the simulator process has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Successful logins summed over every simulated router. */
  logins(): Promise<number>;
  /** Lets `seconds` pass on every lease table (last seen, expires after), so the next poll sees every lease row changed. */
  tickLeases(seconds: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(options: {
  routers: number;
  devices: number;
  seed?: number;
  /** Serve the device-depth tables too (generateLan's depth option). */
  depth?: boolean;
}): Promise<SimulatorProcess> {
  const child: ChildProcess = fork(SCRIPT, [], {
    execArgv: COMPILED ? [] : ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, (micros: number) => void>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ports = await new Promise<number[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code} before it was ready`)));
    child.on('message', (message: { type: string; ports?: number[]; id?: number; micros?: number; logins?: number }) => {
      if (message.type === 'ready' && message.ports) resolve(message.ports);
      if ((message.type === 'cpu' || message.type === 'logins' || message.type === 'tick') && message.id !== undefined) {
        waiting.get(message.id)?.(message.micros ?? message.logins ?? 0);
        waiting.delete(message.id);
      }
    });
    child.send({
      type: 'start',
      routers: options.routers,
      devices: options.devices,
      seed: options.seed ?? 7,
      depth: options.depth ?? false,
    });
  });

  return {
    ports,
    pid: child.pid ?? -1,
    cpuMicros() {
      const id = nextId++;
      return new Promise<number>((resolve) => {
        waiting.set(id, resolve);
        child.send({ type: 'cpu', id });
      });
    },
    logins() {
      const id = nextId++;
      return new Promise<number>((resolve) => {
        waiting.set(id, resolve);
        child.send({ type: 'logins', id });
      });
    },
    tickLeases(seconds) {
      const id = nextId++;
      return new Promise<void>((resolve) => {
        waiting.set(id, () => resolve());
        child.send({ type: 'tick', id, seconds });
      });
    },
    async stop() {
      if (child.exitCode === null && child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
