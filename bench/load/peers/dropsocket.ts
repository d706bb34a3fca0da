/**
 * dropsocket peers: the real SocketClient, one independent instance per connection
 * (`singleton: false`), no reconnects, silent. Listening peers load the one client hook in
 * bench/client-handlers, which hands `fanout` pushes back through the push sink.
 */
import { fileURLToPath } from 'node:url';
import { SocketClient, silentLogger } from 'dropsocket';
import { NAMES } from '../../lib/payload.js';
import type { Target } from '../../servers/start-server.js';
import { listenForPushes } from '../push-sink.js';
import type { Peer, PushListener } from './peer.js';

const CLIENT_HANDLERS = fileURLToPath(new URL('../../client-handlers/', import.meta.url));

/** Connects, handshakes and authenticates one SocketClient. */
export async function connectDropsocket(target: Target, onPush?: PushListener): Promise<Peer> {
  const client = new SocketClient({
    singleton: false,
    address: target.url,
    authKey: target.authKey,
    encryption: target.encryption,
    logger: silentLogger,
    maxReconnectAttempts: 0,
    requestTimeout: 60_000,
    loadHandlers: onPush !== undefined,
    handlerDir: CLIENT_HANDLERS,
  });
  if (onPush !== undefined) listenForPushes(client, onPush);
  await client.init();
  return {
    call(data, done) {
      client.request(NAMES.echo, data).then(
        () => done(false),
        () => done(true),
      );
    },
    async trigger(data) {
      await client.request(NAMES.broadcast, data);
    },
    close: () => client.close(),
  };
}
