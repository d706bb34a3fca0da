/**
 * Recovery with real processes: `serve --workers 2`, and `serve` processes on a real
 * redis-server, one of them killed with SIGKILL while its client is away. The client
 * reaches the servers through a TCP proxy that cuts it off and, for Redis, sends it back
 * to another node. The compiled CLI runs: build first.
 */
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { SocketClient, silentLogger } from '../../src/index.js';
import type { RecoveryOutcome } from '../../src/recovery/live-session.js';
import News from '../fixtures/handlers/scale/news.js';
import { useRedis } from '../helpers/redis-server.js';
import { killAllServe, startServe, type ServeProcess } from '../helpers/serve-process.js';
import { TEST_KEY } from '../helpers/start-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { nextEvent, waitUntil } from '../helpers/wait-for.js';

const HANDLERS = fileURLToPath(new URL('../fixtures/handlers/scale', import.meta.url));
const SETTINGS = { SOCKET_AUTH_KEY: TEST_KEY, SOCKET_HANDLER_DIR: HANDLERS, SOCKET_RECOVERY_WINDOW: '10000' };
const WAIT_MS = 8000;

interface SessionView {
  id: string;
  rooms: string[];
  user: unknown;
  pid: number;
}

const clients = new Set<SocketClient>();
const proxies = new Set<TcpProxy>();

async function connect(port: number, user: string, reconnectMs = 300): Promise<SocketClient> {
  const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${port}`, authKey: TEST_KEY, handlerDir: HANDLERS, logger: silentLogger, authData: { user }, reconnectBaseDelay: reconnectMs, reconnectMaxDelay: reconnectMs, maxReconnectAttempts: 30 });
  clients.add(client);
  await client.init();
  return client;
}

/** The client under test, behind a proxy, in room red. */
async function away(port: number, reconnectMs?: number): Promise<{ client: SocketClient; proxy: TcpProxy; session: SessionView }> {
  const proxy = await TcpProxy.start(port);
  proxies.add(proxy);
  const client = await connect(proxy.port, 'ann', reconnectMs);
  await client.request('join', { room: 'red' });
  return { client, proxy, session: (await client.request('session')) as SessionView };
}

function newsOf(client: SocketClient): unknown[] {
  return News.received.filter((entry) => entry.client === client).map((entry) => entry.payload);
}

/** Polls a count through `observer` until it is `expected` (the servers' node table settles). */
async function countBecomes(observer: SocketClient, expected: number): Promise<void> {
  let count = -1;
  for (let round = 0; round < 100 && count !== expected; round++) {
    count = (await observer.request('count')) as number;
    if (count !== expected) await new Promise((resolve) => setTimeout(resolve, 30));
  }
  if (count !== expected) throw new Error(`connectionCount stayed ${count}, expected ${expected}`);
}

/**
 * Cuts the client off and points its proxy at `port`; resolves once `observer` counts
 * `remaining` connections (so the server has saved the session), with the client's next
 * `reconnected` still to come.
 */
async function cutAndSendTo(client: SocketClient, proxy: TcpProxy, port: number, observer: SocketClient, remaining: number): Promise<{ reconnected: Promise<[RecoveryOutcome]> }> {
  const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected', WAIT_MS);
  proxy.retarget(port);
  proxy.drop();
  await countBecomes(observer, remaining);
  return { reconnected };
}

/** Every kind of push through the `push` handler of `from`; the session gets four of them. */
async function pushAll(from: SocketClient, id: string, tag: string): Promise<string[]> {
  await from.request('push', { payload: `${tag}:all` });
  await from.request('push', { payload: `${tag}:red`, room: 'red' });
  await from.request('push', { payload: `${tag}:blue`, room: 'blue' });
  await from.request('push', { payload: `${tag}:except`, except: id });
  await from.request('push', { payload: `${tag}:direct`, to: id });
  await from.request('push', { payload: `${tag}:meta`, meta: ['user', 'ann'] });
  return [`${tag}:all`, `${tag}:red`, `${tag}:direct`, `${tag}:meta`];
}

/** Waits until `client` has `expected` pushes (and no more arrive with the next echo round trip). */
async function receivedExactly(client: SocketClient, expected: unknown[]): Promise<unknown[]> {
  await waitUntil(() => newsOf(client).length >= expected.length, WAIT_MS, `${expected.length} pushes`).catch(() => {});
  await client.request('echo', 'settle');
  return newsOf(client);
}

QUnit.module('e2e: recovery', (hooks) => {
  hooks.beforeEach(() => {
    News.received.length = 0;
  });
  hooks.afterEach(async () => {
    for (const client of clients) await client.close();
    clients.clear();
    for (const proxy of proxies) await proxy.close();
    proxies.clear();
    await killAllServe();
  });

  QUnit.test('serve --workers 2: cut off while pushed to, back on the other worker, every missed push once and in order', async (assert) => {
    const serve = await startServe(['--workers', '2'], SETTINGS);
    const { client, proxy, session } = await away(serve.port);
    const observer = await connect(serve.port, 'obs');
    const expected: unknown[] = [];
    const pids = new Set([session.pid]);
    // Workers take connections in turn; a few rounds land the client on both.
    for (let round = 1; round <= 6 && pids.size < 2; round++) {
      const { reconnected } = await cutAndSendTo(client, proxy, serve.port, observer, 1);
      expected.push(...(await pushAll(observer, session.id, `r${round}`)));
      assert.deepEqual((await reconnected)[0], { recovered: true }, `round ${round}`);
      const now = (await client.request('session')) as SessionView;
      assert.deepEqual([now.id, now.rooms, now.user], [session.id, ['red'], 'ann'], `round ${round}: same id, rooms and meta`);
      pids.add(now.pid);
      await countBecomes(observer, 2);
    }
    assert.strictEqual(pids.size, 2, 'resumed on both workers');
    assert.deepEqual(await receivedExactly(client, expected), expected);
  });

  QUnit.module('serve processes on Redis', (redisHooks) => {
    const redis = useRedis(redisHooks);
    const node = (window = SETTINGS.SOCKET_RECOVERY_WINDOW): Promise<ServeProcess> => startServe([], { ...SETTINGS, SOCKET_ADAPTER: redis().url, SOCKET_RECOVERY_WINDOW: window });
    const twoNodes = async (): Promise<[ServeProcess, ServeProcess]> => [await node(), await node()];

    QUnit.test('cut off on node a while both nodes push, back on node b: same session, every missed push once and in order', async (assert) => {
      const [a, b] = await twoNodes();
      const { client, proxy, session } = await away(a.port);
      const onA = await connect(a.port, 'a');
      const onB = await connect(b.port, 'b');
      await countBecomes(onB, 3);
      const { reconnected } = await cutAndSendTo(client, proxy, b.port, onB, 2);
      const [fromA, fromB] = [await pushAll(onA, session.id, 'a'), await pushAll(onB, session.id, 'b')];
      assert.deepEqual((await reconnected)[0], { recovered: true });
      const now = (await client.request('session')) as SessionView;
      assert.deepEqual([now.id, now.rooms, now.user, now.pid], [session.id, ['red'], 'ann', b.child.pid], 'restored on node b');
      await onA.request('push', { payload: 'after', to: session.id });
      const received = await receivedExactly(client, [...fromA, ...fromB, 'after']);
      // Each node's pushes keep their order; between nodes the order is the log's (an append
      // may land after the call that made it has answered: docs/scale-out.md).
      assert.deepEqual(received.filter((push) => String(push).startsWith('a:')), fromA, "node a's, once and in order");
      assert.deepEqual(received.filter((push) => String(push).startsWith('b:')), fromB, "node b's, once and in order");
      assert.deepEqual([received.length, received.at(-1)], [fromA.length + fromB.length + 1, 'after'], 'nothing else, and the new push last');
    });

    QUnit.test('the node that held the session is killed with SIGKILL while its client is away: the client resumes on the other node', async (assert) => {
      const [a, b] = await twoNodes();
      const { client, proxy, session } = await away(a.port, 800);
      const onB = await connect(b.port, 'b');
      await countBecomes(onB, 2);
      const { reconnected } = await cutAndSendTo(client, proxy, b.port, onB, 1);
      a.child.kill('SIGKILL');
      await a.exited();
      const expected = await pushAll(onB, session.id, 'b');
      assert.deepEqual((await reconnected)[0], { recovered: true });
      const now = (await client.request('session')) as SessionView;
      assert.deepEqual([now.id, now.rooms, now.user, now.pid], [session.id, ['red'], 'ann', b.child.pid]);
      assert.deepEqual(await receivedExactly(client, expected), expected);
    });

    QUnit.test('the node is killed with SIGKILL while its idle client is still connected: the session saved while open resumes on the other node', async (assert) => {
      const [a, b] = await twoNodes();
      const { client, proxy, session } = await away(a.port, 100);
      const onB = await connect(b.port, 'b');
      await countBecomes(onB, 2);
      proxy.retarget(b.port);
      const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected', WAIT_MS);
      a.child.kill('SIGKILL');
      // Node b waits for node a to drop out of the live-node table (about 3 s) before it takes the session.
      assert.deepEqual((await reconnected)[0], { recovered: true });
      const expected = await pushAll(onB, session.id, 'b');
      const now = (await client.request('session')) as SessionView;
      assert.deepEqual([now.id, now.rooms, now.pid], [session.id, ['red'], b.child.pid]);
      assert.deepEqual(await receivedExactly(client, expected), expected);
    });

    QUnit.test('after the window of the node that saved it: recovered false (expired), a new session', async (assert) => {
      const b = await node();
      const shortWindow = await node('100');
      const { client, proxy, session } = await away(shortWindow.port, 600);
      const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected', WAIT_MS);
      proxy.retarget(b.port);
      proxy.drop();
      assert.deepEqual((await reconnected)[0], { recovered: false, reason: 'expired' });
      const now = (await client.request('session')) as SessionView;
      assert.notStrictEqual(now.id, session.id);
      assert.deepEqual(now.rooms, []);
    });
  });
});
