import QUnit from 'qunit';
import { SocketClient, SocketError, type Connection } from '../../src/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { clientOptionsFor, resetAll, startClient, startServer } from '../helpers/start-server.js';
import { nextEvent } from '../helpers/wait-for.js';

for (const encryption of [false, true]) {
  QUnit.module(`integration: auth gate (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(resetAll);

    QUnit.test('a request before auth closes the connection with 4001', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      peer.send({ request: 'echo', id: 1, data: 1 });
      assert.strictEqual(await peer.closeCode(), 4001);
      assert.strictEqual(server.clientMap.size, 0);
    });

    QUnit.test('an unknown name before auth is refused like a protected one (4001)', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      peer.send({ request: '__proto__', id: 1 });
      assert.strictEqual(await peer.closeCode(), 4001);
    });

    QUnit.test('a skipAuth handler answers before auth', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      peer.send({ request: 'publicInfo', id: 7 });
      assert.deepEqual(await peer.next(), { request: 'publicInfo', id: 7, response: { version: 1 } });
      assert.strictEqual(server.clientMap.size, 0, 'not authenticated by it');
    });

    QUnit.test('a falsy auth result is answered AUTH_FAILED and closed with 4001', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      peer.send({ request: 'auth', id: 1, data: { authKey: 'wrong' } });
      const answer = await peer.next();
      assert.strictEqual(answer.error?.code, 'AUTH_FAILED');
      assert.strictEqual(await peer.closeCode(), 4001);
    });

    QUnit.test('an auth handler that throws a SocketError passes its code; a plain throw leaks nothing', async (assert) => {
      const server = await startServer({ encryption });
      const banned = await RawPeer.connect(server);
      banned.send({ request: 'auth', id: 1, data: { authKey: server.config.authKey, ban: true } });
      assert.strictEqual((await banned.next()).error?.code, 'BANNED');
      assert.strictEqual(await banned.closeCode(), 4001);
      const exploding = await RawPeer.connect(server);
      exploding.send({ request: 'auth', id: 1, data: { authKey: server.config.authKey, explode: true } });
      const answer = await exploding.next();
      assert.strictEqual(answer.error?.code, 'AUTH_FAILED');
      assert.false(answer.error?.message.includes('secret'), 'internal text does not leak');
      assert.strictEqual(await exploding.closeCode(), 4001);
    });

    QUnit.test('SocketClient.init rejects with the auth code when auth is refused', async (assert) => {
      const server = await startServer({ encryption });
      const client = new SocketClient(clientOptionsFor(server, { authData: { ban: true } }));
      const error = (await client.init().catch((e: unknown) => e)) as SocketError;
      assert.true(error instanceof SocketError);
      assert.strictEqual(error.code, 'BANNED');
      assert.false(client.ready);
    });

    QUnit.test('a second auth on an authenticated connection is answered ALREADY_AUTHENTICATED', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      assert.deepEqual((await peer.auth(server)).response, { welcome: 'anonymous' });
      peer.send({ request: 'auth', id: 2, data: { authKey: server.config.authKey } });
      assert.strictEqual((await peer.next()).error?.code, 'ALREADY_AUTHENTICATED');
      peer.send({ request: 'echo', id: 3, data: 'open' });
      assert.strictEqual((await peer.next()).response, 'open');
    });

    QUnit.test('an auth request while a wrong-key auth is still running is answered AUTH_IN_PROGRESS, not ALREADY_AUTHENTICATED', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      peer.send({ request: 'auth', id: 1, data: { authKey: 'wrong', delayMs: 100 } });
      peer.send({ request: 'auth', id: 2, data: { authKey: server.config.authKey } });
      assert.strictEqual((await peer.next((envelope) => envelope.id === 2)).error?.code, 'AUTH_IN_PROGRESS');
      assert.strictEqual((await peer.next((envelope) => envelope.id === 1)).error?.code, 'AUTH_FAILED', 'the running auth decides');
      assert.strictEqual(await peer.closeCode(), 4001);
      assert.strictEqual(server.clientMap.size, 0);
    });

    QUnit.test('no auth within the auth timeout closes with 4003', async (assert) => {
      const server = await startServer({ encryption, authTimeout: 150 });
      const peer = await RawPeer.connect(server);
      assert.strictEqual(await peer.closeCode(), 4003);
    });

    QUnit.test('clientMap holds authenticated connections only and empties on disconnect', async (assert) => {
      const server = await startServer({ encryption });
      const unauthenticated = await RawPeer.connect(server);
      const client = await startClient(server);
      assert.strictEqual(server.clientMap.size, 1);
      const [connection] = server.clientMap.values() as Iterable<Connection>;
      assert.true(connection!.authenticated);
      const disconnected = nextEvent<[Connection, number, string]>(server.events, 'disconnect');
      await client.close();
      const [gone, code] = await disconnected;
      assert.strictEqual(gone, connection);
      assert.strictEqual(code, 1000);
      assert.strictEqual(server.clientMap.size, 0);
      unauthenticated.destroy();
    });
  });
}
