import QUnit from 'qunit';
import { mergeSnapshots, monotonicOf, type MetricSnapshot } from '../../../src/metrics/merge-snapshots.js';

const counter = (name: string, values: MetricSnapshot['values']): MetricSnapshot => ({ name, help: `${name} help`, type: 'counter', aggregator: 'sum', values });
const gauge = (name: string, value: number, aggregator: 'sum' | 'min' = 'sum'): MetricSnapshot => ({ name, help: `${name} help`, type: 'gauge', aggregator, values: [{ value, labels: {} }] });

/** A latency histogram as the server's collector reports it: cumulative buckets, sum, count. */
function histogram(request: string, counts: [number, number, number], sum: number): MetricSnapshot {
  const name = 'latency_seconds';
  return {
    name,
    help: 'latency',
    type: 'histogram',
    aggregator: 'sum',
    values: [
      { metricName: `${name}_bucket`, labels: { request, le: '0.1' }, value: counts[0] },
      { metricName: `${name}_bucket`, labels: { request, le: '1' }, value: counts[1] },
      { metricName: `${name}_bucket`, labels: { request, le: '+Inf' }, value: counts[2] },
      { metricName: `${name}_sum`, labels: { request }, value: sum },
      { metricName: `${name}_count`, labels: { request }, value: counts[2] },
    ],
  };
}

QUnit.module('src/metrics/merge-snapshots', () => {
  QUnit.test('counters and gauges sum per label set; a series only one process has is kept as is', (assert) => {
    const a = [counter('errors_total', [{ value: 2, labels: { code: 'ROOM_FULL' } }]), gauge('connections', 3)];
    const b = [counter('errors_total', [{ value: 5, labels: { code: 'ROOM_FULL' } }, { value: 1, labels: { code: 'TIMEOUT' } }]), gauge('connections', 4)];
    assert.deepEqual(mergeSnapshots([a, b]), [
      counter('errors_total', [{ value: 7, labels: { code: 'ROOM_FULL' } }, { value: 1, labels: { code: 'TIMEOUT' } }]),
      gauge('connections', 7),
    ]);
  });

  QUnit.test('labels match whatever order they come in', (assert) => {
    const a = [counter('closes_total', [{ value: 1, labels: { code: '1000', kind: 'ws' } }])];
    const b = [counter('closes_total', [{ value: 2, labels: { kind: 'ws', code: '1000' } }])];
    assert.deepEqual(mergeSnapshots([a, b])[0]!.values.map((value) => value.value), [3]);
  });

  QUnit.test('histograms merge bucket by bucket, with their sums and counts', (assert) => {
    const merged = mergeSnapshots([[histogram('echo', [1, 2, 3], 0.5)], [histogram('echo', [4, 4, 5], 1.25)], [histogram('auth', [0, 1, 1], 0.4)]]);
    const expected = histogram('echo', [5, 6, 8], 1.75);
    expected.values.push(...histogram('auth', [0, 1, 1], 0.4).values);
    assert.deepEqual(merged, [expected]);
  });

  QUnit.test('a min-aggregated gauge takes the smallest value (the oldest start time, a broker any worker lost)', (assert) => {
    assert.deepEqual(mergeSnapshots([[gauge('start_seconds', 300, 'min')], [gauge('start_seconds', 100, 'min')], [gauge('start_seconds', 200, 'min')]]), [gauge('start_seconds', 100, 'min')]);
  });

  QUnit.test('a metric with no aggregator sums, as in prom-client', (assert) => {
    const bare = (value: number): MetricSnapshot => ({ name: 'n', help: 'h', type: 'gauge', values: [{ value, labels: {} }] });
    assert.strictEqual(mergeSnapshots([[bare(1)], [bare(2)]])[0]!.values[0]!.value, 3);
  });

  QUnit.test('the inputs are left as they were', (assert) => {
    const a = [gauge('connections', 3)];
    const b = [gauge('connections', 4)];
    mergeSnapshots([a, b]);
    assert.deepEqual([a, b], [[gauge('connections', 3)], [gauge('connections', 4)]]);
  });

  QUnit.test('monotonicOf keeps counters and histograms, not gauges', (assert) => {
    const set = [counter('errors_total', []), gauge('connections', 1), histogram('echo', [1, 1, 1], 0.1)];
    assert.deepEqual(monotonicOf(set).map((metric) => metric.name), ['errors_total', 'latency_seconds']);
  });
});
