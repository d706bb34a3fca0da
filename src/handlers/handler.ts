import type { SocketClient } from '../client/socket-client.js';
import type { Connection } from '../server/connection.js';
import type { SocketServer } from '../server/socket-server.js';
import type { StandardSchema } from './standard-schema.js';

/**
 * Marks Handler subclasses across copies of this module (two installs of dropsocket, or a
 * handler loaded through another loader), where `instanceof` alone would say no.
 */
const HANDLER_BRAND = Symbol.for('dropsocket.handler');

/**
 * Base class of every handler file's default export.
 *
 * Define `server(data, connection)` to answer requests on the server, `client(payload)` to
 * receive pushes and answer server calls on the client, or both. The return value of
 * `server()` is the response; a throw is answered with an error `{code, message}`.
 *
 * Inside `server()`, `this.server` is the SocketServer and inside `client()`, `this.client`
 * is the SocketClient, as in Stonyx. In TypeScript those names are taken by the methods,
 * so the same objects are typed as `this.socketServer` and `this.socketClient`.
 */
export abstract class Handler {
  static readonly [HANDLER_BRAND] = true;

  /** When true, the handler runs before the connection has authenticated. @default false */
  static skipAuth = false;

  /** Optional Standard Schema for `data`; invalid input is answered `VALIDATION_ERROR`. */
  static schema: StandardSchema | undefined = undefined;

  /** Runs on the server for each request of this name. */
  server?(data: unknown, connection: Connection): unknown;

  /** Runs on the client for each push or server call of this name. */
  client?(payload: unknown): unknown;

  /** The SocketServer this handler is registered on (server side only). */
  get socketServer(): SocketServer {
    return ownValue(this, 'server') as SocketServer;
  }

  /** The SocketClient this handler is registered on (client side only). */
  get socketClient(): SocketClient {
    return ownValue(this, 'client') as SocketClient;
  }
}

function ownValue(handler: Handler, key: 'server' | 'client'): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(handler, key);
  if (descriptor === undefined) throw new Error(`This handler is not registered on a socket ${key}`);
  return descriptor.value;
}

/** A class that extends {@link Handler}. */
export type HandlerClass = (abstract new () => Handler) & {
  skipAuth: boolean;
  schema: StandardSchema | undefined;
};

/** Whether `value` is a class extending {@link Handler} (from any copy of this module). */
export function isHandlerClass(value: unknown): value is HandlerClass {
  if (typeof value !== 'function') return false;
  return value.prototype instanceof Handler || (value as unknown as Record<symbol, unknown>)[HANDLER_BRAND] === true;
}
