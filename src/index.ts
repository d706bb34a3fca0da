/** The public API of dropsocket. Nothing else is a supported import path. */
export { SocketServer } from './server/socket-server.js';
export type { BroadcastOptions, SocketServerEvents, SocketServerOptions } from './server/server-contract.js';
export type { Connection, RequestOptions } from './server/connection.js';
export type { KeyName } from './channel/frame-channel.js';
export { SocketClient } from './client/socket-client.js';
export type { ClientRequestOptions, ClientState, SocketClientEvents, SocketClientOptions } from './client/socket-client.js';
export type {
  HandlerApi,
  HandlerInput,
  HandlerOutput,
  HandlerPushAnswer,
  HandlerPushPayload,
  PushAnswer,
  PushHook,
  PushHookName,
  PushName,
  PushPayload,
  RequestArguments,
  RequestInput,
  RequestMessage,
  RequestMethod,
  RequestName,
  RequestOutput,
  SendMethod,
  SocketApi,
  UntypedHandler,
} from './rpc/api-types.js';
export { Handler } from './handlers/handler.js';
export type { HandlerClass } from './handlers/handler.js';
export type { SchemaIssue, SchemaResult, StandardSchema } from './handlers/standard-schema.js';
export { ERROR_CATALOGUE, SocketError, isSocketError } from './errors.js';
export type { ErrorCode, SocketErrorOptions } from './errors.js';
export { loadConfig } from './config/load-config.js';
export type { LoadConfigSources } from './config/load-config.js';
export type { Config, ConfigOptions, Environment } from './config/resolve-config.js';
export { CLOSE_CODES, RESUME_REFUSALS } from './protocol/constants.js';
export type { CloseCode, ResumeRefusal } from './protocol/constants.js';
export type { Envelope, RecoveryInfo, WireError } from './protocol/envelope.js';
export type { RecoveryOutcome } from './recovery/live-session.js';
export { generateAuthKey } from './crypto/psk.js';
export { secretsEqual } from './crypto/secrets-equal.js';
export { createLogger, silentLogger } from './logger.js';
export type { LogLevel, Logger } from './logger.js';
