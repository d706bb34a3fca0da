/** Real servers and clients on 127.0.0.1, port 0, with the fixture handlers. */
import { fileURLToPath } from 'node:url';
import { RawPeer } from './raw-peer.js';
import { SocketClient, SocketServer, silentLogger, type SocketClientOptions, type SocketServerOptions } from '../../src/index.js';

/** Fixture handler folders by name. */
export function fixtureHandlers(name: 'valid' | 'missing-auth' | 'duplicate' | 'bad-export' | 'reserved' | 'client-only' | 'hostile'): string {
  return fileURLToPath(new URL(`../fixtures/handlers/${name}`, import.meta.url));
}

/** A fixed key in keygen form, so no scrypt runs per test. */
export const TEST_KEY = 'dGVzdC1rZXktZm9yLWRyb3Bzb2NrZXQtdGVzdHMtMDE';

/** Starts the singleton server with fixture handlers on a free loopback port. */
export async function startServer(options: SocketServerOptions = {}): Promise<SocketServer> {
  const server = new SocketServer({
    port: 0,
    host: '127.0.0.1',
    handlerDir: fixtureHandlers('valid'),
    authKey: TEST_KEY,
    logger: silentLogger,
    // Bounds how long a reset waits for a stuck handler.
    shutdownTimeout: 1000,
    ...options,
  });
  await server.init();
  return server;
}

/** Options that point a client at `server`. */
export function clientOptionsFor(server: SocketServer, options: SocketClientOptions = {}): SocketClientOptions {
  return {
    address: `ws://127.0.0.1:${server.port}`,
    handlerDir: fixtureHandlers('valid'),
    authKey: server.config.authKey,
    encryption: server.config.encryption,
    logger: silentLogger,
    ...options,
  };
}

/** Connects and authenticates a client to `server`; `singleton: false` for extra clients. */
export async function startClient(server: SocketServer, options: SocketClientOptions = {}): Promise<SocketClient> {
  const client = new SocketClient(clientOptionsFor(server, options));
  await client.init();
  return client;
}

const extraClients = new Set<SocketClient>();

/** An independent (non-singleton) client, closed by {@link resetAll}. */
export async function startExtraClient(server: SocketServer, options: SocketClientOptions = {}): Promise<SocketClient> {
  const client = new SocketClient(clientOptionsFor(server, { ...options, singleton: false }));
  extraClients.add(client);
  await client.init();
  return client;
}

/** Closes every client and the server, and clears the singletons. Use in afterEach. */
export async function resetAll(): Promise<void> {
  RawPeer.destroyAll();
  for (const client of extraClients) await client.close();
  extraClients.clear();
  await SocketClient.instance?.reset();
  await SocketServer.instance?.reset();
}
