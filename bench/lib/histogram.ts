/**
 * A log-bucket latency histogram: bucket i holds values in [GROWTH^i, GROWTH^(i+1)) ns, so
 * every percentile is within 1% of the true value at any magnitude (1 ns to ~10^11 ns)
 * with a fixed 2.6k-bucket table. Mergeable, and sent between processes as sparse pairs.
 */

/** Relative width of a bucket: reported percentiles are within this factor of the truth. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(1e12) / LOG_GROWTH);

/** A histogram as it crosses IPC: sparse [bucket, count] pairs plus exact extremes. */
export interface HistogramData {
  pairs: Array<[number, number]>;
  count: number;
  sumNs: number;
  minNs: number;
  maxNs: number;
}

/** Latencies in nanoseconds. */
export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  count = 0;
  sumNs = 0;
  minNs = Infinity;
  maxNs = 0;

  /** Records one latency; values below 1 ns count as 1 ns. */
  record(ns: number): void {
    const value = ns < 1 ? 1 : ns;
    const bucket = Math.min(BUCKETS - 1, Math.floor(Math.log(value) / LOG_GROWTH));
    this.#counts[bucket]! += 1;
    this.count += 1;
    this.sumNs += value;
    if (value < this.minNs) this.minNs = value;
    if (value > this.maxNs) this.maxNs = value;
  }

  /** Forgets everything recorded (start of a measured window). */
  reset(): void {
    this.#counts.fill(0);
    this.count = 0;
    this.sumNs = 0;
    this.minNs = Infinity;
    this.maxNs = 0;
  }

  /** Adds another histogram's counts to this one. */
  merge(data: HistogramData): void {
    if (data.count === 0) return;
    for (const [bucket, count] of data.pairs) this.#counts[bucket]! += count;
    this.count += data.count;
    this.sumNs += data.sumNs;
    this.minNs = Math.min(this.minNs, data.minNs);
    this.maxNs = Math.max(this.maxNs, data.maxNs);
  }

  /** The value at quantile `q` (0..1) in ns: the geometric middle of its bucket, clamped to min/max. */
  percentileNs(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket]!;
      if (seen >= rank) return Math.min(this.maxNs, Math.max(this.minNs, GROWTH ** (bucket + 0.5)));
    }
    return this.maxNs;
  }

  /** The sparse form for IPC or JSON. */
  toData(): HistogramData {
    const pairs: Array<[number, number]> = [];
    this.#counts.forEach((count, bucket) => {
      if (count > 0) pairs.push([bucket, count]);
    });
    return { pairs, count: this.count, sumNs: this.sumNs, minNs: this.count === 0 ? 0 : this.minNs, maxNs: this.maxNs };
  }

  /** A histogram rebuilt from its sparse form. */
  static from(data: HistogramData): Histogram {
    const histogram = new Histogram();
    histogram.merge(data);
    return histogram;
  }
}
