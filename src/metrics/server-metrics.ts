/**
 * The seam between the server and its metrics. The server holds `ServerMetrics | undefined`
 * and calls it as `metrics?.x()`: with metrics off that is one branch per call site and no
 * argument is evaluated, so the message path pays nothing. With SOCKET_METRICS on, the
 * Prometheus implementation (prometheus-metrics.ts, which loads prom-client) is plugged in.
 */
import type { AdapterStats } from '../server/cross-node.js';
import type { MetricSnapshot } from './merge-snapshots.js';

/** What the server reports as it runs. Every method is cheap and never throws. */
export interface ServerMetrics {
  /** A channel handshake completed (Noise, or the plaintext channel's open). */
  handshakeCompleted(): void;
  /** A handshake failed (wrong key, garbage): the connection closes with 4002. */
  handshakeFailed(): void;
  /** The auth handler refused a connection (4001). */
  authFailed(): void;
  /** A frame arrived: its size in bytes and the messages it carried. */
  received(bytes: number, messages: number): void;
  /** A frame was written: its size in bytes (strings are counted as UTF-8) and the messages of its record. */
  sent(frame: string | Buffer, messages?: number): void;
  /** A handler call finished after `seconds`, by request name. */
  handlerFinished(request: string, seconds: number): void;
  /** An error answer was sent (`VALIDATION_ERROR`, a handler's own code, ...). */
  errorAnswered(code: string): void;
  /** A connection closed with `code`. */
  closed(code: number): void;
  /** The rate limit paused reading a connection. */
  rateLimitPaused(): void;
}

/** Open connections by kind, counted when scraped (never on the message path). */
export interface ConnectionCounts {
  encrypted: boolean;
  authenticated: number;
  unauthenticated: number;
}

/** What the metrics read from the server when scraped. */
export interface ScrapeSources {
  connections(): ConnectionCounts;
  /** The scale-out adapter's own counts (`server.adapterStats`). */
  adapter(): AdapterStats;
}

/** What answers `GET /metrics`. */
export interface MetricsEndpoint {
  readonly contentType: string;
  /** The text; a rejection is answered 503. */
  render(): Promise<string>;
}

/** A metrics implementation that can also render itself for `GET /metrics`. */
export interface ServedMetrics extends ServerMetrics, MetricsEndpoint {
  /** This server's metrics as data, for a cluster primary to add up. */
  snapshot(): Promise<MetricSnapshot[]>;
  /** Renders metrics given as data (a whole node's) as `render()` renders this server's. */
  renderSnapshot(metrics: readonly MetricSnapshot[]): Promise<string>;
}

/** Counts `connections` by whether they have authenticated. */
export function countConnections(connections: Iterable<{ readonly authenticated: boolean }>, encrypted: boolean): ConnectionCounts {
  let authenticated = 0;
  let unauthenticated = 0;
  for (const connection of connections) {
    if (connection.authenticated) authenticated += 1;
    else unauthenticated += 1;
  }
  return { encrypted, authenticated, unauthenticated };
}
