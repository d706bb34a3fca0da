/**
 * A real headless Chromium (Debian's) loads the built browser module and talks to a real
 * `dropsocket serve` subprocess running the example chat handlers, beside a Node client:
 * encrypted over ws://, then plaintext over wss://. Also the Noise vector in Chromium, a
 * screenshot of the example page (test-artifacts/, not committed), and a page resuming its
 * session after its link was cut (an in-process server behind a TCP proxy: the test pushes
 * while the page is away and decides when it may come back).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import QUnit from 'qunit';
import { fileURLToPath } from 'node:url';
import { SocketClient, SocketServer, silentLogger, type Connection } from '../../src/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { ROOT, children, exited, startServe, type Env, type RunningServe } from '../helpers/cli-process.js';
import { makeSelfSignedCert, type SelfSignedCert } from '../helpers/self-signed-cert.js';
import { StaticServer } from '../helpers/static-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { nextEvent, waitUntil, within } from '../helpers/wait-for.js';

const SERVICE_KEY = 'YnJvd3Nlci10ZXN0LXNlcnZpY2Uta2V5LWZvci1kcm8';
const PAGE_KEY = 'YnJvd3Nlci10ZXN0LXBhZ2Uta2V5LTAtZm9yLWRyb3A';
const WRONG_KEY = 'YnJvd3Nlci10ZXN0LXdyb25nLWtleS0wLWZvci1kcm8';
const BUNDLE = join(ROOT, 'dist', 'browser', 'dropsocket.js');
/** Handlers with `session`, `join` and the `news` push (test/fixtures/handlers/scale). */
const SCALE_HANDLERS = fileURLToPath(new URL('../fixtures/handlers/scale', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'browser-chat');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const PAGE_WAIT_MS = 8000;
/**
 * Per test, above the suite's 20 s: Chromium's cold start alone took over 20 s on a loaded
 * 2-core machine. Every wait inside is bounded on its own.
 */
const BROWSER_TEST_MS = 90_000;

interface Harness {
  connect(args: { address: string; key: string; encryption: boolean }): Promise<unknown>;
  connectResumable(args: { address: string; key: string; encryption: boolean }): Promise<{ id: string; rooms: string[] }>;
  request(name: string, data?: unknown): Promise<unknown>;
  tryKey(args: { address: string; key: string; encryption: boolean }): Promise<{ code: string; closeCodes: number[] }>;
  close(): Promise<void>;
  vector(vector: unknown): Promise<Array<{ step: string; expected: string; actual: string }>>;
  state: { pushes: unknown[]; reconnected: number; news: unknown[]; outcomes: unknown[] };
}
/** The page's global scope (page.evaluate bodies run there, so they name it themselves). */
type PageScope = typeof globalThis & { harness: Harness };

let browser: Browser | undefined;
let pages: StaticServer | undefined;
let certDir: string | undefined;
let cert: SelfSignedCert;
let exampleConfig = '{}';
const nodeClients = new Set<SocketClient>();
const servers = new Set<SocketServer>();
const proxies = new Set<TcpProxy>();
const refusers = new Set<Server>();

function serveSettings(encryption: boolean, tls: boolean, port = 0): Env {
  return {
    SOCKET_PORT: String(port), SOCKET_HOST: '127.0.0.1', SOCKET_HANDLER_DIR: join(EXAMPLE, 'socket-handlers'),
    SOCKET_AUTH_KEY: SERVICE_KEY, SOCKET_BROWSER_KEY: PAGE_KEY, SOCKET_ENCRYPTION: String(encryption),
    ...(tls && { SOCKET_TLS_CERT: cert.certPath, SOCKET_TLS_KEY: cert.keyPath }),
  };
}

async function stop(server: RunningServe): Promise<void> {
  server.child.kill('SIGTERM');
  await exited(server.child);
}

async function openHarness(): Promise<Page> {
  const context = await browser!.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
  await page.goto(`${pages!.origin}/`);
  await page.waitForFunction(() => (globalThis as { harness?: unknown }).harness !== undefined);
  return page;
}

/** A TCP server on 127.0.0.1:0 that drops every connection at once: where a cut-off page is sent until it may come back. */
async function startRefuser(): Promise<number> {
  const refuser = createServer((socket) => socket.destroy());
  refusers.add(refuser);
  await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
  return (refuser.address() as { port: number }).port;
}

async function nodeClient(address: string, encryption: boolean): Promise<SocketClient> {
  const client = new SocketClient({ address, authKey: SERVICE_KEY, encryption, ca: cert.cert, logger: silentLogger, loadHandlers: false, singleton: false, reconnectBaseDelay: 50, reconnectMaxDelay: 300 });
  nodeClients.add(client);
  await client.init();
  return client;
}

QUnit.module('e2e: browser client in Chromium', (hooks) => {
  hooks.beforeEach((assert) => {
    assert.timeout(BROWSER_TEST_MS);
  });
  hooks.before(async (assert) => {
    assert.timeout(BROWSER_TEST_MS);
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first (npm test does)`);
    certDir = await mkdtemp(join(tmpdir(), 'dropsocket-browser-'));
    cert = makeSelfSignedCert(certDir);
    const vector = await build({ entryPoints: [join(ROOT, 'test', 'helpers', 'web-noise-vector.ts')], bundle: true, format: 'esm', platform: 'browser', write: false });
    pages = await StaticServer.start({
      '/': { body: () => '<!doctype html><meta charset="utf-8"><title>dropsocket browser test</title><script type="module" src="/harness.js"></script>', type: 'text/html' },
      '/harness.js': { file: join(ROOT, 'test', 'browser', 'harness.js') },
      '/dropsocket.js': { file: BUNDLE },
      '/vector.js': { body: () => vector.outputFiles[0]!.text, type: 'text/javascript' },
      '/example/': { file: join(EXAMPLE, 'index.html') },
      '/example/app.js': { file: join(EXAMPLE, 'app.js') },
      '/example/dropsocket.js': { file: BUNDLE },
      '/example/config.json': { body: () => exampleConfig, type: 'application/json' },
    });
    browser = await launchChromium();
  });
  hooks.afterEach(async () => {
    for (const client of nodeClients) await within(client.close(), 3000, 'node client close');
    nodeClients.clear();
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    children.clear();
    for (const context of browser?.contexts() ?? []) await context.close();
    for (const proxy of proxies) await proxy.close();
    proxies.clear();
    for (const refuser of refusers) await new Promise((resolve) => refuser.close(resolve));
    refusers.clear();
    for (const server of servers) await server.close();
    servers.clear();
  });
  hooks.after(async () => {
    await browser?.close();
    await pages?.close();
    if (certDir !== undefined) await rm(certDir, { recursive: true, force: true });
  });

  QUnit.test('the built WebCrypto Noise reproduces the published NNpsk0 vector in Chromium', async (assert) => {
    const page = await openHarness();
    const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'noise-nnpsk0.json'), 'utf8')) as { vectors: unknown[] };
    const results = await page.evaluate((vector) => (globalThis as PageScope).harness.vector(vector), fixture.vectors[0]);
    assert.strictEqual(results.length, 14);
    for (const { step, expected, actual } of results) assert.strictEqual(actual, expected, step);
  });

  for (const [encryption, tls] of [[true, false], [false, true]] as const) {
    QUnit.test(`a page and a Node client share one server (${encryption ? 'encrypted' : 'plaintext'} over ${tls ? 'wss' : 'ws'}://), through a restart`, async (assert) => {
      let server = await startServe(serveSettings(encryption, tls));
      assert.strictEqual(server.scheme, tls ? 'wss' : 'ws', `serve prints listening on ${tls ? 'wss' : 'ws'}://`);
      const address = `${server.scheme}://127.0.0.1:${server.port}`;
      const page = await openHarness();
      assert.deepEqual(await page.evaluate((args) => (globalThis as PageScope).harness.connect(args), { address, key: PAGE_KEY, encryption }), { name: 'page', keyName: 'browser' });
      const node = await nodeClient(address, encryption);
      assert.deepEqual(node.authResponse, { name: 'service', keyName: 'service' });

      assert.deepEqual(await page.evaluate(() => (globalThis as PageScope).harness.request('chat.say', { text: 'hello from the page' })), { delivered: 2 });
      assert.deepEqual(await node.request('chat.say', { text: 'hello from node' }), { delivered: 2 });
      await page.waitForFunction(() => (globalThis as PageScope).harness.state.pushes.length === 2);
      const pushes = await page.evaluate(() => (globalThis as PageScope).harness.state.pushes as unknown as Array<{ from: string; text: string }>);
      assert.deepEqual(pushes.map(({ from, text }) => `${from}: ${text}`), ['page: hello from the page', 'service: hello from node'], 'broadcasts reach the page in order');

      await stop(server);
      server = await startServe(serveSettings(encryption, tls, server.port));
      await page.waitForFunction(() => (globalThis as PageScope).harness.state.reconnected === 1);
      await waitUntil(() => node.ready, PAGE_WAIT_MS, 'the Node client to reconnect');
      assert.deepEqual(await page.evaluate(() => (globalThis as PageScope).harness.request('chat.say', { text: 'back' })), { delivered: 2 }, 'the page is served after the restart');
      await page.waitForFunction(() => (globalThis as PageScope).harness.state.pushes.length === 3);
      await page.evaluate(() => (globalThis as PageScope).harness.close());
      await stop(server);
    });
  }

  QUnit.test('a page with a wrong key is refused with 4002 before any application frame', async (assert) => {
    const server = await startServe(serveSettings(true, false));
    const page = await openHarness();
    const result = await page.evaluate((args) => (globalThis as PageScope).harness.tryKey(args), { address: `ws://127.0.0.1:${server.port}`, key: WRONG_KEY, encryption: true });
    assert.deepEqual(result, { code: 'HANDSHAKE_FAILED', closeCodes: [4002] });
  });

  QUnit.test('the example chat page connects, shows its state, chats; a screenshot is saved', async (assert) => {
    const server = await startServe(serveSettings(true, false));
    exampleConfig = JSON.stringify({ address: `ws://127.0.0.1:${server.port}`, key: PAGE_KEY, encryption: true });
    const context = await browser!.newContext({ viewport: { width: 800, height: 560 } });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_WAIT_MS);
    await page.goto(`${pages!.origin}/example/?name=ada`);
    await page.waitForSelector('#status[data-state="connected"]');
    await page.fill('#text', 'Hello over dropsocket');
    await page.click('button');
    await page.waitForSelector('#messages li');
    assert.strictEqual(await page.textContent('#messages li'), 'adaHello over dropsocket');
    assert.strictEqual(await page.textContent('#status'), 'connected as ada');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'browser-chat.png') });
    await stop(server);
    await page.waitForSelector('#status[data-state="reconnecting"]');
    assert.true((await page.textContent('#status'))!.startsWith('reconnecting: attempt'), 'the page shows it is reconnecting');
  });

  QUnit.test('a page cut off for a moment resumes its session: every missed push once, in order, before new ones; onReconnected says recovered', async (assert) => {
    const server = new SocketServer({ singleton: false, port: 0, host: '127.0.0.1', handlerDir: SCALE_HANDLERS, authKey: PAGE_KEY, logger: silentLogger });
    servers.add(server);
    await server.init();
    const proxy = await TcpProxy.start(server.port);
    proxies.add(proxy);
    const page = await openHarness();
    const session = await page.evaluate((args) => (globalThis as PageScope).harness.connectResumable(args), { address: `ws://127.0.0.1:${proxy.port}`, key: PAGE_KEY, encryption: true });
    assert.deepEqual(await page.evaluate(() => (globalThis as PageScope).harness.request('join', { room: 'red' })), ['red']);
    server.broadcast('news', 'before:all');
    server.sendTo(session.id, 'news', 'before:direct');
    await page.waitForFunction(() => (globalThis as PageScope).harness.state.news.length === 2);

    // Cut: until the proxy is pointed back at the server, every reconnect attempt is dropped.
    proxy.retarget(await startRefuser());
    const gone = nextEvent(server.events, 'disconnect', PAGE_WAIT_MS);
    proxy.drop();
    await gone;
    const missed = ['away:all', 'away:red', 'away:direct', 'away:meta'];
    server.broadcast('news', missed[0]);
    server.broadcast('news', missed[1], { room: 'red' });
    server.broadcast('news', 'away:blue', { room: 'blue' });
    server.sendTo(session.id, 'news', missed[2]);
    server.sendToByMeta('user', 'page', 'news', missed[3]);

    // Back: the first push after the resume is sent the moment the server accepts it, so it
    // races the replay if the replay were not sent first.
    const resumed = new Promise<string>((resolve) => server.events.once('authenticated', (connection: Connection) => {
      server.broadcast('news', 'after:all');
      resolve(connection.id);
    }));
    proxy.retarget(server.port);
    assert.strictEqual(await within(resumed, PAGE_WAIT_MS, 'the page to come back'), session.id, 'the same connection id');
    // A last push: whatever came twice or late would arrive before it (pushes keep their order).
    await page.waitForFunction(() => (globalThis as PageScope).harness.state.news.includes('after:all'));
    server.broadcast('news', 'last');
    await page.waitForFunction(() => (globalThis as PageScope).harness.state.news.includes('last') && (globalThis as PageScope).harness.state.outcomes.length > 0);
    const state = await page.evaluate(() => (globalThis as PageScope).harness.state);
    assert.deepEqual(state.outcomes, [{ recovered: true }], 'onReconnected gets {recovered: true}, once');
    assert.deepEqual(state.news, ['before:all', 'before:direct', ...missed, 'after:all', 'last'], 'every missed push once, in order, before the new ones');
    const after = await page.evaluate(() => (globalThis as PageScope).harness.request('session'));
    assert.deepEqual([(after as { id: string }).id, (after as { rooms: string[] }).rooms], [session.id, ['red']], 'same id and rooms on the server');
    await page.evaluate(() => (globalThis as PageScope).harness.close());
  });
});
