/**
 * ServerMetrics in Prometheus form, through prom-client (the Prometheus client for Node
 * everyone uses: text format, histograms and default process metrics done right). Loaded
 * with a dynamic import only when SOCKET_METRICS is on. Each server gets its own Registry,
 * so two servers in one process (tests, a primary and a worker) never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectionCounts, ServedMetrics } from './server-metrics.js';

/** Handler latency buckets in seconds: sub-millisecond echo handlers up to slow I/O. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the metrics of one server; `connections` is read at each scrape. */
export function createPrometheusMetrics(connections: () => ConnectionCounts): ServedMetrics {
  const register = new Registry();
  collectDefaultMetrics({ register });
  new Gauge({
    name: 'dropsocket_connections',
    help: 'Open connections, by encryption and whether they have authenticated.',
    labelNames: ['encryption', 'authenticated'] as const,
    registers: [register],
    collect() {
      const counts = connections();
      const encryption = counts.encrypted ? 'on' : 'off';
      this.set({ encryption, authenticated: 'true' }, counts.authenticated);
      this.set({ encryption, authenticated: 'false' }, counts.unauthenticated);
    },
  });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> => new Counter({ name, help, labelNames, registers: [register] });
  const handshakes = counter('dropsocket_handshakes_total', 'Channel handshakes, by result.', ['result']);
  const authFailures = counter('dropsocket_auth_failures_total', 'Connections the auth handler refused.');
  const messagesIn = counter('dropsocket_messages_received_total', 'Messages received.');
  const messagesOut = counter('dropsocket_messages_sent_total', 'Messages sent (frames written).');
  const bytesIn = counter('dropsocket_received_bytes_total', 'Bytes received in WebSocket frames.');
  const bytesOut = counter('dropsocket_sent_bytes_total', 'Bytes sent in WebSocket frames.');
  const errors = counter('dropsocket_errors_total', 'Error answers sent, by error code.', ['code']);
  const closes = counter('dropsocket_closes_total', 'Closed connections, by close code.', ['code']);
  const pauses = counter('dropsocket_rate_limit_pauses_total', 'Times the rate limit paused reading a connection.');
  const relays = counter('dropsocket_adapter_relays_total', 'Messages relayed through the scale-out adapter, by direction.', ['direction']);
  const durations = new Histogram({
    name: 'dropsocket_handler_duration_seconds',
    help: 'Time from dispatch to answer of handler calls, by request name.',
    labelNames: ['request'] as const,
    buckets: DURATION_BUCKETS,
    registers: [register],
  });
  // Label values are bound once per value: the message path then only increments.
  const handshakeOk = handshakes.labels('ok');
  const handshakeFailed = handshakes.labels('failed');
  return {
    contentType: register.contentType,
    render: () => register.metrics(),
    handshakeCompleted: () => handshakeOk.inc(),
    handshakeFailed: () => handshakeFailed.inc(),
    authFailed: () => authFailures.inc(),
    received(bytes, messages) {
      bytesIn.inc(bytes);
      messagesIn.inc(messages);
    },
    sent(frame) {
      bytesOut.inc(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);
      messagesOut.inc();
    },
    handlerFinished: (request, seconds) => durations.observe({ request }, seconds),
    errorAnswered: (code) => errors.inc({ code }),
    closed: (code) => closes.inc({ code: String(code) }),
    rateLimitPaused: () => pauses.inc(),
    adapterRelayed: (direction) => relays.inc({ direction }),
  };
}
