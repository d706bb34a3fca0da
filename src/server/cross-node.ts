/**
 * The server's side of scale-out, written once for every broker: appends this node's
 * cross-node pushes to the log, reads the log in order (skipping its own entries and any
 * duplicate), hands each message to the server for delivery, keeps this node's row of
 * the live-node table fresh, and sums the table for `connectionCount`.
 *
 * Nothing here ever makes a caller wait on, or fail because of, the broker: appends are
 * fire-and-forget with failures counted and logged, reads retry with backoff from the last
 * position, and counts fall back to the last table read.
 */
import { LOG_START, type Broker, type LogEntry, type LogPosition, type LogRead, type NodeRecord } from '../scale/broker.js';
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from '../scale/relay-message.js';
import type { Logger } from '../logger.js';

/** How long one read waits for entries before asking again. */
const READ_WAIT_MS = 5000;
/** Retry delays of the read loop while the broker is unreachable. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;
/** This node's row is refreshed this often, and expires after {@link NODE_TTL_MS}. */
const NODE_REFRESH_MS = 1000;
const NODE_TTL_MS = 3 * NODE_REFRESH_MS;
/** A change in counts is published after this delay, so a burst of joins is one write. */
const NODE_CHANGE_DELAY_MS = 20;
/** `connectionCount` waits this long for the table before using the last one read. */
const COUNT_WAIT_MS = 250;
/** Repeated append failures are logged at most this often, with their count. */
const FAILURE_LOG_INTERVAL_MS = 5000;
/** How many departed node names are remembered for `sendTo`. */
const DEPARTED_KEPT = 1000;

/** Counters of the adapter, for logs and metrics. */
export interface AdapterStats {
  /** `local`, `memory`, `cluster` or `redis`. */
  adapter: string;
  /** Whether the broker answered the last call (always true for `local`). */
  connected: boolean;
  /** Messages this node appended for other nodes (attempts, failed ones included). */
  relaysSent: number;
  /** Messages from other nodes this node took from the log. */
  relaysReceived: number;
  /** Appends that failed (broker unreachable): those messages reached no other node. */
  appendFailures: number;
  /** Times the log showed a gap (trimmed past this node's position, or a new epoch). */
  logGaps: number;
  /** Direct messages for a connection of this node that had already left. */
  relaysDropped: number;
  /** Log entries that could not be decoded (skipped). */
  malformed: number;
}

/** What the relay needs from the server. */
export interface CrossNodeHost {
  /** This node's name: the prefix of its connection ids. */
  readonly node: string;
  readonly logger: Logger;
  /** Delivers a message from another node; returns how many connections it reached. */
  deliver(message: RelayMessage, entry: LogEntry): number;
  /** This node's row of the table, counted now. */
  localRecord(): NodeRecord;
}

/** Scale-out for one server over one broker. */
export class CrossNodeRelay {
  readonly #broker: Broker;
  readonly #host: CrossNodeHost;
  readonly #lastSeq = new Map<string, number>();
  readonly #stats: AdapterStats;
  #seq = 0;
  #position: LogPosition | undefined;
  #stopped = false;
  #reading: Promise<void> | undefined;
  #refresh: ReturnType<typeof setInterval> | undefined;
  #changeTimer: ReturnType<typeof setTimeout> | undefined;
  #table: { records: readonly NodeRecord[]; readAt: number } = { records: [], readAt: 0 };
  /** Nodes that left the table, newest last, at most {@link DEPARTED_KEPT}. */
  readonly #departed = new Set<string>();
  #unloggedFailures = 0;
  #lastFailureLog = -Infinity;

  constructor(broker: Broker, host: CrossNodeHost) {
    this.#broker = broker;
    this.#host = host;
    this.#stats = { adapter: broker.kind, connected: false, relaysSent: 0, relaysReceived: 0, appendFailures: 0, logGaps: 0, relaysDropped: 0, malformed: 0 };
  }

  /** A copy of the counters. */
  get stats(): AdapterStats {
    return { ...this.#stats };
  }

  /**
   * Finds the end of the log and starts reading from it. A broker that cannot be reached
   * does not stop the server: the relay keeps trying in the background.
   */
  async start(): Promise<void> {
    try {
      this.#position = await this.#broker.start();
      this.#stats.connected = true;
    } catch (error) {
      this.#host.logger.warn('adapter unreachable at startup; serving local traffic and retrying', { adapter: this.#broker.kind, err: error });
    }
    this.#reading = this.#readLoop();
    this.#refresh = setInterval(() => void this.#refreshTable(), NODE_REFRESH_MS);
    this.#refresh.unref();
    await this.#refreshTable();
  }

  /**
   * Whether `node` is known to be gone: it was in the table and has dropped out of it. A
   * node not seen yet may have just started, so it is not "gone".
   */
  isGone(node: string): boolean {
    return this.#departed.has(node);
  }

  /**
   * Where this node is in the log: everything up to here from other nodes was delivered
   * (before the broker first answered: an empty epoch, which matches no log).
   */
  get position(): LogPosition {
    return this.#position ?? { epoch: '', offset: LOG_START };
  }

  /** The last sequence number this node gave a message it appended. */
  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Appends a message for the other nodes; returns its sequence number. Never throws and
   * never waits: a failure is counted.
   */
  publish(message: RelayMessage): number {
    this.#stats.relaysSent += 1;
    const seq = ++this.#seq;
    let body: string;
    try {
      body = encodeRelayMessage(message);
    } catch (error) {
      this.#appendFailed(error);
      return seq;
    }
    this.#broker.append({ node: this.#host.node, seq, body }).then(
      () => (this.#stats.connected = true),
      (error: unknown) => this.#appendFailed(error),
    );
    return seq;
  }

  /** Publishes this node's counts soon (coalescing a burst of changes). */
  countsChanged(): void {
    if (this.#changeTimer !== undefined || this.#stopped) return;
    this.#changeTimer = setTimeout(() => {
      this.#changeTimer = undefined;
      void this.#publishNode();
    }, NODE_CHANGE_DELAY_MS);
    this.#changeTimer.unref();
  }

  /**
   * Authenticated connections on the other live nodes (or the members of `room` there).
   * Waits at most {@link COUNT_WAIT_MS} for the table, then uses the last one read.
   */
  async remoteCount(room: string | undefined): Promise<number> {
    await this.#readTable();
    // A table older than a row's lifetime may list dead nodes: count nothing remote then.
    const records = performance.now() - this.#table.readAt > NODE_TTL_MS ? [] : this.#table.records;
    let total = 0;
    for (const record of records) {
      if (record.node === this.#host.node) continue;
      total += room === undefined ? record.connections : (record.rooms[room] ?? 0);
    }
    return total;
  }

  /** Stops reading and publishing and removes this node's row. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#refresh);
    clearTimeout(this.#changeTimer);
    await this.#broker.close(this.#host.node).catch((error: unknown) => this.#host.logger.debug('adapter close failed', { err: error }));
    await this.#reading;
  }

  async #readLoop(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.#stopped) {
      try {
        this.#position ??= await this.#broker.start();
        const read = await this.#broker.read(this.#position, READ_WAIT_MS);
        if (this.#stopped) return;
        this.#take(read);
        if (!this.#stats.connected) this.#host.logger.info('adapter reachable again; reading resumed', { adapter: this.#broker.kind, offset: this.#position.offset });
        this.#stats.connected = true;
        delay = RETRY_MIN_MS;
      } catch (error) {
        if (this.#stopped) return;
        if (this.#stats.connected) this.#host.logger.warn('adapter unreachable; local traffic goes on, retrying', { adapter: this.#broker.kind, err: error });
        this.#stats.connected = false;
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  #take(read: LogRead): void {
    if (read.gap !== undefined) {
      this.#stats.logGaps += 1;
      this.#host.logger.warn('the adapter log has a gap: messages from other nodes may have been missed', { adapter: this.#broker.kind, gap: read.gap });
    }
    let offset = read.gap === 'epoch-changed' ? LOG_START : this.#position!.offset;
    for (const entry of read.entries) {
      offset = entry.offset;
      this.#deliver(entry);
    }
    this.#position = { epoch: read.epoch, offset };
  }

  #deliver(entry: LogEntry): void {
    if (entry.node === this.#host.node) return;
    // At-least-once appends (a retried write) must still be delivered once.
    if (entry.seq <= (this.#lastSeq.get(entry.node) ?? 0)) return;
    this.#lastSeq.set(entry.node, entry.seq);
    let message: RelayMessage;
    try {
      message = decodeRelayMessage(entry.body);
    } catch (error) {
      this.#stats.malformed += 1;
      this.#host.logger.warn('skipped a log entry that does not decode', { from: entry.node, offset: entry.offset, err: error });
      return;
    }
    this.#stats.relaysReceived += 1;
    const reached = this.#host.deliver(message, entry);
    if (message.kind === 'direct' && reached === 0) this.#stats.relaysDropped += 1;
  }

  #appendFailed(error: unknown): void {
    this.#stats.appendFailures += 1;
    this.#stats.connected = false;
    this.#unloggedFailures += 1;
    const now = performance.now();
    if (now - this.#lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.#host.logger.warn('cross-node messages not appended: they reached no other node', { adapter: this.#broker.kind, failed: this.#unloggedFailures, total: this.#stats.appendFailures, err: error });
    this.#unloggedFailures = 0;
    this.#lastFailureLog = now;
  }

  async #readTable(): Promise<void> {
    try {
      const records = await withDeadline(this.#broker.liveNodes(), COUNT_WAIT_MS);
      this.#noteDepartures(records);
      this.#table = { records, readAt: performance.now() };
    } catch (error) {
      this.#host.logger.debug('node table not read', { adapter: this.#broker.kind, err: error });
    }
  }

  #noteDepartures(records: readonly NodeRecord[]): void {
    const live = new Set(records.map((record) => record.node));
    for (const record of this.#table.records) if (!live.has(record.node)) this.#departed.add(record.node);
    for (const node of live) this.#departed.delete(node);
    for (const node of this.#departed) {
      if (this.#departed.size <= DEPARTED_KEPT) break;
      this.#departed.delete(node);
    }
  }

  async #refreshTable(): Promise<void> {
    await this.#publishNode();
    if (!this.#stopped) await this.#readTable();
  }

  async #publishNode(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#broker.publishNode(this.#host.localRecord(), NODE_TTL_MS);
    } catch (error) {
      this.#host.logger.debug('node table not refreshed', { adapter: this.#broker.kind, err: error });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
