/**
 * Why a poll failed, in the four buckets netmon_router_poll_errors_total counts.
 * The message is one line meant for logs and /api output: it names the router's
 * address and what went wrong, and is built so it can never carry the password.
 */
export const POLL_ERROR_REASONS = ['auth', 'timeout', 'connection', 'protocol'] as const;
export type PollErrorReason = (typeof POLL_ERROR_REASONS)[number];

export class PollError extends Error {
  override readonly name = 'PollError';
  constructor(
    readonly reason: PollErrorReason,
    message: string,
  ) {
    super(oneLine(message));
  }
}

/** A `!trap` answer to one command: the router refused it, the session is fine. */
export class CommandTrap extends Error {
  override readonly name = 'CommandTrap';
  constructor(
    readonly command: string,
    readonly trapMessage: string,
  ) {
    super(oneLine(`${command}: ${trapMessage}`));
  }
}

/** RouterOS answers a print on a menu it does not have with this trap. */
export function isMissingMenu(trap: CommandTrap): boolean {
  return /no such command( prefix)?\b/i.test(trap.trapMessage);
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** Removes every occurrence of secret from text that came from outside our code. */
export function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[redacted]');
}
