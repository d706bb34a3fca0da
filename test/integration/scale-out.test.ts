/**
 * Scale-out across nodes, run against every broker: two SocketServers in this process
 * (each its own node), sharing a MemoryHub or a real redis-server, with real clients on
 * each. The same checks for both: the broker is a seam, delivery is the server's.
 */
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { SocketClient, SocketServer, silentLogger, type SocketServerOptions } from '../../src/index.js';
import { MemoryHub } from '../../src/scale/memory-broker.js';
import News from '../fixtures/handlers/scale/news.js';
import { startRedis, type RedisProcess } from '../helpers/redis-server.js';
import { TEST_KEY } from '../helpers/start-server.js';
import { waitUntil } from '../helpers/wait-for.js';

const HANDLERS = fileURLToPath(new URL('../fixtures/handlers/scale', import.meta.url));

interface Backend {
  /** Options that put a server on this backend. */
  options(): SocketServerOptions;
  /** Plays an outage, then ends it; `reset` also loses the log (a new epoch). */
  outage(): Promise<void>;
  recover(): Promise<void>;
}

const servers = new Set<SocketServer>();
const clients = new Set<SocketClient>();

async function startNode(backend: Backend, options: SocketServerOptions = {}): Promise<SocketServer> {
  const server = new SocketServer({ singleton: false, port: 0, host: '127.0.0.1', handlerDir: HANDLERS, authKey: TEST_KEY, logger: silentLogger, shutdownTimeout: 1000, ...backend.options(), ...options });
  servers.add(server);
  await server.init();
  return server;
}

async function connect(server: SocketServer, user: string): Promise<{ client: SocketClient; id: string }> {
  const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${server.port}`, authKey: TEST_KEY, handlerDir: HANDLERS, logger: silentLogger, authData: { user }, maxReconnectAttempts: 0 });
  clients.add(client);
  await client.init();
  return { client, id: (client.authResponse as { id: string }).id };
}

function newsOf(client: SocketClient): unknown[] {
  return News.received.filter((entry) => entry.client === client).map((entry) => entry.payload);
}

/** Two nodes with two clients each; the node table has caught up with all four. */
async function twoNodes(backend: Backend, options: SocketServerOptions = {}) {
  const [a, b] = [await startNode(backend, options), await startNode(backend, options)];
  const a1 = await connect(a, 'a1');
  const a2 = await connect(a, 'a2');
  const b1 = await connect(b, 'b1');
  const b2 = await connect(b, 'b2');
  await waitUntil(() => countIs(a, 4) && countIs(b, 4), 3000, 'both nodes to count four connections');
  return { a, b, a1, a2, b1, b2 };
}

const lastCount = new Map<SocketServer, number>();
/** Polls connectionCount (the table refreshes on change, asynchronously). */
function countIs(server: SocketServer, expected: number, room?: string): boolean {
  void server.connectionCount(room === undefined ? {} : { room }).then((count) => lastCount.set(server, count));
  return lastCount.get(server) === expected;
}

const BACKENDS: Array<[string, () => Promise<Backend & { close(): Promise<void> }>]> = [
  [
    'memory',
    async () => {
      const hub = new MemoryHub();
      return {
        options: () => ({ broker: hub.broker() }),
        outage: async () => hub.setAvailable(false),
        recover: async () => {
          hub.reset();
          hub.setAvailable(true);
        },
        close: async () => {},
      };
    },
  ],
  [
    'redis',
    async () => {
      const redis: RedisProcess = await startRedis();
      return { options: () => ({ adapter: redis.url }), outage: () => redis.stop(), recover: () => redis.restart(), close: () => redis.stop() };
    },
  ],
];

for (const [name, makeBackend] of BACKENDS) {
  QUnit.module(`integration: scale-out across two nodes (${name})`, (hooks) => {
    let backend: Backend & { close(): Promise<void> };
    hooks.beforeEach(async () => {
      News.received.length = 0;
      lastCount.clear();
      backend = await makeBackend();
    });
    hooks.afterEach(async () => {
      for (const client of clients) await client.close();
      clients.clear();
      for (const server of servers) await server.close();
      servers.clear();
      await backend.close();
    });

    QUnit.test('broadcast reaches every client on both nodes once, in order; room and except hold across nodes', async (assert) => {
      const { a, a1, a2, b1, b2 } = await twoNodes(backend);
      for (let n = 0; n < 20; n++) assert.strictEqual(a.broadcast('news', n), 2, 'the return value counts this node');
      await waitUntil(() => newsOf(b2.client).length === 20, 3000, 'all broadcasts on the other node');
      const numbers = Array.from({ length: 20 }, (_, n) => n);
      for (const { client } of [a1, a2, b1, b2]) assert.deepEqual(newsOf(client), numbers, 'each once, in order');
      News.received.length = 0;

      await a1.client.request('join', { room: 'red' });
      await b1.client.request('join', { room: 'red' });
      await b2.client.request('join', { room: 'red' });
      assert.strictEqual(await a2.client.request('push', { payload: 'to red', room: 'red', except: b2.id }), 1);
      await a2.client.request('push', { payload: 'to all but a2 and b1', except: [a2.id, b1.id] });
      await waitUntil(() => newsOf(b2.client).length === 1 && newsOf(b1.client).length === 1, 3000, 'room pushes');
      await a1.client.request('echo', 'settled');
      assert.deepEqual(newsOf(a1.client), ['to red', 'to all but a2 and b1']);
      assert.deepEqual(newsOf(b1.client), ['to red']);
      assert.deepEqual(newsOf(b2.client), ['to all but a2 and b1']);
      assert.deepEqual(newsOf(a2.client), []);
    });

    // With recovery on, an id that is not connected may be a session that is away or came
    // back on another node, so sendTo appends it (test/integration/recovery.test.ts).
    QUnit.test('sendTo and sendToByMeta reach a connection on the other node; an id of this node that left is false (recovery off)', async (assert) => {
      const { a1, a2, b1, b2 } = await twoNodes(backend, { recoveryWindow: 0 });
      assert.true(await a1.client.request('push', { payload: 'direct', to: b1.id }), 'relayed to the owning node');
      assert.true(await a1.client.request('push', { payload: 'by meta', meta: ['user', 'b2'] }));
      await waitUntil(() => newsOf(b1.client).length === 1 && newsOf(b2.client).length === 1, 3000, 'pushes on node b');
      assert.deepEqual(newsOf(b1.client), ['direct']);
      assert.deepEqual(newsOf(b2.client), ['by meta']);
      assert.deepEqual(newsOf(a2.client), []);
      const gone = a2.id;
      await a2.client.close();
      await waitUntil(() => !servers.values().next().value!.clientMap.has(gone), 3000, 'a2 to leave');
      assert.false(await a1.client.request('push', { payload: 'x', to: gone }), 'a local id that left: false, nothing relayed');
      assert.false(await a1.client.request('push', { payload: 'x', to: 'no_dash' }), 'not an id: false');
    });

    QUnit.test('connectionCount sums live nodes, per room, and drops a node that closed (recovery off)', async (assert) => {
      const { a, b, a1, b1, b2 } = await twoNodes(backend, { recoveryWindow: 0 });
      assert.strictEqual(await a.connectionCount(), 4);
      await a1.client.request('join', { room: 'blue' });
      await b1.client.request('join', { room: 'blue' });
      await waitUntil(() => countIs(a, 2, 'blue') && countIs(b, 2, 'blue'), 3000, 'room counts on both nodes');
      assert.strictEqual(await b2.client.request('count', { room: 'blue' }), 2, 'through a handler');
      assert.strictEqual(await b.connectionCount({ room: 'nowhere' }), 0);
      await b.close();
      assert.strictEqual(await a.connectionCount(), 2, 'a closed node removes its row at once');
      assert.false(a.sendTo(b1.id, 'news', 'late'), 'sendTo a node known to be gone: false');
    });

    QUnit.test('a broker outage: local traffic goes on without errors, failures are counted, and cross-node traffic resumes', async (assert) => {
      const { a, b, a1, a2, b1 } = await twoNodes(backend);
      await backend.outage();
      assert.strictEqual(await a1.client.request('push', { payload: 'during outage' }), 2, 'local delivery, no error to the caller');
      assert.strictEqual(await a1.client.request('echo', 'fine'), 'fine');
      assert.strictEqual(typeof (await a1.client.request('count')), 'number', 'counts answer from what is known');
      await waitUntil(() => newsOf(a2.client).length === 1, 3000, 'local push');
      await waitUntil(() => a.adapterStats.appendFailures >= 1, 3000, 'the failed append to be counted');
      await backend.recover();
      // Each round pushes once and waits a little: the nodes reconnect on their own.
      let rounds = 0;
      await waitUntil(() => {
        if (newsOf(b1.client).includes('after')) return true;
        if (rounds++ % 40 === 0) a.broadcast('news', 'after');
        return false;
      }, 8000, 'a broadcast from node a to reach node b after the broker came back');
      assert.true(newsOf(b1.client).includes('after'));
      assert.false(newsOf(b1.client).includes('during outage'), 'what failed to append is not delivered later');
      assert.true(b.adapterStats.relaysReceived >= 1);
      assert.true(b.adapterStats.logGaps >= 1, 'the new epoch is reported as a gap');
    });
  });
}
