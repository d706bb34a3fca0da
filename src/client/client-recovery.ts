/**
 * The client's side of recovery: the resume token the server issued, and the number of
 * the last push received. After a reconnect it asks to resume (`data.resume`), and it
 * drops a push whose number it has already seen, so a replay is taken exactly once. Pure.
 */
import { RESUME_REFUSALS } from '../protocol/constants.js';
import type { RecoveryInfo } from '../protocol/envelope.js';
import type { RecoveryOutcome } from '../recovery/live-session.js';

/** Resume state of one client, across its sockets. */
export class ClientRecovery {
  #token: string | undefined;
  #lastSeq = 0;

  /** The number of the last push received in the session; undefined with recovery off. */
  get position(): number | undefined {
    return this.#token === undefined ? undefined : this.#lastSeq;
  }

  /** What to send as `data.resume` on a reconnect; undefined when there is nothing to resume. */
  resumeRequest(): { token: string; seq: number } | undefined {
    return this.#token === undefined ? undefined : { token: this.#token, seq: this.#lastSeq };
  }

  /**
   * Takes the auth answer's `recovery` (absent: the server has recovery off). Returns
   * whether the session was resumed; a new session numbers its pushes from 1 again.
   */
  authenticated(info: RecoveryInfo | undefined): RecoveryOutcome {
    const asked = this.#token !== undefined;
    this.#token = info?.token;
    if (info?.recovered === true) return { recovered: true };
    this.#lastSeq = 0;
    if (info === undefined) return { recovered: false, reason: RESUME_REFUSALS.DISABLED };
    return { recovered: false, reason: info.reason ?? (asked ? RESUME_REFUSALS.UNKNOWN_TOKEN : undefined) };
  }

  /** A push with number `seq`: false when it was already received (a replay's overlap). */
  received(seq: number | undefined): boolean {
    if (seq === undefined) return true;
    if (seq <= this.#lastSeq) return false;
    this.#lastSeq = seq;
    return true;
  }

  /** Forgets the session (a deliberate close: the next init() starts a new one). */
  forget(): void {
    this.#token = undefined;
    this.#lastSeq = 0;
  }
}
