/**
 * `dropsocket/browser`: the client for web pages. One ES module, no node: imports; the
 * same wire protocol and API as the Node client, on the browser's WebSocket and WebCrypto.
 */
export { SocketClient } from './socket-client.js';
export type { BrowserClientSettings, ClientRequestOptions, SocketClientEvents, SocketClientOptions } from './socket-client.js';
export type { ClientHandler } from './client-router.js';
export type { WebSocketConstructor, WebSocketLike } from './web-socket.js';
export { ERROR_CATALOGUE, SocketError, isSocketError } from '../errors.js';
export type { ErrorCode, SocketErrorOptions } from '../errors.js';
export { CLOSE_CODES } from '../protocol/constants.js';
export type { CloseCode } from '../protocol/constants.js';
export type { Envelope, WireError } from '../protocol/envelope.js';
export type { LogLevel, Logger } from '../logger.js';
