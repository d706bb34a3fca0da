/** A connection's recovery state while it is open. Pure. */
import { PushTail } from './push-tail.js';

/** What the auth answer, and the connection's `recovery`, say about a resume. */
export interface RecoveryOutcome {
  /** Whether the session was resumed: same id, rooms and meta, missed pushes replayed. */
  readonly recovered: boolean;
  /** Why not (see RESUME_REFUSALS in src/protocol/constants.ts). */
  readonly reason?: string | undefined;
}

/** The session of one open connection: its token secret and its numbered pushes. */
export class LiveSession {
  /** The secret half of the token the client holds now (never logged). */
  readonly secret: string;
  readonly tail: PushTail;
  /** Set when the session left this connection (saved as away, or taken over by a resume). */
  ended = false;
  /** What the store last got, so a save is skipped when nothing changed. */
  savedState: string | undefined;

  constructor(secret: string, tail: PushTail) {
    this.secret = secret;
    this.tail = tail;
  }
}
