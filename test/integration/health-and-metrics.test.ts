/** GET /healthz and GET /metrics on the server's port, against a real server on 127.0.0.1. */
import QUnit from 'qunit';
import { SocketError, SocketServer, silentLogger } from '../../src/index.js';
import { MemoryHub } from '../../src/scale/memory-broker.js';
import { TEST_KEY, fixtureHandlers, resetAll, startClient, startExtraClient, startServer } from '../helpers/start-server.js';
import { httpGet, sample } from '../helpers/http-scrape.js';
import { waitUntil } from '../helpers/wait-for.js';

QUnit.module('integration/health-and-metrics', (hooks) => {
  hooks.afterEach(resetAll);

  QUnit.test('/healthz answers 200 while serving and 503 while draining; other paths stay 426', async (assert) => {
    const server = await startServer({ shutdownTimeout: 2000 });
    const client = await startClient(server, { reconnectBaseDelay: 60_000 });
    assert.deepEqual(await httpGet(server.port, '/healthz'), { status: 200, type: 'text/plain', body: 'ok\n' });
    assert.strictEqual((await httpGet(server.port, '/healthz?probe=lb')).status, 200, 'a query string is ignored');
    assert.strictEqual((await httpGet(server.port, '/')).status, 426);
    assert.strictEqual((await httpGet(server.port, '/metrics')).status, 426, 'no /metrics with metrics off');

    const running = client.request('slow', { ms: 300 });
    await client.request('echo', 0); // the slow call is running once this answers
    const closing = server.close();
    assert.deepEqual(await httpGet(server.port, '/healthz'), { status: 503, type: 'text/plain', body: 'draining\n' });
    assert.deepEqual(await running, { slept: 300 }, 'the running call still finished');
    await closing;
    await assert.rejects(httpGet(server.port, '/healthz'), /ECONNREFUSED/, 'closed once drained');
  });

  QUnit.test('with metrics on, /metrics serves Prometheus text of connections, handshakes, messages, latency, errors and closes', async (assert) => {
    const server = await startServer({ metrics: true });
    const client = await startClient(server, { reconnectBaseDelay: 60_000 });
    assert.strictEqual(await client.request('add', { a: 1, b: 2 }), 3);
    await assert.rejects(client.request('add', { a: 1 }), (error: SocketError) => error.code === 'VALIDATION_ERROR');
    await assert.rejects(client.request('failWithCode'), (error: SocketError) => error.code === 'ROOM_FULL');
    await assert.rejects(startExtraClient(server, { authData: { ban: true }, maxReconnectAttempts: 0 }), (error: SocketError) => error.code === 'BANNED');
    await assert.rejects(startExtraClient(server, { authKey: 'b3RoZXIta2V5LWZvci1kcm9wc29ja2V0LXRlc3RzLTAx', maxReconnectAttempts: 0 }));
    const leaving = await startExtraClient(server);
    await leaving.close();
    await client.request('echo', 'settle'); // the server has seen the close by now

    const scrape = await httpGet(server.port, '/metrics');
    assert.strictEqual(scrape.status, 200);
    assert.true(scrape.type.startsWith('text/plain; version=0.0.4'), scrape.type);
    const text = scrape.body;
    assert.strictEqual(sample(text, 'dropsocket_connections{encryption="on",authenticated="true"}'), 1, 'the one client left');
    assert.strictEqual(sample(text, 'dropsocket_handshakes_total{result="ok"}'), 3, 'client, banned one, leaving one');
    assert.strictEqual(sample(text, 'dropsocket_handshakes_total{result="failed"}'), 1, 'the wrong key');
    assert.strictEqual(sample(text, 'dropsocket_auth_failures_total'), 1);
    assert.strictEqual(sample(text, 'dropsocket_handler_duration_seconds_count{request="add"}'), 2);
    assert.strictEqual(sample(text, 'dropsocket_handler_duration_seconds_bucket{request="add",le="+Inf"}'), 2);
    assert.true(text.includes('# TYPE dropsocket_handler_duration_seconds histogram'), 'typed as a histogram');
    assert.strictEqual(sample(text, 'dropsocket_errors_total{code="VALIDATION_ERROR"}'), 1);
    assert.strictEqual(sample(text, 'dropsocket_errors_total{code="ROOM_FULL"}'), 1);
    assert.strictEqual(sample(text, 'dropsocket_closes_total{code="1000"}'), 1, 'the client that left');
    assert.true((sample(text, 'dropsocket_messages_received_total') ?? 0) >= 7, 'auth requests and calls');
    assert.true((sample(text, 'dropsocket_sent_bytes_total') ?? 0) > 0);
    assert.true((sample(text, 'dropsocket_received_bytes_total') ?? 0) > 0);
    assert.strictEqual(sample(text, 'dropsocket_rate_limit_pauses_total'), 0);
    assert.true(text.includes('process_cpu_seconds_total'), 'process metrics too');
    assert.strictEqual(sample(text, 'dropsocket_adapter_relays_total{direction="out"}'), 0, 'one process: nothing relayed');
    assert.strictEqual(sample(text, 'dropsocket_adapter_connected{adapter="local"}'), 1);
  });

  QUnit.test('adapter relays between two nodes are counted on both', async (assert) => {
    const hub = new MemoryHub();
    const options = { handlerDir: fixtureHandlers('valid'), authKey: TEST_KEY, port: 0, host: '127.0.0.1', metrics: true, singleton: false, logger: silentLogger, shutdownTimeout: 1000 } as const;
    const [a, b] = [new SocketServer({ ...options, broker: hub.broker() }), new SocketServer({ ...options, broker: hub.broker() })];
    try {
      await a.init();
      await b.init();
      a.broadcast('news', 'to every node');
      await waitUntil(() => b.adapterStats.relaysReceived === 1, undefined, 'the relay to reach node b');
      assert.strictEqual(sample((await httpGet(a.port, '/metrics')).body, 'dropsocket_adapter_relays_total{direction="out"}'), 1);
      assert.strictEqual(sample((await httpGet(b.port, '/metrics')).body, 'dropsocket_adapter_relays_total{direction="in"}'), 1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  QUnit.test('rate-limit pauses are counted', async (assert) => {
    const server = await startServer({ metrics: true, rateLimit: 20, rateBurst: 5 });
    const client = await startClient(server);
    await Promise.all(Array.from({ length: 15 }, (_, index) => client.request('echo', index)));
    assert.true((sample((await httpGet(server.port, '/metrics')).body, 'dropsocket_rate_limit_pauses_total') ?? 0) >= 1);
  });

  QUnit.test('two servers in one process keep their own metrics', async (assert) => {
    const server = await startServer({ metrics: true });
    await startClient(server);
    const other = new SocketServer({ handlerDir: server.config.handlerDir, authKey: server.config.authKey, port: 0, metrics: true, singleton: false, logLevel: 'silent' });
    await other.init();
    try {
      const text = (await httpGet(other.port, '/metrics')).body;
      assert.strictEqual(sample(text, 'dropsocket_connections{encryption="on",authenticated="true"}'), 0);
    } finally {
      await other.close();
    }
  });

  QUnit.test('/metrics may be answered by another endpoint (a cluster worker\'s); one that fails answers 503, never a partial text', async (assert) => {
    let fail = false;
    const server = new SocketServer({
      handlerDir: fixtureHandlers('valid'), authKey: TEST_KEY, port: 0, host: '127.0.0.1', metrics: true, singleton: false, logger: silentLogger,
      serveMetrics: (own) => ({ contentType: own.contentType, render: async () => (fail ? Promise.reject(new SocketError('TIMEOUT')) : `# the node's\n${await own.render()}`) }),
    });
    await server.init();
    try {
      const served = await httpGet(server.port, '/metrics');
      assert.strictEqual(served.status, 200);
      assert.true(served.body.startsWith('# the node\'s\n') && served.body.includes('dropsocket_connections'), 'the endpoint, given the server\'s own metrics');
      fail = true;
      assert.deepEqual(await httpGet(server.port, '/metrics'), { status: 503, type: 'text/plain', body: 'metrics unavailable\n' });
    } finally {
      await server.close();
    }
  });
});
