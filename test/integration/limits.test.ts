import QUnit from 'qunit';
import { WebSocket } from 'ws';
import { SocketClient, type Connection, type SocketError } from '../../src/index.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { clientOptionsFor, resetAll, startClient, startExtraClient, startServer } from '../helpers/start-server.js';
import { nextEvent, within } from '../helpers/wait-for.js';

for (const encryption of [false, true]) {
  QUnit.module(`integration: limits (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(resetAll);

    QUnit.test('a frame over maxPayload closes the connection with 1009 and reason PAYLOAD_TOO_LARGE, logged without payload; others keep working', async (assert) => {
      const { logger, entries } = captureLogger();
      const server = await startServer({ encryption, maxPayload: 4096, logger });
      const bystander = await startClient(server);
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      const disconnected = nextEvent<[Connection, number, string]>(server.events, 'disconnect');
      peer.send({ request: 'echo', id: 2, data: 'x'.repeat(8192) });
      assert.deepEqual(await within(peer.closed, 5000, 'close'), { code: 1009, reason: 'PAYLOAD_TOO_LARGE' });
      assert.deepEqual((await disconnected).slice(1), [1009, 'PAYLOAD_TOO_LARGE']);
      const logged = entries.filter((entry) => entry.fields?.code === 'PAYLOAD_TOO_LARGE');
      assert.deepEqual(logged.map((entry) => [entry.level, entry.fields?.closeCode]), [['warn', 1009]]);
      assert.false(JSON.stringify(entries).includes('xxxxxxxx'), 'no payload in the logs');
      assert.strictEqual(await bystander.request('echo', 'ok'), 'ok');
    });

    QUnit.test('the client refuses to send over maxPayload and stays connected', async (assert) => {
      const server = await startServer({ encryption, maxPayload: 4096 });
      const client = await startClient(server, { maxPayload: 4096 });
      const error = (await client.request('echo', 'x'.repeat(8192)).catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'PAYLOAD_TOO_LARGE');
      assert.strictEqual(await client.request('echo', 'small'), 'small');
    });

    QUnit.test('a response over maxPayload is answered PAYLOAD_TOO_LARGE instead of being sent', async (assert) => {
      const server = await startServer({ encryption, maxPayload: 4096 });
      const client = await startClient(server);
      const error = (await client.request('grow', { bytes: 8192 }).catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'PAYLOAD_TOO_LARGE');
      assert.strictEqual(await client.request('echo', 'small'), 'small');
    });

    QUnit.test('connections beyond maxConnections are refused at the upgrade with HTTP 503', async (assert) => {
      const server = await startServer({ encryption, maxConnections: 2 });
      await startClient(server);
      await RawPeer.connect(server);
      const refused = new WebSocket(`ws://127.0.0.1:${server.port}`);
      const [error503] = await nextEvent<[Error]>(refused, 'error');
      assert.true(error503.message.includes('503'), error503.message);
      const error = (await new SocketClient(clientOptionsFor(server, { singleton: false })).init().catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'CONNECT_FAILED');
    });

    QUnit.test('with default settings, a client awaiting 3,000 requests back to back is never disconnected', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      const disconnects: number[] = [];
      client.events.on('disconnect', (code) => disconnects.push(code));
      let answered = 0;
      for (let i = 0; i < 3000; i++) if ((await client.request('echo', i)) === i) answered += 1;
      assert.strictEqual(answered, 3000);
      assert.deepEqual(disconnects, []);
      assert.true(client.ready);
    });

    QUnit.test('over rateLimit a flooding connection is slowed to its rate, not closed; others are served meanwhile', async (assert) => {
      const rate = 200;
      const burst = 10;
      const flood = 400;
      const server = await startServer({ encryption, rateLimit: rate, rateBurst: burst });
      const bystander = await startExtraClient(server);
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      let pauses = 0;
      server.events.on('throttled', () => (pauses += 1));
      // Big messages, so one TCP read holds few of them: what was read before a pause is
      // handled (in debt), and the bound below allows for one read's worth.
      const data = 'm'.repeat(2000);
      const started = performance.now();
      for (let id = 2; id < flood + 2; id++) peer.send({ request: 'echo', id, data });
      const bystanderAnswer = await bystander.request('echo', 'meanwhile');
      const bystanderDone = performance.now();
      await within(peer.next((envelope) => envelope.id === flood + 1, 10_000), 10_000, 'the last flood answer');
      const elapsed = performance.now() - started;
      const perRead = Math.ceil(65_536 / data.length);
      const fastest = ((flood - burst - perRead) / rate) * 1000;
      assert.strictEqual(bystanderAnswer, 'meanwhile');
      assert.true(bystanderDone - started < elapsed, 'the bystander was answered while the flood was still being paced');
      assert.true(elapsed >= fastest, `${flood} messages took ${Math.round(elapsed)} ms; at ${rate}/s no less than ${Math.round(fastest)} ms`);
      assert.true(pauses >= 1, `${pauses} pauses reported on the throttled event`);
      assert.true(peer.socket.readyState === WebSocket.OPEN, 'the flooder was never closed');
      assert.strictEqual(peer.received.filter((envelope) => envelope.error !== undefined).length, 0, 'no message refused');
    });

    QUnit.test('calls over the in-flight cap are answered TOO_MANY_REQUESTS and the rest complete', async (assert) => {
      const server = await startServer({ encryption, maxInFlight: 2 });
      const client = await startClient(server);
      const results = await Promise.allSettled([1, 2, 3, 4].map(() => client.request('slow', { ms: 100 })));
      const codes = results.map((result) => (result.status === 'fulfilled' ? 'ok' : (result.reason as SocketError).code));
      assert.deepEqual(codes, ['ok', 'ok', 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
      assert.deepEqual(await client.request('slow', { ms: 1 }), { slept: 1 }, 'capacity is back once calls finish');
    });

    QUnit.test('a peer that does not read is closed with 4008 instead of growing server memory', async (assert) => {
      const server = await startServer({ encryption, maxPayload: 16_384, sendBufferLimit: 65_536 });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      const [connection] = server.clientMap.values() as Iterable<Connection>;
      const disconnected = nextEvent<[Connection, number, string]>(server.events, 'disconnect');
      // Stop reading: the kernel buffers fill, then ws queues in user space.
      (peer.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const chunk = 'z'.repeat(16_000);
      let sent = 0;
      while (connection!.send('news', chunk) && sent < 20_000) sent++;
      const [, code, reason] = await within(disconnected, 5000, 'the slow reader to be dropped');
      assert.strictEqual(code, 4008);
      assert.strictEqual(reason, 'SEND_BUFFER_FULL');
      assert.true(sent < 20_000, `dropped after ${sent} sends, not after the loop bound`);
    });
  });
}
