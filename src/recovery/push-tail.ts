/**
 * The texts of the newest pushes of a session, at most `max`, oldest first: the session
 * (live-session.ts) numbers them, this keeps them. Pure.
 *
 * On the push path of every delivery, so a push is one store into a ring: no shift, no
 * compaction copy, no growth once the ring has reached the size the session needs. The
 * ring doubles from a few slots up to `max` as pushes go unacknowledged.
 *
 *   ring:  [ e | f | b | c | d ]   holds b..f; the oldest sits `size` slots behind #next
 *                    ^ #next: where the next push goes (over b, the oldest, when full at max)
 */

/** The ring a tail starts with; doubled as it fills, up to `max`. */
const FIRST_RING_SIZE = 8;

/** A bounded ring of push texts. */
export class PushTail {
  #ring: Array<string | undefined>;
  /** Where the next push goes. */
  #next = 0;
  #size = 0;

  constructor(private readonly max: number) {
    this.#ring = filled([], Math.min(max, FIRST_RING_SIZE));
  }

  /** Texts held. */
  get size(): number {
    return this.#size;
  }

  /** Keeps `text` as the newest; past `max`, the oldest goes. */
  add(text: string): void {
    let ring = this.#ring;
    if (this.#size === ring.length) {
      if (ring.length < this.max) ring = this.#grow();
      // Full at max: the next slot holds the oldest, and it goes.
      else this.#size -= 1;
    }
    ring[this.#next] = text;
    if (++this.#next === ring.length) this.#next = 0;
    this.#size += 1;
  }

  /** Keeps only the newest `count` texts. */
  keepNewest(count: number): void {
    const ring = this.#ring;
    // Cleared, so the dropped texts can be collected before the ring wraps over them.
    for (let at = this.#oldest(); this.#size > count; this.#size--) {
      ring[at] = undefined;
      if (++at === ring.length) at = 0;
    }
  }

  /** The texts held, oldest first. */
  texts(): string[] {
    const ring = this.#ring;
    const texts = new Array<string>(this.#size);
    for (let i = 0, at = this.#oldest(); i < texts.length; i++) {
      texts[i] = ring[at]!;
      if (++at === ring.length) at = 0;
    }
    return texts;
  }

  #oldest(): number {
    const at = this.#next - this.#size;
    return at < 0 ? at + this.#ring.length : at;
  }

  /** A ring twice as large (within `max`), the texts held moved to its start. */
  #grow(): Array<string | undefined> {
    const texts = this.texts();
    this.#next = texts.length;
    return (this.#ring = filled(texts, Math.min(this.max, texts.length * 2)));
  }
}

/** `items` padded to `length`: filled, not lengthened, so V8 keeps it in fast elements at any size. */
function filled(items: Array<string | undefined>, length: number): Array<string | undefined> {
  while (items.length < length) items.push(undefined);
  return items;
}
