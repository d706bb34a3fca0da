import type { AddressInfo } from 'node:net';
import QUnit from 'qunit';
import { WebSocket, WebSocketServer } from 'ws';
import { HandshakeState } from '../../src/crypto/noise.js';
import { derivePsk } from '../../src/crypto/psk.js';
import { PROTOCOL_PROLOGUE } from '../../src/protocol/constants.js';
import { SocketClient, type Connection, type SocketError } from '../../src/index.js';
import type { WebSocketConstructor } from '../../src/browser/index.js';
import { browserClientFor, resetBrowserClients } from '../helpers/browser-client.js';
import { makeSelfSignedCert, type SelfSignedCert } from '../helpers/self-signed-cert.js';
import { clientOptionsFor, resetAll, startClient, startServer, TEST_KEY } from '../helpers/start-server.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { nextEvent, within } from '../helpers/wait-for.js';

const PAGE_KEY = 'cGFnZS1rZXktZm9yLWRyb3Bzb2NrZXQtdGVzdHMtMDE';
const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (error: unknown) => (error as SocketError).code);

/** The `ws` WebSocket trusting `ca`, shaped like the browser's (which trusts what the OS or the test's browser flags say). */
function webSocketTrusting(ca: Buffer): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { ca });
    }
  } as unknown as WebSocketConstructor;
}

QUnit.module('integration: TLS (wss://)', (hooks) => {
  let cert: SelfSignedCert;
  useTempDir(hooks, 'tls', (dir) => {
    cert = makeSelfSignedCert(dir);
  });
  hooks.afterEach(async () => {
    await resetBrowserClients();
    await resetAll();
  });

  for (const encryption of [true, false]) {
    QUnit.test(`both clients talk to the server over wss:// with a trusted CA (encryption ${encryption ? 'on' : 'off'})`, async (assert) => {
      const server = await startServer({ encryption, tlsCert: cert.certPath, tlsKey: cert.keyPath });
      const address = `wss://127.0.0.1:${server.port}`;
      const node = await startClient(server, { address, ca: cert.cert });
      assert.strictEqual(await node.request('echo', 'over tls'), 'over tls');
      const page = browserClientFor(server, { address, WebSocket: webSocketTrusting(cert.cert) });
      await page.init();
      assert.strictEqual(await page.request('add', { a: 1, b: 2 }), 3);
      assert.strictEqual(server.clientMap.size, 2);
    });
  }

  QUnit.test('a certificate the client does not trust is refused unless rejectUnauthorized is false', async (assert) => {
    const server = await startServer({ tlsCert: cert.certPath, tlsKey: cert.keyPath });
    const address = `wss://127.0.0.1:${server.port}`;
    const strict = new SocketClient(clientOptionsFor(server, { address, singleton: false, maxReconnectAttempts: 0 }));
    assert.strictEqual(await codeOf(strict.init()), 'CONNECT_FAILED');
    const lax = await startClient(server, { address, rejectUnauthorized: false });
    assert.strictEqual(await lax.request('echo', 1), 1);
  });

  QUnit.test('a plain ws:// client cannot talk to a wss:// server', async (assert) => {
    const server = await startServer({ tlsCert: cert.certPath, tlsKey: cert.keyPath });
    const client = new SocketClient(clientOptionsFor(server, { singleton: false, maxReconnectAttempts: 0, authTimeout: 2000 }));
    assert.notStrictEqual(await codeOf(client.init()), 'resolved');
  });

  QUnit.test('an unreadable or unusable certificate fails init with CONFIG_INVALID, naming no key material', async (assert) => {
    assert.strictEqual(await codeOf(startServer({ tlsCert: `${cert.certPath}.missing`, tlsKey: cert.keyPath })), 'CONFIG_INVALID');
    await resetAll();
    assert.strictEqual(await codeOf(startServer({ tlsCert: cert.keyPath, tlsKey: cert.certPath })), 'CONFIG_INVALID');
  });
});

QUnit.module('integration: the browser key (SOCKET_BROWSER_KEY)', (hooks) => {
  let impostor: WebSocketServer | undefined;
  hooks.afterEach(async () => {
    await resetBrowserClients();
    await resetAll();
    if (impostor !== undefined) {
      for (const socket of impostor.clients) socket.terminate();
      await new Promise((resolve) => impostor!.close(resolve));
      impostor = undefined;
    }
  });

  for (const encryption of [true, false]) {
    QUnit.test(`the auth handler sees which key a client holds (encryption ${encryption ? 'on' : 'off'})`, async (assert) => {
      const server = await startServer({ encryption, browserKey: PAGE_KEY });
      const authenticated: Connection[] = [];
      server.onClientAuthenticated = (connection) => authenticated.push(connection);
      await startClient(server);
      const page = browserClientFor(server, { authKey: PAGE_KEY });
      await page.init();
      assert.deepEqual(page.authResponse, { welcome: 'anonymous', keyName: 'browser' });
      assert.deepEqual(authenticated.map((connection) => connection.keyName), ['service', 'browser']);
    });
  }

  QUnit.test('a page key cannot complete a handshake as the service key', async (assert) => {
    const withoutBrowserKey = await startServer();
    const refused = browserClientFor(withoutBrowserKey, { authKey: PAGE_KEY });
    const closed = nextEvent<[Connection, number]>(withoutBrowserKey.events, 'disconnect');
    assert.strictEqual(await codeOf(refused.init()), 'HANDSHAKE_FAILED');
    assert.strictEqual((await closed)[1], 4002, 'the server closed 4002 before any application frame');
    await resetAll();
    // With both keys configured, the page key is accepted, but only ever as "browser": the
    // service key is never inferred from a page's handshake.
    const server = await startServer({ browserKey: PAGE_KEY });
    const keyNames: string[] = [];
    server.onClientAuthenticated = (connection) => keyNames.push(connection.keyName);
    const page = browserClientFor(server, { authKey: PAGE_KEY });
    await page.init();
    assert.deepEqual(keyNames, ['browser']);
  });

  QUnit.test('a service client refuses a server that only knows the page key', async (assert) => {
    const pageOnly = await startServer({ authKey: PAGE_KEY });
    const service = new SocketClient(clientOptionsFor(pageOnly, { authKey: TEST_KEY, singleton: false, maxReconnectAttempts: 0 }));
    assert.strictEqual(await codeOf(service.init()), 'HANDSHAKE_FAILED');
  });

  QUnit.test('an impostor holding only the page key cannot answer a service client\'s handshake', async (assert) => {
    // It cannot read frame 1, so it answers with a frame 2 from a handshake of its own under
    // the page key: well formed, 48 bytes, binary. The client must refuse it with 4002.
    impostor = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => impostor!.once('listening', resolve));
    const closeCode = new Promise<number>((resolve) => impostor!.once('connection', (socket) => {
      socket.on('close', (code) => resolve(code));
      socket.once('message', () => {
        const prologue = Buffer.from(PROTOCOL_PROLOGUE, 'ascii');
        const own = new HandshakeState({ initiator: true, prologue, psk: derivePsk(PAGE_KEY) });
        const responder = new HandshakeState({ initiator: false, prologue, psk: derivePsk(PAGE_KEY) });
        responder.readMessage(own.writeMessage(Buffer.alloc(0)));
        socket.send(responder.writeMessage(Buffer.alloc(0)));
      });
    }));
    const port = (impostor.address() as AddressInfo).port;
    const server = await startServer();
    const service = new SocketClient(clientOptionsFor(server, { address: `ws://127.0.0.1:${port}`, singleton: false, maxReconnectAttempts: 0 }));
    assert.strictEqual(await codeOf(service.init()), 'HANDSHAKE_FAILED');
    assert.strictEqual(await within(closeCode, 3000, 'client close'), 4002);
  });
});
