import { EventEmitter } from 'node:events';
import QUnit from 'qunit';
import sinon from 'sinon';
import { ClusterWorkerMetrics, PRIMARY_WAIT_MS } from '../../../src/metrics/cluster-worker-metrics.js';
import { mergeSnapshots } from '../../../src/metrics/merge-snapshots.js';
import type { ServedMetrics } from '../../../src/metrics/server-metrics.js';
import type { WorkerMessage } from '../../../src/scale/cluster-protocol.js';
import type { SocketError } from '../../../src/errors.js';
import { sample } from '../../helpers/http-scrape.js';
import { servedMetrics } from '../../helpers/served-metrics.js';
import { waitUntil } from '../../helpers/wait-for.js';

const AUTHENTICATED = 'dropsocket_connections{encryption="on",authenticated="true"}';

/** The IPC channel to a primary that the test plays. */
class FakePrimary extends EventEmitter {
  readonly sent: WorkerMessage[] = [];
  reachable = true;

  send(message: WorkerMessage, _handle?: undefined, _options?: undefined, callback?: (error: Error | null) => void): boolean {
    this.sent.push(message);
    callback?.(this.reachable ? null : new Error('channel closed'));
    return this.reachable;
  }

  /** The id of the last scrape the worker asked about. */
  lastScrape(): number {
    const asked = this.sent.filter((message) => message.ds === 'metrics-scrape');
    return asked.at(-1)!.scrape;
  }
}

/** A server's metrics with two authenticated connections and one `echo` call. */
function serverMetrics(): ServedMetrics {
  const metrics = servedMetrics(2);
  metrics.handlerFinished('echo', 0.002);
  return metrics;
}

QUnit.module('src/metrics/cluster-worker-metrics', (hooks) => {
  let primary: FakePrimary;
  let worker: ClusterWorkerMetrics;
  hooks.beforeEach(() => {
    primary = new FakePrimary();
    worker = new ClusterWorkerMetrics(primary);
  });
  hooks.afterEach(() => {
    worker.close();
    sinon.restore();
  });

  QUnit.test('a scrape asks the primary and serves the node\'s metrics it answers, histograms included', async (assert) => {
    const own = serverMetrics();
    const endpoint = worker.endpoint(own);
    assert.strictEqual(endpoint.contentType, own.contentType);
    const rendering = endpoint.render();
    const snapshot = await own.snapshot();
    primary.emit('message', { ds: 'metrics-node', scrape: primary.lastScrape(), metrics: mergeSnapshots([snapshot, snapshot]), workers: 2, reporting: 2 });
    const text = await rendering;
    assert.strictEqual(sample(text, AUTHENTICATED), 4, 'two workers with two connections each');
    assert.strictEqual(sample(text, 'dropsocket_handler_duration_seconds_count{request="echo"}'), 2);
    assert.strictEqual(sample(text, 'dropsocket_handler_duration_seconds_bucket{request="echo",le="0.0025"}'), 2);
    assert.true(text.includes('# TYPE dropsocket_handler_duration_seconds histogram'));
    assert.false(text.startsWith('# dropsocket:'), 'every worker reported: no remark');
  });

  QUnit.test('when fewer workers reported than were asked, the text begins with a comment that says so', async (assert) => {
    const own = serverMetrics();
    const rendering = worker.endpoint(own).render();
    primary.emit('message', { ds: 'metrics-node', scrape: primary.lastScrape(), metrics: await own.snapshot(), workers: 3, reporting: 2 });
    const text = await rendering;
    assert.true(text.startsWith('# dropsocket: 1 of 3 workers did not answer in time'), text.slice(0, 120));
    assert.strictEqual(sample(text, AUTHENTICATED), 2, 'and the numbers follow');
  });

  QUnit.test('the primary\'s questions are answered with this worker\'s metrics, by their id', async (assert) => {
    primary.emit('message', { ds: 'metrics-collect', collect: 8 });
    worker.endpoint(serverMetrics());
    primary.emit('message', { ds: 'metrics-collect', collect: 9 });
    await waitUntil(() => primary.sent.length > 0, undefined, 'the answer');
    const [answer] = primary.sent;
    assert.strictEqual(primary.sent.length, 1, 'nothing to answer with before the server has its metrics');
    assert.strictEqual(answer?.ds === 'metrics-snapshot' && answer.collect, 9);
    const connections = answer?.ds === 'metrics-snapshot' ? answer.metrics.find((metric) => metric.name === 'dropsocket_connections') : undefined;
    assert.deepEqual(connections?.values.map((value) => value.value), [2, 0]);
  });

  QUnit.test('a primary that does not answer fails the scrape with TIMEOUT; an answer to another scrape is not taken', async (assert) => {
    const clock = sinon.useFakeTimers();
    const own = serverMetrics();
    const rendering = worker.endpoint(own).render();
    primary.emit('message', { ds: 'metrics-node', scrape: primary.lastScrape() + 1, metrics: [], workers: 1, reporting: 1 });
    const failed = assert.rejects(rendering, (error: SocketError) => error.code === 'TIMEOUT');
    await clock.tickAsync(PRIMARY_WAIT_MS);
    await failed;
  });

  QUnit.test('an unreachable primary fails the scrape with NOT_CONNECTED at once', async (assert) => {
    primary.reachable = false;
    await assert.rejects(worker.endpoint(serverMetrics()).render(), (error: SocketError) => error.code === 'NOT_CONNECTED');
  });

  QUnit.test('close() stops listening and fails scrapes in flight with SHUTTING_DOWN', async (assert) => {
    const rendering = worker.endpoint(serverMetrics()).render();
    worker.close();
    assert.strictEqual(primary.listenerCount('message'), 0);
    await assert.rejects(rendering, (error: SocketError) => error.code === 'SHUTTING_DOWN');
  });
});
