/**
 * `/metrics` of a `serve --workers N` node, the primary's side. The worker that was scraped
 * asks; the primary asks every listening worker for its metrics as data, waits at most
 * {@link COLLECT_DEADLINE_MS}, and answers with the sum (merge-snapshots.ts), its own
 * process figures, and how many workers were asked and answered:
 *
 *   scraped worker --metrics-scrape--> primary --metrics-collect--> every listening worker
 *   scraped worker <--metrics-node---- primary <--metrics-snapshot-- each, within the deadline
 *
 * Counters never go backwards (Prometheus reads a drop as a reset and `rate()` jumps): a
 * worker that does not answer in time counts with the counters of its last answer, and one
 * that exits leaves its last counters in the node's totals. Gauges (connections, memory)
 * come only from workers that answered. A worker that exits is not waited for.
 */
import type { MetricsPrimaryMessage, WorkerMessage } from '../scale/cluster-protocol.js';
import { mergeSnapshots, monotonicOf, type MetricSnapshot } from './merge-snapshots.js';
import { processSnapshot } from './process-metrics.js';

/** How long the primary waits for the workers' answers to one scrape. */
export const COLLECT_DEADLINE_MS = 1000;

/** A worker as the metrics hub sees it. */
export interface MetricsPeer {
  readonly id: number;
  /** False when the message could not be sent (the worker's channel is closed). */
  send(message: MetricsPrimaryMessage): boolean;
}

/** One scrape being collected. */
interface Round {
  readonly id: number;
  readonly asker: MetricsPeer;
  readonly scrape: number;
  readonly asked: readonly number[];
  readonly waiting: Set<number>;
  readonly answers: MetricSnapshot[][];
  readonly timer: ReturnType<typeof setTimeout>;
}

/** The primary's side of node-wide `/metrics`. */
export class ClusterMetricsHub {
  readonly #peers = new Map<number, MetricsPeer>();
  /** Each listening worker's counters as of its last answer. */
  readonly #lastCounters = new Map<number, MetricSnapshot[]>();
  /** The last counters of every worker that has exited, summed. */
  #retired: MetricSnapshot[] = [];
  readonly #rounds = new Map<number, Round>();
  #nextRound = 0;
  readonly #deadlineMs: number;
  readonly #ownMetrics: () => MetricSnapshot[];

  /** @param ownMetrics the primary's own figures, added to the workers' (its process metrics). */
  constructor(options: { deadlineMs?: number; ownMetrics?: () => MetricSnapshot[] } = {}) {
    this.#deadlineMs = options.deadlineMs ?? COLLECT_DEADLINE_MS;
    this.#ownMetrics = options.ownMetrics ?? processSnapshot;
  }

  /** A worker listens: scrapes ask it from now on. */
  add(peer: MetricsPeer): void {
    this.#peers.set(peer.id, peer);
  }

  /** A worker exited: its last counters stay in the totals, and no scrape waits for it. */
  remove(peerId: number): void {
    if (!this.#peers.delete(peerId)) return;
    const last = this.#lastCounters.get(peerId);
    this.#lastCounters.delete(peerId);
    if (last !== undefined) this.#retired = mergeSnapshots([this.#retired, last]);
    for (const round of this.#rounds.values()) this.#settle(round, peerId);
  }

  /** Handles one message from worker `from`; true when it was a metrics message. */
  receive(from: MetricsPeer, message: WorkerMessage): boolean {
    if (message.ds === 'metrics-scrape') this.#collect(from, message.scrape);
    else if (message.ds === 'metrics-snapshot') this.#answered(from.id, message.collect, message.metrics);
    else return false;
    return true;
  }

  /** Ends every open scrape with what it has (the primary is stopping). */
  close(): void {
    for (const round of this.#rounds.values()) this.#finish(round);
  }

  #collect(asker: MetricsPeer, scrape: number): void {
    const id = ++this.#nextRound;
    const asked = [...this.#peers.keys()];
    const round: Round = { id, asker, scrape, asked, waiting: new Set(asked), answers: [], timer: setTimeout(() => this.#finish(round), this.#deadlineMs) };
    this.#rounds.set(id, round);
    for (const peer of this.#peers.values()) {
      if (!peer.send({ ds: 'metrics-collect', collect: id })) this.#settle(round, peer.id);
    }
    if (asked.length === 0) this.#finish(round);
  }

  #answered(peerId: number, collect: number, metrics: MetricSnapshot[]): void {
    // A late answer still refreshes the counters a later scrape may need.
    if (this.#peers.has(peerId)) this.#lastCounters.set(peerId, monotonicOf(metrics));
    const round = this.#rounds.get(collect);
    if (round === undefined || !round.waiting.has(peerId)) return;
    round.answers.push(metrics);
    this.#settle(round, peerId);
  }

  /** `peerId` answered, or will not: the round ends when nobody is left to wait for. */
  #settle(round: Round, peerId: number): void {
    if (round.waiting.delete(peerId) && round.waiting.size === 0) this.#finish(round);
  }

  #finish(round: Round): void {
    if (!this.#rounds.delete(round.id)) return;
    clearTimeout(round.timer);
    // Asked, alive, silent: its counters as of its last answer (an exited one's are in #retired).
    const silent = round.asked.filter((id) => round.waiting.has(id) && this.#peers.has(id)).flatMap((id) => this.#lastCounters.get(id) ?? []);
    const reporting = round.answers.length;
    const gauges = workerGauges(round.asked.length, reporting, this.#deadlineMs);
    const metrics = mergeSnapshots([this.#ownMetrics(), ...round.answers, silent, this.#retired, gauges]);
    round.asker.send({ ds: 'metrics-node', scrape: round.scrape, metrics, workers: round.asked.length, reporting });
  }
}

/** How complete this scrape is, for alerts (`dropsocket_workers_reporting < dropsocket_workers`). */
function workerGauges(workers: number, reporting: number, deadlineMs: number): MetricSnapshot[] {
  const gauge = (name: string, help: string, value: number): MetricSnapshot => ({ name, help, type: 'gauge', aggregator: 'sum', values: [{ value, labels: {} }] });
  return [
    gauge('dropsocket_workers', 'Workers listening when this scrape began; the scrape asked each of them.', workers),
    gauge('dropsocket_workers_reporting', `Workers whose answer this scrape includes; the others did not answer within ${deadlineMs} ms or exited (their counters count as of their last answer).`, reporting),
  ];
}
