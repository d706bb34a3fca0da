/**
 * The closed loop: every peer keeps `inFlight` echo calls outstanding; each answer sends
 * the next. Only answers that arrive inside the measured window are counted and timed.
 */
import { Histogram } from '../lib/histogram.js';
import { ECHO_DATA } from '../lib/payload.js';
import type { Peer } from './peers/index.js';

/** Slots stop after an error, so a broken connection cannot spin; the error count shows it. */
export class ClosedLoop {
  readonly latency = new Histogram();
  count = 0;
  errors = 0;
  #recording = false;
  #running = true;
  #busy = 0;
  #windowStart = 0;
  #drained: (() => void) | undefined;

  constructor(
    private readonly peers: readonly Peer[],
    private readonly inFlight: number,
  ) {}

  /** Starts `inFlight` slots on every peer. */
  start(): void {
    for (const peer of this.peers) for (let slot = 0; slot < this.inFlight; slot++) this.#next(peer);
  }

  /** Starts the measured window: counts and latencies from now on. */
  measure(): void {
    this.latency.reset();
    this.count = 0;
    this.errors = 0;
    this.#recording = true;
    this.#windowStart = performance.now();
  }

  /** Ends the window (returns its length in ms), then stops and waits for calls in flight. */
  async stop(drainTimeoutMs = 10_000): Promise<number> {
    const elapsedMs = performance.now() - this.#windowStart;
    this.#recording = false;
    this.#running = false;
    if (this.#busy > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainTimeoutMs);
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return elapsedMs;
  }

  #next(peer: Peer): void {
    if (!this.#running) return;
    this.#busy += 1;
    const started = performance.now();
    peer.call(ECHO_DATA, (failed) => {
      this.#busy -= 1;
      if (this.#recording) {
        if (failed) this.errors += 1;
        else {
          this.count += 1;
          this.latency.record((performance.now() - started) * 1e6);
        }
      }
      if (!failed) this.#next(peer);
      if (this.#busy === 0) this.#drained?.();
    });
  }
}
