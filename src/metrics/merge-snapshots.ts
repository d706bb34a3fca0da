/**
 * Metrics as data, and how the numbers of several processes add up to one node's. Pure.
 *
 * A snapshot has the shape prom-client's `registry.getMetricsAsJSON()` gives (so a worker
 * sends its registry as is, over the cluster IPC channel, as JSON), and the merge follows
 * prom-client's `AggregatorRegistry.aggregate()`: samples with the same series name and
 * labels are combined by the metric's `aggregator` (counters and gauges sum; a histogram's
 * `_bucket`, `_sum` and `_count` samples sum one by one, which merges it bucket-wise).
 * prom-client's version needs prom-client; this one also runs in the cluster primary,
 * which never loads it.
 */

/** How samples of one series from several processes become one. */
export type Aggregation = 'sum' | 'min';

/** One sample: a value with its labels; `metricName` for a histogram's `_bucket`/`_sum`/`_count`. */
export interface MetricSample {
  value: number;
  labels: Readonly<Record<string, string | number>>;
  metricName?: string;
}

/** One metric of one process, as prom-client's `getMetricsAsJSON()` returns it. */
export interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  /** prom-client's name for how to merge; absent means `sum`, as in prom-client. */
  aggregator?: Aggregation;
  values: MetricSample[];
}

const COMBINE: Record<Aggregation, (a: number, b: number) => number> = {
  sum: (a, b) => a + b,
  min: Math.min,
};

/**
 * One set of metrics from several: each metric takes `help` and `type` from its first
 * appearance, and each series (name + labels) combines its samples by the metric's
 * aggregator. Metrics and series keep the order in which they first appear. The input is
 * not modified.
 */
export function mergeSnapshots(sets: readonly (readonly MetricSnapshot[])[]): MetricSnapshot[] {
  const merged = new Map<string, { metric: MetricSnapshot; series: Map<string, MetricSample> }>();
  for (const set of sets) {
    for (const metric of set) {
      let entry = merged.get(metric.name);
      if (entry === undefined) {
        entry = { metric: { ...metric, values: [] }, series: new Map() };
        merged.set(metric.name, entry);
      }
      const combine = COMBINE[entry.metric.aggregator ?? 'sum'] ?? COMBINE.sum;
      for (const sample of metric.values) {
        const key = seriesKey(sample);
        const seen = entry.series.get(key);
        if (seen === undefined) entry.series.set(key, { ...sample });
        else seen.value = combine(seen.value, sample.value);
      }
    }
  }
  return [...merged.values()].map(({ metric, series }) => ({ ...metric, values: [...series.values()] }));
}

/**
 * The metrics of `set` that only ever grow (counters, histograms): what a process that
 * stopped answering, or exited, still contributes to a node's totals.
 */
export function monotonicOf(set: readonly MetricSnapshot[]): MetricSnapshot[] {
  return set.filter((metric) => metric.type === 'counter' || metric.type === 'histogram');
}

/** Series name plus labels in a fixed order: the same series from any process has the same key. */
function seriesKey(sample: MetricSample): string {
  const labels = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([sample.metricName ?? '', labels]);
}
