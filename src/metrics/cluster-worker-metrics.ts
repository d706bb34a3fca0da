/**
 * `/metrics` of a `serve --workers N` node, a worker's side: a scrape of this worker asks
 * the primary for the node's sum (cluster-metrics-hub.ts) and renders it; the primary's
 * questions are answered with this worker's metrics as data. Made by the CLI only for a
 * worker with metrics on: a single `serve`, or metrics off, has no listener at all.
 */
import { SocketError } from '../errors.js';
import type { PrimaryChannel } from '../scale/cluster-broker.js';
import { isClusterMessage, type MetricsPrimaryMessage } from '../scale/cluster-protocol.js';
import { COLLECT_DEADLINE_MS } from './cluster-metrics-hub.js';
import type { MetricsEndpoint, ServedMetrics } from './server-metrics.js';

/** How long a scrape waits for the primary: its deadline for the workers, plus a margin. */
export const PRIMARY_WAIT_MS = COLLECT_DEADLINE_MS + 1000;

type NodeMetrics = Extract<MetricsPrimaryMessage, { ds: 'metrics-node' }>;

interface PendingScrape {
  resolve(answer: NodeMetrics): void;
  reject(error: Error): void;
}

/** A worker's side of node-wide `/metrics`. */
export class ClusterWorkerMetrics {
  readonly #channel: PrimaryChannel;
  readonly #waitMs: number;
  readonly #pending = new Map<number, PendingScrape>();
  #own: ServedMetrics | undefined;
  #nextScrape = 0;
  readonly #onMessage = (message: unknown): void => this.#receive(message);

  constructor(channel: PrimaryChannel = process as unknown as PrimaryChannel, waitMs = PRIMARY_WAIT_MS) {
    this.#channel = channel;
    this.#waitMs = waitMs;
    channel.on('message', this.#onMessage);
  }

  /** What answers `/metrics` for a server whose metrics are `own` (SocketServer's `serveMetrics`). */
  endpoint(own: ServedMetrics): MetricsEndpoint {
    this.#own = own;
    return { contentType: own.contentType, render: () => this.#render(own) };
  }

  /** Stops answering the primary; scrapes still waiting fail with `SHUTTING_DOWN`. */
  close(): void {
    this.#channel.off('message', this.#onMessage);
    for (const pending of this.#pending.values()) pending.reject(new SocketError('SHUTTING_DOWN'));
  }

  #receive(message: unknown): void {
    if (!isClusterMessage<MetricsPrimaryMessage>(message)) return;
    if (message.ds === 'metrics-collect') void this.#answer(message.collect);
    else if (message.ds === 'metrics-node') this.#pending.get(message.scrape)?.resolve(message);
  }

  async #answer(collect: number): Promise<void> {
    // Unset only before init() has made the metrics; the primary asks listening workers only.
    if (this.#own === undefined) return;
    try {
      const metrics = await this.#own.snapshot();
      this.#channel.send?.({ ds: 'metrics-snapshot', collect, metrics }, undefined, undefined, () => {});
    } catch {
      // No answer: the primary leaves this worker out when its deadline passes.
    }
  }

  async #render(own: ServedMetrics): Promise<string> {
    const answer = await this.#ask();
    const text = await own.renderSnapshot(answer.metrics);
    if (answer.reporting === answer.workers) return text;
    const missing = answer.workers - answer.reporting;
    return `# dropsocket: ${missing} of ${answer.workers} workers did not answer in time: their gauges are left out, their counters count as of their last answer.\n${text}`;
  }

  /** The node's metrics from the primary. @throws SocketError `TIMEOUT` when it does not answer, `NOT_CONNECTED` when it is gone. */
  #ask(): Promise<NodeMetrics> {
    const scrape = ++this.#nextScrape;
    return new Promise<NodeMetrics>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.#pending.delete(scrape);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new SocketError('TIMEOUT', `The cluster primary did not answer a metrics scrape within ${this.#waitMs} ms`));
      }, this.#waitMs);
      this.#pending.set(scrape, { resolve: (answer) => (settle(), resolve(answer)), reject: (error) => (settle(), reject(error)) });
      const failed = (error: Error | null): void => {
        if (error !== null) this.#pending.get(scrape)?.reject(new SocketError('NOT_CONNECTED', 'The cluster primary cannot be reached', { cause: error }));
      };
      if (this.#channel.send === undefined) failed(new Error('not a cluster worker: no IPC channel'));
      else this.#channel.send({ ds: 'metrics-scrape', scrape }, undefined, undefined, failed);
    });
  }
}
