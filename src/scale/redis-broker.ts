/**
 * The Redis broker. The log is one Redis Stream: one `XADD ... MAXLEN ~` per cross-node
 * message, read by every node with `XREAD BLOCK` from the last id it saw, on a connection
 * of its own (a blocked read holds its connection). Pub/sub would lose whatever is
 * published while a node reconnects; a stream keeps it, up to the retained length.
 *
 *   dropsocket:epoch        random string, set once (SET NX); a Redis that lost its data
 *                           gets a new one, so readers know old offsets mean nothing
 *   dropsocket:log          the stream: fields n (node), s (seq), m (body); id = offset
 *   dropsocket:nodes        set of node names; each row in dropsocket:node:<name>, with a TTL
 *   dropsocket:session:<id> a recovery session record, with the recovery window as TTL
 *
 * `@redis/client` (node-redis, the client Redis maintains) is imported only when this
 * broker starts, so users of the local adapter never load it.
 */
import { LOG_START, compareOffsets, type Broker, type LogAppend, type LogEntry, type LogPosition, type LogRead, type NodeRecord } from './broker.js';
import { randomIdPrefix } from '../crypto/random.js';
import type { Logger } from '../logger.js';

type RedisModule = typeof import('@redis/client');
type RedisClient = ReturnType<typeof createRedisClient>;

/** Entries kept in the stream (approximately: `MAXLEN ~` trims whole nodes, cheaply). */
export const LOG_MAX_LENGTH = 100_000;
/** Entries taken per read; a full batch means the reader is behind, so trimming is checked. */
const READ_BATCH = 1000;
/** How long the first start waits for Redis before reporting it unreachable. */
const FIRST_CONNECT_WAIT_MS = 2000;
const CONNECT_TIMEOUT_MS = 2000;
const RECONNECT_MAX_MS = 2000;

const KEY = {
  epoch: 'dropsocket:epoch',
  log: 'dropsocket:log',
  nodes: 'dropsocket:nodes',
  node: (name: string) => `dropsocket:node:${name}`,
  session: (id: string) => `dropsocket:session:${id}`,
};

/** A broker over Redis at `url` (redis:// or rediss://). */
export class RedisBroker implements Broker {
  readonly kind = 'redis';
  readonly #url: string;
  readonly #logger: Logger;
  #writer: RedisClient | undefined;
  #reader: RedisClient | undefined;
  #ready: Promise<void> | undefined;
  /** Bumped each time the reading connection becomes ready: a reconnect means "check the epoch". */
  #readerGeneration = 0;
  #checkedGeneration = -1;
  #behind = false;

  constructor(url: string, logger: Logger) {
    this.#url = url;
    this.#logger = logger;
  }

  async start(): Promise<LogPosition> {
    await this.#connect();
    const epoch = await this.#epoch();
    this.#checkedGeneration = this.#readerGeneration;
    const [last] = (await this.#writer!.xRevRange(KEY.log, '+', '-', { COUNT: 1 })) ?? [];
    return { epoch, offset: last?.id ?? LOG_START };
  }

  async append(entry: LogAppend): Promise<void> {
    const writer = this.#connected();
    await writer.xAdd(KEY.log, '*', { n: entry.node, s: String(entry.seq), m: entry.body }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: LOG_MAX_LENGTH } });
  }

  async read(from: LogPosition, waitMs: number): Promise<LogRead> {
    this.#connected();
    const reader = this.#reader!;
    let gap: LogRead['gap'];
    if (this.#checkedGeneration !== this.#readerGeneration || this.#behind) {
      const epoch = await this.#epoch();
      this.#checkedGeneration = this.#readerGeneration;
      if (epoch !== from.epoch) {
        const entries = (await this.#writer!.xRange(KEY.log, '-', '+', { COUNT: READ_BATCH })) ?? [];
        return { epoch, entries: entries.map(toEntry), gap: 'epoch-changed' };
      }
      gap = (await this.#trimmedPast(from.offset)) ? 'trimmed' : undefined;
    }
    const streams = await reader.xRead({ key: KEY.log, id: from.offset }, { BLOCK: waitMs, COUNT: READ_BATCH });
    const messages = (streams as Array<{ messages: RawEntry[] }> | null)?.[0]?.messages ?? [];
    this.#behind = messages.length === READ_BATCH;
    return { epoch: from.epoch, entries: messages.map(toEntry), gap };
  }

  async publishNode(record: NodeRecord, ttlMs: number): Promise<void> {
    await this.#connected().multi().set(KEY.node(record.node), JSON.stringify(record), { PX: ttlMs }).sAdd(KEY.nodes, record.node).exec();
  }

  async liveNodes(): Promise<NodeRecord[]> {
    const writer = this.#connected();
    const names = await writer.sMembers(KEY.nodes);
    if (names.length === 0) return [];
    const rows = await writer.mGet(names.map(KEY.node));
    const expired = names.filter((_, index) => rows[index] === null);
    // The set only indexes the rows; a row that expired is a node gone: drop its name too.
    if (expired.length > 0) writer.sRem(KEY.nodes, expired).catch(() => {});
    return rows.filter((row): row is string => row !== null).map((row) => JSON.parse(row) as NodeRecord);
  }

  async history(from: LogPosition, limit: number): Promise<LogRead> {
    const writer = this.#connected();
    const epoch = await this.#epoch();
    if (epoch !== from.epoch) return { epoch, entries: [], gap: 'epoch-changed' };
    // On the writing connection, after this node's own appends: a replay sees all of them.
    const raw = (await writer.xRange(KEY.log, `(${from.offset}`, '+', { COUNT: limit + 1 })) ?? [];
    const trimmed = raw.length > limit || (await this.#trimmedPast(from.offset));
    return { epoch, entries: raw.slice(0, limit).map(toEntry), gap: trimmed ? 'trimmed' : undefined };
  }

  async saveSession(id: string, record: string, ttlMs: number): Promise<void> {
    await this.#connected().set(KEY.session(id), record, { PX: ttlMs });
  }

  async peekSession(id: string): Promise<string | undefined> {
    return (await this.#connected().get(KEY.session(id))) ?? undefined;
  }

  async takeSession(id: string): Promise<string | undefined> {
    // GETDEL is atomic: of two nodes resuming the same session, one gets it.
    return (await this.#connected().getDel(KEY.session(id))) ?? undefined;
  }

  async dropSession(id: string): Promise<void> {
    await this.#connected().del(KEY.session(id));
  }

  async close(node: string): Promise<void> {
    try {
      if (this.#writer?.isReady === true) await this.#writer.multi().del(KEY.node(node)).sRem(KEY.nodes, node).exec();
    } finally {
      // destroy(), not close(): a blocked XREAD must end now, and nothing queued is worth waiting for.
      this.#reader?.destroy();
      this.#writer?.destroy();
    }
  }

  /** Creates both connections once; the first start waits a little for them to be ready. */
  async #connect(): Promise<void> {
    this.#ready ??= this.#createClients();
    await this.#ready;
  }

  async #createClients(): Promise<void> {
    const writer = createRedisClient(await import('@redis/client'), this.#url);
    const reader = writer.duplicate();
    reader.on('ready', () => (this.#readerGeneration += 1));
    for (const client of [writer, reader]) client.on('error', (error: Error) => this.#logger.debug('redis connection error', { err: error.message }));
    this.#writer = writer;
    this.#reader = reader;
    const connected = Promise.all([writer.connect(), reader.connect()]);
    connected.catch(() => {});
    await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref())]);
  }

  #connected(): RedisClient {
    if (this.#writer === undefined || this.#reader === undefined) throw new Error('redis broker not started');
    return this.#writer;
  }

  async #epoch(): Promise<string> {
    await this.#writer!.set(KEY.epoch, randomIdPrefix(), { NX: true });
    const epoch = await this.#writer!.get(KEY.epoch);
    if (epoch === null) throw new Error('redis lost the epoch key while it was read');
    return epoch;
  }

  /** Whether entries after `offset` may have been trimmed away (the entry itself is gone). */
  async #trimmedPast(offset: string): Promise<boolean> {
    if (offset === LOG_START) return false;
    const [first] = (await this.#writer!.xRange(KEY.log, '-', '+', { COUNT: 1 })) ?? [];
    return first !== undefined && compareOffsets(first.id, offset) > 0;
  }
}

function createRedisClient(redis: RedisModule, url: string) {
  return redis.createClient({
    url,
    // Commands fail at once while Redis is unreachable: an outage must cost local traffic
    // nothing, and a message that cannot be appended is counted, not queued without bound.
    disableOfflineQueue: true,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, RECONNECT_MAX_MS) },
  });
}

interface RawEntry {
  id: string;
  message: Record<string, string>;
}

function toEntry(raw: RawEntry): LogEntry {
  return { offset: raw.id, node: raw.message.n ?? '', seq: Number(raw.message.s), body: raw.message.m ?? '' };
}
