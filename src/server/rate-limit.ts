/** Token bucket for per-connection message rates. Pure: time is passed in. */

/**
 * Refills `ratePerSecond` tokens a second up to `burst`; each message spends one. Spending
 * may run the bucket into debt: messages already read off the socket cannot be refused
 * (they are slowed, never dropped), so the debt is what the next pause must repay.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now;
  }

  /** Tokens held at time `now` (ms); negative while in debt. */
  level(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Spends `count` tokens at time `now`, into debt if need be; returns the level left. */
  spend(count: number, now: number): number {
    this.#refill(now);
    this.#tokens -= count;
    return this.#tokens;
  }

  /** Milliseconds from `now` until the bucket holds `target` tokens (0 if it already does). */
  msUntil(target: number, now: number): number {
    const missing = Math.min(target, this.burst) - this.level(now);
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.ratePerSecond);
  }

  #refill(now: number): void {
    // A clock that stands still or steps back adds nothing, and refill resumes from `now`.
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#updatedAt = now;
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
  }
}
