/**
 * Connection-state recovery on the server: issues each authenticated connection a
 * session (a single-use resume token, numbered pushes), saves it where the adapter keeps
 * its log (through session-saver.ts: when it changes, and as "away" when the socket
 * drops), and resumes it when the
 * client comes back within the window: same id, rooms and meta, missed pushes replayed in
 * order before any new one, or `recovered: false` with the reason. docs/recovery.md.
 *
 *   resume: take the session -> hold its pushes here -> read the log after its position
 *           -> (synchronously) plan, adopt id/rooms/meta, answer, replay, go live
 */
import type { PushTexts } from '../recovery/push-texts.js';
import type { Config } from '../config/resolve-config.js';
import { randomResumeSecret } from '../crypto/random.js';
import { secretsEqual } from '../crypto/secrets-equal.js';
import type { Logger } from '../logger.js';
import { CLOSE_CODES, RESUME_REFUSALS, type ResumeRefusal } from '../protocol/constants.js';
import type { RecoveryInfo } from '../protocol/envelope.js';
import { LiveSession, type RecoveryOutcome } from '../recovery/live-session.js';
import { SessionSaver } from './session-saver.js';
import { planReplay } from '../recovery/replay-plan.js';
import { formatResumeToken, type ResumeRequest } from '../recovery/resume-token.js';
import { decodeSessionRecord, type SessionRecord } from '../recovery/session-record.js';
import type { LogRead, SessionStore } from '../scale/broker.js';
import type { LocalSessionStore } from '../scale/local-session-store.js';
import type { Connection } from './connection.js';
import type { Hold } from './held-sessions.js';
import type { PushRouter } from './push-router.js';

/** How often a resume checks whether a session still open elsewhere was let go. */
const STILL_OPEN_POLL_MS = 50;

/** What recovery needs from the server. */
export interface RecoveryHost {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: SessionStore;
  /** Set on one process: the store that also records the push history. */
  readonly localStore: LocalSessionStore | undefined;
  readonly pushes: PushRouter;
  readonly clients: ReadonlyMap<string, Connection>;
  /** The texts of the pushes open sessions keep. */
  readonly pushTexts: PushTexts;
}

/** The end of an auth: what the answer carries, and the pushes to replay right after it. */
export interface Admission {
  /** Completes it; call synchronously right before sending the auth answer. */
  commit(): { info: RecoveryInfo; replay: readonly string[] };
  /** The connection closed first: the session it was resuming is saved back. */
  abandon(): void;
}

/** A resume taken from the store, its log read, its pushes held. */
interface Pending {
  readonly record: SessionRecord;
  readonly clientSeq: number;
  readonly log: LogRead;
  readonly hold: Hold;
}

/** Recovery for one server. */
export class SessionRecovery {
  readonly #saver: SessionSaver;
  /** Ages the texts of open sessions' pushes (PushTexts.mark), once per heartbeat interval. */
  readonly #marking: ReturnType<typeof setInterval>;

  constructor(private readonly host: RecoveryHost) {
    this.#saver = new SessionSaver({ ...host, cursor: () => host.pushes.cursor() });
    this.#marking = setInterval(() => host.pushTexts.mark(), host.config.heartBeatInterval);
    this.#marking.unref();
  }

  /** Stops ageing the texts (the server closed). */
  stop(): void {
    clearInterval(this.#marking);
  }

  /** Whether sessions are saved while open (the store is shared with other nodes). */
  get #shared(): boolean {
    return this.host.localStore === undefined;
  }

  /**
   * Works out a connection's session once its auth handler accepted it: a new one, or
   * the one `request` resumes (undefined: none asked; null: asked, but not a token).
   */
  async admit(connection: Connection, request: ResumeRequest | null | undefined): Promise<Admission> {
    const pending = request === null ? RESUME_REFUSALS.UNKNOWN_TOKEN : request === undefined ? undefined : await this.#prepare(request);
    return {
      commit: () => this.#commit(connection, pending, request?.seq ?? 0),
      abandon: () => {
        if (typeof pending !== 'object') return;
        this.host.pushes.holds.release(pending.hold);
        this.host.localStore?.resumeEnded();
        this.#saver.save(pending.record);
      },
    };
  }

  /** The client acknowledged pushes up to `seq` (heartbeat); returns the session's position. */
  acknowledge(connection: Connection, seq: number | undefined): number | undefined {
    const session = connection.session;
    if (session === undefined) return undefined;
    if (seq !== undefined) session.acknowledge(seq);
    if (this.#shared) this.#saver.saveOpen(connection);
    return session.seq;
  }

  /** Rooms changed: saved soon (a burst of joins is one write). */
  changed(connection: Connection): void {
    if (this.#shared && connection.session !== undefined) this.#saver.soon(connection);
  }

  /** The socket closed: the session is saved as away, unless the close was on purpose (1000). */
  ended(connection: Connection, code: number): void {
    const session = connection.session;
    if (session === undefined || session.ended) return;
    session.ended = true;
    if (code !== CLOSE_CODES.NORMAL) this.#saver.saveAway(connection);
    else if (this.#shared) this.host.store.dropSession(connection.id).catch(() => {});
  }

  /** Resolves when every save issued so far has settled (before a shutdown closes the adapter). */
  flush(): Promise<void> {
    return this.#saver.flush();
  }

  async #prepare(request: ResumeRequest): Promise<Pending | ResumeRefusal> {
    const { id, secret } = request.token;
    let record: SessionRecord | ResumeRefusal;
    try {
      record = this.#takeOver(id, secret) ?? (await this.#take(id, secret));
    } catch (error) {
      this.host.logger.warn('session not resumed: the adapter is unreachable', { connection: id, err: error });
      return RESUME_REFUSALS.UNAVAILABLE;
    }
    if (typeof record === 'string') return record;
    const hold = this.host.pushes.holds.hold(record);
    this.host.localStore?.resumeStarted();
    try {
      const log = await this.host.store.history(record.position, this.host.config.recoveryMaxBufferedTotal);
      return { record, clientSeq: request.seq, log, hold };
    } catch (error) {
      this.host.pushes.holds.release(hold);
      this.host.localStore?.resumeEnded();
      this.#saver.save(record);
      this.host.logger.warn('session not resumed: the push log could not be read', { connection: id, err: error });
      return RESUME_REFUSALS.GAP;
    }
  }

  /**
   * The session is still open on this node (the client saw a dead link first): its
   * connection is dropped and its state taken as it is now.
   */
  #takeOver(id: string, secret: string): SessionRecord | undefined {
    const open = this.host.clients.get(id);
    const session = open?.session;
    if (open === undefined || session === undefined || session.ended || !secretsEqual(session.secret, secret)) return undefined;
    const record = this.#saver.recordOf(open, false);
    session.ended = true;
    open.terminate();
    return record;
  }

  /** Takes the session from the store, once the node that held it has let go (or is gone). */
  async #take(id: string, secret: string): Promise<SessionRecord | ResumeRefusal> {
    const deadline = performance.now() + this.host.config.authTimeout / 2;
    let released = false;
    for (;;) {
      const seen = decodeSessionRecord((await this.host.store.peekSession(id)) ?? '');
      if (seen === undefined || !secretsEqual(seen.secret, secret)) return RESUME_REFUSALS.UNKNOWN_TOKEN;
      if (seen.expiresAt < Date.now()) {
        await this.host.store.dropSession(id);
        return RESUME_REFUSALS.EXPIRED;
      }
      if (!seen.attached || this.host.pushes.isGone(seen.node)) break;
      if (performance.now() > deadline) return RESUME_REFUSALS.STILL_CONNECTED;
      if (!released) this.host.pushes.requestRelease(id);
      released = true;
      await new Promise((resolve) => setTimeout(resolve, STILL_OPEN_POLL_MS));
    }
    const taken = decodeSessionRecord((await this.host.store.takeSession(id)) ?? '');
    // Compared again: another resume may have taken it, and a new session been saved, meanwhile.
    return taken !== undefined && secretsEqual(taken.secret, secret) ? taken : RESUME_REFUSALS.UNKNOWN_TOKEN;
  }

  #commit(connection: Connection, pending: Pending | ResumeRefusal | undefined, clientSeq: number): { info: RecoveryInfo; replay: readonly string[] } {
    const { outcome, replay } = this.#decide(connection, pending);
    const seq = outcome?.recovered === true ? clientSeq : 0;
    connection.session = new LiveSession(randomResumeSecret(), this.host.config.recoveryMaxBuffered, seq);
    if (outcome !== undefined) this.host.logger.info(outcome.recovered ? 'session resumed' : 'session not resumed', { connection: connection.id, replayed: replay.length, reason: outcome.reason });
    const info: RecoveryInfo = { token: formatResumeToken(connection.id, connection.session.secret), epoch: this.host.pushes.cursor().position.epoch, seq: seq + replay.length, ...outcome };
    if (this.#shared) queueMicrotask(() => this.#saver.saveOpen(connection));
    return { info, replay };
  }

  /** Whether the resume succeeds; if it does, the connection takes the session's id, rooms and meta. */
  #decide(connection: Connection, pending: Pending | ResumeRefusal | undefined): { outcome?: RecoveryOutcome; replay: readonly string[] } {
    if (pending === undefined) return { replay: [] };
    if (typeof pending === 'string') return this.#refused(connection, pending);
    const held = this.host.pushes.holds.release(pending.hold);
    this.host.localStore?.resumeEnded();
    const plan = planReplay({ ...pending, held, maxBuffered: this.host.config.recoveryMaxBuffered, now: Date.now() });
    if (!plan.recovered) return this.#refused(connection, plan.reason);
    const outcome = { recovered: true };
    const { record } = pending;
    connection.resumeAs(record.id, outcome);
    // What the auth handler just set in meta wins: it is the identity of the auth that ran now.
    connection.meta = { ...record.meta, ...connection.meta };
    for (const room of record.rooms) connection.join(room);
    return { outcome, replay: plan.texts };
  }

  #refused(connection: Connection, reason: ResumeRefusal): { outcome: RecoveryOutcome; replay: readonly string[] } {
    const outcome = { recovered: false, reason };
    connection.resumeAs(undefined, outcome);
    return { outcome, replay: [] };
  }


}
