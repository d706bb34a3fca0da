/** The browser SocketClient driven from Node: the `ws` package stands in for the page's WebSocket. */
import { WebSocket } from 'ws';
import { SocketClient, type SocketClientEvents, type SocketClientOptions, type WebSocketConstructor } from '../../src/browser/index.js';
import { silentLogger, type SocketServer } from '../../src/index.js';
import { within } from './wait-for.js';

const clients = new Set<SocketClient>();

/** A non-singleton browser client pointed at `server`, closed by {@link resetBrowserClients}. */
export function browserClientFor(server: SocketServer, options: SocketClientOptions = {}): SocketClient {
  const client = new SocketClient({
    address: `ws://127.0.0.1:${server.port}`,
    authKey: server.config.authKey,
    encryption: server.config.encryption,
    logger: silentLogger,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    singleton: false,
    ...options,
  });
  clients.add(client);
  return client;
}

/** Closes every browser client made by {@link browserClientFor}. */
export async function resetBrowserClients(): Promise<void> {
  for (const client of clients) await within(client.close(), 3000, 'browser client close');
  clients.clear();
}

/** The arguments of the next `event` of a browser client; rejects after `timeoutMs`. */
export function nextClientEvent<E extends keyof SocketClientEvents & string>(client: SocketClient, event: E, timeoutMs = 5000): Promise<SocketClientEvents[E]> {
  return within(new Promise<SocketClientEvents[E]>((resolve) => client.events.once(event, (...args) => resolve(args))), timeoutMs, event);
}
