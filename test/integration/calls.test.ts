import QUnit from 'qunit';
import { SocketError, type Connection } from '../../src/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { resetAll, startClient, startServer } from '../helpers/start-server.js';

for (const encryption of [false, true]) {
  QUnit.module(`integration: calls (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(resetAll);

    QUnit.test('request resolves with the handler result and auth registers the connection', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server, { authData: { user: 'ada' } });
      assert.deepEqual(client.authResponse, { welcome: 'ada' });
      assert.deepEqual(await client.request('echo', { a: 1 }), { a: 1 });
      assert.strictEqual(server.clientMap.size, 1);
      const [connection] = server.clientMap.values();
      assert.strictEqual(connection?.meta.user, 'ada');
      assert.true(connection?.authenticated);
    });

    QUnit.test('concurrent requests are correlated by id', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      const results = await Promise.all([30, 1, 15].map((ms) => client.request('slow', { ms })));
      assert.deepEqual(results, [{ slept: 30 }, { slept: 1 }, { slept: 15 }]);
    });

    QUnit.test('a SocketError from a handler keeps its code and the connection stays open', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      const error = await client.request('failWithCode').catch((e: unknown) => e);
      assert.true(error instanceof SocketError);
      assert.strictEqual((error as SocketError).code, 'ROOM_FULL');
      assert.strictEqual((error as SocketError).message, 'The room is full');
      assert.deepEqual(await client.request('echo', 2), 2);
    });

    QUnit.test('a plain throw or rejection becomes HANDLER_ERROR without internal text', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      for (const data of [{}, { async: true }]) {
        const error = (await client.request('crash', data).catch((e: unknown) => e)) as SocketError;
        assert.strictEqual(error.code, 'HANDLER_ERROR');
        assert.false(error.message.includes('hunter2'), 'internal text does not leak');
      }
      assert.deepEqual(await client.request('echo', 'still open'), 'still open');
    });

    QUnit.test('unknown names, including prototype names, are answered UNKNOWN_REQUEST', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const error = (await client.request(name).catch((e: unknown) => e)) as SocketError;
        assert.strictEqual(error.code, 'UNKNOWN_REQUEST', name);
        assert.strictEqual(error.message, `No handler for request ${JSON.stringify(name)}`, 'the message names the request');
      }
    });

    QUnit.test('a server call to a client without that client() hook fails NO_CLIENT_HANDLER, naming the request', async (assert) => {
      const server = await startServer({ encryption });
      await startClient(server, { loadHandlers: false });
      const [connection] = server.clientMap.values() as Iterable<Connection>;
      const error = (await connection!.request('question', 1).catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'NO_CLIENT_HANDLER');
      assert.strictEqual(error.message, 'The client has no client() handler for "question"');
    });

    QUnit.test('nested handler files are reachable by dotted name', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      assert.strictEqual(await client.request('nested.deepFolder.doThing'), 'nested');
    });

    QUnit.test('a handler returning undefined still answers a call with null', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      assert.strictEqual(await client.request('silent'), null);
    });

    QUnit.test('schema-invalid data is answered VALIDATION_ERROR and never reaches the handler', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      const Add = (await import('../fixtures/handlers/valid/add.js')).default;
      const before = Add.calls;
      const error = (await client.request('add', { a: 1, b: 'x' }).catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'VALIDATION_ERROR');
      assert.strictEqual(Add.calls, before, 'handler not called');
      assert.strictEqual(await client.request('add', { a: 1, b: 2 }), 3);
    });

    QUnit.test('a result that cannot be serialised is answered HANDLER_ERROR', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      const error = (await client.request('unserialisable').catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'HANDLER_ERROR');
    });

    QUnit.test('a request that never settles times out with TIMEOUT and does not block others', async (assert) => {
      // The stuck call would otherwise hold the server's graceful close for its full deadline.
      const server = await startServer({ encryption, shutdownTimeout: 50 });
      const client = await startClient(server);
      const stuck = client.request('never', null, { timeout: 300 }).catch((e: unknown) => e);
      assert.deepEqual(await client.request('echo', 'free'), 'free', 'answered while the other call hangs');
      assert.strictEqual(((await stuck) as SocketError).code, 'TIMEOUT');
    });

    QUnit.test('a peer that reuses an id in flight gets one answer per call', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      peer.send({ request: 'slow', id: 5, data: { ms: 40 } });
      peer.send({ request: 'slow', id: 5, data: { ms: 10 } });
      const answers = [await peer.next((e) => e.id === 5), await peer.next((e) => e.id === 5)];
      assert.deepEqual(answers.map((answer) => answer.response), [{ slept: 10 }, { slept: 40 }]);
    });

    QUnit.test('the server calls the client hook and gets its answer', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      assert.deepEqual(await client.request('askClient', { q: 1 }), { answer: { echoed: { q: 1 }, ready: true } });
      assert.deepEqual(await client.request('askClient', { fail: true }), { failed: 'HANDLER_ERROR' });
    });
  });
}
