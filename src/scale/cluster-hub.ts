/**
 * The primary's side of the cluster broker: it orders what workers append (the order in
 * which it receives them is the log's order), forwards each entry to every other worker,
 * and keeps the live-node table. IPC channels are ordered and lossless while a worker
 * lives, so a worker reads every entry appended after it started, once, in order.
 *
 * A restarted worker is a new node and starts at the end of the log. The last entries
 * (`historyLength`) and the session records are kept for recovery: a client may resume
 * on any worker, and a worker that dies loses none.
 */
import type { NodeRecord } from './broker.js';
import type { PrimaryMessage, WorkerMessage } from './cluster-protocol.js';
import { LogRing } from './log-ring.js';
import { SessionTable } from './session-table.js';

/** A worker as the hub sees it: something that can be sent messages. */
export interface HubPeer {
  readonly id: number;
  send(message: PrimaryMessage): void;
}

/** The log and node table of one primary. */
export class ClusterHub {
  readonly #log: LogRing;
  readonly #sessions: SessionTable;
  readonly #peers = new Map<number, HubPeer>();
  readonly #nodes = new Map<string, { record: NodeRecord; expiresAt: number; peer: number }>();

  /** @param historyLength entries kept for recovery (0 with recovery off). */
  constructor(
    historyLength = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.#log = new LogRing(historyLength);
    this.#sessions = new SessionTable(now);
  }

  /** The log's epoch: a new primary is a new epoch. */
  get epoch(): string {
    return this.#log.epoch;
  }

  /** A worker joined. */
  add(peer: HubPeer): void {
    this.#peers.set(peer.id, peer);
  }

  /** A worker exited: it gets nothing more, and its rows go at once (no waiting for expiry). */
  remove(peerId: number): void {
    this.#peers.delete(peerId);
    for (const [node, row] of this.#nodes) if (row.peer === peerId) this.#nodes.delete(node);
  }

  /** Handles one message from worker `from`; true when it was a broker message. */
  receive(from: HubPeer, message: WorkerMessage): boolean {
    switch (message.ds) {
      case 'append': {
        const entry = this.#log.append(message.entry);
        for (const peer of this.#peers.values()) if (peer.id !== from.id) peer.send({ ds: 'entry', epoch: this.epoch, entry });
        return true;
      }
      case 'head':
        from.send({ ds: 'head', req: message.req, ...this.#log.head() });
        return true;
      case 'node':
        this.#nodes.set(message.record.node, { record: message.record, expiresAt: this.now() + message.ttlMs, peer: from.id });
        return true;
      case 'nodes': {
        const now = this.now();
        const records = [...this.#nodes.values()].filter((row) => row.expiresAt > now).map((row) => row.record);
        from.send({ ds: 'nodes', req: message.req, records });
        return true;
      }
      case 'leave':
        this.#nodes.delete(message.node);
        return true;
      default:
        return this.#receiveRecovery(from, message);
    }
  }

  #receiveRecovery(from: HubPeer, message: WorkerMessage): boolean {
    switch (message.ds) {
      case 'history':
        from.send({ ds: 'history', req: message.req, read: this.#log.readAfter(message.from, message.limit) });
        return true;
      case 'session-save':
        this.#sessions.save(message.id, message.record, message.ttlMs);
        return true;
      case 'session-peek':
      case 'session-take': {
        const record = message.ds === 'session-take' ? this.#sessions.take(message.id) : this.#sessions.peek(message.id);
        from.send({ ds: 'session', req: message.req, record: record ?? null });
        return true;
      }
      case 'session-drop':
        this.#sessions.drop(message.id);
        return true;
      default:
        return false;
    }
  }
}
