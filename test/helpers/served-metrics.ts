/** A server's Prometheus metrics without a server: fixed connection counts, an idle cluster adapter. */
import { createPrometheusMetrics } from '../../src/metrics/prometheus-metrics.js';
import type { ServedMetrics } from '../../src/metrics/server-metrics.js';

export function servedMetrics(authenticated = 0): ServedMetrics {
  const adapter = { adapter: 'cluster', connected: true, relaysSent: 0, relaysReceived: 0, appendFailures: 0, logGaps: 0, relaysDropped: 0, malformed: 0 };
  return createPrometheusMetrics({ connections: () => ({ encrypted: true, authenticated, unauthenticated: 0 }), adapter: () => adapter });
}
