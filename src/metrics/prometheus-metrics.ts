/**
 * ServerMetrics in Prometheus form, through prom-client (the Prometheus client for Node:
 * registry, text format, process metrics). Loaded with a dynamic import only when
 * SOCKET_METRICS is on. Each server gets its own Registry, so two servers in one process
 * (tests, a primary and a worker) never share counters.
 *
 * The message path only adds to plain numbers in a MetricTally; the tally is copied into
 * the Prometheus metrics when /metrics is scraped. prom-client's own inc()/observe() hash
 * and validate labels on every call, which measured at about a fifth of a round trip's
 * server CPU; a scrape every few seconds costs nothing per message.
 */
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { MetricSnapshot } from './merge-snapshots.js';
import { MetricTally } from './metric-tally.js';
import { PROCESS_METRICS } from './process-metrics.js';
import type { ScrapeSources, ServedMetrics } from './server-metrics.js';

/** Creates the metrics of one server; `sources` are read at each scrape. */
export function createPrometheusMetrics(sources: ScrapeSources): ServedMetrics {
  const register = new Registry();
  const tally = new PublishedTally(register);
  registerProcessMetrics(register);
  new Gauge({
    name: 'dropsocket_connections',
    help: 'Open connections, by encryption and whether they have authenticated.',
    labelNames: ['encryption', 'authenticated'] as const,
    registers: [register],
    collect() {
      const counts = sources.connections();
      const encryption = counts.encrypted ? 'on' : 'off';
      this.set({ encryption, authenticated: 'true' }, counts.authenticated);
      this.set({ encryption, authenticated: 'false' }, counts.unauthenticated);
    },
  });
  /** A counter whose value is read from the tally at each scrape. */
  const published = (name: string, help: string, labelName: string | undefined, read: () => Iterable<[string | undefined, number]>): void => {
    new Counter({
      name,
      help,
      labelNames: labelName === undefined ? [] : [labelName],
      registers: [register],
      collect() {
        this.reset();
        for (const [label, value] of read()) {
          if (label === undefined || labelName === undefined) this.inc(value);
          else this.inc({ [labelName]: label }, value);
        }
      },
    });
  };
  published('dropsocket_handshakes_total', 'Channel handshakes, by result.', 'result', () => [['ok', tally.handshakesOk], ['failed', tally.handshakesFailed]]);
  published('dropsocket_auth_failures_total', 'Connections the auth handler refused.', undefined, () => [[undefined, tally.authFailures]]);
  published('dropsocket_messages_received_total', 'Messages received.', undefined, () => [[undefined, tally.messagesIn]]);
  published('dropsocket_messages_sent_total', 'Messages sent (frames written).', undefined, () => [[undefined, tally.messagesOut]]);
  published('dropsocket_received_bytes_total', 'Bytes received in WebSocket frames.', undefined, () => [[undefined, tally.bytesIn]]);
  published('dropsocket_sent_bytes_total', 'Bytes sent in WebSocket frames.', undefined, () => [[undefined, tally.bytesOut]]);
  published('dropsocket_errors_total', 'Error answers sent, by error code.', 'code', () => tally.errors);
  published('dropsocket_closes_total', 'Closed connections, by close code.', 'code', () => [...tally.closes].map(([code, count]) => [String(code), count]));
  published('dropsocket_rate_limit_pauses_total', 'Times the rate limit paused reading a connection.', undefined, () => [[undefined, tally.rateLimitPauses]]);
  // The adapter keeps its own counts (server.adapterStats): read at scrape, no hook needed.
  published('dropsocket_adapter_relays_total', 'Messages relayed between nodes/workers through the adapter: out = appended for others, in = taken from others.', 'direction', () => {
    const stats = sources.adapter();
    return [['out', stats.relaysSent], ['in', stats.relaysReceived]];
  });
  published('dropsocket_adapter_append_failures_total', 'Relays that could not be appended (broker unreachable): they reached no other node.', undefined, () => [[undefined, sources.adapter().appendFailures]]);
  published('dropsocket_adapter_log_gaps_total', 'Times the relay log showed a gap (trimmed past this node, or a new epoch).', undefined, () => [[undefined, sources.adapter().logGaps]]);
  published('dropsocket_adapter_relays_dropped_total', 'Relayed direct messages for a connection that had already left.', undefined, () => [[undefined, sources.adapter().relaysDropped]]);
  new Gauge({
    name: 'dropsocket_adapter_connected',
    help: 'Whether the adapter\'s broker answered its last call (1) or not (0), by adapter.',
    labelNames: ['adapter'] as const,
    // Across workers: 0 as soon as one of them has lost its broker.
    aggregator: 'min',
    registers: [register],
    collect() {
      const stats = sources.adapter();
      this.reset();
      this.set({ adapter: stats.adapter }, stats.connected ? 1 : 0);
    },
  });
  register.registerMetric(durationHistogram(tally));
  return tally;
}

/** The tally, plus what /metrics needs to render it. */
class PublishedTally extends MetricTally implements ServedMetrics {
  readonly contentType: string;
  readonly #register: Registry;

  constructor(register: Registry) {
    super();
    this.contentType = register.contentType;
    this.#register = register;
  }

  render(): Promise<string> {
    return this.#register.metrics();
  }

  async snapshot(): Promise<MetricSnapshot[]> {
    // prom-client types `type` as its MetricType enum, whose values are these strings.
    return (await this.#register.getMetricsAsJSON()) as unknown as MetricSnapshot[];
  }

  renderSnapshot(metrics: readonly MetricSnapshot[]): Promise<string> {
    // The shape AggregatorRegistry.aggregate() registers: a metric whose get() is the data.
    const register = new Registry();
    for (const metric of metrics) register.registerMetric({ ...metric, get: () => Promise.resolve(metric) } as unknown as Metric);
    return register.metrics();
  }
}

/**
 * The handler latency histogram, read from the tally's per-name buckets at each scrape.
 * A collector in the shape every prom-client metric has (`name`, `help`, `type`, `get()`),
 * registered through the public `registerMetric`.
 */
function durationHistogram(tally: MetricTally): Metric {
  const name = 'dropsocket_handler_duration_seconds';
  const collector = {
    name,
    help: 'Time from dispatch to answer of handler calls, by request name.',
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values = [];
      for (const [request, histogram] of tally.durations) {
        let cumulative = 0;
        histogram.counts.forEach((count, index) => {
          cumulative += count;
          const le = index < MetricTally.BUCKETS.length ? String(MetricTally.BUCKETS[index]) : '+Inf';
          values.push({ metricName: `${name}_bucket`, labels: { request, le }, value: cumulative });
        });
        values.push({ metricName: `${name}_sum`, labels: { request }, value: histogram.sum });
        values.push({ metricName: `${name}_count`, labels: { request }, value: cumulative });
      }
      return Promise.resolve({ name, help: collector.help, type: 'histogram', aggregator: 'sum', values });
    },
  };
  return collector as unknown as Metric;
}

/** The process figures (process-metrics.ts) as prom-client metrics, read when scraped. */
function registerProcessMetrics(register: Registry): void {
  for (const { name, help, type, aggregator, read } of PROCESS_METRICS) {
    if (type === 'gauge') new Gauge({ name, help, aggregator, registers: [register], collect() { this.set(read()); } });
    else {
      new Counter({
        name,
        help,
        aggregator,
        registers: [register],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    }
  }
}
