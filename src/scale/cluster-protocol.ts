/**
 * The messages a `serve --workers N` primary and its workers exchange over the cluster IPC
 * channel. Every message carries `ds` (its kind), so the primary tells them apart from
 * node:cluster's own. Pure types and a guard.
 */
import type { MetricSnapshot } from '../metrics/merge-snapshots.js';
import type { LogAppend, LogEntry, LogPosition, LogRead, NodeRecord } from './broker.js';

/** Worker to primary. */
export type WorkerMessage =
  | { ds: 'append'; entry: LogAppend }
  | { ds: 'head'; req: number }
  | { ds: 'node'; record: NodeRecord; ttlMs: number }
  | { ds: 'nodes'; req: number }
  | { ds: 'leave'; node: string }
  | { ds: 'listening'; port: number }
  | { ds: 'history'; req: number; from: LogPosition; limit: number }
  | { ds: 'session-save'; id: string; record: string; ttlMs: number }
  | { ds: 'session-peek'; req: number; id: string }
  | { ds: 'session-take'; req: number; id: string }
  | { ds: 'session-drop'; id: string }
  | MetricsWorkerMessage;

/** Primary to worker. */
export type PrimaryMessage =
  | { ds: 'entry'; epoch: string; entry: LogEntry }
  | { ds: 'head'; req: number; epoch: string; offset: string }
  | { ds: 'nodes'; req: number; records: NodeRecord[] }
  | { ds: 'history'; req: number; read: LogRead }
  | { ds: 'session'; req: number; record: string | null }
  | MetricsPrimaryMessage;

/*
 * `/metrics` of a whole node: the worker that was scraped asks the primary (`scrape`, its
 * own id), the primary asks every listening worker (`collect`, the primary's id) and
 * answers with the node's sum. The ids are not named `req`, so the cluster broker, which
 * matches every `req` to its own questions, never takes one of these for an answer.
 */

/** Worker to primary, for `/metrics`. */
export type MetricsWorkerMessage =
  | { ds: 'metrics-scrape'; scrape: number }
  | { ds: 'metrics-snapshot'; collect: number; metrics: MetricSnapshot[] };

/** Primary to worker, for `/metrics`. */
export type MetricsPrimaryMessage =
  | { ds: 'metrics-collect'; collect: number }
  | { ds: 'metrics-node'; scrape: number; metrics: MetricSnapshot[]; workers: number; reporting: number };

/** Environment variable the primary sets on the workers it forks. */
export const WORKER_ENV = 'DROPSOCKET_CLUSTER_WORKER';

/** Whether an IPC message is one of ours. */
export function isClusterMessage<T extends { ds: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { ds?: unknown }).ds === 'string';
}
