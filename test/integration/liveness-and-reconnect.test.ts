import QUnit from 'qunit';
import { SocketClient, SocketServer, type Connection, type SocketError } from '../../src/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { clientOptionsFor, resetAll, startServer } from '../helpers/start-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { nextEvent, within } from '../helpers/wait-for.js';

let proxy: TcpProxy | undefined;

/** A client that reaches `server` through the proxy, with fast heartbeats and reconnects. */
async function clientThroughProxy(server: SocketServer, options: ConstructorParameters<typeof SocketClient>[0] = {}): Promise<SocketClient> {
  proxy = await TcpProxy.start(server.port);
  const client = new SocketClient(
    clientOptionsFor(server, {
      address: `ws://127.0.0.1:${proxy.port}`,
      heartBeatInterval: server.config.heartBeatInterval,
      reconnectBaseDelay: 20,
      reconnectMaxDelay: 100,
      ...options,
    }),
  );
  await client.init();
  return client;
}

for (const encryption of [false, true]) {
  QUnit.module(`integration: liveness and reconnect (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(async () => {
      await resetAll();
      await proxy?.close();
      proxy = undefined;
    });

    QUnit.test('the server drops an authenticated peer that goes silent', async (assert) => {
      const server = await startServer({ encryption, heartBeatInterval: 60 });
      const peer = await RawPeer.connect(server);
      // Before the auth frame, the last one the peer sends: the server counts silence from
      // when that frame arrived, so this is a lower bound on its clock on a slow machine too.
      const started = Date.now();
      await peer.auth(server);
      const [connection] = await nextEvent<[Connection, number, string]>(server.events, 'disconnect', 2000);
      assert.true(Date.now() - started >= 60 * 2.5 - 20, 'not before 2.5 intervals of silence');
      assert.strictEqual(server.clientMap.size, 0);
      assert.false(connection.authenticated && server.clientMap.has(connection.id));
    });

    QUnit.test('the server keeps a peer that heartbeats', async (assert) => {
      const server = await startServer({ encryption, heartBeatInterval: 40 });
      const client = new SocketClient(clientOptionsFor(server, { heartBeatInterval: 40 }));
      await client.init();
      let disconnects = 0;
      server.onClientDisconnect = () => disconnects++;
      // Ten intervals (four times the drop limit) with no traffic but the heartbeat. Waiting
      // out a span is the point here: the claim is that nothing happens during it.
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.strictEqual(disconnects, 0);
      assert.strictEqual(await client.request('echo', 1), 1);
      assert.strictEqual(server.clientMap.size, 1);
    });

    QUnit.test('a client whose heartbeat goes unanswered (half-open link) drops and reconnects', async (assert) => {
      const server = await startServer({ encryption, heartBeatInterval: 50 });
      const client = await clientThroughProxy(server);
      const disconnected = nextEvent<[number, string]>(client.events, 'disconnect', 3000);
      const reconnected = nextEvent(client.events, 'reconnected', 3000);
      proxy!.freeze();
      const [code] = await disconnected;
      assert.strictEqual(code, 1006, 'dropped without a close handshake');
      await reconnected;
      assert.true(client.ready);
      assert.strictEqual(await client.request('echo', 'back'), 'back');
    });

    QUnit.test('a drop rejects every pending request with DISCONNECTED at once', async (assert) => {
      const server = await startServer({ encryption, heartBeatInterval: 1000 });
      const client = await clientThroughProxy(server);
      const pending = [client.request('never', null, { timeout: 10_000 }), client.request('never', null, { timeout: 10_000 })];
      const outcomes = Promise.allSettled(pending);
      const dropped = nextEvent(client.events, 'disconnect');
      proxy!.drop();
      await dropped;
      const settled = await within(outcomes, 500, 'rejection at the drop, long before the 10 s deadline');
      assert.deepEqual(settled.map((s) => s.status === 'rejected' && (s.reason as SocketError).code), ['DISCONNECTED', 'DISCONNECTED']);
    });

    QUnit.test('after a server restart the client reconnects, re-handshakes and re-authenticates', async (assert) => {
      const first = await startServer({ encryption });
      const port = first.port;
      const client = new SocketClient(clientOptionsFor(first, { reconnectBaseDelay: 20, reconnectMaxDelay: 80, authData: { user: 'ada' } }));
      await client.init();
      const attempts: number[] = [];
      client.onReconnecting = (attempt, delay) => {
        attempts.push(attempt);
        assert.true(delay >= 0 && delay <= 80, `delay ${delay} within bounds`);
      };
      const reconnected = nextEvent(client.events, 'reconnected');
      await first.reset();
      assert.false(client.ready);
      assert.strictEqual(((await client.request('echo', 1).catch((e: unknown) => e)) as SocketError).code, 'NOT_CONNECTED');
      const second = await startServer({ encryption, port });
      await reconnected;
      assert.true(attempts.length >= 1);
      assert.deepEqual(attempts, attempts.map((_, index) => index + 1), 'attempts count up from 1');
      assert.deepEqual(client.authResponse, { welcome: 'ada' });
      assert.strictEqual(second.clientMap.size, 1);
      assert.strictEqual(await client.request('echo', 'again'), 'again');
    });

    QUnit.test('reconnect gives up after maxReconnectAttempts', async (assert) => {
      const server = await startServer({ encryption });
      const client = new SocketClient(clientOptionsFor(server, { reconnectBaseDelay: 10, reconnectMaxDelay: 20, maxReconnectAttempts: 3 }));
      await client.init();
      const attempts: number[] = [];
      client.onReconnecting = (attempt) => attempts.push(attempt);
      const failed = nextEvent(client.events, 'reconnectFailed');
      await server.reset();
      await failed;
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.false(client.ready);
    });

    QUnit.test('close() is intentional: no reconnect', async (assert) => {
      const server = await startServer({ encryption });
      const client = new SocketClient(clientOptionsFor(server, { reconnectBaseDelay: 10 }));
      await client.init();
      let reconnecting = 0;
      client.onReconnecting = () => reconnecting++;
      await client.close();
      // A reconnect would have been scheduled synchronously on the disconnect close() awaited.
      assert.strictEqual(reconnecting, 0);
      assert.strictEqual(((await client.request('echo').catch((e: unknown) => e)) as SocketError).code, 'NOT_CONNECTED');
    });

    QUnit.test('init rejects with CONNECT_FAILED when nothing listens', async (assert) => {
      const server = await startServer({ encryption });
      const options = clientOptionsFor(server);
      await server.reset();
      const error = (await new SocketClient(options).init().catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'CONNECT_FAILED');
    });
  });
}
