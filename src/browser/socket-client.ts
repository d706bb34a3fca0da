/**
 * The browser client facade: the Node SocketClient's API (init, request, send, reconnect
 * with backoff and jitter, heartbeat, hooks: all in the shared ClientCore) over the
 * browser's WebSocket and WebCrypto. Push and server-call handlers are registered in code
 * (no folder to discover). A singleton like the Node client; one BrowserSession per socket.
 */
import { ClientCore } from '../client/client-core.js';
import type { CoreSessionEvents, SocketClientEvents } from '../client/client-contract.js';
import type { PushHook, PushHookName, SocketApi } from '../rpc/api-types.js';
import { resolveConfig, type Config, type ConfigOptions } from '../config/resolve-config.js';
import { checkSameSingletonOptions } from '../config/singleton-options.js';
import { decodeGeneratedKey } from '../crypto/generated-key.js';
import { SocketError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Envelope } from '../protocol/envelope.js';
import { BrowserSession } from './browser-session.js';
import { routeEnvelope, type ClientHandler } from './client-router.js';
import { createConsoleLogger } from './console-logger.js';
import { TinyEmitter } from './tiny-emitter.js';
import { defaultWebSocket, type WebSocketConstructor } from './web-socket.js';

export type { ClientRequestOptions, SocketClientEvents } from '../client/client-contract.js';

/** The settings a browser client takes: the same keys, defaults and checks as the Node client's. */
export type BrowserClientSettings = Pick<ConfigOptions,
  'address' | 'port' | 'authKey' | 'authData' | 'encryption' | 'heartBeatInterval' | 'heartBeatTimeout' | 'reconnectBaseDelay'
  | 'reconnectMaxDelay' | 'maxReconnectAttempts' | 'requestTimeout' | 'authTimeout' | 'maxPayload' | 'logLevel'>;

/** Constructor options of the browser {@link SocketClient}. */
export interface SocketClientOptions extends BrowserClientSettings {
  /** Push and server-call handlers by request name (same as calling `handle()` for each). */
  handlers?: Record<string, ClientHandler>;
  /** The WebSocket class; default the browser's own. */
  WebSocket?: WebSocketConstructor;
  /** Where logs go; default the console from `logLevel` up. */
  logger?: Logger;
  /** When false, construct an independent instance instead of the singleton. @default true */
  singleton?: boolean;
}

/**
 * The dropsocket client for web pages. A singleton: `new SocketClient()` returns the
 * existing instance. `SocketClient<Api>`, with the `Api` that `dropsocket types` generates,
 * checks request names, data, results and push handlers at compile time; a plain
 * `SocketClient` is untyped.
 */
export class SocketClient<Api extends SocketApi | undefined = undefined> extends ClientCore<BrowserSession, Api> {
  /** The current instance, if one was constructed and not reset. */
  static instance: SocketClient | undefined;

  /** Resolved settings. */
  readonly config!: Config;
  /** Lifecycle events, typed. */
  readonly events = new TinyEmitter<SocketClientEvents>();

  #logger!: Logger;
  #WebSocket: WebSocketConstructor | undefined;
  #psk: Uint8Array | null = null;
  /** What the constructor was given: a second singleton call must ask for the same. */
  #options: object = {};
  readonly #handlers = new Map<string, ClientHandler>();

  /**
   * @throws SocketError `CONFIG_INVALID` when a setting does not parse, the key is not in
   * `dropsocket keygen` form, or the singleton exists with other options.
   */
  constructor(options: SocketClientOptions = {}) {
    const singleton = options.singleton ?? true;
    if (singleton && SocketClient.instance !== undefined) {
      checkSameSingletonOptions('SocketClient', SocketClient.instance.#options, options);
      return SocketClient.instance as unknown as SocketClient<Api>;
    }
    super();
    this.#options = { ...options };
    const { handlers, WebSocket, logger, singleton: _singleton, ...settings } = options;
    // A page has no environment: code options and defaults only.
    this.config = resolveConfig(settings, {});
    this.#logger = logger ?? createConsoleLogger(this.config.logLevel);
    this.#WebSocket = WebSocket;
    for (const [name, handler] of Object.entries(handlers ?? {})) this.#handlers.set(name, handler);
    if (this.config.encryption) {
      // No scrypt in WebCrypto: a page's key must be one `dropsocket keygen` made.
      const psk = decodeGeneratedKey(this.config.authKey);
      if (psk === undefined) throw new SocketError('CONFIG_INVALID', 'The browser client needs an auth key made by `dropsocket keygen` (43 characters of base64url)');
      this.#psk = psk;
    }
    if (singleton) SocketClient.instance = this as unknown as SocketClient;
  }

  /**
   * Registers the handler for pushes and server calls named `request` (replacing any);
   * with an `Api`, the name must be a push name and the handler takes its payload.
   */
  handle<N extends PushHookName<Api>>(request: N, handler: PushHook<Api, N>): this {
    if (typeof handler !== 'function') throw new TypeError(`The handler for "${request}" must be a function`);
    this.#handlers.set(request, handler as ClientHandler);
    return this;
  }

  protected override get logger(): Logger {
    return this.#logger;
  }

  protected override prepare(): Promise<void> {
    if (this.config.usingDevelopmentKey) this.#logger.warn('No authKey given: using the public development key.');
    return Promise.resolve();
  }

  protected override openSession(events: CoreSessionEvents<BrowserSession>): Promise<BrowserSession> {
    const { config } = this;
    return BrowserSession.open({
      address: config.address,
      psk: this.#psk,
      maxPayload: config.maxPayload,
      heartBeatInterval: config.heartBeatInterval,
      heartBeatTimeout: config.heartBeatTimeout,
      connectTimeout: config.authTimeout,
      WebSocket: this.#WebSocket ?? defaultWebSocket(),
    }, events);
  }

  protected override route(session: BrowserSession, envelope: Envelope): void {
    routeEnvelope(envelope, {
      session,
      pending: this.pending,
      handlers: this.#handlers,
      logger: this.#logger,
      serverError: (request, error) => this.emit('serverError', request, error),
      push: (request, payload) => this.events.emit('push', request, payload),
    });
  }

  protected override emitEvent<E extends keyof SocketClientEvents>(event: E, ...args: SocketClientEvents[E]): void {
    this.events.emit(event, ...args);
  }

  protected override onceDisconnected(listener: () => void): void {
    this.events.once('disconnect', () => listener());
  }
}
