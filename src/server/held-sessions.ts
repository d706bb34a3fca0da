/**
 * Sessions being resumed on this node: between taking a session from the store and
 * putting its connection back in `clientMap`, the pushes routed to it (by its saved id,
 * rooms and meta) are held here, with where they came from, and replayed after the log's.
 */
import { reaches, type HeldPush, type PushOrigin } from '../recovery/replay-plan.js';
import type { SessionRecord } from '../recovery/session-record.js';
import type { RelayMessage } from '../scale/relay-message.js';

/** One session being resumed. */
export interface Hold {
  readonly session: Pick<SessionRecord, 'id' | 'rooms' | 'meta'>;
  readonly pushes: HeldPush[];
}

/** The holds of this node. */
export class HeldSessions {
  readonly #holds = new Set<Hold>();

  /** How many sessions are being resumed. */
  get size(): number {
    return this.#holds.size;
  }

  /** Whether the session `id` is being resumed here. */
  has(id: string): boolean {
    for (const hold of this.#holds) if (hold.session.id === id) return true;
    return false;
  }

  /** Starts holding the pushes of `session`. */
  hold(session: Hold['session']): Hold {
    const hold = { session, pushes: [] };
    this.#holds.add(hold);
    return hold;
  }

  /** Stops holding; returns what was held, in the order it came. */
  release(hold: Hold): HeldPush[] {
    this.#holds.delete(hold);
    return hold.pushes;
  }

  /** Holds `message` for every session it routes to. */
  route(message: RelayMessage, origin: PushOrigin | undefined): void {
    for (const hold of this.#holds) if (reaches(message, hold.session)) hold.pushes.push({ text: message.text, origin });
  }
}
