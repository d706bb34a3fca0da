/** The fuzzer's view of the server's connection events. */
import type { Connection, SocketServer } from '../../src/index.js';

/** What the fuzzer learns of one case's connection. */
export interface Followed {
  connection?: Connection;
  /** The code of its disconnect event. */
  code?: number;
}

/** Tallies the server's connection events and follows the connection of the case running. */
export class ServerWatch {
  connects = 0;
  disconnects = 0;
  #current: (Followed & { done: () => void }) | undefined;

  constructor(server: SocketServer) {
    server.events.on('connect', (connection) => {
      this.connects += 1;
      if (this.#current !== undefined && this.#current.connection === undefined) this.#current.connection = connection;
    });
    server.events.on('disconnect', (connection, code) => {
      this.disconnects += 1;
      if (this.#current?.connection === connection) {
        this.#current.code = code;
        this.#current.done();
      }
    });
  }

  /**
   * Follows the next connection (cases run one at a time, and the well-behaved client
   * connected before the first). `closed(ms)` resolves true once it has disconnected, or at
   * once if none came (an upgrade the server refused); false when `ms` passed first.
   */
  follow(): { get: () => Followed; closed: (ms: number) => Promise<boolean> } {
    let done!: () => void;
    const disconnected = new Promise<void>((resolve) => (done = resolve));
    const current: Followed & { done: () => void } = { done };
    this.#current = current;
    const closed = async (ms: number): Promise<boolean> => {
      if (current.connection === undefined) return true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
      const result = await Promise.race([disconnected.then(() => true), late]);
      clearTimeout(timer);
      return result;
    };
    return { get: () => current, closed };
  }
}
