/**
 * The server's public option and event types, apart from the class that implements them
 * (socket-server.ts). Types only.
 */
import type { ConfigOptions } from '../config/resolve-config.js';
import type { Logger } from '../logger.js';
import type { MetricsEndpoint, ServedMetrics } from '../metrics/server-metrics.js';
import type { Broker } from '../scale/broker.js';
import type { Connection } from './connection.js';

/** Constructor options: any setting (wins over the environment), plus a logger. */
export interface SocketServerOptions extends ConfigOptions {
  /** Where logs go; default pino on stderr at `logLevel`. */
  logger?: Logger;
  /**
   * When false, construct an independent instance instead of the singleton (several
   * clients in one process: tests, load generators, a service talking to two servers).
   * @default true
   */
  singleton?: boolean;
  /** A broker instead of the one `adapter` names (the cluster worker, tests). @internal */
  broker?: Broker;
  /** What answers `/metrics`, given this server's metrics (a cluster worker serves its node's). @internal */
  serveMetrics?: (own: ServedMetrics) => MetricsEndpoint;
}

/** Options of {@link SocketServer.broadcast}. */
export interface BroadcastOptions {
  /** Only members of this room. */
  room?: string;
  /** Connection id, or ids, to leave out. */
  except?: string | readonly string[];
}

/** Options of {@link SocketServer.connectionCount}. */
export interface ConnectionCountOptions {
  /** Only members of this room. */
  room?: string;
}

/** Lifecycle events; the `onX` properties are called alongside them. */
export interface SocketServerEvents {
  connect: [connection: Connection];
  authenticated: [connection: Connection];
  disconnect: [connection: Connection, code: number, reason: string];
  /** The rate limit paused reading a connection for about `pauseMs` (countable by metrics). */
  throttled: [connection: Connection, pauseMs: number];
}
