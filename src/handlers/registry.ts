/** The handlers one side (server or client) can run, by request name. */
import type { DiscoveredHandler } from './discover.js';
import type { Handler } from './handler.js';
import type { StandardSchema } from './standard-schema.js';

/** Which method of a handler a registry runs. */
export type HandlerSide = 'server' | 'client';

/** One registered handler. */
export interface HandlerEntry {
  readonly name: string;
  readonly file: string;
  readonly skipAuth: boolean;
  readonly schema: StandardSchema | undefined;
  readonly instance: Handler;
  /** The side's method bound to the instance; undefined when the file does not define it. */
  readonly run: ((input: unknown, context?: unknown) => unknown) | undefined;
}

/**
 * Handlers by name. A Map, not an object, so names such as `__proto__` or `constructor`
 * never resolve through a prototype chain.
 */
export class HandlerRegistry {
  readonly #entries = new Map<string, HandlerEntry>();
  readonly #instances = new Map<string, Handler>();

  /**
   * Instantiates each handler once for this side. `owner` (the SocketServer or
   * SocketClient) becomes the instance's own `server` or `client` property, as in Stonyx.
   */
  constructor(discovered: readonly DiscoveredHandler[], side: HandlerSide, owner: object) {
    for (const { name, file, HandlerClass } of discovered) {
      const Concrete = HandlerClass as unknown as new () => Handler;
      const instance = new Concrete();
      // Read the method before the own property of the same name shadows it.
      const method = (instance as unknown as Record<HandlerSide, unknown>)[side];
      Object.defineProperty(instance, side, { value: owner, enumerable: false, writable: false });
      const run = typeof method === 'function' ? (method as (input: unknown, context?: unknown) => unknown).bind(instance) : undefined;
      // The schema describes the data of server(); client() receives what the server sends.
      const schema = side === 'server' ? HandlerClass.schema : undefined;
      this.#entries.set(name, { name, file, skipAuth: HandlerClass.skipAuth === true, schema, instance, run });
      this.#instances.set(name, instance);
    }
  }

  /** The entry for `name`, if a file of that name exists. */
  get(name: string): HandlerEntry | undefined {
    return this.#entries.get(name);
  }

  /** Handler instances by name (every file, whatever methods it has). */
  get instances(): ReadonlyMap<string, Handler> {
    return this.#instances;
  }
}
