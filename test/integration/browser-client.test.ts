import QUnit from 'qunit';
import { WebSocket } from 'ws';
import { SocketClient, type SocketError, type WebSocketConstructor } from '../../src/browser/index.js';
import { silentLogger } from '../../src/index.js';
import { browserClientFor, nextClientEvent, resetBrowserClients } from '../helpers/browser-client.js';
import { resetAll, startServer } from '../helpers/start-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { RawServer } from '../helpers/raw-server.js';
import { within } from '../helpers/wait-for.js';

const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (error: unknown) => (error as SocketError).code);
let proxy: TcpProxy | undefined;

for (const encryption of [false, true]) {
  QUnit.module(`integration: browser client on Node's WebCrypto (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(async () => {
      await resetBrowserClients();
      await resetAll();
      await proxy?.close();
      proxy = undefined;
    });

    QUnit.test('authenticates, calls handlers, and gets handler errors by code', async (assert) => {
      const server = await startServer({ encryption });
      const client = browserClientFor(server, { authData: { user: 'page' } });
      await client.init();
      assert.true(client.ready);
      assert.deepEqual(client.authResponse, { welcome: 'page' });
      assert.strictEqual(await client.request('add', { a: 2, b: 3 }), 5);
      assert.strictEqual(await codeOf(client.request('add', { a: 'x' })), 'VALIDATION_ERROR');
      assert.strictEqual(await codeOf(client.request('fail-with-code')), 'UNKNOWN_REQUEST');
      assert.strictEqual(await codeOf(client.request('failWithCode')), 'ROOM_FULL');
      assert.strictEqual(await codeOf(client.request('never', null, { timeout: 30 })), 'TIMEOUT');
    });

    QUnit.test('200 concurrent calls all come back, each with its own answer (frames stay in order)', async (assert) => {
      const server = await startServer({ encryption });
      const client = browserClientFor(server);
      await client.init();
      const values = Array.from({ length: 200 }, (_, i) => ({ i, text: `ü${'x'.repeat(i)}` }));
      assert.deepEqual(await Promise.all(values.map((value) => client.request('echo', value))), values);
    });

    QUnit.test('pushes reach handlers registered in code; server calls are answered by them', async (assert) => {
      const server = await startServer({ encryption });
      const received: unknown[] = [];
      const client = browserClientFor(server, { handlers: { question: (payload) => ({ echoed: payload }) } });
      client.handle('news', (payload) => received.push(payload));
      await client.init();
      const pushed = new Promise<void>((resolve) => client.handle('news', (payload) => {
        received.push(payload);
        resolve();
      }));
      assert.strictEqual(server.broadcast('news', { n: 1 }), 1);
      await within(pushed, 3000, 'push');
      assert.deepEqual(received, [{ n: 1 }]);
      assert.deepEqual(await client.request('askClient', { q: 1 }), { answer: { echoed: { q: 1 } } });
    });

    QUnit.test('a drop rejects every pending request at once; the client reconnects and is served', async (assert) => {
      const server = await startServer({ encryption });
      proxy = await TcpProxy.start(server.port);
      const client = browserClientFor(server, { address: `ws://127.0.0.1:${proxy.port}`, reconnectBaseDelay: 20, reconnectMaxDelay: 80 });
      await client.init();
      const pending = Promise.allSettled([client.request('never', null, { timeout: 10_000 }), client.request('never', null, { timeout: 10_000 })]);
      const reconnected = nextClientEvent(client, 'reconnected');
      const attempts: number[] = [];
      client.onReconnecting = (attempt) => attempts.push(attempt);
      proxy.drop();
      const settled = await within(pending, 1000, 'rejection at the drop');
      assert.deepEqual(settled.map((s) => s.status === 'rejected' && (s.reason as SocketError).code), ['DISCONNECTED', 'DISCONNECTED']);
      await reconnected;
      assert.true(attempts.length >= 1);
      assert.strictEqual(await client.request('echo', 'again'), 'again');
    });

    QUnit.test('an unanswered heartbeat (half-open link) drops the socket and reconnects', async (assert) => {
      const server = await startServer({ encryption, heartBeatInterval: 50 });
      proxy = await TcpProxy.start(server.port);
      const client = browserClientFor(server, { address: `ws://127.0.0.1:${proxy.port}`, heartBeatInterval: 50, reconnectBaseDelay: 20, reconnectMaxDelay: 80 });
      await client.init();
      const disconnected = nextClientEvent(client, 'disconnect', 3000);
      const reconnected = nextClientEvent(client, 'reconnected', 3000);
      proxy.freeze();
      const [code, reason] = await disconnected;
      assert.strictEqual(code, 1006, 'dropped without waiting for a close handshake');
      assert.strictEqual(reason, 'TIMEOUT');
      await reconnected;
      assert.strictEqual(await client.request('echo', 1), 1);
    });

    QUnit.test('close() is intentional: no reconnect, later calls fail NOT_CONNECTED', async (assert) => {
      const server = await startServer({ encryption });
      const client = browserClientFor(server, { reconnectBaseDelay: 10 });
      await client.init();
      let reconnecting = 0;
      client.onReconnecting = () => reconnecting++;
      await client.close();
      assert.strictEqual(reconnecting, 0);
      assert.strictEqual(await codeOf(client.request('echo')), 'NOT_CONNECTED');
      assert.false(client.send('echo', 1));
    });

    QUnit.test('a wrong key is refused: HANDSHAKE_FAILED (4002) encrypted, AUTH_FAILED (4001) in plaintext', async (assert) => {
      const server = await startServer({ encryption });
      const client = browserClientFor(server, { authKey: 'd3JvbmctcGFnZS1rZXktZm9yLWRyb3Bzb2NrZXQtMDE' });
      assert.strictEqual(await codeOf(client.init()), encryption ? 'HANDSHAKE_FAILED' : 'AUTH_FAILED');
      assert.false(client.ready);
    });
  });
}

QUnit.module('integration: browser client options', (hooks) => {
  hooks.afterEach(async () => {
    await resetBrowserClients();
    await resetAll();
  });

  QUnit.test('refuses a key that keygen did not make (no scrypt in WebCrypto), and bad settings', async (assert) => {
    const server = await startServer();
    for (const options of [{ authKey: 'correct horse battery staple' }, { heartBeatInterval: -1 }, { address: 'http://example.com' }]) {
      try {
        browserClientFor(server, options);
        assert.true(false, `${JSON.stringify(options)} accepted`);
      } catch (error) {
        assert.strictEqual((error as SocketError).code, 'CONFIG_INVALID', JSON.stringify(options));
      }
    }
  });

  QUnit.test('the singleton: the same options or none return it; other options throw naming the keys', async (assert) => {
    const server = await startServer();
    const options = { address: `ws://127.0.0.1:${server.port}`, authKey: server.config.authKey, logger: silentLogger, WebSocket: WebSocket as unknown as WebSocketConstructor };
    const first = new SocketClient(options);
    try {
      assert.strictEqual(new SocketClient(), first);
      assert.strictEqual(new SocketClient({ ...options }), first);
      let error: SocketError | undefined;
      try {
        new SocketClient({ ...options, authKey: 'x'.repeat(43), requestTimeout: 5 });
      } catch (caught) {
        error = caught as SocketError;
      }
      assert.strictEqual(error?.code, 'CONFIG_INVALID');
      assert.true(error?.message.includes('differing: authKey, requestTimeout'), error?.message);
      assert.false(error?.message.includes(server.config.authKey), 'the key is never shown');
    } finally {
      await first.reset();
    }
    assert.strictEqual(SocketClient.instance, undefined, 'reset() clears the singleton');
  });

  QUnit.test('init rejects CONNECT_FAILED when nothing listens', async (assert) => {
    const server = await startServer();
    const client = browserClientFor(server, { address: 'ws://127.0.0.1:1' });
    assert.strictEqual(await codeOf(client.init()), 'CONNECT_FAILED');
  });
});

QUnit.module('integration: browser client against a hand-driven server', (hooks) => {
  let raw: RawServer | undefined;
  hooks.afterEach(async () => {
    await resetBrowserClients();
    await resetAll();
    await raw?.close();
    raw = undefined;
  });
  const KEY = 'dGVzdC1rZXktZm9yLWRyb3Bzb2NrZXQtdGVzdHMtMDE';

  async function connected(encryption: boolean, handlers: Record<string, (payload: unknown) => unknown> = {}) {
    raw = await RawServer.start(encryption ? KEY : null);
    const server = await startServer();
    const client = browserClientFor(server, { address: raw.url, authKey: KEY, encryption, handlers, maxReconnectAttempts: 0 });
    await client.init();
    return { client, connection: await raw.connection };
  }

  for (const encryption of [false, true]) {
    QUnit.test(`a record of several messages is handled in order (encryption ${encryption ? 'on' : 'off'})`, async (assert) => {
      const received: unknown[] = [];
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      const { connection } = await connected(encryption, { news: (payload) => received.push(payload) === 3 && done() });
      connection.socket.send(connection.link.sealText('{"request":"news","response":1}\n{"request":"news","response":2}\n{"request":"news","response":3}'));
      await within(all, 3000, 'three pushes');
      assert.deepEqual(received, [1, 2, 3]);
    });

    QUnit.test(`a record with an empty message closes 4004 (encryption ${encryption ? 'on' : 'off'})`, async (assert) => {
      const { client, connection } = await connected(encryption);
      const disconnected = nextClientEvent(client, 'disconnect');
      connection.socket.send(connection.link.sealText('{"request":"news","response":1}\n'));
      assert.strictEqual(await within(connection.closed, 3000, 'close'), 4004);
      assert.strictEqual((await disconnected)[0], 4004);
    });
  }

  QUnit.test('a tampered or replayed frame closes 4002 and nothing after it is handled', async (assert) => {
    const received: unknown[] = [];
    const { client, connection } = await connected(true, { news: (payload) => received.push(payload) });
    const frame = connection.link.sealText('{"request":"news","response":"first"}') as Buffer;
    connection.socket.send(frame);
    connection.socket.send(frame);
    connection.socket.send(connection.link.sealText('{"request":"news","response":"after"}'));
    const disconnected = nextClientEvent(client, 'disconnect');
    assert.strictEqual(await within(connection.closed, 3000, 'close'), 4002);
    assert.strictEqual((await disconnected)[0], 4002);
    assert.deepEqual(received, ['first']);
  });
});
