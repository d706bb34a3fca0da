/**
 * The usual process metrics, read when scraped. One table serves a server's prom-client
 * registry and the cluster primary, which reports its own process as plain data (it never
 * loads prom-client): a node's memory and CPU include the primary's.
 *
 * Not prom-client's collectDefaultMetrics: its GC observer runs on every garbage
 * collection, and a saturated server collects garbage every few milliseconds (+8% server
 * CPU per round trip on plaintext in bench/metrics-overhead.ts); these cost nothing
 * between scrapes.
 */
import type { Aggregation, MetricSnapshot } from './merge-snapshots.js';

/** One process figure. */
export interface ProcessMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  /** Across a node's processes: memory and CPU add up; the start time is the oldest one's (the primary's). */
  aggregator: Aggregation;
  read(): number;
}

const START_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

/** The figures, in the order they are served. */
export const PROCESS_METRICS: readonly ProcessMetric[] = [
  {
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU time spent, in seconds.',
    type: 'counter',
    aggregator: 'sum',
    read() {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
  },
  { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', aggregator: 'sum', read: () => process.memoryUsage.rss() },
  { name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch, in seconds.', type: 'gauge', aggregator: 'min', read: () => START_SECONDS },
  { name: 'nodejs_heap_size_total_bytes', help: 'V8 heap size in bytes.', type: 'gauge', aggregator: 'sum', read: () => process.memoryUsage().heapTotal },
  { name: 'nodejs_heap_size_used_bytes', help: 'V8 heap in use, in bytes.', type: 'gauge', aggregator: 'sum', read: () => process.memoryUsage().heapUsed },
  { name: 'nodejs_external_memory_bytes', help: 'Memory of C++ objects bound to JavaScript objects, in bytes.', type: 'gauge', aggregator: 'sum', read: () => process.memoryUsage().external },
];

/** This process's figures now, as data. */
export function processSnapshot(): MetricSnapshot[] {
  return PROCESS_METRICS.map(({ name, help, type, aggregator, read }) => ({ name, help, type, aggregator, values: [{ value: read(), labels: {} }] }));
}
