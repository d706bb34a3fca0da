/**
 * The client facade: connect, authenticate, call, receive, reconnect. A singleton, like
 * the server. One ClientSession per socket; this object outlives them across reconnects.
 */
import { EventEmitter } from 'node:events';
import { loadConfig } from '../config/load-config.js';
import { checkSameSingletonOptions } from '../config/option-checks.js';
import type { Config, ConfigOptions } from '../config/resolve-config.js';
import { derivePsk } from '../crypto/psk.js';
import { SocketError } from '../errors.js';
import { discoverHandlers } from '../handlers/discover.js';
import type { Handler } from '../handlers/handler.js';
import { HandlerRegistry } from '../handlers/registry.js';
import { createLogger, type Logger } from '../logger.js';
import { AUTH_REQUEST, HEARTBEAT_REQUEST } from '../protocol/constants.js';
import { encodeEnvelope, exceedsPayload, isAnswer, type Envelope } from '../protocol/envelope.js';
import type { RequestMethod, SendMethod, SocketApi } from '../rpc/api-types.js';
import { PendingRequests } from '../rpc/pending-requests.js';
import { answerServerCall, runPushHook } from './client-hooks.js';
import { ClientSession } from './client-session.js';
import { reconnectDelay, shouldReconnect } from './reconnect.js';

/** Constructor options: any setting (wins over the environment), plus a logger. */
export interface SocketClientOptions extends ConfigOptions {
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

/** Options of {@link SocketClient.request}. */
export interface ClientRequestOptions {
  /** Deadline in ms; defaults to `requestTimeout`. */
  timeout?: number;
}

/** Lifecycle events; the `onX` properties are called alongside them. */
export interface SocketClientEvents {
  disconnect: [code: number, reason: string];
  reconnecting: [attempt: number, delay: number];
  reconnected: [];
  reconnectFailed: [];
  /** An error the server sent for a fire-and-forget message. */
  serverError: [request: string, error: SocketError];
  /** A push arrived (before its `client()` hook runs, whether or not there is one). */
  push: [request: string, payload: unknown];
}

/**
 * Where the client is: `new` (init() not called, or it failed and may be retried),
 * `connecting`, `ready`, `reconnecting`, `closed` (by close(), by a deliberate server close,
 * or after the last reconnect attempt; init() connects again).
 */
export type ClientState = 'new' | 'connecting' | 'ready' | 'reconnecting' | 'closed';

/**
 * The dropsocket client. A singleton: `new SocketClient()` returns the existing instance.
 *
 * `SocketClient<Api>`, with the `Api` that `dropsocket types` generates, checks request
 * names, data and results at compile time; a plain `SocketClient` is untyped.
 */
export class SocketClient<Api extends SocketApi | undefined = undefined> {
  /** The current instance, if one was constructed and not reset. */
  static instance: SocketClient | undefined;

  /**
   * Calls the server handler `request` and resolves with its response.
   * @throws SocketError `TIMEOUT`, `DISCONNECTED`, `NOT_CONNECTED`, `PAYLOAD_TOO_LARGE`, or the handler's code.
   */
  declare readonly request: RequestMethod<Api, ClientRequestOptions>;

  /**
   * Fire-and-forget: sends `{request, data}` (or `send({request, data})`); a reply, if
   * any, goes to the `client()` hook of that name. Returns false when not connected.
   * @throws SocketError `PAYLOAD_TOO_LARGE`
   */
  declare readonly send: SendMethod<Api>;

  static {
    // One method each on the prototype (subclasses can override them), whose public type
    // is the declaration above: it depends on Api, which a class method signature cannot.
    const methods: Pick<SocketClient, 'request' | 'send'> = {
      request(this: SocketClient, request: string, data?: unknown, options?: ClientRequestOptions) {
        return this.#request(request, data, options);
      },
      send(this: SocketClient, request: string | { request: string; data?: unknown }, data?: unknown) {
        return this.#send(request, data);
      },
    };
    for (const [name, value] of Object.entries(methods)) Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
  }

  /** Resolved settings. */
  readonly config!: Config;
  /** Lifecycle events, typed. */
  readonly events = new EventEmitter<SocketClientEvents>();
  /** What the server's auth handler returned, once authenticated. */
  authResponse: unknown;
  onDisconnect: ((code: number, reason: string) => void) | undefined;
  onReconnecting: ((attempt: number, delay: number) => void) | undefined;
  onReconnected: (() => void) | undefined;
  onReconnectFailed: (() => void) | undefined;

  #logger!: Logger;
  /** What the constructor was given, to tell a second `new` with other options. */
  #options: object = {};
  #loadHandlers = true;
  #state: ClientState = 'new';
  #registry: HandlerRegistry | undefined;
  #psk: Buffer | null = null;
  #session: ClientSession | undefined;
  #pending = new PendingRequests();
  #init: Promise<void> | undefined;
  #wakeReconnect: (() => void) | undefined;

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
    this.#options = { ...options };
    const { logger, singleton: _singleton, loadHandlers, ...settings } = options;
    this.config = loadConfig(settings);
    this.#logger = logger ?? createLogger(this.config.logLevel, 'dropsocket-client');
    this.#loadHandlers = loadHandlers ?? true;
    if (singleton) SocketClient.instance = this as unknown as SocketClient;
  }

  /** Handler instances that define `client()`, by name. */
  get handlers(): ReadonlyMap<string, Handler> {
    return this.#registry?.instances ?? new Map();
  }

  /** Where the client is in its life; see {@link ClientState}. */
  get state(): ClientState {
    return this.#state;
  }

  /** Whether the client is connected and authenticated. */
  get ready(): boolean {
    return this.#state === 'ready' && this.#session?.isOpen === true;
  }

  /**
   * Loads `client()` handlers, connects, handshakes and authenticates.
   * @throws SocketError `CONNECT_FAILED`, `HANDSHAKE_FAILED`, `AUTH_FAILED` (or the auth handler's code), `TIMEOUT`.
   */
  init(): Promise<void> {
    // A failed init() is not cached: a retry loop must succeed once the server is up.
    this.#init ??= this.#initOnce().catch((error: unknown) => {
      this.#init = undefined;
      throw error;
    });
    return this.#init;
  }

  async #initOnce(): Promise<void> {
    this.#state = 'connecting';
    try {
      this.#registry ??= new HandlerRegistry(await this.#discover(), 'client', this);
      if (this.config.usingDevelopmentKey) this.#logger.warn('SOCKET_AUTH_KEY is not set: using the public development key.');
      this.#psk = this.config.encryption ? derivePsk(this.config.authKey) : null;
      await this.#connect();
      if (this.#state !== 'connecting') {
        this.#session?.close();
        throw new SocketError('CLIENT_CLOSED', 'close() was called before init() finished');
      }
      this.#state = 'ready';
    } catch (error) {
      this.#state = this.#state === 'connecting' ? 'new' : 'closed';
      throw error;
    }
  }

  #discover(): ReturnType<typeof discoverHandlers> {
    if (!this.#loadHandlers) return Promise.resolve([]);
    return discoverHandlers(this.config.handlerDir, { required: false, skipBroken: true, warn: (message) => this.#logger.warn(message) });
  }

  /** Opens a session and authenticates on it; the session is current only once auth succeeded. */
  async #connect(): Promise<void> {
    const session = await ClientSession.open(this.config, this.#logger, this.#psk, {
      envelope: (from, envelope) => this.#receive(from, envelope),
      closed: (from, code, reason) => this.#closed(from, code, reason),
    });
    this.#session = session;
    try {
      this.authResponse = await this.#call(session, AUTH_REQUEST, { ...this.config.authData, authKey: this.config.authKey }, this.config.authTimeout);
    } catch (error) {
      session.close();
      this.#session = undefined;
      throw error;
    }
    session.startHeartbeat();
  }

  #send(request: string | { request: string; data?: unknown }, data?: unknown): boolean {
    const envelope = typeof request === 'string' ? { request, data } : { request: request.request, data: request.data };
    if (!this.ready) return false;
    return this.#session!.sendText(this.#encodeWithinLimit(envelope));
  }

  async #request<T>(request: string, data: unknown, options: ClientRequestOptions = {}): Promise<T> {
    if (!this.ready) throw new SocketError('NOT_CONNECTED', this.#state === 'closed' ? 'The client is closed' : undefined);
    return (await this.#call(this.#session!, request, data, options.timeout ?? this.config.requestTimeout)) as T;
  }

  #call(session: ClientSession, request: string, data: unknown, timeout: number): Promise<unknown> {
    const { id, promise } = this.#pending.create(request, timeout);
    try {
      const envelope = { request, id, data };
      if (!session.sendText(this.#encodeWithinLimit(envelope))) throw new SocketError('NOT_CONNECTED');
    } catch (error) {
      this.#pending.reject(id, error as SocketError);
    }
    return promise;
  }

  /** Encodes once, refusing what the server would close the connection for (1009). */
  #encodeWithinLimit(envelope: Envelope): string {
    const text = encodeEnvelope(envelope);
    if (exceedsPayload(text, this.config.maxPayload)) {
      throw new SocketError('PAYLOAD_TOO_LARGE', `The message exceeds the maximum payload of ${this.config.maxPayload} bytes`);
    }
    return text;
  }

  #receive(session: ClientSession, envelope: Envelope): void {
    if (isAnswer(envelope)) {
      this.#pending.settle(envelope);
    } else if (envelope.request === HEARTBEAT_REQUEST) {
      session.heartbeatAnswered();
    } else if (envelope.error !== undefined) {
      const error = new SocketError(envelope.error.code, envelope.error.message);
      this.#logger.warn('server answered with an error', { request: envelope.request, code: error.code });
      this.events.emit('serverError', envelope.request, error);
    } else if (envelope.id !== undefined) {
      void answerServerCall(this.#registry, session, envelope, this.#logger);
    } else {
      this.events.emit('push', envelope.request, envelope.response);
      runPushHook(this.#registry, envelope, this.#logger);
    }
  }

  #closed(session: ClientSession, code: number, reason: string): void {
    if (session !== this.#session) return;
    this.#session = undefined;
    // Reject at the drop, not at each request's deadline: no request outlives its socket.
    // Before auth completed, the close code says why (4001 auth, 4002 key, ...).
    this.#pending.rejectAll(this.#state === 'ready' ? new SocketError('DISCONNECTED') : session.earlyCloseError(code));
    const reconnect = this.#state === 'ready' && shouldReconnect(code);
    if (this.#state === 'ready' && !reconnect) {
      this.#logger.warn('the server closed the connection on purpose; not reconnecting', { code, reason });
      this.#becomeClosed();
    }
    this.#emit('disconnect', code, reason);
    if (reconnect) void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    this.#state = 'reconnecting';
    const { reconnectBaseDelay: baseDelay, reconnectMaxDelay: maxDelay, maxReconnectAttempts } = this.config;
    for (let attempt = 1; attempt <= maxReconnectAttempts; attempt++) {
      const delay = reconnectDelay(attempt, { baseDelay, maxDelay });
      this.#emit('reconnecting', attempt, delay);
      await this.#sleep(delay);
      if (this.#state !== 'reconnecting') return;
      try {
        await this.#connect();
      } catch (error) {
        this.#logger.info('reconnect attempt failed', { attempt, code: (error as SocketError).code });
        continue;
      }
      if (this.#state !== 'reconnecting') return this.#session?.close();
      this.#state = 'ready';
      this.#emit('reconnected');
      return;
    }
    this.#becomeClosed();
    this.#emit('reconnectFailed');
  }

  /** Ends in `closed`; a later init() connects again (a running one fails CLIENT_CLOSED). */
  #becomeClosed(): void {
    if (this.#state !== 'connecting') this.#init = undefined;
    this.#state = 'closed';
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeReconnect = done;
    });
  }

  /** Closes on purpose: no reconnect; pending requests are rejected `DISCONNECTED`. */
  async close(): Promise<void> {
    this.#becomeClosed();
    this.#wakeReconnect?.();
    const session = this.#session;
    if (session === undefined) return;
    const closed = new Promise<void>((resolve) => this.events.once('disconnect', () => resolve()));
    session.close();
    await closed;
  }

  /** Closes the client and forgets the singleton (for tests). */
  async reset(): Promise<void> {
    try {
      await this.close();
    } finally {
      if (SocketClient.instance === (this as unknown)) SocketClient.instance = undefined;
    }
  }

  #emit<E extends keyof SocketClientEvents>(event: E, ...args: SocketClientEvents[E]): void {
    const hooks = { disconnect: this.onDisconnect, reconnecting: this.onReconnecting, reconnected: this.onReconnected, reconnectFailed: this.onReconnectFailed };
    try {
      (hooks[event as keyof typeof hooks] as ((...values: SocketClientEvents[E]) => void) | undefined)?.(...args);
      (this.events.emit as (event: E, ...values: SocketClientEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      this.#logger.error(`${event} hook threw`, { err: error });
    }
  }
}
