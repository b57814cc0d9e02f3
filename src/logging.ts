import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Secrets can reach a log line through any object that carries a router's
 * configuration or a connection's options; redact the keys wherever they sit.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'routers[*].password',
  'config.routers[*].password',
  'options.password',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'network-monitor' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
