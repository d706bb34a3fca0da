import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import type { Connection, SocketClient } from '../../src/index.js';
import News from '../fixtures/handlers/valid/news.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { resetAll, startClient, startExtraClient, startServer } from '../helpers/start-server.js';
import { nextEvent, waitUntil } from '../helpers/wait-for.js';

/** The example handlers that `dropsocket serve` runs out of the box. */
const exampleHandlers = fileURLToPath(new URL('../../socket-handlers', import.meta.url));

function newsFor(client: SocketClient): unknown[] {
  return News.received.filter((entry) => entry.client === client).map((entry) => entry.payload);
}

for (const encryption of [false, true]) {
  QUnit.module(`integration: pushes and rooms (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.beforeEach(() => {
      News.received.length = 0;
    });
    hooks.afterEach(resetAll);

    QUnit.test('sendTo reaches one client hook, with this.client set; unknown ids return false', async (assert) => {
      const server = await startServer({ encryption });
      const alice = await startClient(server, { authData: { user: 'alice' } });
      const bob = await startExtraClient(server, { authData: { user: 'bob' } });
      const aliceId = [...server.clientMap.values()].find((c) => c.meta.user === 'alice')!.id;
      assert.true(server.sendTo(aliceId, 'news', { n: 1 }));
      assert.false(server.sendTo('no-such-id', 'news', {}));
      await waitUntil(() => newsFor(alice).length === 1, undefined, 'push to alice');
      assert.deepEqual(newsFor(alice), [{ n: 1 }]);
      assert.deepEqual(newsFor(bob), []);
    });

    QUnit.test('sendToByMeta reaches every connection whose meta matches', async (assert) => {
      const server = await startServer({ encryption });
      const alice = await startClient(server, { authData: { user: 'alice' } });
      const bob = await startExtraClient(server, { authData: { user: 'bob' } });
      assert.true(server.sendToByMeta('user', 'bob', 'news', 'for bob'));
      assert.false(server.sendToByMeta('user', 'carol', 'news', 'nobody'));
      await waitUntil(() => newsFor(bob).length === 1, undefined, 'push to bob');
      assert.deepEqual(newsFor(bob), ['for bob']);
      assert.deepEqual(newsFor(alice), []);
    });

    QUnit.test('broadcast reaches authenticated clients only, minus except', async (assert) => {
      const server = await startServer({ encryption });
      const unauthenticated = await RawPeer.connect(server);
      const alice = await startClient(server, { authData: { user: 'alice' } });
      const bob = await startExtraClient(server, { authData: { user: 'bob' } });
      assert.strictEqual(server.broadcast('news', 'all'), 2, 'the unauthenticated peer is not counted');
      const bobId = [...server.clientMap.values()].find((c) => c.meta.user === 'bob')!.id;
      assert.strictEqual(server.broadcast('news', 'not bob', { except: bobId }), 1);
      assert.strictEqual(server.broadcast('news', 'nobody', { except: [...server.clientMap.keys()] }), 0);
      await waitUntil(() => newsFor(alice).length === 2 && newsFor(bob).length === 1, undefined, 'broadcasts');
      assert.deepEqual(newsFor(alice), ['all', 'not bob']);
      assert.deepEqual(newsFor(bob), ['all']);
      assert.deepEqual(unauthenticated.received, []);
    });

    QUnit.test('rooms: join, broadcast to a room, leave, and cleanup on disconnect', async (assert) => {
      const server = await startServer({ encryption });
      const alice = await startClient(server, { authData: { user: 'alice' } });
      const bob = await startExtraClient(server, { authData: { user: 'bob' } });
      assert.deepEqual(await alice.request('rooms', { join: 'lobby' }), ['lobby']);
      assert.strictEqual(await bob.request('rooms', { shout: 'hi lobby', room: 'lobby' }), 1, 'bob is not in the lobby');
      await waitUntil(() => newsFor(alice).length === 1, undefined, 'room push');
      assert.deepEqual(newsFor(bob), []);
      assert.deepEqual(await alice.request('rooms', { leave: 'lobby' }), []);
      assert.strictEqual(server.broadcast('news', 'empty room', { room: 'lobby' }), 0);
      await bob.request('rooms', { join: 'lobby' });
      const bobConnection = [...server.clientMap.values()].find((c) => c.meta.user === 'bob') as Connection;
      const gone = nextEvent(server.events, 'disconnect');
      await bob.close();
      await gone;
      assert.deepEqual([...bobConnection.rooms], [], 'rooms cleared on disconnect');
      assert.strictEqual(server.broadcast('news', 'x', { room: 'lobby' }), 0);
    });

    QUnit.test('connectionCount counts authenticated connections, in total or in a room', async (assert) => {
      const server = await startServer({ encryption });
      const alice = await startClient(server, { authData: { user: 'alice' } });
      const bob = await startExtraClient(server, { authData: { user: 'bob' } });
      const unauthenticated = await RawPeer.connect(server);
      assert.strictEqual(await server.connectionCount(), 2, 'the raw peer has not authenticated');
      await alice.request('rooms', { join: 'lobby' });
      assert.strictEqual(await server.connectionCount({ room: 'lobby' }), 1);
      await bob.request('rooms', { join: 'lobby' });
      assert.strictEqual(await server.connectionCount({ room: 'lobby' }), 2);
      assert.strictEqual(await server.connectionCount({ room: 'elsewhere' }), 0);
      const gone = nextEvent(server.events, 'disconnect');
      await bob.close();
      await gone;
      assert.strictEqual(await server.connectionCount({ room: 'lobby' }), 1);
      assert.strictEqual(await server.connectionCount(), 1);
      unauthenticated.destroy();
    });

    QUnit.test('the example room.join answers the members of that room, not every client', async (assert) => {
      const server = await startServer({ encryption, handlerDir: exampleHandlers });
      const options = { handlerDir: exampleHandlers, loadHandlers: false };
      const alice = await startClient(server, { ...options, authData: { name: 'alice' } });
      const bob = await startExtraClient(server, options);
      await startExtraClient(server, options);
      assert.deepEqual(await alice.request('room.join', { room: 'lobby' }), { room: 'lobby', members: 1 });
      assert.deepEqual(await bob.request('room.join', { room: 'lobby' }), { room: 'lobby', members: 2 }, 'three clients, two in the room');
    });

    QUnit.test('lifecycle hooks fire in order with the close code', async (assert) => {
      const server = await startServer({ encryption });
      const seen: string[] = [];
      server.onClientConnect = () => seen.push('connect');
      server.onClientAuthenticated = (connection) => seen.push(`authenticated:${String(connection.meta.user)}`);
      server.onClientDisconnect = (_connection, code) => seen.push(`disconnect:${code}`);
      const client = await startClient(server, { authData: { user: 'ada' } });
      const gone = nextEvent(server.events, 'disconnect');
      await client.close();
      await gone;
      assert.deepEqual(seen, ['connect', 'authenticated:ada', 'disconnect:1000']);
    });

    QUnit.test('a throwing hook does not break the connection', async (assert) => {
      const server = await startServer({ encryption });
      server.onClientAuthenticated = () => {
        throw new Error('hook bug');
      };
      const client = await startClient(server);
      assert.strictEqual(await client.request('echo', 'fine'), 'fine');
    });

    QUnit.test('Connection.send and a fire-and-forget client send reach their hooks', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server);
      const [connection] = server.clientMap.values();
      assert.true(connection!.send('news', 'direct'));
      // `rooms` with {shout} broadcasts; sent without an id, its return value comes back as a push.
      assert.true(client.send({ request: 'rooms', data: { shout: 'fire-and-forget' } }));
      await waitUntil(() => newsFor(client).length === 2, undefined, 'pushes');
      assert.deepEqual(newsFor(client).sort(), ['direct', 'fire-and-forget']);
    });
  });
}
