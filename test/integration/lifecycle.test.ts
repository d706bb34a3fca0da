import { createServer, type Server } from 'node:net';
import QUnit from 'qunit';
import { SocketClient, SocketServer, silentLogger, type Connection, type SocketError } from '../../src/index.js';
import { transportKeysInUse } from '../../src/crypto/transport-keys.js';
import { clientOptionsFor, fixtureHandlers, resetAll, startExtraClient, startServer, TEST_KEY } from '../helpers/start-server.js';
import { nextEvent, within } from '../helpers/wait-for.js';

/** A TCP listener that holds a loopback port so that a SocketServer cannot take it. */
async function occupyPort(): Promise<{ blocker: Server; port: number }> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return { blocker, port: (blocker.address() as { port: number }).port };
}

const closeBlocker = (blocker: Server): Promise<void> => new Promise((resolve) => blocker.close(() => resolve()));

for (const encryption of [false, true]) {
  QUnit.module(`integration: lifecycle (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(resetAll);

    QUnit.test('a client init() retry loop succeeds once the server is up', async (assert) => {
      const { blocker, port } = await occupyPort();
      await closeBlocker(blocker);
      const client = new SocketClient({ address: `ws://127.0.0.1:${port}`, handlerDir: fixtureHandlers('valid'), authKey: TEST_KEY, encryption, logger: silentLogger });
      const first = (await client.init().catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(first.code, 'CONNECT_FAILED');
      assert.strictEqual(client.state, 'new', 'a failed init() leaves the client ready to try again');
      assert.strictEqual(new SocketClient(), client, 'the singleton is still the one to retry with');
      await startServer({ encryption, port });
      const codes: string[] = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await client.init();
          break;
        } catch (error) {
          codes.push((error as SocketError).code);
        }
      }
      assert.deepEqual(codes, [], 'the first retry after the server is up succeeds');
      assert.strictEqual(client.state, 'ready');
      assert.strictEqual(await client.request('echo', 'up'), 'up');
    });

    QUnit.test('a server init() that failed LISTEN_FAILED (port in use) can be retried', async (assert) => {
      const { blocker, port } = await occupyPort();
      const server = new SocketServer({ port, host: '127.0.0.1', handlerDir: fixtureHandlers('valid'), authKey: TEST_KEY, encryption, logger: silentLogger });
      const error = (await server.init().catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'LISTEN_FAILED');
      await closeBlocker(blocker);
      await server.init();
      assert.strictEqual(server.port, port);
      const client = new SocketClient(clientOptionsFor(server));
      await client.init();
      assert.strictEqual(await client.request('echo', 'listening'), 'listening');
    });

    for (const [code, why] of [[1000, 'a kick'], [4001, 'auth revoked']] as const) {
      QUnit.test(`a deliberate server close (${code}, ${why}) does not reconnect; the client reports it and may init() again`, async (assert) => {
        const server = await startServer({ encryption });
        const client = new SocketClient(clientOptionsFor(server, { reconnectBaseDelay: 10, reconnectMaxDelay: 20 }));
        await client.init();
        const reconnecting: number[] = [];
        client.events.on('reconnecting', (attempt) => reconnecting.push(attempt));
        let stateAtDisconnect = '';
        client.onDisconnect = () => (stateAtDisconnect = client.state);
        const disconnected = nextEvent<[number, string]>(client.events, 'disconnect');
        const [connection] = server.clientMap.values() as Iterable<Connection>;
        connection!.close(code, 'bye');
        const [closeCode, reason] = await disconnected;
        assert.deepEqual([closeCode, reason], [code, 'bye']);
        assert.strictEqual(stateAtDisconnect, 'closed', 'onDisconnect already sees the client closed');
        assert.deepEqual(reconnecting, [], 'no reconnect was scheduled');
        assert.strictEqual(((await client.request('echo', 1).catch((e: unknown) => e)) as SocketError).code, 'NOT_CONNECTED');
        await client.init();
        assert.strictEqual(await client.request('echo', 'again'), 'again', 'init() connects again after such a close');
      });
    }

    QUnit.test('transport keys are released when connections end, on both sides, whoever closes', async (assert) => {
      const before = transportKeysInUse();
      const server = await startServer({ encryption });
      const clients = await Promise.all([0, 1, 2].map(() => startExtraClient(server)));
      assert.strictEqual(transportKeysInUse() - before, encryption ? 12 : 0, 'two keys per side per encrypted connection');
      const first = [...server.clientMap.values()][0]!;
      first.close();
      await clients[1]!.close();
      await resetAll();
      assert.strictEqual(transportKeysInUse(), before, 'none left after the server kicked one, a client left, and shutdown closed the rest');
    });

    QUnit.test('a server shutdown (1001) still reconnects', async (assert) => {
      const server = await startServer({ encryption });
      const client = new SocketClient(clientOptionsFor(server, { reconnectBaseDelay: 10, reconnectMaxDelay: 20 }));
      await client.init();
      const reconnecting = nextEvent(client.events, 'reconnecting');
      const port = server.port;
      await server.reset();
      await within(reconnecting, 5000, 'a reconnect attempt');
      assert.strictEqual(client.state, 'reconnecting');
      const reconnected = nextEvent(client.events, 'reconnected');
      await startServer({ encryption, port });
      await reconnected;
      assert.strictEqual(await client.request('echo', 'back'), 'back');
    });
  });
}

QUnit.module('integration: constructor options are checked', (hooks) => {
  hooks.afterEach(resetAll);

  QUnit.test('an unknown option key is CONFIG_INVALID naming it and the closest key, in both constructors', (assert) => {
    for (const make of [() => new SocketServer({ prot: 1, logger: silentLogger } as never), () => new SocketClient({ adress: 'ws://x', logger: silentLogger } as never)]) {
      let error: SocketError | undefined;
      try {
        make();
      } catch (caught) {
        error = caught as SocketError;
      }
      assert.strictEqual(error?.code, 'CONFIG_INVALID');
      assert.true(/unknown option "(prot|adress)" \(did you mean "(port|address)"\?\)/.test(error?.message ?? ''), error?.message);
    }
    assert.strictEqual(SocketServer.instance, undefined, 'no half-made singleton is left behind');
    assert.strictEqual(SocketClient.instance, undefined);
  });

  QUnit.test('non-setting constructor keys (logger, singleton, loadHandlers) are accepted', (assert) => {
    const client = new SocketClient({ logger: silentLogger, singleton: false, loadHandlers: false, port: 1234 });
    assert.strictEqual(client.config.port, 1234);
  });

  QUnit.test('a second new with other options throws; with none or the same it returns the singleton', (assert) => {
    const options = { port: 1234, logger: silentLogger, authData: { user: 'a' } };
    const client = new SocketClient(options);
    assert.strictEqual(new SocketClient(), client);
    assert.strictEqual(new SocketClient({ ...options, authData: { user: 'a' } }), client, 'equal options, new objects');
    let error: SocketError | undefined;
    try {
      new SocketClient({ ...options, port: 4321 });
    } catch (caught) {
      error = caught as SocketError;
    }
    assert.strictEqual(error?.code, 'CONFIG_INVALID');
    assert.true(error?.message.includes('differing: port'), error?.message);
    const server = new SocketServer({ port: 0, logger: silentLogger });
    assert.strictEqual(new SocketServer(), server);
    assert.throws(() => new SocketServer({ port: 5, logger: silentLogger }), (e: unknown) => (e as SocketError).code === 'CONFIG_INVALID');
  });
});
