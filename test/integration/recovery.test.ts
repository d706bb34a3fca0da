/**
 * Connection-state recovery with real sockets: a client cut off by a TCP proxy while the
 * server pushes, back within the window, on one process and on another node (two servers
 * on a MemoryHub). The client loads the `news` hook of test/fixtures/handlers/scale.
 */
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { SocketClient, SocketServer, silentLogger, type Connection, type SocketServerOptions } from '../../src/index.js';
import type { RecoveryOutcome } from '../../src/recovery/live-session.js';
import { MemoryHub } from '../../src/scale/memory-broker.js';
import News from '../fixtures/handlers/scale/news.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { TEST_KEY } from '../helpers/start-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { nextEvent, waitUntil } from '../helpers/wait-for.js';

const HANDLERS = fileURLToPath(new URL('../fixtures/handlers/scale', import.meta.url));

interface SessionView {
  id: string;
  rooms: string[];
  user: unknown;
  recovery: RecoveryOutcome | null;
  pid: number;
}

const servers = new Set<SocketServer>();
const clients = new Set<SocketClient>();
const proxies = new Set<TcpProxy>();

async function startNode(options: SocketServerOptions = {}): Promise<SocketServer> {
  const server = new SocketServer({ singleton: false, port: 0, host: '127.0.0.1', handlerDir: HANDLERS, authKey: TEST_KEY, logger: silentLogger, shutdownTimeout: 500, heartBeatInterval: 1000, ...options });
  servers.add(server);
  await server.init();
  return server;
}

/** A client (meta.user ann) behind a proxy to `server`; reconnects after `reconnectMs`. */
async function connectThroughProxy(server: SocketServer, reconnectMs = 150, heartBeatInterval = 1000): Promise<{ client: SocketClient; proxy: TcpProxy; session: SessionView }> {
  const proxy = await TcpProxy.start(server.port);
  proxies.add(proxy);
  const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${proxy.port}`, authKey: TEST_KEY, handlerDir: HANDLERS, logger: silentLogger, authData: { user: 'ann' }, heartBeatInterval, reconnectBaseDelay: reconnectMs, reconnectMaxDelay: reconnectMs, maxReconnectAttempts: 20 });
  clients.add(client);
  await client.init();
  return { client, proxy, session: (await client.request('session')) as SessionView };
}

function newsOf(client: SocketClient): unknown[] {
  return News.received.filter((entry) => entry.client === client).map((entry) => entry.payload);
}

/** Cuts the link and waits until the server has seen the connection go. */
async function cut(server: SocketServer, proxy: TcpProxy): Promise<void> {
  const gone = nextEvent(server.events, 'disconnect');
  proxy.drop();
  await gone;
}

/** Every kind of push, to the session `id` (in room red, meta.user ann) and to others. */
function pushAll(server: SocketServer, id: string, tag: string): void {
  server.broadcast('news', `${tag}:all`);
  server.broadcast('news', `${tag}:red`, { room: 'red' });
  server.broadcast('news', `${tag}:blue`, { room: 'blue' });
  server.broadcast('news', `${tag}:except`, { except: id });
  server.sendTo(id, 'news', `${tag}:direct`);
  server.sendToByMeta('user', 'ann', 'news', `${tag}:meta`);
  server.sendToByMeta('user', 'bob', 'news', `${tag}:other-meta`);
}

const MISSED = (tag: string): string[] => [`${tag}:all`, `${tag}:red`, `${tag}:direct`, `${tag}:meta`];

QUnit.module('integration: recovery', (hooks) => {
  hooks.beforeEach(() => {
    News.received.length = 0;
  });
  hooks.afterEach(async () => {
    RawPeer.destroyAll();
    for (const client of clients) await client.close();
    clients.clear();
    for (const proxy of proxies) await proxy.close();
    proxies.clear();
    for (const server of servers) await server.close();
    servers.clear();
  });

  QUnit.test('one process: back within the window, same id, rooms and meta; every missed push once, in order, before new ones', async (assert) => {
    const server = await startNode();
    const { client, proxy, session } = await connectThroughProxy(server);
    await client.request('join', { room: 'red' });
    server.broadcast('news', 'before');
    await waitUntil(() => newsOf(client).length === 1, 3000, 'the first push');
    const authenticated = nextEvent<[Connection]>(server.events, 'authenticated');
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    await cut(server, proxy);
    pushAll(server, session.id, 'away');
    assert.deepEqual((await reconnected)[0], { recovered: true });
    const [connection] = await authenticated;
    assert.deepEqual(connection.recovery, { recovered: true }, 'the server hook learns it too');
    server.broadcast('news', 'after');
    await waitUntil(() => newsOf(client).includes('after'), 3000, 'the push after the resume');
    assert.deepEqual(newsOf(client), ['before', ...MISSED('away'), 'after']);
    assert.deepEqual(await client.request('session'), { id: session.id, rooms: ['red'], user: 'ann', recovery: { recovered: true }, pid: process.pid });
    assert.strictEqual(server.clientMap.get(session.id), connection, 'clientMap holds the resumed connection under its old id');
  });

  QUnit.test('one process: recovery works again and again (a new token after each resume)', async (assert) => {
    const server = await startNode();
    const { client, proxy, session } = await connectThroughProxy(server, 50);
    for (let round = 1; round <= 3; round++) {
      const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
      await cut(server, proxy);
      server.sendTo(session.id, 'news', round);
      assert.deepEqual((await reconnected)[0], { recovered: true }, `round ${round}`);
    }
    await waitUntil(() => newsOf(client).length === 3, 3000, 'three pushes');
    assert.deepEqual(newsOf(client), [1, 2, 3]);
  });

  QUnit.test('pushes lost in flight on a frozen link are replayed once the client notices and comes back', async (assert) => {
    const server = await startNode({ heartBeatInterval: 60 });
    const { client, proxy, session } = await connectThroughProxy(server, 20, 60);
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    proxy.freeze();
    for (let n = 1; n <= 20; n++) server.sendTo(session.id, 'news', n);
    assert.deepEqual((await reconnected)[0], { recovered: true });
    await waitUntil(() => newsOf(client).length === 20, 3000, 'twenty pushes');
    assert.deepEqual(newsOf(client), Array.from({ length: 20 }, (_, index) => index + 1));
  });

  QUnit.test('after the window: recovered false (expired), a new id, no rooms', async (assert) => {
    const server = await startNode({ recoveryWindow: 100 });
    const { client, proxy, session } = await connectThroughProxy(server, 400);
    await client.request('join', { room: 'red' });
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    await cut(server, proxy);
    server.broadcast('news', 'missed');
    assert.deepEqual((await reconnected)[0], { recovered: false, reason: 'expired' });
    const now = (await client.request('session')) as SessionView;
    assert.notStrictEqual(now.id, session.id);
    assert.deepEqual(now.rooms, []);
    assert.deepEqual(newsOf(client), [], 'nothing replayed');
  });

  QUnit.test('more missed pushes than the cap: recovered false (gap), never a partial replay', async (assert) => {
    const server = await startNode({ recoveryMaxBuffered: 3 });
    const { client, proxy, session } = await connectThroughProxy(server);
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    await cut(server, proxy);
    for (let n = 1; n <= 5; n++) server.sendTo(session.id, 'news', n);
    assert.deepEqual((await reconnected)[0], { recovered: false, reason: 'gap' });
    server.broadcast('news', 'fresh');
    await waitUntil(() => newsOf(client).length > 0, 3000, 'a push to the new session');
    assert.deepEqual(newsOf(client), ['fresh']);
  });

  QUnit.test('a token is single use, bound to its session, and the auth handler still decides', async (assert) => {
    const server = await startNode();
    const first = await RawPeer.connect(server);
    const answer = await first.auth(server);
    const token = answer.recovery!.token;
    assert.true(token.length >= 40, 'long enough to hold 192 random bits');
    const id = (answer.response as { id: string }).id;
    first.destroy();
    await nextEvent(server.events, 'disconnect');

    const forged = await RawPeer.connect(server);
    const wrongSecret = await forged.auth(server, { resume: { token: `${id}.${'A'.repeat(32)}`, seq: 0 } });
    assert.deepEqual([wrongSecret.recovery?.recovered, wrongSecret.recovery?.reason], [false, 'unknown-token'], 'a guessed secret is refused');

    const refused = await RawPeer.connect(server);
    const denied = await refused.auth(server, { authKey: 'wrong', resume: { token, seq: 0 } });
    assert.strictEqual(denied.error?.code, 'AUTH_FAILED', 'the auth handler refuses a resume like any auth');

    const thief = await RawPeer.connect(server);
    const stolen = await thief.auth(server, { resume: { token, seq: 0 } });
    assert.true(stolen.recovery?.recovered, 'neither the forgery nor the refused auth used the session up');
    assert.notStrictEqual(stolen.recovery?.token, token, 'a new token after the resume');
    const again = await RawPeer.connect(server);
    const reused = await again.auth(server, { resume: { token, seq: 0 } });
    assert.deepEqual([reused.recovery?.recovered, reused.recovery?.reason], [false, 'unknown-token'], 'a used token is refused');
    assert.false(JSON.stringify(server.clientMap.get(id)?.meta ?? {}).includes(token), 'the token is not in meta');
  });

  QUnit.test('heartbeat answers carry the position; pushes carry their number', async (assert) => {
    const server = await startNode();
    const peer = await RawPeer.connect(server);
    const answer = await peer.auth(server);
    const id = (answer.response as { id: string }).id;
    assert.strictEqual(answer.recovery?.seq, 0);
    server.sendTo(id, 'news', 'a');
    server.broadcast('news', 'b');
    assert.deepEqual([(await peer.next((each) => each.response === 'a')).seq, (await peer.next((each) => each.response === 'b')).seq], [1, 2]);
    peer.send({ request: 'heartBeat', seq: 2 });
    assert.strictEqual((await peer.next((each) => each.request === 'heartBeat')).seq, 2);
  });

  QUnit.test('a numbered broadcast leaves as one frame per peer, text in plaintext and binary encrypted, large or small', async (assert) => {
    // Broadcasts write each peer's number into bytes (push-stamper.ts); texts over 16 Ki
    // UTF-16 units, and pushes that share a record, take the string path.
    const large = `ü${'x'.repeat(20_000)}`;
    for (const encryption of [false, true]) {
      const server = await startNode({ encryption });
      const peers = [await RawPeer.connect(server), await RawPeer.connect(server)];
      const ids: string[] = [];
      for (const peer of peers) ids.push(((await peer.auth(server)).response as { id: string }).id);
      server.sendTo(ids[1]!, 'news', 'first');
      await peers[1]!.next((each) => each.response === 'first');
      const before = peers.map((peer) => peer.wire.length);
      server.broadcast('news', 'héllo 👋');
      server.broadcast('news', large);
      const seqs = [];
      for (const peer of peers) seqs.push([(await peer.next((each) => each.response === 'héllo 👋')).seq, (await peer.next((each) => each.response === large)).seq]);
      assert.deepEqual(seqs, [[1, 2], [2, 3]], `encryption ${encryption}: each peer's own numbers`);
      const frames = peers.map((peer, index) => peer.wire.slice(before[index]));
      assert.deepEqual(frames.map((each) => each.map((frame) => frame.isBinary)), [[encryption, encryption], [encryption, encryption]], `encryption ${encryption}: one frame per push, of the channel's type`);
      await server.close();
    }
  });

  QUnit.test('off (SOCKET_RECOVERY_WINDOW=0): no token, no numbers; a reconnect says recovered false (disabled)', async (assert) => {
    const server = await startNode({ recoveryWindow: 0 });
    const peer = await RawPeer.connect(server);
    const answer = await peer.auth(server);
    assert.strictEqual(answer.recovery, undefined);
    server.broadcast('news', 'plain');
    assert.strictEqual((await peer.next((each) => each.request === 'news')).seq, undefined);
    const { client, proxy } = await connectThroughProxy(server, 20);
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    await cut(server, proxy);
    assert.deepEqual((await reconnected)[0], { recovered: false, reason: 'disabled' });
  });

  QUnit.test('two nodes: back on the other node, same id, rooms and meta; missed pushes from both nodes once, in order', async (assert) => {
    const hub = new MemoryHub();
    const a = await startNode({ broker: hub.broker() });
    const b = await startNode({ broker: hub.broker() });
    const { client, proxy, session } = await connectThroughProxy(a);
    await client.request('join', { room: 'red' });
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    await cut(a, proxy);
    proxy.retarget(b.port);
    pushAll(a, session.id, 'a');
    pushAll(b, session.id, 'b');
    assert.deepEqual((await reconnected)[0], { recovered: true });
    const now = (await client.request('session')) as SessionView;
    assert.deepEqual([now.id, now.rooms, now.user], [session.id, ['red'], 'ann'], 'restored on node b');
    assert.true(b.clientMap.has(session.id) && !a.clientMap.has(session.id));
    a.sendTo(session.id, 'news', 'after');
    await waitUntil(() => newsOf(client).includes('after'), 3000, 'a push from node a after the resume');
    assert.deepEqual(newsOf(client), [...MISSED('a'), ...MISSED('b'), 'after']);
  });

  QUnit.test('two nodes, a half-open link: the node still holding the session lets go when the client comes back on the other node', async (assert) => {
    const hub = new MemoryHub();
    const a = await startNode({ broker: hub.broker(), heartBeatInterval: 5000 });
    const b = await startNode({ broker: hub.broker(), heartBeatInterval: 5000 });
    const { client, proxy, session } = await connectThroughProxy(a, 20, 60);
    const { id } = session;
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    proxy.freeze();
    proxy.retarget(b.port);
    for (let n = 1; n <= 5; n++) a.sendTo(id, 'news', n);
    assert.deepEqual((await reconnected)[0], { recovered: true });
    assert.true(b.clientMap.has(id) && !a.clientMap.has(id), 'node a let go long before its own silence limit');
    b.broadcast('news', 6);
    await waitUntil(() => newsOf(client).length === 6, 3000, 'six pushes');
    assert.deepEqual(newsOf(client), [1, 2, 3, 4, 5, 6], 'what was lost in the frozen link came back');
  });

  QUnit.test('two nodes, a deploy: node a shuts down (1001), its client resumes on node b with what was pushed meanwhile', async (assert) => {
    const hub = new MemoryHub();
    const a = await startNode({ broker: hub.broker() });
    const b = await startNode({ broker: hub.broker() });
    const { client, proxy, session } = await connectThroughProxy(a, 100);
    await client.request('join', { room: 'red' });
    const reconnected = nextEvent<[RecoveryOutcome]>(client.events, 'reconnected');
    proxy.retarget(b.port);
    await a.close();
    b.broadcast('news', 'during the deploy', { room: 'red' });
    assert.deepEqual((await reconnected)[0], { recovered: true });
    await waitUntil(() => newsOf(client).length === 1, 3000, 'the push made during the deploy');
    assert.deepEqual(newsOf(client), ['during the deploy']);
    assert.strictEqual(((await client.request('session')) as SessionView).id, session.id);
  });
});
