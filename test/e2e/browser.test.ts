/**
 * A real headless Chromium (Debian's) loads the built browser module and talks to a real
 * `dropsocket serve` subprocess running the example chat handlers, beside a Node client:
 * encrypted over ws://, then plaintext over wss://. Also the Noise vector in Chromium and a
 * screenshot of the example page (test-artifacts/, not committed).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import QUnit from 'qunit';
import { SocketClient, silentLogger } from '../../src/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { ROOT, children, exited, startServe, type Env, type RunningServe } from '../helpers/cli-process.js';
import { makeSelfSignedCert, type SelfSignedCert } from '../helpers/self-signed-cert.js';
import { StaticServer } from '../helpers/static-server.js';
import { waitUntil, within } from '../helpers/wait-for.js';

const SERVICE_KEY = 'YnJvd3Nlci10ZXN0LXNlcnZpY2Uta2V5LWZvci1kcm8';
const PAGE_KEY = 'YnJvd3Nlci10ZXN0LXBhZ2Uta2V5LTAtZm9yLWRyb3A';
const WRONG_KEY = 'YnJvd3Nlci10ZXN0LXdyb25nLWtleS0wLWZvci1kcm8';
const BUNDLE = join(ROOT, 'dist', 'browser', 'dropsocket.js');
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
  request(name: string, data?: unknown): Promise<unknown>;
  tryKey(args: { address: string; key: string; encryption: boolean }): Promise<{ code: string; closeCodes: number[] }>;
  close(): Promise<void>;
  vector(vector: unknown): Promise<Array<{ step: string; expected: string; actual: string }>>;
  state: { pushes: unknown[]; reconnected: number };
}
/** The page's global scope (page.evaluate bodies run there, so they name it themselves). */
type PageScope = typeof globalThis & { harness: Harness };

let browser: Browser | undefined;
let pages: StaticServer | undefined;
let certDir: string | undefined;
let cert: SelfSignedCert;
let exampleConfig = '{}';
const nodeClients = new Set<SocketClient>();

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
});
