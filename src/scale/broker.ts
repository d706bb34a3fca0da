/**
 * The scale-out seam: what a server needs from whatever carries messages between nodes.
 * Two things only: an ordered, trimmed log (append; read in order after an offset) and a
 * table of live nodes whose rows expire. Rooms, `except`, delivery and dedupe are the
 * server's (src/server/cross-node.ts), written once for every broker.
 *
 * A node is one server process (one `serve`, or one worker of `serve --workers N`); its
 * name is the random prefix of its connection ids, so an id says which node owns it.
 */

/** Where a reader is in the log: the log's epoch and the offset of the last entry read. */
export interface LogPosition {
  /**
   * Changes when the log is reset (Redis restarted without persistence, a new cluster
   * primary): offsets of two epochs are not comparable.
   */
  readonly epoch: string;
  /** Offset of the last entry read; {@link LOG_START} before the first. */
  readonly offset: string;
}

/** The offset before the first entry of any log. */
export const LOG_START = '0-0';

/** Orders two offsets of one epoch (`ms-seq` stream ids, or `0-n`). */
export function compareOffsets(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs - bMs || aSeq - bSeq;
}

/** The counter part of a `0-n` offset (the memory and cluster logs number entries 1, 2, 3, ...). */
export function sequenceOf(offset: string): number {
  return Number(offset.slice(offset.indexOf('-') + 1));
}

/** What a node appends: one entry per cross-node message, whatever its fan-out. */
export interface LogAppend {
  /** The appending node. */
  readonly node: string;
  /** The appending node's sequence number: 1, 2, 3, ... (for dedupe and gap detection). */
  readonly seq: number;
  /** The message, encoded by the server (src/scale/relay-message.ts). */
  readonly body: string;
}

/** One entry as read back, with its place in the log. */
export interface LogEntry extends LogAppend {
  /** Totally ordered within an epoch; opaque to the server. */
  readonly offset: string;
}

/** The result of one read. */
export interface LogRead {
  /** The epoch the entries belong to. */
  readonly epoch: string;
  /** Entries after the requested offset, in log order (empty when the wait ran out). */
  readonly entries: readonly LogEntry[];
  /**
   * Set when entries after the requested position may be missing: the epoch changed, or
   * the log was trimmed past the offset. Reading goes on from the entries returned.
   */
  readonly gap?: 'epoch-changed' | 'trimmed' | undefined;
}

/** One row of the live-node table. */
export interface NodeRecord {
  readonly node: string;
  /** Authenticated connections on the node. */
  readonly connections: number;
  /** Authenticated members per room (rooms with none are left out). */
  readonly rooms: Readonly<Record<string, number>>;
}

/**
 * Where recovery keeps sessions and reads the pushes a session missed: the log itself
 * (read without waiting) and session records kept for the recovery window. A record is
 * opaque text to the store (src/recovery/session-record.ts).
 */
export interface SessionStore {
  /**
   * Entries after `from`, as far as the log goes now, without waiting; more than `limit`
   * is reported as a gap (`trimmed`), as is a log trimmed past `from`.
   */
  history(from: LogPosition, limit: number): Promise<LogRead>;
  /** Saves the record of session `id`, replacing any; it is forgotten after `ttlMs`. */
  saveSession(id: string, record: string, ttlMs: number): Promise<void>;
  /** The record of session `id`, left in place. */
  peekSession(id: string): Promise<string | undefined>;
  /** Removes the record of session `id` and returns it: of two takers, only one gets it. */
  takeSession(id: string): Promise<string | undefined>;
  /** Removes the record of session `id`. */
  dropSession(id: string): Promise<void>;
}

/** A broker: the local one, the cluster one, or Redis. */
export interface Broker extends SessionStore {
  /** A short name for logs and metrics (`memory`, `cluster`, `redis`). */
  readonly kind: string;
  /** Connects; resolves with the current end of the log, where a new reader starts. */
  start(): Promise<LogPosition>;
  /**
   * Appends one entry. Resolves when the log has it; rejects when the broker cannot be
   * reached (the caller counts and logs the failure; the broker does not queue it).
   */
  append(entry: LogAppend): Promise<void>;
  /**
   * Entries after `from`, in order, waiting up to `waitMs` for at least one. Rejects while
   * the broker is unreachable; the caller retries with the same position.
   */
  read(from: LogPosition, waitMs: number): Promise<LogRead>;
  /** Writes this node's row of the live-node table; it expires after `ttlMs` unless refreshed. */
  publishNode(record: NodeRecord, ttlMs: number): Promise<void>;
  /** The rows that have not expired (this node's included). */
  liveNodes(): Promise<NodeRecord[]>;
  /** Removes this node's row and releases connections; pending reads reject. */
  close(node: string): Promise<void>;
}
