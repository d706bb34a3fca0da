/**
 * Calls awaiting an answer, by correlation id, each with its own deadline. Used by the
 * client for its requests and by each server connection for server-to-client calls.
 * Invariant: every promise handed out is settled exactly once (answer, timeout, or
 * `rejectAll`), so no request can hang.
 */
import { SocketError } from '../errors.js';
import type { Envelope } from '../protocol/envelope.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: SocketError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Calls in flight from one side of one connection. */
export class PendingRequests {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  /** Number of calls awaiting an answer. */
  get size(): number {
    return this.#pending.size;
  }

  /** Allocates an id and a promise that settles with the answer or fails after `timeoutMs`. */
  create(request: string, timeoutMs: number): { id: number; promise: Promise<unknown> } {
    const id = this.#nextId;
    // Ids stay positive safe integers however long a connection lives.
    this.#nextId = id >= Number.MAX_SAFE_INTEGER ? 1 : id + 1;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SocketError('TIMEOUT', `No answer to "${request}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    return { id, promise };
  }

  /** Settles the call an answer envelope refers to; false when no such call is pending. */
  settle(answer: Envelope): boolean {
    const pending = answer.id === undefined ? undefined : this.#pending.get(answer.id);
    if (pending === undefined) return false;
    this.#pending.delete(answer.id!);
    clearTimeout(pending.timer);
    if (answer.error !== undefined) pending.reject(new SocketError(answer.error.code, answer.error.message));
    else pending.resolve(answer.response);
    return true;
  }

  /** Fails one call, e.g. when its request could not be sent. */
  reject(id: number, error: SocketError): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  /** Fails every pending call at once, e.g. when the connection drops. */
  rejectAll(error: SocketError): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}
