/**
 * What a client's parts agree on: the core (client-core.ts), each runtime's session (ws +
 * node:crypto, or the browser's WebSocket + WebCrypto) and the public facades. Types only.
 */
import type { SocketError } from '../errors.js';
import type { Envelope } from '../protocol/envelope.js';
import type { RecoveryOutcome } from '../recovery/live-session.js';

/** Options of `request()`. */
export interface ClientRequestOptions {
  /** Deadline in ms; defaults to `requestTimeout`. */
  timeout?: number;
}

/** Lifecycle events; the `onX` properties are called alongside them. */
export interface SocketClientEvents {
  disconnect: [code: number, reason: string];
  reconnecting: [attempt: number, delay: number];
  /** Reconnected and authenticated; `recovered` says whether the session was resumed (docs/recovery.md). */
  reconnected: [outcome: RecoveryOutcome];
  reconnectFailed: [];
  /** An error the server sent for a fire-and-forget message. */
  serverError: [request: string, error: SocketError];
  /** A push arrived (before its client handler runs, whether or not there is one). */
  push: [request: string, payload: unknown];
}

/** One socket to the server, as the core drives it. */
export interface CoreSession {
  readonly isOpen: boolean;
  /** The error for this session closing with `code` before it was ready, with a likely cause. */
  earlyCloseError(code: number): SocketError;
  sendText(text: string): boolean;
  startHeartbeat(): void;
  close(): void;
}

/** What a session reports to the core. */
export interface CoreSessionEvents<S> {
  envelope(session: S, envelope: Envelope): void;
  closed(session: S, code: number, reason: string): void;
  /** The last push number received, for the session's heartbeats to acknowledge (recovery on). */
  position(): number | undefined;
}

/**
 * Where the client is: `new` (init() not called, or it failed and may be retried),
 * `connecting`, `ready`, `reconnecting`, `closed` (by close(), by a deliberate server close,
 * or after the last reconnect attempt; init() connects again).
 */
export type ClientState = 'new' | 'connecting' | 'ready' | 'reconnecting' | 'closed';
