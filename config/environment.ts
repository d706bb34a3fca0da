/**
 * The one table of settings. Each row: option key (as passed to a constructor), the
 * environment variable, the default, the parser, and a one-line doc. `resolveConfig` reads
 * this table and nothing else; docs/configuration.md is checked against it by a unit test.
 */
import {
  adapterUrl,
  boolean,
  integer,
  integerOrAuto,
  integerOrUnlimited,
  oneOf,
  optional,
  plainObject,
  text,
  websocketUrl,
  type Parser,
} from '../src/config/parsers.js';

/** One row of the settings table. */
export interface Setting<T> {
  /** Environment variable, or null for settings that can only be passed in code. */
  readonly env: string | null;
  /** Used when neither code nor environment gives a value; null means derived from others. */
  readonly default: T;
  readonly parse: Parser<T>;
  readonly doc: string;
}

const setting = <T>(row: Setting<T>): Setting<T> => row;

/** Largest delay setTimeout honours; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Log levels, most to least verbose. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const SETTINGS = {
  port: setting({ env: 'SOCKET_PORT', default: 2667, parse: integer(0, 65535), doc: 'Port the server listens on; 0 picks a free one.' }),
  host: setting({ env: 'SOCKET_HOST', default: '127.0.0.1', parse: text(), doc: 'Interface the server binds.' }),
  address: setting<string | null>({ env: 'SOCKET_ADDRESS', default: null, parse: optional(websocketUrl()), doc: 'URL the client connects to.' }),
  authKey: setting<string | null>({ env: 'SOCKET_AUTH_KEY', default: null, parse: optional(text()), doc: 'Shared secret: the Noise PSK and the key the auth handler checks. Required in production.' }),
  browserKey: setting<string | null>({ env: 'SOCKET_BROWSER_KEY', default: null, parse: optional(text()), doc: 'A second PSK, for web pages (made by `dropsocket keygen`): the server accepts a handshake under either key and tells the auth handler which (`connection.keyName`).' }),
  authData: setting<Record<string, unknown>>({ env: null, default: {}, parse: plainObject(), doc: 'Extra fields the client sends in its auth request beside `authKey`.' }),
  handlerDir: setting({ env: 'SOCKET_HANDLER_DIR', default: './socket-handlers', parse: text(), doc: 'Folder of handler files.' }),
  encryption: setting({ env: 'SOCKET_ENCRYPTION', default: true, parse: boolean(), doc: 'Noise NNpsk0 handshake and AES-256-GCM on every frame.' }),
  heartBeatInterval: setting({ env: 'SOCKET_HEARTBEAT_INTERVAL', default: 30_000, parse: integer(10, MAX_TIMER_MS), doc: 'Milliseconds between client heartbeats; the server drops a connection silent for 2.5 intervals.' }),
  heartBeatTimeout: setting<number | null>({ env: 'SOCKET_HEARTBEAT_TIMEOUT', default: null, parse: optional(integer(10, MAX_TIMER_MS)), doc: 'Milliseconds the client waits for a heartbeat answer before it drops the socket; default one interval.' }),
  reconnectBaseDelay: setting({ env: 'SOCKET_RECONNECT_BASE_DELAY', default: 1000, parse: integer(0, MAX_TIMER_MS), doc: 'First reconnect delay in ms; doubles per attempt, with jitter.' }),
  reconnectMaxDelay: setting({ env: 'SOCKET_RECONNECT_MAX_DELAY', default: 60_000, parse: integer(0, MAX_TIMER_MS), doc: 'Upper bound of the reconnect delay in ms.' }),
  maxReconnectAttempts: setting({ env: 'SOCKET_MAX_RECONNECT_ATTEMPTS', default: Infinity, parse: integerOrUnlimited(0), doc: 'Reconnect attempts before giving up; `unlimited` by default.' }),
  requestTimeout: setting({ env: 'SOCKET_REQUEST_TIMEOUT', default: 30_000, parse: integer(1, MAX_TIMER_MS), doc: 'Default deadline of `request()` in ms, on both sides.' }),
  authTimeout: setting({ env: 'SOCKET_AUTH_TIMEOUT', default: 10_000, parse: integer(1, MAX_TIMER_MS), doc: 'Milliseconds a connection may take from open to successful auth (close 4003).' }),
  maxPayload: setting({ env: 'SOCKET_MAX_PAYLOAD', default: 1_048_576, parse: integer(256, 256 * 1024 * 1024), doc: 'Largest message in bytes (close 1009).' }),
  maxConnections: setting({ env: 'SOCKET_MAX_CONNECTIONS', default: 10_000, parse: integerOrUnlimited(1), doc: 'Open connections beyond which upgrades are refused with HTTP 503.' }),
  rateLimit: setting({ env: 'SOCKET_RATE_LIMIT', default: Infinity, parse: integerOrUnlimited(1), doc: 'Messages per second a connection may sustain; over it, reading its socket pauses until tokens refill (slowed, never closed). Off (`unlimited`) by default.' }),
  rateBurst: setting({ env: 'SOCKET_RATE_BURST', default: 1000, parse: integer(1), doc: 'Messages a connection may send at once above `rateLimit` before it is slowed.' }),
  maxInFlight: setting({ env: 'SOCKET_MAX_IN_FLIGHT', default: 128, parse: integer(1), doc: 'Requests one connection may have running at once; more are answered `TOO_MANY_REQUESTS`.' }),
  sendBufferLimit: setting({ env: 'SOCKET_SEND_BUFFER_LIMIT', default: 8 * 1_048_576, parse: integer(1024), doc: 'Bytes queued to a slow reader before it is closed with 4008.' }),
  shutdownTimeout: setting({ env: 'SOCKET_SHUTDOWN_TIMEOUT', default: 10_000, parse: integer(0, MAX_TIMER_MS), doc: 'Milliseconds `close()` lets in-flight requests finish before answering `SHUTTING_DOWN`.' }),
  workers: setting<number | 'auto'>({ env: 'SOCKET_WORKERS', default: 1, parse: integerOrAuto(1, 1024), doc: 'Worker processes of `dropsocket serve` (node:cluster, one shared port); `auto` = one per CPU.' }),
  adapter: setting({ env: 'SOCKET_ADAPTER', default: 'local', parse: adapterUrl(), doc: 'How servers exchange cross-node pushes: `local` (one process; workers relay through their primary) or a `redis://` URL.' }),
  metrics: setting({ env: 'SOCKET_METRICS', default: false, parse: boolean(), doc: 'Serve Prometheus metrics at `GET /metrics` on the server port (`GET /healthz` is always served).' }),
  recoveryWindow: setting({ env: 'SOCKET_RECOVERY_WINDOW', default: 120_000, parse: integer(0, MAX_TIMER_MS), doc: 'Milliseconds a disconnected client may come back and resume its session (same id, rooms, `meta`, missed pushes replayed); 0 turns recovery off.' }),
  recoveryMaxBuffered: setting({ env: 'SOCKET_RECOVERY_MAX_BUFFERED', default: 1000, parse: integer(1, 1_000_000), doc: 'Pushes kept for one session (sent and not yet acknowledged, or missed while away); past it the oldest go and the session resumes with `recovered: false`, reason `gap`.' }),
  recoveryMaxBufferedTotal: setting({ env: 'SOCKET_RECOVERY_MAX_BUFFERED_TOTAL', default: 100_000, parse: integer(1, 100_000_000), doc: 'Pushes kept for replay in all, the oldest first to go: in each process, the texts of the unacknowledged pushes of its open sessions; the push history of one process, or of the primary (`--workers`).' }),
  tlsCert: setting<string | null>({ env: 'SOCKET_TLS_CERT', default: null, parse: optional(text()), doc: 'PEM certificate (chain) file: with `tlsKey`, the server serves `wss://`.' }),
  tlsKey: setting<string | null>({ env: 'SOCKET_TLS_KEY', default: null, parse: optional(text()), doc: 'PEM private key file of `tlsCert`.' }),
  logLevel: setting<(typeof LOG_LEVELS)[number]>({ env: 'SOCKET_LOG_LEVEL', default: 'info', parse: oneOf(LOG_LEVELS), doc: 'Least severe level logged.' }),
} as const;

/** An option key of the settings table. */
export type SettingKey = keyof typeof SETTINGS;

/** Values as the table holds them, before derived defaults are filled in. */
export type SettingValues = { -readonly [K in SettingKey]: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never };
