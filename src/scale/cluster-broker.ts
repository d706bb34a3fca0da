/**
 * The cluster broker, a worker's side: appends and table writes go to the primary over
 * the IPC channel; entries the primary forwards queue here until the relay reads them.
 */
import { sequenceOf, type Broker, type LogAppend, type LogEntry, type LogPosition, type LogRead, type NodeRecord } from './broker.js';
import { isClusterMessage, type PrimaryMessage, type WorkerMessage } from './cluster-protocol.js';

/** The IPC channel to the primary (`process` in a worker). */
export interface PrimaryChannel {
  send?: ((message: WorkerMessage, sendHandle?: undefined, options?: undefined, callback?: (error: Error | null) => void) => boolean) | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** How long a question to the primary (head, table) may take. */
const ANSWER_WAIT_MS = 2000;

/** A broker whose log and table live in the cluster primary. */
export class ClusterBroker implements Broker {
  readonly kind = 'cluster';
  readonly #channel: PrimaryChannel;
  readonly #queue: LogEntry[] = [];
  readonly #answers = new Map<number, (message: PrimaryMessage) => void>();
  #epoch = '';
  #nextReq = 0;
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #onMessage = (message: unknown): void => this.#receive(message);

  constructor(channel: PrimaryChannel = process as unknown as PrimaryChannel) {
    this.#channel = channel;
    channel.on('message', this.#onMessage);
  }

  async start(): Promise<LogPosition> {
    const head = (await this.#ask({ ds: 'head', req: 0 })) as Extract<PrimaryMessage, { ds: 'head' }>;
    this.#epoch = head.epoch;
    return { epoch: head.epoch, offset: head.offset };
  }

  async append(entry: LogAppend): Promise<void> {
    await this.#send({ ds: 'append', entry });
  }

  async read(from: LogPosition, waitMs: number): Promise<LogRead> {
    if (this.#queue.length === 0 && !this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
      this.#wake = undefined;
    }
    if (this.#closed) throw new Error('cluster broker closed');
    const after = sequenceOf(from.offset);
    const entries = this.#queue.splice(0).filter((entry) => sequenceOf(entry.offset) > after);
    return { epoch: this.#epoch, entries };
  }

  async publishNode(record: NodeRecord, ttlMs: number): Promise<void> {
    await this.#send({ ds: 'node', record, ttlMs });
  }

  async liveNodes(): Promise<NodeRecord[]> {
    return ((await this.#ask({ ds: 'nodes', req: 0 })) as Extract<PrimaryMessage, { ds: 'nodes' }>).records;
  }

  async history(from: LogPosition, limit: number): Promise<LogRead> {
    return ((await this.#ask({ ds: 'history', req: 0, from, limit })) as Extract<PrimaryMessage, { ds: 'history' }>).read;
  }

  async saveSession(id: string, record: string, ttlMs: number): Promise<void> {
    await this.#send({ ds: 'session-save', id, record, ttlMs });
  }

  async peekSession(id: string): Promise<string | undefined> {
    return ((await this.#ask({ ds: 'session-peek', req: 0, id })) as Extract<PrimaryMessage, { ds: 'session' }>).record ?? undefined;
  }

  async takeSession(id: string): Promise<string | undefined> {
    return ((await this.#ask({ ds: 'session-take', req: 0, id })) as Extract<PrimaryMessage, { ds: 'session' }>).record ?? undefined;
  }

  async dropSession(id: string): Promise<void> {
    await this.#send({ ds: 'session-drop', id });
  }

  async close(node: string): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    this.#channel.off('message', this.#onMessage);
    await this.#send({ ds: 'leave', node }).catch(() => {});
  }

  #receive(message: unknown): void {
    if (!isClusterMessage<PrimaryMessage>(message)) return;
    if (message.ds === 'entry') {
      this.#queue.push(message.entry);
      this.#wake?.();
    } else if ('req' in message) {
      this.#answers.get(message.req)?.(message);
    }
  }

  #send(message: WorkerMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#channel.send === undefined) return reject(new Error('not a cluster worker: no IPC channel'));
      try {
        this.#channel.send(message, undefined, undefined, (error) => (error === null ? resolve() : reject(error)));
      } catch (error) {
        reject(error as Error);
      }
    });
  }

  async #ask(message: Extract<WorkerMessage, { req: number }>): Promise<PrimaryMessage> {
    const req = ++this.#nextReq;
    const answer = new Promise<PrimaryMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#answers.delete(req);
        reject(new Error(`the cluster primary did not answer "${message.ds}"`));
      }, ANSWER_WAIT_MS);
      this.#answers.set(req, (reply) => {
        clearTimeout(timer);
        this.#answers.delete(req);
        resolve(reply);
      });
    });
    await this.#send({ ...message, req });
    return answer;
  }
}
