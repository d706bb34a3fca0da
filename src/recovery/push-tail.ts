/**
 * The pushes a connection was sent and the client has not yet acknowledged, numbered 1,
 * 2, 3, ... in the session. A dropped link loses whatever was in flight; these are what
 * a resume replays first. Bounded: past `max`, the oldest go (a resume that would need
 * them then fails with `gap`, never replays with a hole). Pure.
 */
export class PushTail {
  /** Encoded pushes (without their number), oldest first; the last one is number {@link seq}. */
  #texts: string[];
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
    return this.#texts.length;
  }

  /** Numbers and keeps one push; returns its number. */
  add(text: string): number {
    this.#texts.push(text);
    if (this.#texts.length > this.max) this.#texts.shift();
    return ++this.#seq;
  }

  /** The client has everything up to `seq`: those need no replay. */
  acknowledge(seq: number): void {
    const drop = this.#texts.length - (this.#seq - Math.min(seq, this.#seq));
    if (drop > 0) this.#texts.splice(0, drop);
  }

  /** The held pushes, oldest first (the last one is number {@link seq}). */
  texts(): string[] {
    return this.#texts.slice();
  }
}
