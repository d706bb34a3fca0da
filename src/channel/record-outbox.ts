/**
 * Write coalescing into records: the messages written to one connection in one tick leave
 * as one record, sealed once and written once, when the tick ends (process.nextTick, after
 * the current callback and its microtasks, so an unloaded connection's latency does not
 * change). Under load a connection answers many calls per tick; each frame would cost an
 * AEAD operation, a WebSocket frame and a write system call.
 *
 * Idle connections pay one small object and no timer or closure: the outboxes with pending
 * messages wait in one module-wide list, flushed by one nextTick for all of them.
 */
import { appendToRecord, fitsInRecord } from '../protocol/record.js';

/** Where an outbox hands its records: the owner seals and writes each as one frame. */
export interface RecordSink {
  /** `messages`: how many messages the record holds (for metrics). */
  writeRecord(record: string, messages: number): void;
}

/** One connection's messages of the current tick, joined into a record. */
export class RecordOutbox {
  readonly #sink: RecordSink;
  readonly #maxPayload: number;
  /** The record so far; V8 keeps the joins as a rope until the seal flattens it once. */
  #pending: string | undefined;
  #count = 0;

  /** Records never exceed `maxPayload` bytes, except a single message that does by itself. */
  constructor(sink: RecordSink, maxPayload: number) {
    this.#sink = sink;
    this.#maxPayload = maxPayload;
  }

  /** Whether no message is waiting. */
  get isEmpty(): boolean {
    return this.#pending === undefined;
  }

  /** Queues `message` for this tick's record (messages keep their order). */
  add(message: string): void {
    const pending = this.#pending;
    if (pending === undefined) {
      this.#pending = message;
      this.#count = 1;
      if (dirty.push(this) === 1) process.nextTick(flushDirty);
    } else if (fitsInRecord(pending, message, this.#maxPayload, byteLength)) {
      this.#pending = appendToRecord(pending, message);
      this.#count += 1;
    } else {
      // The record is full: it leaves now, and `message` starts the next one (still listed
      // for this tick's flush).
      const count = this.#count;
      this.#pending = message;
      this.#count = 1;
      this.#sink.writeRecord(pending, count);
    }
  }

  /** Hands the pending record, if any, to the sink now. */
  flush(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#sink.writeRecord(pending, this.#count);
  }

  /** Drops what is pending (the connection is gone, or must not send any more). */
  discard(): void {
    this.#pending = undefined;
  }
}

let dirty: RecordOutbox[] = [];

function flushDirty(): void {
  // Swapped first: a flush may close a connection, and a close hook may send elsewhere,
  // which schedules a new list.
  const batch = dirty;
  dirty = [];
  for (const outbox of batch) outbox.flush();
}

function byteLength(text: string): number {
  return Buffer.byteLength(text);
}
