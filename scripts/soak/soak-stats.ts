/** Counters and latencies of a soak run. */
import { isSocketError } from '../../src/index.js';

/** Everything the soak counts. */
export class SoakStats {
  /** Clients that connected, handshook and authenticated. */
  connections = 0;
  /** Calls answered with a result (auth not included). */
  answered = 0;
  droppedAbruptly = 0;
  closedCleanly = 0;
  peakClients = 0;
  waves = 0;
  readonly errors = new Map<string, number>();
  readonly #callMs: number[] = [];
  readonly #connectMs: number[] = [];

  /** Counts a failure by its SocketError code (any other error by its name). */
  error(error: unknown): void {
    const code = isSocketError(error) ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  call(ms: number): void {
    this.answered += 1;
    this.#callMs.push(ms);
  }

  connected(ms: number): void {
    this.connections += 1;
    this.#connectMs.push(ms);
  }

  /** The `p`-th percentile (0..100) of call latency in ms. */
  callPercentile(p: number): number {
    return percentile(this.#callMs, p);
  }

  /** The `p`-th percentile (0..100) of connect + handshake + auth latency in ms. */
  connectPercentile(p: number): number {
    return percentile(this.#connectMs, p);
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
}
