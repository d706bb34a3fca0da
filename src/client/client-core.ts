/**
 * What the Node and browser clients share above the socket: the connection states, the
 * auth call, calls and their deadlines, the reconnect loop (backoff with jitter), the
 * lifecycle hooks. Each runtime's facade supplies its session (ws + node:crypto, or the
 * browser's WebSocket + WebCrypto), its handlers and its event emitter. No node: imports.
 */
import type { Config } from '../config/resolve-config.js';
import { SocketError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AUTH_REQUEST, HEARTBEAT_REQUEST, RESUME_FIELD } from '../protocol/constants.js';
import { encodeEnvelope, exceedsPayload, isAnswer, type Envelope } from '../protocol/envelope.js';
import type { RecoveryOutcome } from '../recovery/live-session.js';
import type { ClientRequestOptions, ClientState, CoreSession, CoreSessionEvents, SocketClientEvents } from './client-contract.js';
import { ClientRecovery } from './client-recovery.js';
import { PendingRequests } from '../rpc/pending-requests.js';
import type { RequestMethod, SendMethod, SocketApi } from '../rpc/api-types.js';
import { reconnectDelay, shouldReconnect } from './reconnect.js';

/**
 * The client logic common to every runtime. `Api` (from `dropsocket types`) types
 * `request` and `send`; without one they are untyped.
 */
export abstract class ClientCore<S extends CoreSession, Api extends SocketApi | undefined = undefined> {
  /**
   * Calls the server handler `request` and resolves with its response.
   * @throws SocketError `TIMEOUT`, `DISCONNECTED`, `NOT_CONNECTED`, `PAYLOAD_TOO_LARGE`, or the handler's code.
   */
  declare readonly request: RequestMethod<Api, ClientRequestOptions>;

  /**
   * Fire-and-forget: sends `{request, data}` (or `send({request, data})`); a reply, if
   * any, goes to the client handler of that name. Returns false when not connected.
   * @throws SocketError `PAYLOAD_TOO_LARGE`
   */
  declare readonly send: SendMethod<Api>;

  static {
    // Plain prototype methods (subclasses can override them) whose public types are the
    // declarations above: they depend on Api, which a class method signature cannot.
    const methods = {
      request(this: ClientCore<CoreSession>, request: string, data?: unknown, options?: ClientRequestOptions) {
        return this.callRequest(request, data, options);
      },
      send(this: ClientCore<CoreSession>, request: string | { request: string; data?: unknown }, data?: unknown) {
        return this.sendMessage(request, data);
      },
    };
    for (const [name, value] of Object.entries(methods)) Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
  }

  /** Resolved settings. */
  abstract readonly config: Config;
  /** What the server's auth handler returned, once authenticated. */
  authResponse: unknown;
  onDisconnect: ((code: number, reason: string) => void) | undefined;
  onReconnecting: ((attempt: number, delay: number) => void) | undefined;
  /**
   * Called after a reconnect: `{recovered: true}` when the session was resumed (same id,
   * rooms and meta; every push missed while away replayed before any new one), otherwise
   * `{recovered: false, reason}` (docs/recovery.md).
   */
  onReconnected: ((outcome: RecoveryOutcome) => void) | undefined;
  onReconnectFailed: (() => void) | undefined;

  #state: ClientState = 'new';
  #session: S | undefined;
  readonly #pending = new PendingRequests();
  #init: Promise<void> | undefined;
  #wakeReconnect: (() => void) | undefined;
  readonly #recovery = new ClientRecovery();
  /** How the last auth went for the session: set the moment the auth answer arrives. */
  #outcome: RecoveryOutcome = { recovered: false };

  /** Where logs go. */
  protected abstract get logger(): Logger;
  /** Runs once before the first connect (handler discovery, key derivation). */
  protected abstract prepare(): Promise<void>;
  /** Opens one socket and its channel. */
  protected abstract openSession(events: CoreSessionEvents<S>): Promise<S>;
  /** Handles an envelope that is neither an answer to one of our calls nor for the core. */
  protected abstract route(session: S, envelope: Envelope): void;
  /** Emits a lifecycle event on the runtime's emitter. */
  protected abstract emitEvent<E extends keyof SocketClientEvents>(event: E, ...args: SocketClientEvents[E]): void;
  /** Calls `listener` once, at the next `disconnect` event. */
  protected abstract onceDisconnected(listener: () => void): void;

  /** Where the client is in its life; see {@link ClientState}. */
  get state(): ClientState {
    return this.#state;
  }

  /** Whether the client is connected and authenticated. */
  get ready(): boolean {
    return this.#state === 'ready' && this.#session?.isOpen === true;
  }

  /** Calls awaiting an answer (the facade settles answers into it). */
  protected get pending(): PendingRequests {
    return this.#pending;
  }

  /**
   * Connects, handshakes and authenticates.
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
      await this.prepare();
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

  /** Opens a session and authenticates on it; the session is current only once auth succeeded. */
  async #connect(): Promise<void> {
    const session = await this.openSession({
      envelope: (from, envelope) => this.#receive(from, envelope),
      closed: (from, code, reason) => this.#closed(from, code, reason),
      position: () => this.#recovery.position,
    });
    this.#session = session;
    const resume = this.#recovery.resumeRequest();
    try {
      const authData = { ...this.config.authData, authKey: this.config.authKey, ...(resume && { [RESUME_FIELD]: resume }) };
      this.authResponse = await this.#call(session, AUTH_REQUEST, authData, this.config.authTimeout);
    } catch (error) {
      session.close();
      this.#session = undefined;
      throw error;
    }
    session.startHeartbeat();
  }

  /**
   * Recovery's part of receiving, before the facade routes: the auth answer's session (at
   * once, not when the auth call resumes: replayed pushes are right behind it), and pushes
   * whose number was already received are dropped (a replay is taken once).
   */
  #receive(session: S, envelope: Envelope): void {
    const answer = isAnswer(envelope);
    if (answer && envelope.request === AUTH_REQUEST && envelope.error === undefined) this.#outcome = this.#recovery.authenticated(envelope.recovery);
    if (!answer && envelope.request !== HEARTBEAT_REQUEST && !this.#recovery.received(envelope.seq)) return;
    this.route(session, envelope);
  }

  /**
   * Fire-and-forget: sends `{request, data}`; a reply, if any, goes to the client handler
   * of that name. Returns false when not connected. Each facade exposes it as `send`,
   * typed by its Api.
   * @throws SocketError `PAYLOAD_TOO_LARGE`
   */
  protected sendMessage(request: string | { request: string; data?: unknown }, data?: unknown): boolean {
    const envelope = typeof request === 'string' ? { request, data } : { request: request.request, data: request.data };
    if (!this.ready) return false;
    return this.#session!.sendText(this.#encodeWithinLimit(envelope));
  }

  /**
   * Calls the server handler `request` and resolves with its response. Each facade exposes
   * it as `request`, typed by its Api.
   * @throws SocketError `TIMEOUT`, `DISCONNECTED`, `NOT_CONNECTED`, `PAYLOAD_TOO_LARGE`, or the handler's code.
   */
  protected async callRequest<T = unknown>(request: string, data?: unknown, options: ClientRequestOptions = {}): Promise<T> {
    if (!this.ready) throw new SocketError('NOT_CONNECTED', this.#state === 'closed' ? 'The client is closed' : undefined);
    return (await this.#call(this.#session!, request, data, options.timeout ?? this.config.requestTimeout)) as T;
  }

  #call(session: S, request: string, data: unknown, timeout: number): Promise<unknown> {
    const { id, promise } = this.#pending.create(request, timeout);
    try {
      if (!session.sendText(this.#encodeWithinLimit({ request, id, data }))) throw new SocketError('NOT_CONNECTED');
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

  #closed(session: S, code: number, reason: string): void {
    if (session !== this.#session) return;
    this.#session = undefined;
    // Reject at the drop, not at each request's deadline: no request outlives its socket.
    // Before auth completed, the close code says why (4001 auth, 4002 key, ...).
    this.#pending.rejectAll(this.#state === 'ready' ? new SocketError('DISCONNECTED') : session.earlyCloseError(code));
    const reconnect = this.#state === 'ready' && shouldReconnect(code);
    if (this.#state === 'ready' && !reconnect) {
      this.logger.warn('the server closed the connection on purpose; not reconnecting', { code, reason });
      this.#becomeClosed();
    }
    this.emit('disconnect', code, reason);
    if (reconnect) void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    this.#state = 'reconnecting';
    const { reconnectBaseDelay: baseDelay, reconnectMaxDelay: maxDelay, maxReconnectAttempts } = this.config;
    for (let attempt = 1; attempt <= maxReconnectAttempts; attempt++) {
      const delay = reconnectDelay(attempt, { baseDelay, maxDelay });
      this.emit('reconnecting', attempt, delay);
      await this.#sleep(delay);
      if (this.#state !== 'reconnecting') return;
      try {
        await this.#connect();
      } catch (error) {
        this.logger.info('reconnect attempt failed', { attempt, code: (error as SocketError).code });
        continue;
      }
      if (this.#state !== 'reconnecting') return this.#session?.close();
      this.#state = 'ready';
      this.emit('reconnected', this.#outcome);
      return;
    }
    this.#becomeClosed();
    this.emit('reconnectFailed');
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
    this.#recovery.forget();
    this.#wakeReconnect?.();
    const session = this.#session;
    if (session === undefined) return;
    const closed = new Promise<void>((resolve) => this.onceDisconnected(resolve));
    session.close();
    await closed;
  }

  /** Closes the client and forgets the singleton (for tests). */
  async reset(): Promise<void> {
    try {
      await this.close();
    } finally {
      // Each facade class keeps its own singleton in a static `instance`.
      const facade = this.constructor as { instance?: unknown };
      if (facade.instance === this) facade.instance = undefined;
    }
  }

  /** Calls the `onX` hook, then the event's listeners; a throwing hook is logged, never thrown. */
  protected emit<E extends keyof SocketClientEvents>(event: E, ...args: SocketClientEvents[E]): void {
    const hooks = { disconnect: this.onDisconnect, reconnecting: this.onReconnecting, reconnected: this.onReconnected, reconnectFailed: this.onReconnectFailed };
    try {
      (hooks[event as keyof typeof hooks] as ((...values: SocketClientEvents[E]) => void) | undefined)?.(...args);
      this.emitEvent(event, ...args);
    } catch (error) {
      this.logger.error(`${event} hook threw`, { err: error });
    }
  }
}

