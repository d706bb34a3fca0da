import QUnit from 'qunit';
import sinon from 'sinon';
import { ClusterMetricsHub, type MetricsPeer } from '../../../src/metrics/cluster-metrics-hub.js';
import type { MetricSnapshot } from '../../../src/metrics/merge-snapshots.js';
import type { MetricsPrimaryMessage } from '../../../src/scale/cluster-protocol.js';

type NodeAnswer = Extract<MetricsPrimaryMessage, { ds: 'metrics-node' }>;
const DEADLINE_MS = 1000;
const PRIMARY_START = { name: 'process_start_time_seconds', help: 'start', type: 'gauge', aggregator: 'min', values: [{ value: 50, labels: {} }] } as const satisfies MetricSnapshot;

function peer(id: number, connected = true): MetricsPeer & { inbox: MetricsPrimaryMessage[] } {
  const inbox: MetricsPrimaryMessage[] = [];
  return { id, inbox, send: (message) => connected && inbox.push(message) > 0 };
}

/** A worker's metrics: a counter and a gauge, and a start time later than the primary's. */
function workerMetrics(handshakes: number, connections: number): MetricSnapshot[] {
  return [
    { name: 'handshakes_total', help: 'handshakes', type: 'counter', aggregator: 'sum', values: [{ value: handshakes, labels: {} }] },
    { name: 'connections', help: 'connections', type: 'gauge', aggregator: 'sum', values: [{ value: connections, labels: {} }] },
    { ...PRIMARY_START, values: [{ value: 60, labels: {} }] },
  ];
}

/** The id of the last question `worker` was asked. */
function lastCollect(worker: { inbox: MetricsPrimaryMessage[] }): number {
  const asked = worker.inbox.filter((message) => message.ds === 'metrics-collect');
  return asked.at(-1)!.collect;
}

function answersTo(worker: { inbox: MetricsPrimaryMessage[] }): NodeAnswer[] {
  return worker.inbox.filter((message): message is NodeAnswer => message.ds === 'metrics-node');
}

function valueOf(answer: NodeAnswer, name: string): number | undefined {
  return answer.metrics.find((metric) => metric.name === name)?.values[0]?.value;
}

/** The figures of an answer that the tests check. */
function summary(answer: NodeAnswer): Record<string, number | undefined> {
  return { scrape: answer.scrape, workers: answer.workers, reporting: answer.reporting, handshakes: valueOf(answer, 'handshakes_total'), connections: valueOf(answer, 'connections') };
}

QUnit.module('src/metrics/cluster-metrics-hub', (hooks) => {
  let clock: sinon.SinonFakeTimers;
  let hub: ClusterMetricsHub;
  hooks.beforeEach(() => {
    clock = sinon.useFakeTimers();
    hub = new ClusterMetricsHub({ deadlineMs: DEADLINE_MS, ownMetrics: () => [PRIMARY_START] });
  });
  hooks.afterEach(() => {
    hub.close();
    clock.restore();
  });

  /** Worker `from` is scraped; each worker in `answers` answers with its metrics. */
  function scrape(from: ReturnType<typeof peer>, scrapeId: number, answers: Array<[ReturnType<typeof peer>, MetricSnapshot[]]>): void {
    hub.receive(from, { ds: 'metrics-scrape', scrape: scrapeId });
    for (const [worker, metrics] of answers) hub.receive(worker, { ds: 'metrics-snapshot', collect: lastCollect(worker), metrics });
  }

  QUnit.test('a scrape asks every listening worker and answers the one scraped with their sum, the primary\'s figures and the worker counts', (assert) => {
    const [a, b] = [peer(1), peer(2)];
    hub.add(a);
    hub.add(b);
    assert.false(hub.receive(a, { ds: 'leave', node: 'A' }), 'a broker message is not one of its own');
    scrape(a, 7, [[b, workerMetrics(4, 2)]]);
    assert.deepEqual(answersTo(a), [], 'no answer while a worker has not answered');
    hub.receive(a, { ds: 'metrics-snapshot', collect: lastCollect(a), metrics: workerMetrics(3, 1) });
    const [answer] = answersTo(a);
    assert.deepEqual(summary(answer!), { scrape: 7, workers: 2, reporting: 2, handshakes: 7, connections: 3 });
    assert.strictEqual(valueOf(answer!, 'process_start_time_seconds'), 50, 'the oldest start: the primary\'s');
    assert.strictEqual(valueOf(answer!, 'dropsocket_workers_reporting'), 2);
    assert.strictEqual(valueOf(answer!, 'dropsocket_workers'), 2);
    assert.deepEqual(answersTo(b), [], 'only the worker that was scraped gets the answer');
  });

  QUnit.test('concurrent scrapes are kept apart: each sums the answers to its own question, each answer once', (assert) => {
    const [a, b] = [peer(1), peer(2)];
    hub.add(a);
    hub.add(b);
    hub.receive(a, { ds: 'metrics-scrape', scrape: 1 });
    const first = lastCollect(a);
    hub.receive(b, { ds: 'metrics-scrape', scrape: 1 });
    const second = lastCollect(a);
    assert.notStrictEqual(first, second);
    hub.receive(b, { ds: 'metrics-snapshot', collect: second, metrics: workerMetrics(20, 0) });
    hub.receive(b, { ds: 'metrics-snapshot', collect: first, metrics: workerMetrics(2, 0) });
    hub.receive(b, { ds: 'metrics-snapshot', collect: first, metrics: workerMetrics(2, 0) });
    hub.receive(a, { ds: 'metrics-snapshot', collect: first, metrics: workerMetrics(1, 0) });
    hub.receive(a, { ds: 'metrics-snapshot', collect: second, metrics: workerMetrics(10, 0) });
    assert.deepEqual(answersTo(a).map(summary), [{ scrape: 1, workers: 2, reporting: 2, handshakes: 3, connections: 0 }]);
    assert.deepEqual(answersTo(b).map(summary), [{ scrape: 1, workers: 2, reporting: 2, handshakes: 30, connections: 0 }]);
  });

  QUnit.test('a worker silent past the deadline is left out: its gauges go, its counters count as of its last answer', (assert) => {
    const [a, b] = [peer(1), peer(2)];
    hub.add(a);
    hub.add(b);
    scrape(a, 1, [[a, workerMetrics(3, 1)], [b, workerMetrics(4, 2)]]);
    scrape(a, 2, [[a, workerMetrics(5, 1)]]);
    clock.tick(DEADLINE_MS - 1);
    assert.strictEqual(answersTo(a).length, 1, 'still waiting just before the deadline');
    clock.tick(1);
    assert.deepEqual(summary(answersTo(a)[1]!), { scrape: 2, workers: 2, reporting: 1, handshakes: 9, connections: 1 });

    hub.receive(b, { ds: 'metrics-snapshot', collect: lastCollect(b), metrics: workerMetrics(6, 2) });
    assert.strictEqual(answersTo(a).length, 2, 'a late answer does not answer again');
    scrape(a, 3, [[a, workerMetrics(5, 1)]]);
    clock.tick(DEADLINE_MS);
    assert.deepEqual(summary(answersTo(a)[2]!), { scrape: 3, workers: 2, reporting: 1, handshakes: 11, connections: 1 }, 'the late answer refreshed its counters');
  });

  QUnit.test('a worker that exits is not waited for, and its last counters stay in the totals after it is replaced', (assert) => {
    const [a, b, c] = [peer(1), peer(2), peer(3)];
    hub.add(a);
    hub.add(b);
    scrape(a, 1, [[a, workerMetrics(3, 1)], [b, workerMetrics(4, 2)]]);
    scrape(a, 2, [[a, workerMetrics(3, 1)]]);
    hub.remove(b.id);
    assert.deepEqual(summary(answersTo(a)[1]!), { scrape: 2, workers: 2, reporting: 1, handshakes: 7, connections: 1 }, 'answered at once, without a tick');
    hub.add(c);
    scrape(a, 3, [[a, workerMetrics(3, 1)], [c, workerMetrics(0, 0)]]);
    assert.deepEqual(summary(answersTo(a)[2]!), { scrape: 3, workers: 2, reporting: 2, handshakes: 7, connections: 1 });
    hub.remove(b.id);
    scrape(a, 4, [[a, workerMetrics(3, 1)], [c, workerMetrics(0, 0)]]);
    assert.strictEqual(valueOf(answersTo(a)[3]!, 'handshakes_total'), 7, 'a second exit of the same worker adds nothing');
  });

  QUnit.test('a worker whose channel is closed is not waited for', (assert) => {
    const [a, gone] = [peer(1), peer(2, false)];
    hub.add(a);
    hub.add(gone);
    scrape(a, 1, [[a, workerMetrics(3, 1)]]);
    assert.deepEqual(summary(answersTo(a)[0]!), { scrape: 1, workers: 2, reporting: 1, handshakes: 3, connections: 1 });
  });

  QUnit.test('close() answers every open scrape with what it has', (assert) => {
    const [a, b] = [peer(1), peer(2)];
    hub.add(a);
    hub.add(b);
    scrape(a, 1, [[a, workerMetrics(3, 1)]]);
    hub.close();
    assert.deepEqual(summary(answersTo(a)[0]!), { scrape: 1, workers: 2, reporting: 1, handshakes: 3, connections: 1 });
    clock.tick(DEADLINE_MS);
    assert.strictEqual(answersTo(a).length, 1, 'and not again at the deadline');
  });
});
