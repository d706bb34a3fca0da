/** A connection's recovery state while it is open. Pure. */

/** What the auth answer, and the connection's `recovery`, say about a resume. */
export interface RecoveryOutcome {
  /** Whether the session was resumed: same id, rooms and meta, missed pushes replayed. */
  readonly recovered: boolean;
  /** Why not (see RESUME_REFUSALS in src/protocol/constants.ts). */
  readonly reason?: string | undefined;
}

/** The ring a session's first push gets; doubled as it fills, up to the cap. */
const FIRST_RING_SIZE = 8;

/** The ring of every session that holds nothing: never written to (a full ring grows first). */
const NO_RING: Array<string | undefined> = [];

/**
 * The session of one open connection: its token secret, and its pushes numbered 1, 2, 3,
 * ... with the texts of those the client has not acknowledged (what a resume replays
 * first), at most `max` (past it the oldest go; a resume that would need them fails with
 * `gap`, never replays with a hole).
 *
 * On the push path of every delivery, so keeping a push is one store into a ring held
 * here (no object in between: each is another cache miss per delivery): push n sits in
 * slot n % ring length, and the held pushes are the newest `#held` numbers. An idle
 * session holds the shared empty ring; it grows by doubling from 8 slots, up to `max`, as
 * pushes go unacknowledged, and is let go once the client has acknowledged everything.
 *
 *   ring (5 slots):  [ 5 | 6 | 7 | 3 | 4 ]   seq 7, held 5: pushes 3..7
 */
export class LiveSession {
  /** The secret half of the token the client holds now (never logged). */
  readonly secret: string;
  /** Set when the session left this connection (saved as away, or taken over by a resume). */
  ended = false;
  #seq: number;
  #ring = NO_RING;
  #held = 0;

  /** `seq`: the number of the last push the session was sent (a resumed one goes on from it). */
  constructor(secret: string, seq = 0) {
    this.secret = secret;
    this.#seq = seq;
  }

  /** The number of the last push. */
  get seq(): number {
    return this.#seq;
  }

  /** Unacknowledged pushes held. */
  get held(): number {
    return this.#held;
  }

  /** Numbers `text` and keeps it until acknowledged (the newest `max` at most); returns its number. */
  add(text: string, max: number): number {
    const seq = ++this.#seq;
    let ring = this.#ring;
    if (this.#held === ring.length) {
      if (ring.length < max) ring = this.#ring = grown(ring, seq - 1, this.#held, max);
      // Full at max: push seq - max, the oldest, shares this slot and goes.
      else this.#held -= 1;
    }
    ring[seq % ring.length] = text;
    this.#held += 1;
    return seq;
  }

  /** The client has every push up to `seq`: those need no replay. */
  acknowledge(seq: number): void {
    const keep = this.#seq - Math.max(this.#seq - this.#held, Math.min(seq, this.#seq));
    if (keep === 0) {
      this.#ring = NO_RING;
      this.#held = 0;
      return;
    }
    // Cleared, so the acknowledged texts can be collected before the ring wraps over them.
    const ring = this.#ring;
    for (let n = this.#seq - this.#held + 1; n <= this.#seq - keep; n++) ring[n % ring.length] = undefined;
    this.#held = keep;
  }

  /** The unacknowledged pushes, oldest first (the last one is number {@link seq}). */
  texts(): string[] {
    const ring = this.#ring;
    const texts = new Array<string>(this.#held);
    for (let i = 0, n = this.#seq - this.#held + 1; i < texts.length; i++, n++) texts[i] = ring[n % ring.length]!;
    return texts;
  }

}

/**
 * A ring twice as large as `ring` (within `max`) with the `held` pushes up to number
 * `seq` moved to their slots in it. A function, not a private method: a class with
 * private methods carries a brand in every instance, 8 bytes on each idle session.
 */
function grown(ring: Array<string | undefined>, seq: number, held: number, max: number): Array<string | undefined> {
  const length = Math.min(max, Math.max(FIRST_RING_SIZE, ring.length * 2));
  // Filled, not lengthened: a packed array stays in V8's fast elements at any size.
  const larger: Array<string | undefined> = [];
  while (larger.length < length) larger.push(undefined);
  for (let n = seq - held + 1; n <= seq; n++) larger[n % length] = ring[n % ring.length];
  return larger;
}
