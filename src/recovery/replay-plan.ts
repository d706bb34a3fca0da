/**
 * What a resume replays, decided in one pure function: the session's unacknowledged tail
 * after the client's position, then every log entry after the saved position that routes
 * to the session (by its saved id, rooms and meta, as the server would have routed it),
 * then what reached the session while the resume was being worked out. Either all of it,
 * in order and once, or `recovered: false` with the reason: never a partial replay.
 *
 *   client has ..k | tail k+1..seq | log after position (routed) | held while resuming
 *
 * Entries the session already got while it was open are skipped: those of other nodes up
 * to the saved offset (the holding node had read that far), and the holding node's own up
 * to its saved sequence number (it had delivered them at once, locally).
 */
import { RESUME_REFUSALS, type ResumeRefusal } from '../protocol/constants.js';
import { compareOffsets, type LogRead } from '../scale/broker.js';
import { decodeRelayMessage, type RelayMessage } from '../scale/relay-message.js';
import type { SessionRecord } from './session-record.js';

/** Where a push came from, when it came through the log (or was appended to it). */
export interface PushOrigin {
  readonly node: string;
  readonly seq: number;
  /** Its offset, when it was read from the log (absent for this node's own, just made). */
  readonly offset?: string | undefined;
}

/** A push that reached a session while its resume was being worked out. */
export interface HeldPush {
  readonly text: string;
  readonly origin?: PushOrigin | undefined;
}

/** Everything the decision needs. */
export interface ReplayInput {
  readonly record: SessionRecord;
  /** The last push number the client received. */
  readonly clientSeq: number;
  /** The log after `record.position`, read once the session was taken. */
  readonly log: LogRead;
  readonly held: readonly HeldPush[];
  /** Most pushes one session may be replayed. */
  readonly maxBuffered: number;
  /** Now, on the clock of `record.expiresAt`. */
  readonly now: number;
}

/** The decision. `texts` are encoded pushes without numbers, in replay order. */
export type ReplayPlan = { readonly recovered: true; readonly texts: readonly string[] } | { readonly recovered: false; readonly reason: ResumeRefusal };

/** Decides a resume. */
export function planReplay(input: ReplayInput): ReplayPlan {
  const { record, clientSeq, log } = input;
  if (input.now > record.expiresAt) return refuse(RESUME_REFUSALS.EXPIRED);
  if (log.epoch !== record.position.epoch || log.gap === 'epoch-changed') return refuse(RESUME_REFUSALS.EPOCH_CHANGED);
  // The client has a push the record does not know of: the record is older than the
  // session (its node died before saving again), so what followed cannot be vouched for.
  if (clientSeq > record.seq) return refuse(RESUME_REFUSALS.GAP);
  const tailStart = record.seq - record.tail.length;
  if (clientSeq < tailStart || log.gap === 'trimmed') return refuse(RESUME_REFUSALS.GAP);
  const texts = record.tail.slice(clientSeq - tailStart);
  const replayed = new Set<string>();
  for (const entry of log.entries) {
    if (!missedBy(record, entry)) continue;
    replayed.add(originKey(entry));
    const message = decodeOrSkip(entry.body);
    if (message !== undefined && reaches(message, record)) texts.push(message.text);
  }
  for (const push of input.held) {
    if (push.origin === undefined || (missedBy(record, push.origin) && !replayed.has(originKey(push.origin)))) texts.push(push.text);
  }
  return texts.length > input.maxBuffered ? refuse(RESUME_REFUSALS.GAP) : { recovered: true, texts };
}

/** Whether the session, as saved, had not yet been sent the push from `origin`. */
function missedBy(record: SessionRecord, origin: PushOrigin): boolean {
  if (origin.node === record.node) return origin.seq > record.nodeSeq;
  return origin.offset === undefined || compareOffsets(origin.offset, record.position.offset) > 0;
}

/** Whether a relayed push routes to the saved session (the server's routing, for one target). */
export function reaches(message: RelayMessage, session: Pick<SessionRecord, 'id' | 'rooms' | 'meta'>): boolean {
  switch (message.kind) {
    case 'broadcast':
      return (message.room === undefined || session.rooms.includes(message.room)) && !(message.except?.includes(session.id) ?? false);
    case 'direct':
      return message.id === session.id;
    case 'meta':
      return Object.hasOwn(session.meta, message.key) && session.meta[message.key] === message.value;
    case 'release':
      return false;
  }
}

function originKey(origin: PushOrigin): string {
  return `${origin.node}\n${origin.seq}`;
}

function decodeOrSkip(body: string): RelayMessage | undefined {
  try {
    return decodeRelayMessage(body);
  } catch {
    // The relay already counts and logs entries that do not decode; they reached nobody.
    return undefined;
  }
}

function refuse(reason: ResumeRefusal): ReplayPlan {
  return { recovered: false, reason };
}
