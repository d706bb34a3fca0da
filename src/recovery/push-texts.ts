/**
 * The texts of the newest pushes a process sent, at most `capacity`, each at a position
 * 0, 1, 2, ...: what open sessions keep for a resume replays from here, by position. Pure.
 *
 * A session used to keep the texts themselves, one pointer per delivery in its own ring.
 * Kept for the heartbeat interval (or up to the session's cap), those pointers outlive the
 * young generation, and every one is an old-to-young reference the scavenger must visit:
 * measured at ~3% of server CPU per push. A position is a number (no reference for the GC
 * to trace), and a broadcast's text is stored once here for all its recipients.
 *
 *   texts (capacity 4):  [ p4 | p5 | p2 | p3 ]   next 6: positions 2..5 held
 *   a position older than next - capacity is gone: its session resumes with a gap
 */

/** The ring's first size; doubled as pushes go in, up to the capacity. */
const FIRST_SIZE = 1024;

/** A bounded, position-addressed ring of push texts; the oldest go first. */
export class PushTexts {
  #texts: Array<string | undefined> = [];
  /** The position the next text gets (every position below it was given out). */
  #next = 0;
  #last: string | undefined;

  constructor(readonly capacity: number) {}

  /**
   * The position of `text`: the last one stored when `text` is that same text (a broadcast
   * or a push by meta stores its text once for all recipients), else a new one.
   */
  positionOf(text: string): number {
    if (text === this.#last) return this.#next - 1;
    let texts = this.#texts;
    if (this.#next >= texts.length && texts.length < this.capacity) texts = this.#texts = grown(texts, this.#next, this.capacity);
    texts[this.#next % texts.length] = text;
    this.#last = text;
    return this.#next++;
  }

  /** The text at `position`; undefined once it has gone (more than `capacity` newer ones). */
  textAt(position: number): string | undefined {
    if (position >= this.#next || position < this.#next - this.#texts.length) return undefined;
    return this.#texts[position % this.#texts.length];
  }
}

/** A ring twice as large (within `capacity`) with the texts below `next` moved to their slots in it. */
function grown(texts: Array<string | undefined>, next: number, capacity: number): Array<string | undefined> {
  const length = Math.min(capacity, Math.max(FIRST_SIZE, texts.length * 2));
  // Filled, not lengthened: a packed array stays in V8's fast elements at any size.
  const larger: Array<string | undefined> = [];
  while (larger.length < length) larger.push(undefined);
  for (let position = Math.max(0, next - texts.length); position < next; position++) larger[position % length] = texts[position % texts.length];
  return larger;
}
