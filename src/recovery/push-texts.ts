/**
 * The texts of the newest pushes a process sent, at most `capacity`, each at a position
 * 0, 1, 2, ...: what open sessions keep for a resume replays from here, by position. Pure.
 *
 * A session used to keep the texts themselves, one pointer per delivery in its own ring:
 * per session, a bound of `SOCKET_RECOVERY_MAX_BUFFERED` texts, and none in total. Here a
 * broadcast's text is stored once for all its recipients, and the total is bounded.
 *
 * A text is needed until its sessions have acknowledged it (with their heartbeats) or
 * saved it away (when their socket closes, or when a frozen link is found dead). Which
 * texts that is, only the sessions know; so the texts are forgotten by age instead: each
 * {@link mark} (the server calls it once per heartbeat interval) forgets those older than
 * the position of {@link KEPT_MARKS} marks ago. The ring grows only while what it would
 * overwrite is still kept, so a quiet server holds few texts, and none for long.
 *
 *   texts (ring of 4):  [ p4 | p5 | p2 | p3 ]   next 6: positions 2..5 held
 *   a position older than next - ring length, or than the forgotten mark, is gone: its
 *   session resumes with a gap
 */

/** The ring's first size; doubled as pushes go in, up to the capacity. */
const FIRST_SIZE = 1024;

/**
 * Heartbeat intervals a text is kept at least. A session acknowledges every interval; a
 * frozen link is found dead within 3 (2.5 intervals of silence, swept every half
 * interval), and its pushes since the last acknowledgement go into its saved record then.
 */
export const KEPT_MARKS = 5;

/** A bounded, position-addressed ring of push texts; the oldest go first. */
export class PushTexts {
  #texts: Array<string | undefined> = [];
  /** The position the next text gets (every position below it was given out). */
  #next = 0;
  /** Positions below this are forgotten. */
  #forgotten = 0;
  #last: string | undefined;
  /** The positions at the last marks, oldest first. */
  readonly #marks: number[] = [];

  constructor(readonly capacity: number) {}

  /**
   * The position of `text`: the last one stored when `text` is that same text (a broadcast
   * or a push by meta stores its text once for all recipients), else a new one.
   */
  positionOf(text: string): number {
    if (text === this.#last) return this.#next - 1;
    let texts = this.#texts;
    // Full: grows only if the slot it would overwrite still holds a kept text.
    if (this.#next >= texts.length && texts.length < this.capacity && this.#forgotten <= this.#next - texts.length) {
      texts = this.#texts = grown(texts, this.#next, this.#forgotten, this.capacity);
    }
    texts[this.#next % texts.length] = text;
    this.#last = text;
    return this.#next++;
  }

  /** Slots of the ring (its memory: 8 bytes each, plus the texts kept). */
  get slots(): number {
    return this.#texts.length;
  }

  /** The text at `position`; undefined once it has gone (forgotten, or more than `capacity` newer ones). */
  textAt(position: number): string | undefined {
    if (position >= this.#next || position < this.#forgotten || position < this.#next - this.#texts.length) return undefined;
    return this.#texts[position % this.#texts.length];
  }

  /** Marks the passing of a heartbeat interval; texts older than KEPT_MARKS marks ago are forgotten. */
  mark(): void {
    this.#marks.push(this.#next);
    if (this.#marks.length > KEPT_MARKS) this.#forgetBefore(this.#marks.shift()!);
  }

  #forgetBefore(position: number): void {
    const texts = this.#texts;
    for (let at = Math.max(this.#forgotten, this.#next - texts.length); at < position; at++) texts[at % texts.length] = undefined;
    this.#forgotten = Math.max(this.#forgotten, position);
    // The last text's position is forgotten: the same text again needs a new one.
    if (position >= this.#next) this.#last = undefined;
  }
}

/** A ring twice as large (within `capacity`) with the kept texts below `next` moved to their slots in it. */
function grown(texts: Array<string | undefined>, next: number, forgotten: number, capacity: number): Array<string | undefined> {
  const length = Math.min(capacity, Math.max(FIRST_SIZE, texts.length * 2));
  // Filled, not lengthened: a packed array stays in V8's fast elements at any size.
  const larger: Array<string | undefined> = [];
  while (larger.length < length) larger.push(undefined);
  for (let position = Math.max(forgotten, next - texts.length); position < next; position++) larger[position % length] = texts[position % texts.length];
  return larger;
}
