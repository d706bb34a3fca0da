import { Handler, secretsEqual, type Connection } from 'dropsocket';

/**
 * Required: every connection's first request. A truthy return authenticates the connection;
 * falsy (or a throw) closes it with 4001. With encryption on, the Noise handshake has already
 * proven the peer holds the key; this check also covers plaintext mode, and is where an app
 * would look up a user or token in `data`.
 */
export default class Auth extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const { authKey, name } = (data ?? {}) as { authKey?: unknown; name?: unknown };
    // A web page proves SOCKET_BROWSER_KEY, which anyone with the page has: a real app would
    // also demand a user token in authData from `keyName === 'browser'` connections.
    const { config } = this.socketServer;
    const expected = connection.keyName === 'browser' ? config.browserKey : config.authKey;
    // Constant time: a plain === would leak how many leading characters matched.
    if (typeof authKey !== 'string' || expected === null || !secretsEqual(authKey, expected)) return false;
    connection.meta.name = typeof name === 'string' && name.length > 0 ? name.slice(0, 64) : `guest-${connection.id}`;
    return { id: connection.id, name: connection.meta.name };
  }
}
