/**
 * Where server pushes go: `broadcast`, `sendTo`, `sendToByMeta` and `connectionCount`,
 * on this node and, once {@link PushRouter.scaleOut} is called with a broker, across
 * nodes. With the default local adapter nothing here touches a broker, so one process
 * costs what it did before scale-out existed.
 */
import type { SocketError } from '../errors.js';
import type { Logger } from '../logger.js';
import { encodeEnvelope } from '../protocol/envelope.js';
import type { Broker, NodeRecord } from '../scale/broker.js';
import type { RelayMessage } from '../scale/relay-message.js';
import type { LocalSessionStore } from '../scale/local-session-store.js';
import type { LogEntry, LogPosition } from '../scale/broker.js';
import type { PushOrigin } from '../recovery/replay-plan.js';
import type { Connection } from './connection.js';
import { CrossNodeRelay, type AdapterStats } from './cross-node.js';
import { HeldSessions } from './held-sessions.js';
import type { RoomIndex } from './rooms.js';

/** Where pushes are logged for other nodes, or for sessions that are away: the relay, or the local store. */
interface PushLog {
  publish(message: RelayMessage): number;
  readonly position: LogPosition;
  readonly lastSeq: number;
}

/** What the router reads from the server. */
export interface PushRouterContext {
  /** Authenticated connections by id (the server's `clientMap`). */
  readonly clients: ReadonlyMap<string, Connection>;
  readonly rooms: RoomIndex<Connection>;
  /** This node's name: the prefix of its connection ids. */
  readonly node: string;
  logger(): Logger;
}

/** Options of a broadcast. */
export interface PushTargets {
  room?: string | undefined;
  except?: string | readonly string[] | undefined;
}

/** Routes pushes to this node's connections and, when scaled out, to the other nodes. */
export class PushRouter {
  #relay: CrossNodeRelay | undefined;
  #localStore: LocalSessionStore | undefined;
  #log: PushLog | undefined;
  #recovery = false;
  /** Sessions being resumed on this node. */
  readonly holds = new HeldSessions();

  constructor(private readonly context: PushRouterContext) {}

  /**
   * Recovery is on: pushes that may concern a session that is away are logged (through
   * the relay, or in `localStore` on one process), and ids may belong to any node.
   */
  enableRecovery(localStore: LocalSessionStore | undefined): void {
    this.#recovery = true;
    this.#localStore = localStore;
    this.#log ??= localStore;
  }

  /** Where this node is in the push log, and its last sequence number there. */
  cursor(): { node: string; position: LogPosition; nodeSeq: number } {
    return { node: this.context.node, position: this.#log?.position ?? { epoch: '', offset: '0-0' }, nodeSeq: this.#log?.lastSeq ?? 0 };
  }

  /** Whether `node` is known to have left (it dropped out of the live-node table). */
  isGone(node: string): boolean {
    return this.#relay?.isGone(node) ?? false;
  }

  /** Starts relaying through `broker`. */
  async scaleOut(broker: Broker): Promise<void> {
    this.#relay = new CrossNodeRelay(broker, {
      node: this.context.node,
      logger: this.context.logger(),
      deliver: (message, entry) => this.#deliverRelayed(message, entry),
      localRecord: () => this.#localRecord(),
    });
    this.#log = this.#relay;
    await this.#relay.start();
  }

  /** Stops relaying (the server calls it once its connections are closed). */
  async stop(): Promise<void> {
    await this.#relay?.stop();
  }

  /** Counts changed (auth, disconnect, join, leave): republish this node's row soon. */
  countsChanged(): void {
    this.#relay?.countsChanged();
  }

  /** See `SocketServer.sendTo`. */
  sendTo(id: string, request: string, data: unknown): boolean {
    const local = this.context.clients.get(id);
    if (local !== undefined) return local.send(request, data);
    if (!this.#mayBeElsewhere(id)) return false;
    const text = this.#encodePush(request, data);
    if (text === undefined) return false;
    this.#logged({ kind: 'direct', text, id });
    return true;
  }

  /** Whether a push for an id not connected here may still reach it: on another node, away, or resuming. */
  #mayBeElsewhere(id: string): boolean {
    if (this.holds.has(id) || (this.#localStore?.hasSession(id) ?? false)) return true;
    const owner = nodeOfId(id);
    if (this.#relay === undefined || owner === '') return false;
    // With recovery, a session keeps its id when it resumes on another node.
    if (this.#recovery) return true;
    return owner !== this.context.node && !this.#relay.isGone(owner);
  }

  /** Logs a push for other nodes and sessions that are away, and holds it for sessions resuming here. */
  #logged(message: RelayMessage): void {
    const seq = this.#log?.publish(message);
    if (this.holds.size > 0) this.holds.route(message, seq === undefined ? undefined : { node: this.context.node, seq });
  }

  /** See `SocketServer.sendToByMeta`. */
  sendToByMeta(key: string, value: unknown, request: string, data: unknown): boolean {
    const text = this.#encodePush(request, data);
    if (text === undefined) return false;
    const sent = this.#sendTextByMeta(key, value, text) > 0;
    this.#logged({ kind: 'meta', text, key, value });
    return this.#relay === undefined ? sent : true;
  }

  /** See `SocketServer.broadcast`. */
  broadcast(request: string, data: unknown, targets: PushTargets): number {
    const except = typeof targets.except === 'string' ? [targets.except] : targets.except;
    // Encode once; each connection only seals (encrypts) its own copy.
    const text = encodeEnvelope({ request, response: data ?? null });
    const sent = this.#broadcastText(text, targets.room, except === undefined ? undefined : new Set(except));
    if (this.#log !== undefined) this.#logged({ kind: 'broadcast', text, room: targets.room, except });
    return sent;
  }

  /** See `SocketServer.connectionCount`. */
  async connectionCount(room: string | undefined): Promise<number> {
    const local = this.#countLocal(room);
    return this.#relay === undefined ? local : local + (await this.#relay.remoteCount(room));
  }

  /** See `SocketServer.adapterStats`. */
  get adapterStats(): AdapterStats {
    return this.#relay?.stats ?? { adapter: 'local', connected: true, relaysSent: 0, relaysReceived: 0, appendFailures: 0, logGaps: 0, relaysDropped: 0, malformed: 0 };
  }

  #broadcastText(text: string, room: string | undefined, except: ReadonlySet<string> | undefined): number {
    const targets = room === undefined ? this.context.clients.values() : this.context.rooms.members(room);
    let sent = 0;
    for (const connection of targets) {
      if (connection.authenticated && !(except?.has(connection.id) ?? false) && connection.pushText(text, false)) sent += 1;
    }
    return sent;
  }

  #sendTextByMeta(key: string, value: unknown, text: string): number {
    let sent = 0;
    for (const connection of this.context.clients.values()) {
      const meta = connection.existingMeta;
      if (meta !== undefined && Object.hasOwn(meta, key) && meta[key] === value && connection.pushText(text)) sent += 1;
    }
    return sent;
  }

  /** A push from another node, delivered here; returns how many connections it reached. */
  #deliverRelayed(message: RelayMessage, entry: LogEntry): number {
    if (this.holds.size > 0) this.holds.route(message, { node: entry.node, seq: entry.seq, offset: entry.offset } satisfies PushOrigin);
    switch (message.kind) {
      case 'broadcast':
        return this.#broadcastText(message.text, message.room, message.except === undefined ? undefined : new Set(message.except));
      case 'direct':
        return this.context.clients.get(message.id)?.pushText(message.text) === true ? 1 : 0;
      case 'meta':
        return this.#sendTextByMeta(message.key, message.value, message.text);
      case 'release':
        return this.#release(message.id);
    }
  }

  /**
   * Asks whichever node holds session `id` open to let go of it (a resume elsewhere
   * proved the token; docs/recovery.md). Only the server sends it, never a client.
   */
  requestRelease(id: string): void {
    this.#relay?.publish({ kind: 'release', text: '', id });
  }

  #release(id: string): number {
    const connection = this.context.clients.get(id);
    if (connection?.session === undefined || connection.session.ended) return 0;
    this.context.logger().info('session resumed on another node: dropping its old link', { connection: id });
    connection.terminate();
    return 1;
  }

  #encodePush(request: string, data: unknown): string | undefined {
    try {
      return encodeEnvelope({ request, response: data ?? null });
    } catch (error) {
      this.context.logger().warn('message not sent', { request, code: (error as SocketError).code });
      return undefined;
    }
  }

  #countLocal(room: string | undefined): number {
    if (room === undefined) return this.context.clients.size;
    let count = 0;
    for (const member of this.context.rooms.members(room)) if (member.authenticated) count += 1;
    return count;
  }

  #localRecord(): NodeRecord {
    const rooms: Record<string, number> = {};
    for (const [room] of this.context.rooms.entries()) {
      const count = this.#countLocal(room);
      if (count > 0) rooms[room] = count;
    }
    return { node: this.context.node, connections: this.context.clients.size, rooms };
  }
}

/** The node that owns a connection id: the id up to its last `-` (the counter has none). */
export function nodeOfId(id: string): string {
  const dash = id.lastIndexOf('-');
  return dash < 0 ? '' : id.slice(0, dash);
}
