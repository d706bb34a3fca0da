import { Handler, secretsEqual, type Connection } from 'dropsocket';

/** The benchmark's auth: the shared key, checked in constant time; answers with the connection id. */
export default class Auth extends Handler {
  override server(data: unknown, connection: Connection): unknown {
    const authKey = (data as { authKey?: unknown } | null)?.authKey;
    if (typeof authKey !== 'string' || !secretsEqual(authKey, this.socketServer.config.authKey)) return false;
    return { id: connection.id };
  }
}
