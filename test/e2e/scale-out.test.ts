/**
 * Scale-out with real processes: `serve --workers 2` (node:cluster, the primary relays),
 * and two `serve` processes on a real redis-server. Clients live in this process and load
 * the `news` hook of test/fixtures/handlers/scale. The compiled CLI runs: build first.
 */
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { SocketClient, silentLogger } from '../../src/index.js';
import News from '../fixtures/handlers/scale/news.js';
import { useRedis, type RedisProcess } from '../helpers/redis-server.js';
import { killAllServe, startServe, type ServeProcess } from '../helpers/serve-process.js';
import { TEST_KEY } from '../helpers/start-server.js';
import { nextEvent, waitUntil } from '../helpers/wait-for.js';

const HANDLERS = fileURLToPath(new URL('../fixtures/handlers/scale', import.meta.url));
const SETTINGS = { SOCKET_AUTH_KEY: TEST_KEY, SOCKET_HANDLER_DIR: HANDLERS };
const PUSH_MS = 5000;

interface Peer {
  client: SocketClient;
  id: string;
  pid: number;
}

const clients = new Set<SocketClient>();

async function connect(port: number, user: string): Promise<Peer> {
  const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${port}`, authKey: TEST_KEY, handlerDir: HANDLERS, logger: silentLogger, authData: { user }, reconnectBaseDelay: 50, reconnectMaxDelay: 200, maxReconnectAttempts: 40 });
  clients.add(client);
  await client.init();
  const { id, pid } = client.authResponse as { id: string; pid: number };
  return { client, id, pid };
}

function newsOf(peer: Peer): unknown[] {
  return News.received.filter((entry) => entry.client === peer.client).map((entry) => entry.payload);
}

/** Connects until two processes serve two clients each (workers take connections in turn). */
async function twoPerProcess(ports: readonly number[]): Promise<[Peer, Peer, Peer, Peer]> {
  const byPid = new Map<number, Peer[]>();
  for (let attempt = 0; attempt < 16; attempt++) {
    const peer = await connect(ports[attempt % ports.length]!, `user${attempt}`);
    byPid.set(peer.pid, [...(byPid.get(peer.pid) ?? []), peer]);
    const full = [...byPid.values()].filter((peers) => peers.length >= 2);
    if (full.length >= 2) return [full[0]![0]!, full[0]![1]!, full[1]![0]!, full[1]![1]!];
  }
  throw new Error(`16 connections did not spread over two processes: ${[...byPid.keys()].join(', ')}`);
}

/** The cross-node checks of issue 10, from clients on two processes (a1, a2 on one; b1, b2 on the other). */
async function checkAcrossProcesses(assert: Assert, [a1, a2, b1, b2]: [Peer, Peer, Peer, Peer], total: number): Promise<void> {
  let count = 0;
  for (let round = 0; round < 100 && count !== total; round++) {
    count = (await b1.client.request('count')) as number;
    if (count !== total) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.strictEqual(count, total, 'connectionCount sums both processes');

  assert.strictEqual(await a1.client.request('push', { payload: 'all' }), total / 2, 'broadcast returns this process\'s deliveries');
  await waitUntil(() => [a1, a2, b1, b2].every((peer) => newsOf(peer).length === 1), PUSH_MS, 'a broadcast on both processes');

  await a1.client.request('join', { room: 'red' });
  await b1.client.request('join', { room: 'red' });
  await b2.client.request('join', { room: 'red' });
  await a2.client.request('push', { payload: 'red', room: 'red', except: b2.id });
  assert.true(await a2.client.request('push', { payload: 'direct', to: b2.id }), `sendTo ${b2.id} from ${a2.id}`);
  await a2.client.request('push', { payload: 'meta', meta: ['user', (await b1.client.request('whoami')) as string] });
  await waitUntil(() => newsOf(b1).length === 3 && newsOf(b2).length === 2, PUSH_MS, 'room, direct and meta pushes on the other process').catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify([a1, a2, b1, b2].map(newsOf))}`);
  });
  assert.deepEqual(newsOf(a1), ['all', 'red']);
  assert.deepEqual(newsOf(a2), ['all'], 'not in the room');
  assert.deepEqual(newsOf(b1), ['all', 'red', 'meta']);
  assert.deepEqual(newsOf(b2), ['all', 'direct'], 'left out of the room push by except');
  let roomCount = 0;
  for (let round = 0; round < 100 && roomCount !== 3; round++) {
    roomCount = (await a1.client.request('count', { room: 'red' })) as number;
    if (roomCount !== 3) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.strictEqual(roomCount, 3, 'connectionCount of a room across processes');
}

QUnit.module('e2e: scale-out', (hooks) => {
  hooks.beforeEach(() => {
    News.received.length = 0;
  });
  hooks.afterEach(async () => {
    for (const client of clients) await client.close();
    clients.clear();
    await killAllServe();
  });

  QUnit.module('serve --workers 2', () => {
    QUnit.test('one listening line; broadcast, room, except, sendTo, sendToByMeta and connectionCount across workers', async (assert) => {
      const serve = await startServe(['--workers', '2'], SETTINGS);
      assert.strictEqual(serve.stdout(), `listening on ws://127.0.0.1:${serve.port}\n`, 'printed once, when both workers listen');
      await checkAcrossProcesses(assert, await twoPerProcess([serve.port]), 4);
    });

    QUnit.test('a worker killed with SIGKILL is replaced, and its clients reconnect and are served', async (assert) => {
      const serve = await startServe(['--workers', '2'], SETTINGS);
      const [a1, , b1] = await twoPerProcess([serve.port]);
      const reconnected = nextEvent(a1.client.events, 'reconnected', 8000);
      process.kill(a1.pid, 'SIGKILL');
      await reconnected;
      assert.strictEqual(await a1.client.request('echo', 'again'), 'again', 'served after reconnecting');
      const pids = new Set<number>();
      // The replacement takes a moment to start; until then the survivor takes every connection.
      const deadline = Date.now() + 8000;
      for (let attempt = 0; pids.size < 2 && Date.now() < deadline; attempt++) {
        const late = await connect(serve.port, `late${attempt}`);
        pids.add(late.pid);
        await late.client.close();
      }
      assert.strictEqual(pids.size, 2, 'two workers serve again');
      assert.false(pids.has(a1.pid), 'one of them is a new process');
      assert.true(pids.has(b1.pid), 'the other survived');
      assert.strictEqual(serve.child.exitCode, null, 'the primary kept running');
    });

    QUnit.test('SIGTERM drains every worker (clients get 1001) and exits 0', async (assert) => {
      const serve = await startServe(['--workers', '2'], SETTINGS);
      const [a1, , b1] = await twoPerProcess([serve.port]);
      const closes = [a1, b1].map((peer) => nextEvent<[number, string]>(peer.client.events, 'disconnect', 8000));
      serve.child.kill('SIGTERM');
      assert.deepEqual((await Promise.all(closes)).map(([code]) => code), [1001, 1001]);
      assert.deepEqual(await serve.exited(), { code: 0, signal: null });
    });

    QUnit.test('a worker that cannot start stops the primary with a non-zero exit instead of a restart loop', async (assert) => {
      await assert.rejects(startServe(['--workers', '2'], { ...SETTINGS, SOCKET_HANDLER_DIR: fileURLToPath(new URL('../fixtures/handlers/missing-auth', import.meta.url)) }), /exited with 1 before listening/);
    });
  });

  QUnit.module('two serve processes on Redis', (redisHooks) => {
    const useRedisProcess = useRedis(redisHooks);
    let redis: RedisProcess;
    redisHooks.beforeEach(() => {
      redis = useRedisProcess();
    });

    const twoNodes = async (): Promise<[ServeProcess, ServeProcess]> => [await startServe([], { ...SETTINGS, SOCKET_ADAPTER: redis.url }), await startServe([], { ...SETTINGS, SOCKET_ADAPTER: redis.url })];

    QUnit.test('broadcast, room, except, sendTo, sendToByMeta and connectionCount across nodes', async (assert) => {
      const [a, b] = await twoNodes();
      await checkAcrossProcesses(assert, await twoPerProcess([a.port, b.port]), 4);
    });

    QUnit.test('Redis stopped: local traffic goes on without errors; started again: cross-node traffic resumes, no node restarted', async (assert) => {
      const [a, b] = await twoNodes();
      const [a1, a2, b1] = await twoPerProcess([a.port, b.port]);
      await redis.stop();
      assert.strictEqual(await a1.client.request('push', { payload: 'local' }), 2, 'delivered on its own node, no error');
      assert.strictEqual(await a1.client.request('echo', 'still'), 'still');
      await waitUntil(() => newsOf(a2).includes('local'), PUSH_MS, 'the local push');
      await redis.restart();
      let rounds = 0;
      await waitUntil(() => {
        if (newsOf(b1).includes('back')) return true;
        if (rounds++ % 40 === 0) void a1.client.request('push', { payload: 'back' });
        return false;
      }, 10_000, 'a push from node a to reach node b once Redis is back');
      assert.false(newsOf(b1).includes('local'), 'what failed to append was not replayed later');
      assert.strictEqual(a.child.exitCode, null);
      assert.strictEqual(b.child.exitCode, null);
      assert.true(a.stderr().includes('not appended'), 'the failed append was logged');
    });
  });
});
