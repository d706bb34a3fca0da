import { Handler, secretsEqual, type Connection } from 'dropsocket';

/**
 * Pages connect with SOCKET_BROWSER_KEY (keyName "browser"), which anyone who loads the
 * page can read: it keeps the network out, not people. So a browser connection must also
 * bring a name here (a real app would check a user token from its login); service
 * clients (keyName "service") hold the real secret.
 */
export default class Auth extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const { authKey, name } = (data ?? {}) as { authKey?: unknown; name?: unknown };
    const { config } = this.socketServer;
    const expected = connection.keyName === 'browser' ? config.browserKey : config.authKey;
    if (typeof authKey !== 'string' || expected === null || !secretsEqual(authKey, expected)) return false;
    if (connection.keyName === 'browser' && (typeof name !== 'string' || name.trim() === '')) return false;
    connection.meta.name = typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 32) : 'service';
    return { name: connection.meta.name, keyName: connection.keyName };
  }
}
