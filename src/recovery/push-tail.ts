/**
 * The pushes a connection was sent and the client has not yet acknowledged, numbered 1,
 * 2, 3, ... in the session. A dropped link loses whatever was in flight; these are what
 * a resume replays first. Bounded: past `max`, the oldest go (a resume that would need
 * them then fails with `gap`, never replays with a hole). Pure.
 *
 * On the push path of every connection: dropping the oldest moves a start index and the
 * array is compacted once in a while, so a full tail costs O(1) per push, not a shift.
 */
export class PushTail {
  /** Encoded pushes (without their number) from index {@link #start}, oldest first; the last is number {@link seq}. */
  #texts: Array<string | undefined>;
  #start = 0;
  #seq: number;

  constructor(
    private readonly max: number,
    seq = 0,
    texts: readonly string[] = [],
  ) {
    this.#seq = seq;
    this.#texts = texts.slice(-max);
  }

  /** The number of the last push. */
  get seq(): number {
    return this.#seq;
  }

  /** Pushes held. */
  get size(): number {
    return this.#texts.length - this.#start;
  }

  /** Numbers and keeps one push; returns its number. */
  add(text: string): number {
    this.#texts.push(text);
    if (this.size > this.max) this.#drop(1);
    return ++this.#seq;
  }

  /** The client has everything up to `seq`: those need no replay. */
  acknowledge(seq: number): void {
    const drop = this.size - (this.#seq - Math.min(seq, this.#seq));
    if (drop > 0) this.#drop(drop);
  }

  /** The held pushes, oldest first (the last one is number {@link seq}). */
  texts(): string[] {
    return this.#texts.slice(this.#start) as string[];
  }

  #drop(count: number): void {
    this.#texts.fill(undefined, this.#start, this.#start + count);
    this.#start += count;
    // Compact once the dropped part outweighs the kept part: amortised O(1) per push.
    if (this.#start > 32 && this.#start * 2 > this.#texts.length) {
      this.#texts = this.#texts.slice(this.#start);
      this.#start = 0;
    }
  }
}
