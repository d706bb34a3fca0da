/**
 * Rate limiting that shapes instead of kills. A connection over its message rate is not
 * closed: reading its socket pauses until the token bucket has refilled, so TCP pushes
 * back on the sender and its messages are handled no faster than the rate. Costs nothing
 * under the rate (no timer), and one timer per paused connection.
 *
 * Messages the socket had already delivered when it paused are still handled (they were
 * read; dropping them would lose data): they run the bucket into debt, and the pause lasts
 * until the debt is repaid, so over any window the rate holds within one burst.
 */
import { TokenBucket } from './rate-limit.js';

/** The socket whose reading is paused (ws's WebSocket#pause/resume). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Options of {@link ReadThrottle}. */
export interface ReadThrottleOptions {
  /** Messages per second sustained. */
  rate: number;
  /** Messages accepted at once above the rate. */
  burst: number;
  now(): number;
  /** Called at each pause, with its planned length in ms (for logs and metrics). */
  onPause?(ms: number): void;
}

/**
 * Resume once this share of a second's tokens is back: a flooding connection then reads in
 * slices of ~100 ms worth of messages, so pauses stay short (heartbeats wait little) and
 * a paused connection costs at most ~10 timers a second.
 */
const RESUME_SHARE_OF_RATE = 0.1;

/** Paces one connection's reading to its message rate. */
export class ReadThrottle {
  readonly #bucket: TokenBucket;
  readonly #resumeLevel: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private readonly socket: Pausable,
    private readonly options: ReadThrottleOptions,
  ) {
    this.#bucket = new TokenBucket(options.rate, options.burst, options.now());
    this.#resumeLevel = Math.max(1, Math.min(options.burst, Math.ceil(options.rate * RESUME_SHARE_OF_RATE)));
  }

  /** Whether reading is paused now. */
  get paused(): boolean {
    return this.#timer !== undefined;
  }

  /** Charges `count` messages (each message of a record counts); pauses reading when over. */
  charge(count = 1): void {
    const level = this.#bucket.spend(count, this.options.now());
    if (level >= 0 || this.#timer !== undefined || this.#stopped) return;
    this.socket.pause();
    this.#schedule(true);
  }

  /** Stops pacing for good (the connection is closing) and lets the socket read again. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.socket.resume();
  }

  #schedule(first: boolean): void {
    const wait = this.#bucket.msUntil(this.#resumeLevel, this.options.now());
    if (first) this.options.onPause?.(wait);
    this.#timer = setTimeout(() => this.#wake(), wait);
    this.#timer.unref();
  }

  #wake(): void {
    this.#timer = undefined;
    // Messages handled during the pause may have added debt: wait again if so.
    if (this.#bucket.level(this.options.now()) < this.#resumeLevel) return this.#schedule(false);
    this.socket.resume();
  }
}
