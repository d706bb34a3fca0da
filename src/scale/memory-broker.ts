/**
 * An in-process broker: several servers in one process share a {@link MemoryHub}. It is
 * the reference implementation of the seam (the contract tests run against it, and it
 * can be switched off and on to play a broker outage), not a way to scale a process.
 */
import { randomIdPrefix } from '../crypto/random.js';
import { LOG_START, type Broker, type LogAppend, type LogEntry, type LogPosition, type LogRead, type NodeRecord } from './broker.js';

/** Options of {@link MemoryHub}. */
export interface MemoryHubOptions {
  /** Entries kept; older ones are trimmed. @default 10000 */
  maxLength?: number;
  /** Clock of the node table's expiry (ms). @default Date.now */
  now?: () => number;
}

/** The shared state: one log, one node table. */
export class MemoryHub {
  #epoch = randomIdPrefix();
  #entries: LogEntry[] = [];
  #nextOffset = 1;
  #available = true;
  readonly #nodes = new Map<string, { record: NodeRecord; expiresAt: number }>();
  readonly #waiters = new Set<() => void>();
  readonly #maxLength: number;
  readonly #now: () => number;

  constructor(options: MemoryHubOptions = {}) {
    this.#maxLength = options.maxLength ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** A broker for one node. */
  broker(): Broker {
    return new MemoryBroker(this);
  }

  /** Plays an outage: while false, every call rejects. */
  setAvailable(available: boolean): void {
    this.#available = available;
    if (!available) this.#wake();
  }

  /** Forgets the log and starts a new epoch, as a Redis without persistence does on restart. */
  reset(): void {
    this.#epoch = randomIdPrefix();
    this.#entries = [];
    this.#nodes.clear();
    this.#wake();
  }

  /** @internal */
  check(): void {
    if (!this.#available) throw new Error('memory broker unavailable');
  }

  /** @internal */
  head(): LogPosition {
    const last = this.#entries.at(-1);
    return { epoch: this.#epoch, offset: last?.offset ?? LOG_START };
  }

  /** @internal */
  append(entry: LogAppend): void {
    this.#entries.push({ ...entry, offset: `0-${this.#nextOffset++}` });
    if (this.#entries.length > this.#maxLength) this.#entries.splice(0, this.#entries.length - this.#maxLength);
    this.#wake();
  }

  /** @internal */
  readNow(from: LogPosition): LogRead {
    if (from.epoch !== this.#epoch) return { epoch: this.#epoch, entries: this.#entries.slice(), gap: 'epoch-changed' };
    const after = sequenceOf(from.offset);
    const firstKept = this.#entries[0];
    const start = this.#entries.findIndex((entry) => sequenceOf(entry.offset) > after);
    const entries = start < 0 ? [] : this.#entries.slice(start);
    const trimmed = firstKept !== undefined && sequenceOf(firstKept.offset) > after + 1;
    return { epoch: this.#epoch, entries, gap: trimmed ? 'trimmed' : undefined };
  }

  /** @internal Resolves on the next append (or outage), or after `ms`. */
  waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  /** @internal */
  setNode(record: NodeRecord, ttlMs: number): void {
    this.#nodes.set(record.node, { record, expiresAt: this.#now() + ttlMs });
  }

  /** @internal */
  removeNode(node: string): void {
    this.#nodes.delete(node);
    // A closing node's pending read must end now, not when its wait runs out.
    this.#wake();
  }

  /** @internal */
  liveNodes(): NodeRecord[] {
    const now = this.#now();
    return [...this.#nodes.values()].filter((row) => row.expiresAt > now).map((row) => row.record);
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

class MemoryBroker implements Broker {
  readonly kind = 'memory';
  #closed = false;

  constructor(private readonly hub: MemoryHub) {}

  start(): Promise<LogPosition> {
    return this.#call(() => this.hub.head());
  }

  append(entry: LogAppend): Promise<void> {
    return this.#call(() => this.hub.append(entry));
  }

  async read(from: LogPosition, waitMs: number): Promise<LogRead> {
    const first = await this.#call(() => this.hub.readNow(from));
    if (first.entries.length > 0 || first.gap !== undefined) return first;
    await this.hub.waitForChange(waitMs);
    return this.#call(() => this.hub.readNow(from));
  }

  publishNode(record: NodeRecord, ttlMs: number): Promise<void> {
    return this.#call(() => this.hub.setNode(record, ttlMs));
  }

  liveNodes(): Promise<NodeRecord[]> {
    return this.#call(() => this.hub.liveNodes());
  }

  async close(node: string): Promise<void> {
    this.#closed = true;
    this.hub.removeNode(node);
  }

  async #call<T>(run: () => T): Promise<T> {
    if (this.#closed) throw new Error('memory broker closed');
    this.hub.check();
    return run();
  }
}

function sequenceOf(offset: string): number {
  return Number(offset.slice(offset.indexOf('-') + 1));
}
