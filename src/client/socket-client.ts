/**
 * The client facade for Node: `client()` handlers discovered from a folder, the `ws`
 * socket and node:crypto. Connecting, calls and reconnecting live in ClientCore, shared
 * with the browser client. A singleton, like the server. One ClientSession per socket;
 * this object outlives them across reconnects.
 */
import { EventEmitter } from 'node:events';
import { loadConfig } from '../config/load-config.js';
import { checkSameSingletonOptions } from '../config/singleton-options.js';
import type { Config, ConfigOptions } from '../config/resolve-config.js';
import { derivePsk } from '../crypto/psk.js';
import { SocketError } from '../errors.js';
import { discoverHandlers } from '../handlers/discover.js';
import type { Handler } from '../handlers/handler.js';
import { HandlerRegistry } from '../handlers/registry.js';
import { createLogger, type Logger } from '../logger.js';
import { HEARTBEAT_REQUEST } from '../protocol/constants.js';
import { isAnswer, type Envelope } from '../protocol/envelope.js';
import { answerServerCall, runPushHook } from './client-hooks.js';
import type { SocketApi } from '../rpc/api-types.js';
import { ClientCore } from './client-core.js';
import type { CoreSessionEvents, SocketClientEvents } from './client-contract.js';
import { ClientSession, type TlsOptions } from './client-session.js';

export type { ClientRequestOptions, ClientState, SocketClientEvents } from './client-contract.js';

/** Constructor options: any setting (wins over the environment), plus a logger. */
export interface SocketClientOptions extends ConfigOptions, TlsOptions {
  /** Where logs go; default pino on stderr at `logLevel`. */
  logger?: Logger;
  /**
   * When false, construct an independent instance instead of the singleton (several
   * clients in one process: tests, load generators, a service talking to two servers).
   * @default true
   */
  singleton?: boolean;
  /** Load `client()` handlers from `handlerDir`. @default true */
  loadHandlers?: boolean;
}

/**
 * The dropsocket client. A singleton: `new SocketClient()` returns the existing instance.
 *
 * `SocketClient<Api>`, with the `Api` that `dropsocket types` generates, checks request
 * names, data and results at compile time; a plain `SocketClient` is untyped.
 */
export class SocketClient<Api extends SocketApi | undefined = undefined> extends ClientCore<ClientSession, Api> {
  /** The current instance, if one was constructed and not reset. */
  static instance: SocketClient | undefined;

  /** Resolved settings. */
  readonly config!: Config;
  /** Lifecycle events, typed. */
  readonly events = new EventEmitter<SocketClientEvents>();

  #logger!: Logger;
  /** What the constructor was given, to tell a second `new` with other options. */
  #options: object = {};
  #loadHandlers = true;
  #tls: TlsOptions = {};
  #registry: HandlerRegistry | undefined;
  #psk: Buffer | null = null;

  /**
   * @throws SocketError `CONFIG_INVALID` when a setting does not parse, an option key is not
   * a setting, or the singleton exists with other options.
   */
  constructor(options: SocketClientOptions = {}) {
    const singleton = options.singleton ?? true;
    if (singleton && SocketClient.instance !== undefined) {
      checkSameSingletonOptions('SocketClient', SocketClient.instance.#options, options);
      return SocketClient.instance as unknown as SocketClient<Api>;
    }
    super();
    this.#options = { ...options };
    const { logger, singleton: _singleton, loadHandlers, ca, rejectUnauthorized, ...settings } = options;
    this.config = loadConfig(settings);
    this.#logger = logger ?? createLogger(this.config.logLevel, 'dropsocket-client');
    this.#loadHandlers = loadHandlers ?? true;
    this.#tls = { ...(ca !== undefined && { ca }), ...(rejectUnauthorized !== undefined && { rejectUnauthorized }) };
    if (singleton) SocketClient.instance = this as unknown as SocketClient;
  }

  /** Handler instances that define `client()`, by name. */
  get handlers(): ReadonlyMap<string, Handler> {
    return this.#registry?.instances ?? new Map();
  }

  protected override get logger(): Logger {
    return this.#logger;
  }

  protected override async prepare(): Promise<void> {
    this.#registry ??= new HandlerRegistry(await this.#discover(), 'client', this);
    if (this.config.usingDevelopmentKey) this.#logger.warn('SOCKET_AUTH_KEY is not set: using the public development key.');
    this.#psk = this.config.encryption ? derivePsk(this.config.authKey) : null;
  }

  #discover(): ReturnType<typeof discoverHandlers> {
    if (!this.#loadHandlers) return Promise.resolve([]);
    return discoverHandlers(this.config.handlerDir, { required: false, skipBroken: true, warn: (message) => this.#logger.warn(message) });
  }

  protected override openSession(events: CoreSessionEvents<ClientSession>): Promise<ClientSession> {
    return ClientSession.open(this.config, this.#logger, this.#psk, events, this.#tls);
  }

  protected override route(session: ClientSession, envelope: Envelope): void {
    if (isAnswer(envelope)) {
      this.pending.settle(envelope);
    } else if (envelope.request === HEARTBEAT_REQUEST) {
      session.heartbeatAnswered();
    } else if (envelope.error !== undefined) {
      const error = new SocketError(envelope.error.code, envelope.error.message);
      this.#logger.warn('server answered with an error', { request: envelope.request, code: error.code });
      this.emit('serverError', envelope.request, error);
    } else if (envelope.id !== undefined) {
      void answerServerCall(this.#registry, session, envelope, this.#logger);
    } else {
      this.events.emit('push', envelope.request, envelope.response);
      runPushHook(this.#registry, envelope, this.#logger);
    }
  }

  protected override emitEvent<E extends keyof SocketClientEvents>(event: E, ...args: SocketClientEvents[E]): void {
    (this.events.emit as (event: E, ...values: SocketClientEvents[E]) => boolean)(event, ...args);
  }

  protected override onceDisconnected(listener: () => void): void {
    this.events.once('disconnect', () => listener());
  }
}
