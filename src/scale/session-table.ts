/**
 * Session records in memory, each forgotten after its time to live: the store of one
 * process, of the memory hub, and of the cluster primary. Records are kept in the order
 * they were last saved; with one time to live for all, that is also the order they
 * expire in, so forgetting them costs nothing per record that is kept.
 */

interface Row {
  readonly record: string;
  readonly expiresAt: number;
}

/** Records by session id, with expiry. */
export class SessionTable {
  readonly #rows = new Map<string, Row>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records held. */
  get size(): number {
    this.#sweep();
    return this.#rows.size;
  }

  save(id: string, record: string, ttlMs: number): void {
    this.#sweep();
    // Delete first, so a re-saved record moves to the end of the expiry order.
    this.#rows.delete(id);
    this.#rows.set(id, { record, expiresAt: this.now() + ttlMs });
  }

  peek(id: string): string | undefined {
    const row = this.#rows.get(id);
    return row === undefined || row.expiresAt <= this.now() ? undefined : row.record;
  }

  take(id: string): string | undefined {
    this.#sweep();
    const record = this.peek(id);
    this.#rows.delete(id);
    return record;
  }

  has(id: string): boolean {
    return this.peek(id) !== undefined;
  }

  drop(id: string): void {
    this.#rows.delete(id);
  }

  /** Forgets every record (a new epoch). */
  clear(): void {
    this.#rows.clear();
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, row] of this.#rows) {
      // Not sorted strictly when time to live differs; a later expiry just waits its turn.
      if (row.expiresAt > now) break;
      this.#rows.delete(id);
    }
  }
}
