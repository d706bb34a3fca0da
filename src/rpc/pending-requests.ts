/**
 * Calls awaiting an answer, by correlation id, each with its own deadline. Used by the
 * client for its requests and by each server connection for server-to-client calls.
 * Invariant: every promise handed out is settled exactly once (answer, timeout, or
 * `rejectAll`), so no request can hang.
 *
 * One timer serves all deadlines: it is armed for the earliest one and re-armed when it
 * fires. A timer per call cost an allocation and two timer-list operations per round trip,
 * and deadlines almost never fire.
 */
import { SocketError } from '../errors.js';
import type { Envelope } from '../protocol/envelope.js';

interface Pending {
  request: string;
  timeoutMs: number;
  deadline: number;
  resolve(value: unknown): void;
  reject(error: SocketError): void;
}

/** Timers fire on libuv's cached loop time, which may lag the clock read at create(). */
const DEADLINE_SLACK_MS = 1;

const now = (): number => performance.now();

/** Calls in flight from one side of one connection. */
export class PendingRequests {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  /** Number of calls awaiting an answer. */
  get size(): number {
    return this.#pending.size;
  }

  /** Allocates an id and a promise that settles with the answer or fails after `timeoutMs`. */
  create(request: string, timeoutMs: number): { id: number; promise: Promise<unknown> } {
    const id = this.#nextId;
    // Ids stay positive safe integers however long a connection lives.
    this.#nextId = id >= Number.MAX_SAFE_INTEGER ? 1 : id + 1;
    const deadline = now() + timeoutMs;
    const promise = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { request, timeoutMs, deadline, resolve, reject });
    });
    if (deadline < this.#timerAt) this.#arm(deadline);
    return { id, promise };
  }

  /** Settles the call an answer envelope refers to; false when no such call is pending. */
  settle(answer: Envelope): boolean {
    const pending = answer.id === undefined ? undefined : this.#take(answer.id);
    if (pending === undefined) return false;
    if (answer.error !== undefined) pending.reject(new SocketError(answer.error.code, answer.error.message));
    else pending.resolve(answer.response);
    return true;
  }

  /** Fails one call, e.g. when its request could not be sent. */
  reject(id: number, error: SocketError): void {
    this.#take(id)?.reject(error);
  }

  /** Fails every pending call at once, e.g. when the connection drops. */
  rejectAll(error: SocketError): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    this.#disarm();
    for (const pending of all) pending.reject(error);
  }

  #take(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#disarm();
    return pending;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - now()));
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const limit = now() + DEADLINE_SLACK_MS;
    const expired: Pending[] = [];
    let next = Infinity;
    for (const [id, pending] of this.#pending) {
      if (pending.deadline <= limit) {
        this.#pending.delete(id);
        expired.push(pending);
      } else if (pending.deadline < next) next = pending.deadline;
    }
    if (next < Infinity) this.#arm(next);
    for (const { request, timeoutMs, reject } of expired) {
      reject(new SocketError('TIMEOUT', `No answer to "${request}" within ${timeoutMs} ms`));
    }
  }
}
