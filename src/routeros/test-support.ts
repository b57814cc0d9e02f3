/**
 * Helpers shared by the RouterOS session tests: a logger that keeps its lines,
 * and a session pointed at a simulator.
 */
import pino, { type Logger } from 'pino';
import type { RunningSimulator } from '../simulator/index.js';
import { RouterSession, type RouterSessionOptions } from './session.js';

export interface CapturingLogger {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  text(): string;
}

export function capturingLogger(): CapturingLogger {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
}

export function sessionFor(
  sim: Pick<RunningSimulator, 'port'>,
  overrides: Partial<RouterSessionOptions> = {},
): { session: RouterSession; log: CapturingLogger } {
  const log = capturingLogger();
  const session = new RouterSession({
    name: 'sim',
    host: '127.0.0.1',
    port: sim.port,
    user: 'monitor',
    password: 'secret',
    timeoutSeconds: 2,
    logger: log.logger,
    ...overrides,
  });
  return { session, log };
}

/** Resolves with the rejection of `promise`; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { reason?: string };
  }
  throw new Error('expected a rejection, got a value');
}
