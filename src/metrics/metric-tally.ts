/**
 * The numbers behind the metrics, kept as plain fields so the message path only adds.
 * Pure: no timers, no I/O; prometheus-metrics.ts publishes it when scraped.
 */
import type { ServerMetrics } from './server-metrics.js';

/** Per-request-name latency buckets; `counts` has one slot per bound plus +Inf. */
export interface LatencyBuckets {
  readonly counts: Float64Array;
  sum: number;
}

/** Running totals of one server. */
export class MetricTally implements ServerMetrics {
  /** Handler latency bucket bounds in seconds: sub-millisecond handlers up to slow I/O. */
  static readonly BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

  handshakesOk = 0;
  handshakesFailed = 0;
  authFailures = 0;
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  bytesOut = 0;
  rateLimitPauses = 0;
  readonly errors = new Map<string, number>();
  readonly closes = new Map<number, number>();
  readonly durations = new Map<string, LatencyBuckets>();

  handshakeCompleted(): void {
    this.handshakesOk += 1;
  }

  handshakeFailed(): void {
    this.handshakesFailed += 1;
  }

  authFailed(): void {
    this.authFailures += 1;
  }

  received(bytes: number, messages: number): void {
    this.bytesIn += bytes;
    this.messagesIn += messages;
  }

  sent(frame: string | Buffer, messages = 1): void {
    this.bytesOut += typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    this.messagesOut += messages;
  }

  handlerFinished(request: string, seconds: number): void {
    let histogram = this.durations.get(request);
    if (histogram === undefined) {
      histogram = { counts: new Float64Array(MetricTally.BUCKETS.length + 1), sum: 0 };
      this.durations.set(request, histogram);
    }
    let slot = 0;
    while (slot < MetricTally.BUCKETS.length && seconds > MetricTally.BUCKETS[slot]!) slot += 1;
    histogram.counts[slot]! += 1;
    histogram.sum += seconds;
  }

  errorAnswered(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  closed(code: number): void {
    this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
  }

  rateLimitPaused(): void {
    this.rateLimitPauses += 1;
  }
}
