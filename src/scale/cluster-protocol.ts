/**
 * The messages a `serve --workers N` primary and its workers exchange over the cluster IPC
 * channel. Every message carries `ds` (its kind), so the primary tells them apart from
 * node:cluster's own. Pure types and a guard.
 */
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
  | { ds: 'session-drop'; id: string };

/** Primary to worker. */
export type PrimaryMessage =
  | { ds: 'entry'; epoch: string; entry: LogEntry }
  | { ds: 'head'; req: number; epoch: string; offset: string }
  | { ds: 'nodes'; req: number; records: NodeRecord[] }
  | { ds: 'history'; req: number; read: LogRead }
  | { ds: 'session'; req: number; record: string | null };

/** Environment variable the primary sets on the workers it forks. */
export const WORKER_ENV = 'DROPSOCKET_CLUSTER_WORKER';

/** Whether an IPC message is one of ours. */
export function isClusterMessage<T extends { ds: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { ds?: unknown }).ds === 'string';
}
