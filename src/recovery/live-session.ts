/** A connection's recovery state while it is open. Pure. */
import { PushTail } from './push-tail.js';

/** What the auth answer, and the connection's `recovery`, say about a resume. */
export interface RecoveryOutcome {
  /** Whether the session was resumed: same id, rooms and meta, missed pushes replayed. */
  readonly recovered: boolean;
  /** Why not (see RESUME_REFUSALS in src/protocol/constants.ts). */
  readonly reason?: string | undefined;
}

/**
 * The session of one open connection: its token secret, and its pushes numbered 1, 2, 3,
 * ... with the texts of those the client has not acknowledged (what a resume replays
 * first). One object while nothing is unacknowledged, as on most idle connections: the
 * tail is made at the first push and let go once the client has acknowledged everything.
 */
export class LiveSession {
  /** The secret half of the token the client holds now (never logged). */
  readonly secret: string;
  /** Set when the session left this connection (saved as away, or taken over by a resume). */
  ended = false;
  /** What the store last got, so a save is skipped when nothing changed. */
  savedState: string | undefined;
  #seq: number;
  #tail: PushTail | undefined;

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
    return this.#tail?.size ?? 0;
  }

  /** Numbers `text` and keeps it until acknowledged (the newest `max` at most); returns its number. */
  add(text: string, max: number): number {
    (this.#tail ??= new PushTail(max)).add(text);
    return ++this.#seq;
  }

  /** The client has every push up to `seq`: those need no replay. */
  acknowledge(seq: number): void {
    const tail = this.#tail;
    if (tail === undefined) return;
    const unacknowledged = this.#seq - Math.max(0, Math.min(seq, this.#seq));
    if (unacknowledged === 0) this.#tail = undefined;
    else tail.keepNewest(unacknowledged);
  }

  /** The unacknowledged pushes, oldest first (the last one is number {@link seq}). */
  texts(): string[] {
    return this.#tail?.texts() ?? [];
  }
}
