/** Reconnect backoff. Pure: randomness is passed in. */

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
