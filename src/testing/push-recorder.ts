/** Pushes one client received, by name, for tests to await in order. */
import type { SocketClient } from '../client/socket-client.js';
import { SocketError } from '../errors.js';
import type { SocketApi } from '../rpc/api-types.js';

/** Pushes kept per name before the oldest are dropped: a test that never reads them must not grow forever. */
const MAX_KEPT_PER_NAME = 1000;

/** Options of `nextPush`. */
export interface NextPushOptions {
  /** Milliseconds to wait before rejecting with `TIMEOUT`. @default 2000 */
  timeout?: number;
}

interface Waiter {
  resolve(payload: unknown): void;
  reject(error: SocketError): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Records every push a client receives from the moment it is attached, so a test can
 * await a push that arrived before it asked (a handler that pushes and then answers).
 */
export class PushRecorder {
  readonly #kept = new Map<string, unknown[]>();
  readonly #waiting = new Map<string, Waiter[]>();
  readonly #detach: () => void;

  constructor(client: SocketClient<SocketApi | undefined>) {
    const onPush = (request: string, payload: unknown): void => this.#record(request, payload);
    client.events.on('push', onPush);
    this.#detach = () => client.events.off('push', onPush);
  }

  /** The oldest push named `name` not taken yet, or the next one to arrive. @throws SocketError `TIMEOUT` */
  next(name: string, options: NextPushOptions = {}): Promise<unknown> {
    const kept = this.#kept.get(name);
    if (kept !== undefined && kept.length > 0) return Promise.resolve(kept.shift());
    const timeout = options.timeout ?? 2000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (payload) => {
          clearTimeout(waiter.timer);
          resolve(payload);
        },
        reject: (error) => {
          clearTimeout(waiter.timer);
          reject(error);
        },
        timer: setTimeout(() => {
          this.#forget(name, waiter);
          reject(new SocketError('TIMEOUT', `No push "${name}" within ${timeout} ms`));
        }, timeout),
      };
      this.#waiting.set(name, [...(this.#waiting.get(name) ?? []), waiter]);
    });
  }

  /** Stops recording; anyone still waiting is rejected `CLIENT_CLOSED`. */
  close(): void {
    this.#detach();
    for (const waiters of this.#waiting.values()) for (const waiter of waiters) waiter.reject(new SocketError('CLIENT_CLOSED', 'The test pair was closed'));
    this.#waiting.clear();
    this.#kept.clear();
  }

  #record(name: string, payload: unknown): void {
    const waiter = this.#waiting.get(name)?.shift();
    if (waiter !== undefined) return waiter.resolve(payload);
    const kept = this.#kept.get(name) ?? [];
    if (kept.push(payload) > MAX_KEPT_PER_NAME) kept.shift();
    this.#kept.set(name, kept);
  }

  #forget(name: string, waiter: Waiter): void {
    this.#waiting.set(name, (this.#waiting.get(name) ?? []).filter((other) => other !== waiter));
  }
}
