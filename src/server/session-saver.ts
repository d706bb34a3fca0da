/**
 * Writes sessions to the store: an open one when it changed (rooms, meta, position; with a
 * shared store only), an away one with its tail when its socket dropped. Writes are fire
 * and forget, logged when they fail, and counted so a shutdown can wait for them.
 */
import type { LogPosition, SessionStore } from '../scale/broker.js';
import type { Config } from '../config/resolve-config.js';
import type { Logger } from '../logger.js';
import { encodeSessionRecord, type SessionRecord } from '../recovery/session-record.js';
import type { LiveSession } from '../recovery/live-session.js';
import type { PushTexts } from '../recovery/push-texts.js';
import type { Connection } from './connection.js';

/** Records are kept past the window (as long again, from 1 s to 60 s), so a late client hears `expired`. */
const EXPIRED_GRACE_MIN_MS = 1000;
const EXPIRED_GRACE_MAX_MS = 60_000;

/** What the saver needs from the server. */
export interface SaverHost {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: SessionStore;
  /** The texts of the pushes open sessions keep (an away record takes its tail from it). */
  readonly pushTexts: PushTexts;
  /** Where this node is in the push log, and its last sequence number there. */
  cursor(): { node: string; position: LogPosition; nodeSeq: number };
}

/** Saves the sessions of one server. */
export class SessionSaver {
  readonly #saving = new Set<Connection>();
  /** Saves on their way to the store, so a shutdown can wait for them. */
  readonly #writes = new Set<Promise<void>>();
  #saveTimer: ReturnType<typeof setImmediate> | undefined;
  /**
   * What the store last got of each open session, so a save is skipped when nothing
   * changed. Here, not on the session: only a shared store saves open sessions, and on one
   * process every idle connection would carry the field for nothing.
   */
  readonly #savedStates = new WeakMap<LiveSession, string>();

  constructor(private readonly host: SaverHost) {}

  /** Saves `connection` soon (a burst of joins is one write). */
  soon(connection: Connection): void {
    this.#saving.add(connection);
    this.#saveTimer ??= setImmediate(() => {
      this.#saveTimer = undefined;
      for (const each of this.#saving) this.saveOpen(each);
      this.#saving.clear();
    });
  }

  /** Saves the session of a connection whose socket just closed, as away. */
  saveAway(connection: Connection): void {
    this.#saving.delete(connection);
    this.save(this.recordOf(connection, false));
  }

  /** The record of `connection`'s session as it is now. */
  recordOf(connection: Connection, attached: boolean): SessionRecord {
    const session = connection.session!;
    const cursor = this.host.cursor();
    return {
      id: connection.id,
      secret: session.secret,
      rooms: [...connection.rooms],
      meta: connection.existingMeta ?? {},
      seq: session.seq,
      // An open session's tail changes with every push; only the away record needs it.
      tail: attached ? [] : session.texts(this.host.pushTexts),
      position: cursor.position,
      node: cursor.node,
      nodeSeq: cursor.nodeSeq,
      attached,
      expiresAt: Date.now() + this.host.config.recoveryWindow,
    };
  }

  /** Saves an open session if its rooms, meta or position changed since the last save. */
  saveOpen(connection: Connection): void {
    const session = connection.session;
    if (session === undefined || session.ended || !connection.isOpen) return;
    const record = this.recordOf(connection, true);
    let state: string;
    try {
      state = JSON.stringify([record.seq, record.rooms, record.meta]);
    } catch {
      return;
    }
    if (state === this.#savedStates.get(session)) return;
    this.#savedStates.set(session, state);
    this.save(record);
  }

  /** Writes `record`. */
  save(record: SessionRecord): void {
    let text: string;
    try {
      text = encodeSessionRecord(record);
    } catch (error) {
      this.host.logger.warn('session not saved: its meta is not JSON', { connection: record.id, err: error });
      return;
    }
    const window = this.host.config.recoveryWindow;
    const write = this.host.store.saveSession(record.id, text, window + Math.min(Math.max(window, EXPIRED_GRACE_MIN_MS), EXPIRED_GRACE_MAX_MS)).catch((error: unknown) => {
      this.host.logger.warn('session not saved: the adapter is unreachable', { connection: record.id, err: error });
    });
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }

  /**
   * Resolves when every save issued so far has settled: a server that shuts down saves its
   * sessions as away (its clients resume on another node) before it closes the adapter.
   */
  async flush(): Promise<void> {
    await Promise.all(this.#writes);
  }
}
