import { CLOSE_CODES, type CloseCode } from './protocol/constants.js';

interface CatalogueEntry {
  readonly message: string;
  /** Present when the error ends the connection it happened on. */
  readonly closeCode?: CloseCode;
}

/**
 * The error catalogue. Codes are public API and travel on the wire: never rename or reuse
 * one. docs/errors.md lists them all; test/unit/errors.test.ts keeps the two in step.
 */
export const ERROR_CATALOGUE = {
  HANDLER_ERROR: { message: 'The handler failed' },
  UNKNOWN_REQUEST: { message: 'No handler for this request' },
  NO_CLIENT_HANDLER: { message: 'The client has no client() handler for this request' },
  VALIDATION_ERROR: { message: 'The request data is invalid' },
  TIMEOUT: { message: 'No answer before the deadline' },
  DISCONNECTED: { message: 'The connection closed before an answer arrived' },
  NOT_CONNECTED: { message: 'Not connected' },
  CLIENT_CLOSED: { message: 'The client was closed' },
  SHUTTING_DOWN: { message: 'The server is shutting down' },
  TOO_MANY_REQUESTS: { message: 'Too many requests in flight on this connection' },
  ALREADY_AUTHENTICATED: { message: 'The connection is already authenticated' },
  AUTH_IN_PROGRESS: { message: 'An auth request on this connection is still running' },
  PAYLOAD_TOO_LARGE: { message: 'The message exceeds the maximum payload', closeCode: CLOSE_CODES.MESSAGE_TOO_BIG },
  AUTH_FAILED: { message: 'Authentication failed', closeCode: CLOSE_CODES.AUTH_FAILED },
  AUTH_REQUIRED: { message: 'Authenticate before this request', closeCode: CLOSE_CODES.AUTH_FAILED },
  AUTH_TIMEOUT: { message: 'No authentication before the deadline', closeCode: CLOSE_CODES.AUTH_TIMEOUT },
  HANDSHAKE_FAILED: { message: 'The encryption handshake failed', closeCode: CLOSE_CODES.CRYPTO_FAILED },
  DECRYPT_FAILED: { message: 'A frame failed to decrypt', closeCode: CLOSE_CODES.CRYPTO_FAILED },
  NONCE_EXHAUSTED: { message: 'The channel used up its nonces', closeCode: CLOSE_CODES.CRYPTO_FAILED },
  HEARTBEAT_TIMEOUT: { message: 'Nothing received within 2.5 heartbeat intervals', closeCode: CLOSE_CODES.GOING_AWAY },
  MALFORMED_FRAME: { message: 'The frame is not a valid message', closeCode: CLOSE_CODES.MALFORMED_FRAME },
  RATE_LIMITED: { message: 'Message rate limit exceeded', closeCode: CLOSE_CODES.LIMIT_EXCEEDED },
  SEND_BUFFER_FULL: { message: 'The peer is not reading fast enough', closeCode: CLOSE_CODES.LIMIT_EXCEEDED },
  CONNECT_FAILED: { message: 'Could not connect to the server' },
  LISTEN_FAILED: { message: 'The server could not start listening' },
  CONFIG_INVALID: { message: 'Invalid settings' },
  MISSING_AUTH_HANDLER: { message: 'dropsocket requires an "auth" handler with a server() method' },
  HANDLER_LOAD_FAILED: { message: 'A handler file could not be loaded' },
  DUPLICATE_HANDLER: { message: 'Two handler files have the same name' },
} as const satisfies Record<string, CatalogueEntry>;

/** A built-in error code. Handlers may also throw codes of their own. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Options of {@link SocketError}. */
export interface SocketErrorOptions {
  cause?: unknown;
  /** Close code to end the connection with; defaults to the catalogue's, if any. */
  closeCode?: number;
}

/** The one error class of dropsocket: branch on `code`, never on the message. */
export class SocketError extends Error {
  override readonly name = 'SocketError';
  /** Stable code: a built-in {@link ErrorCode} or a handler's own (`ROOM_FULL`). */
  readonly code: string;
  /** Set when this error ends the connection it happened on. */
  readonly closeCode: number | undefined;

  constructor(code: ErrorCode | (string & {}), message?: string, options: SocketErrorOptions = {}) {
    const entry = isBuiltInCode(code) ? (ERROR_CATALOGUE[code] as CatalogueEntry) : undefined;
    super(message ?? entry?.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.closeCode = options.closeCode ?? entry?.closeCode;
  }
}

/** Whether `code` is one of the built-in codes. */
export function isBuiltInCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** Whether `value` is a {@link SocketError} with the given code (any code when omitted). */
export function isSocketError(value: unknown, code?: ErrorCode | (string & {})): value is SocketError {
  return value instanceof SocketError && (code === undefined || value.code === code);
}
