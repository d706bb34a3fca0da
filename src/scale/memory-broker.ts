/**
 * An in-process broker: several servers in one process share a {@link MemoryHub}. It is
 * the reference implementation of the seam (the contract tests run against it, and it
 * can be switched off and on to play a broker outage), not a way to scale a process.
 */
import type { Broker, LogAppend, LogPosition, LogRead, NodeRecord } from './broker.js';
import { LogRing } from './log-ring.js';
import { SessionTable } from './session-table.js';

/** Options of {@link MemoryHub}. */
export interface MemoryHubOptions {
  /** Entries kept; older ones are trimmed. @default 10000 */
  maxLength?: number;
  /** Clock of the node table's expiry (ms). @default Date.now */
  now?: () => number;
}

/** The shared state: one log, one node table. */
export class MemoryHub {
  readonly #log: LogRing;
  /** Session records of recovery. @internal */
  readonly sessions: SessionTable;
  #available = true;
  readonly #nodes = new Map<string, { record: NodeRecord; expiresAt: number }>();
  readonly #waiters = new Set<() => void>();
  readonly #now: () => number;

  constructor(options: MemoryHubOptions = {}) {
    this.#log = new LogRing(options.maxLength ?? 10_000);
    this.#now = options.now ?? Date.now;
    this.sessions = new SessionTable(this.#now);
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
    this.#log.clear(true);
    this.sessions.clear();
    this.#nodes.clear();
    this.#wake();
  }

  /** @internal */
  check(): void {
    if (!this.#available) throw new Error('memory broker unavailable');
  }

  /** @internal */
  head(): LogPosition {
    return this.#log.head();
  }

  /** @internal */
  append(entry: LogAppend): void {
    this.#log.append(entry);
    this.#wake();
  }

  /** @internal */
  readNow(from: LogPosition, limit?: number): LogRead {
    return this.#log.readAfter(from, limit);
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

  history(from: LogPosition, limit: number): Promise<LogRead> {
    return this.#call(() => this.hub.readNow(from, limit));
  }

  saveSession(id: string, record: string, ttlMs: number): Promise<void> {
    return this.#call(() => this.hub.sessions.save(id, record, ttlMs));
  }

  peekSession(id: string): Promise<string | undefined> {
    return this.#call(() => this.hub.sessions.peek(id));
  }

  takeSession(id: string): Promise<string | undefined> {
    return this.#call(() => this.hub.sessions.take(id));
  }

  dropSession(id: string): Promise<void> {
    return this.#call(() => this.hub.sessions.drop(id));
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
