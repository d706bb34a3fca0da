/** Reconnect policy: backoff delays and which closes reconnect. Pure: randomness is passed in. */
import { CLOSE_CODES } from '../protocol/constants.js';

/** The reconnect delays a client uses. */
export interface BackoffPolicy {
  /** Delay ceiling of the first attempt, in ms. */
  baseDelay: number;
  /** Upper bound of every delay, in ms. */
  maxDelay: number;
}

/**
 * Delay before reconnect `attempt` (1-based): the ceiling doubles per attempt up to
 * `maxDelay`, and the delay is drawn from the upper half of it ("equal jitter"), so a
 * server restart does not see every client return in the same instant, yet no client
 * retries much sooner than planned.
 */
export function reconnectDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Close codes by which the server ends a session on purpose: a handler's
 * `connection.close()` (1000) and a refused or revoked authentication (4001). Reconnecting
 * would undo the server's decision (or loop on the same refusal), so the client stays
 * closed. Every other code reconnects: 1001 (shutdown, heartbeat timeout), 1006 (link
 * lost), 1009/4004 (one bad frame), 4002 (a frame failed to decrypt: a fresh handshake
 * starts a fresh channel), 4003, 4008 (a slow read), and codes a handler chose.
 */
const DELIBERATE_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.NORMAL, CLOSE_CODES.AUTH_FAILED]);

/** Whether a client whose established session closed with `code` reconnects. */
export function shouldReconnect(code: number): boolean {
  return !DELIBERATE_CLOSE_CODES.has(code);
}
