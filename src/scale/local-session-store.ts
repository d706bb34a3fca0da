/**
 * Recovery on one process, with no broker: sessions and the push history in this
 * process's memory. The history records the pushes that may concern a session that is
 * away (broadcasts, meta pushes, direct pushes to an id that is not connected) only while
 * some session is away or resuming; otherwise it holds nothing and costs a counter.
 */
import type { LogPosition, LogRead, SessionStore } from './broker.js';
import { LogRing } from './log-ring.js';
import { encodeRelayMessage, type RelayMessage } from './relay-message.js';
import { SessionTable } from './session-table.js';

/** The store and push history of one process. */
export class LocalSessionStore implements SessionStore {
  readonly #log: LogRing;
  readonly #sessions = new SessionTable();
  #seq = 0;
  #resuming = 0;

  constructor(
    /** This node's name (entries carry it, like a broker's). */
    private readonly node: string,
    maxLength: number,
  ) {
    this.#log = new LogRing(maxLength);
  }

  /** The last sequence number this node gave a push. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The end of the history: a session saved now missed what comes after it. */
  get position(): LogPosition {
    return this.#log.head();
  }

  /** Whether a session with this id is away (a push for it is kept). */
  hasSession(id: string): boolean {
    return this.#sessions.has(id);
  }

  /** Records a push that may concern a session that is away; returns its sequence number. */
  publish(message: RelayMessage): number {
    const seq = ++this.#seq;
    if (this.#sessions.size === 0 && this.#resuming === 0) {
      if (this.#log.length > 0) this.#log.clear(false);
      return seq;
    }
    try {
      this.#log.append({ node: this.node, seq, body: encodeRelayMessage(message) });
    } catch {
      // A meta value that is not JSON matched nothing here and could match nothing later.
    }
    return seq;
  }

  /** A resume is being worked out: keep recording until {@link resumeEnded}. */
  resumeStarted(): void {
    this.#resuming += 1;
  }

  resumeEnded(): void {
    this.#resuming -= 1;
  }

  async history(from: LogPosition, limit: number): Promise<LogRead> {
    return this.#log.readAfter(from, limit);
  }

  async saveSession(id: string, record: string, ttlMs: number): Promise<void> {
    this.#sessions.save(id, record, ttlMs);
  }

  async peekSession(id: string): Promise<string | undefined> {
    return this.#sessions.peek(id);
  }

  async takeSession(id: string): Promise<string | undefined> {
    return this.#sessions.take(id);
  }

  async dropSession(id: string): Promise<void> {
    this.#sessions.drop(id);
  }
}
