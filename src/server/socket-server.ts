/**
 * The server facade: lifecycle, wiring and events. Parsing, crypto, discovery, the auth
 * gate and dispatch live in their own modules; this file only connects them to sockets.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { EnvelopeLink } from '../channel/envelope-link.js';
import { isOversizeFrameError } from '../channel/reasoned-web-socket.js';
import { createChannelHandshake } from '../channel/frame-channel.js';
import { loadConfig } from '../config/load-config.js';
import { checkSameSingletonOptions } from '../config/singleton-options.js';
import type { Config } from '../config/resolve-config.js';
import { derivePsk } from '../crypto/psk.js';
import { randomIdPrefix } from '../crypto/random.js';
import { SocketError } from '../errors.js';
import { discoverHandlers } from '../handlers/discover.js';
import type { Handler } from '../handlers/handler.js';
import { HandlerRegistry } from '../handlers/registry.js';
import { createLogger, type Logger } from '../logger.js';
import { CLOSE_CODES, TAG_BYTES } from '../protocol/constants.js';
import { PushTexts } from '../recovery/push-texts.js';
import { Connection, type ConnectionContext, type ConnectionSocket } from './connection.js';
import { Dispatcher, InFlightCounter } from './dispatch.js';
import { LivenessSweep } from './liveness.js';
import type { Broker } from '../scale/broker.js';
import { createBroker } from './create-broker.js';
import type { AdapterStats } from './cross-node.js';
import { PushRouter } from './push-router.js';
import { LocalSessionStore } from '../scale/local-session-store.js';
import { SessionRecovery } from './session-recovery.js';
import { RoomIndex } from './rooms.js';
import { countConnections, type MetricsEndpoint, type ServedMetrics } from '../metrics/server-metrics.js';
import { answerHttpRoute } from './http-routes.js';
import { readTlsFiles, UpgradeEndpoint } from './upgrade-endpoint.js';
import type { BroadcastOptions, ConnectionCountOptions, SocketServerEvents, SocketServerOptions } from './server-contract.js';

type State = 'new' | 'starting' | 'listening' | 'closing' | 'closed';

/** The dropsocket server. A singleton: `new SocketServer()` returns the running instance. */
export class SocketServer {
  /** The current instance, if one was constructed and not reset. */
  static instance: SocketServer | undefined;

  /** Resolved settings. */
  readonly config!: Config;
  /** Authenticated connections by id. */
  readonly clientMap = new Map<string, Connection>();
  /** Lifecycle events, typed. */
  readonly events = new EventEmitter<SocketServerEvents>();
  /** Called when a socket is accepted (before the handshake). */
  onClientConnect: ((connection: Connection) => void) | undefined;
  /** Called when a connection has authenticated. */
  onClientAuthenticated: ((connection: Connection) => void) | undefined;
  /** Called when a connection has closed, with the close code and reason. */
  onClientDisconnect: ((connection: Connection, code: number, reason: string) => void) | undefined;

  #logger!: Logger;
  /** What the constructor was given, to tell a second `new` with other options. */
  #options: object = {};
  #state: State = 'new';
  #registry: HandlerRegistry | undefined;
  #endpoint: UpgradeEndpoint | undefined;
  /** Undefined with metrics off: every call site is `#metrics?.x()`, one branch and no work. */
  #metrics: ServedMetrics | undefined;
  #metricsEndpoint: MetricsEndpoint | undefined;
  #serveMetrics: SocketServerOptions['serveMetrics'];
  #psk: Buffer | null = null;
  #browserPsk: Buffer | null = null;
  #closing: Promise<void> | undefined;
  #dispatcher: Dispatcher | undefined;
  #liveness: LivenessSweep<Connection> | undefined;
  readonly #connections = new Set<Connection>();
  readonly #rooms = new RoomIndex<Connection>(() => this.#pushes.countsChanged());
  readonly #inFlight = new InFlightCounter();
  readonly #idPrefix = randomIdPrefix();
  #nextId = 0;
  #allClosed: (() => void) | undefined;
  #connectionContext!: ConnectionContext;
  #brokerOption: Broker | undefined;
  #recovery: SessionRecovery | undefined;
  readonly #pushes = new PushRouter({ clients: this.clientMap, rooms: this.#rooms, node: this.#idPrefix, logger: () => this.#logger });

  /**
   * @throws SocketError `CONFIG_INVALID` when a setting does not parse, an option key is not
   * a setting, or the singleton exists with other options.
   */
  constructor(options: SocketServerOptions = {}) {
    const singleton = options.singleton ?? true;
    if (singleton && SocketServer.instance !== undefined) {
      checkSameSingletonOptions('SocketServer', SocketServer.instance.#options, options);
      return SocketServer.instance;
    }
    this.#options = { ...options };
    const { logger, singleton: _singleton, broker, serveMetrics, ...settings } = options;
    this.#brokerOption = broker;
    this.#serveMetrics = serveMetrics;
    this.config = loadConfig(settings);
    this.#logger = logger ?? createLogger(this.config.logLevel);
    this.#connectionContext = {
      config: this.config,
      logger: this.#logger,
      rooms: this.#rooms,
      now: monotonicNow,
      received: (connection, frame, isBinary) => this.#receive(connection, frame, isBinary),
      socketError: (connection, error) => {
        // ws has already closed with 1009: record it as ours, so it is logged and reported.
        if (isOversizeFrameError(error)) connection.fail(new SocketError('PAYLOAD_TOO_LARGE', `A frame exceeded maxPayload (${this.config.maxPayload} bytes)`));
        else this.#logger.debug('socket error', { connection: connection.id, code: error.code });
      },
      closed: (connection, code, reason) => this.#closed(connection, code, reason),
      throttled: (connection, pauseMs) => {
        this.#metrics?.rateLimitPaused();
        this.#emit('throttled', connection, pauseMs);
      },
      sessionChanged: (connection) => this.#recovery?.changed(connection),
      sessionEnded: (connection, code) => this.#recovery?.ended(connection, code),
    };
    if (singleton) SocketServer.instance = this;
  }

  /** The bound port once listening (the configured one before). */
  get port(): number {
    return this.#endpoint?.port ?? this.config.port;
  }

  /** Handler instances by name. */
  get handlers(): ReadonlyMap<string, Handler> {
    return this.#registry?.instances ?? new Map();
  }

  /**
   * Discovers handlers, checks for `auth`, derives the key, and listens. After a failure it
   * may be called again.
   * @throws SocketError `MISSING_AUTH_HANDLER`, `HANDLER_LOAD_FAILED`, `DUPLICATE_HANDLER`, `LISTEN_FAILED`.
   */
  async init(): Promise<void> {
    if (this.#state !== 'new') throw new SocketError('LISTEN_FAILED', `init() was already called (state: ${this.#state})`);
    this.#state = 'starting';
    try {
      await this.#start();
      this.#state = 'listening';
    } catch (error) {
      // Nothing was left running, so a later init() may try again (the port was busy,
      // a handler file was broken and got fixed).
      this.#state = 'new';
      void this.#endpoint?.close();
      this.#endpoint = undefined;
      this.#liveness?.stop();
      this.#liveness = undefined;
      this.#recovery?.stop();
      void this.#pushes.stop();
      throw error;
    }
  }

  async #start(): Promise<void> {
    const { config } = this;
    if (config.metrics) await this.#startMetrics();
    this.#registry = new HandlerRegistry(await discoverHandlers(config.handlerDir, { warn: (message) => this.#logger.warn(message) }), 'server', this);
    if (config.usingDevelopmentKey) {
      this.#logger.warn('SOCKET_AUTH_KEY is not set: using the public development key. Anyone can connect. Set a key made by `dropsocket keygen` before deploying.');
    }
    if (!config.encryption) {
      this.#logger.warn('SOCKET_ENCRYPTION is off: frames, and the auth key in the auth request, travel in clear. Use it only on a trusted link.');
    }
    this.#psk = config.encryption ? derivePsk(config.authKey) : null;
    this.#browserPsk = config.encryption && config.browserKey !== null ? derivePsk(config.browserKey) : null;
    const broker = this.#brokerOption ?? (await createBroker(config, this.#logger));
    if (broker !== undefined) await this.#pushes.scaleOut(broker);
    if (config.recoveryWindow > 0) this.#startRecovery(broker);
    this.#dispatcher = new Dispatcher({
      config,
      logger: this.#logger,
      registry: this.#registry,
      inFlight: this.#inFlight,
      isShuttingDown: () => this.#state !== 'listening',
      metrics: this.#metrics,
      accept: (connection) => {
        this.clientMap.set(connection.id, connection);
        this.#pushes.countsChanged();
      },
      accepted: (connection) => this.#emit('authenticated', connection),
      recovery: this.#recovery,
    });
    this.#endpoint = await UpgradeEndpoint.listen({
      host: config.host,
      port: config.port,
      tls: readTlsFiles(config),
      maxFrameBytes: config.maxPayload + (config.encryption ? TAG_BYTES : 0),
      canAccept: () => this.#state === 'listening' && this.#connections.size < config.maxConnections,
      accept: (ws, request) => this.#accept(ws, request),
      respond: (request, response) => answerHttpRoute(request, response, { isDraining: () => this.#state === 'closing', metrics: this.#metricsEndpoint }),
    });
    this.#liveness = new LivenessSweep({
      heartBeatInterval: config.heartBeatInterval,
      now: monotonicNow,
      connections: () => this.#connections,
      onSilent: (connection) => connection.fail(new SocketError('HEARTBEAT_TIMEOUT')),
    });
    this.#liveness.start();
    this.#logger.info('listening', { host: config.host, port: this.port, tls: config.tlsCert !== null, encryption: config.encryption, handlers: this.handlers.size, adapter: this.adapterStats.adapter, node: this.#idPrefix });
  }

  /** prom-client is imported only here, so a server without metrics never loads it. */
  async #startMetrics(): Promise<void> {
    const { createPrometheusMetrics } = await import('../metrics/prometheus-metrics.js');
    this.#metrics = createPrometheusMetrics({
      connections: () => countConnections(this.#connections, this.config.encryption),
      adapter: () => this.adapterStats,
    });
    this.#connectionContext.metrics = this.#metrics;
    this.#metricsEndpoint = this.#serveMetrics?.(this.#metrics) ?? this.#metrics;
  }

  /** Sessions live where the adapter keeps its log: in this process, the primary, or Redis. */
  #startRecovery(broker: Broker | undefined): void {
    const localStore = broker === undefined ? new LocalSessionStore(this.#idPrefix, this.config.recoveryMaxBufferedTotal) : undefined;
    this.#pushes.enableRecovery(localStore);
    // Open sessions' unacknowledged pushes count against the same total, in this process.
    const pushTexts = new PushTexts(this.config.recoveryMaxBufferedTotal);
    this.#connectionContext.pushTexts = pushTexts;
    this.#recovery = new SessionRecovery({ config: this.config, logger: this.#logger, store: (broker ?? localStore)!, localStore, pushes: this.#pushes, clients: this.clientMap, pushTexts });
  }

  #accept(ws: ConnectionSocket, request: IncomingMessage): void {
    const link = new EnvelopeLink(createChannelHandshake({ role: 'server', encryption: this.config.encryption, psk: this.#psk, browserPsk: this.#browserPsk }), this.config.maxPayload);
    const id = `${this.#idPrefix}-${(this.#nextId++).toString(36)}`;
    const connection = new Connection(ws, link, id, request.socket.remoteAddress ?? '', this.#connectionContext);
    this.#connections.add(connection);
    link.start();
    this.#emit('connect', connection);
  }

  #receive(connection: Connection, data: Buffer, isBinary: boolean): void {
    let envelopes;
    try {
      envelopes = connection.receive(data, isBinary);
    } catch (error) {
      const failure = error instanceof SocketError ? error : new SocketError('MALFORMED_FRAME', undefined, { cause: error });
      if (failure.code === 'HANDSHAKE_FAILED') this.#metrics?.handshakeFailed();
      connection.fail(failure);
      return;
    }
    this.#metrics?.received(data.length, envelopes === undefined ? 0 : envelopes.length);
    if (envelopes === undefined) return;
    for (const envelope of envelopes) {
      // A message that ends the connection (a call before auth) stops the rest of its record.
      if (!connection.isOpen) return;
      this.#dispatcher!.dispatch(connection, envelope);
    }
  }

  #closed(connection: Connection, code: number, reason: string): void {
    this.#metrics?.closed(code);
    this.#connections.delete(connection);
    if (this.clientMap.get(connection.id) === connection) {
      this.clientMap.delete(connection.id);
      this.#pushes.countsChanged();
    }
    this.#emit('disconnect', connection, code, reason);
    if (this.#connections.size === 0) this.#allClosed?.();
  }

  /**
   * Pushes to one authenticated connection. On this node: false when there is none with
   * that id. With a scale-out adapter, an id of another node is relayed to it and `true`
   * means "handed to the adapter", not "delivered" (docs/scale-out.md).
   */
  sendTo(id: string, request: string, data?: unknown): boolean {
    return this.#pushes.sendTo(id, request, data);
  }

  /**
   * Pushes to every authenticated connection whose `meta[key] === value`. True when one on
   * this node matched, or when it was relayed to the other nodes (scale-out adapter).
   */
  sendToByMeta(key: string, value: unknown, request: string, data?: unknown): boolean {
    return this.#pushes.sendToByMeta(key, value, request, data);
  }

  /**
   * Pushes to every authenticated connection (or a room's), minus `except`. Returns how many
   * connections of this node it was sent to; other nodes deliver theirs from the log.
   */
  broadcast(request: string, data?: unknown, options: BroadcastOptions = {}): number {
    return this.#pushes.broadcast(request, data, options);
  }

  /**
   * Authenticated connections across every live node (or the members of `room`). Exact for
   * this node; other nodes' counts come from the live-node table (about a second old at
   * most; a dead node drops out within seconds). Never waits on other nodes.
   */
  connectionCount(options: ConnectionCountOptions = {}): Promise<number> {
    return this.#pushes.connectionCount(options.room);
  }

  /** Counters of the scale-out adapter: relays sent and received, append failures, gaps. */
  get adapterStats(): AdapterStats {
    return this.#pushes.adapterStats;
  }

  /**
   * Graceful stop: refuses new sockets and calls, lets running calls finish up to
   * `shutdownTimeout`, answers the rest `SHUTTING_DOWN`, closes every connection with 1001.
   */
  close(): Promise<void> {
    if (this.#state === 'new' || this.#state === 'closed') {
      this.#state = 'closed';
      return this.#closing ?? Promise.resolve();
    }
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#state = 'closing';
    this.#liveness?.stop();
    // The listener stays open while draining: /healthz answers 503 so a load balancer takes
    // this server out of rotation, and upgrades are refused with 503 (canAccept).
    if (!(await this.#inFlight.whenIdle(this.config.shutdownTimeout))) {
      this.#logger.warn('shutdown deadline passed with calls running', { running: this.#inFlight.count });
      for (const connection of this.#connections) connection.answerOwed(new SocketError('SHUTTING_DOWN'));
    }
    const allClosed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
      if (this.#connections.size === 0) resolve();
    });
    for (const connection of this.#connections) connection.close(CLOSE_CODES.GOING_AWAY, 'SHUTTING_DOWN');
    await allClosed;
    const httpClosed = this.#endpoint!.close();
    this.#endpoint!.closeIdleConnections();
    await httpClosed;
    await this.#recovery?.flush();
    this.#recovery?.stop();
    await this.#pushes.stop();
    this.#state = 'closed';
    this.#logger.info('closed');
  }

  /** Closes the server and forgets the singleton (for tests). */
  async reset(): Promise<void> {
    try {
      await this.close();
    } finally {
      if (SocketServer.instance === this) SocketServer.instance = undefined;
    }
  }

  #emit<E extends keyof SocketServerEvents>(event: E, ...args: SocketServerEvents[E]): void {
    const hooks = { connect: this.onClientConnect, authenticated: this.onClientAuthenticated, disconnect: this.onClientDisconnect };
    const hook = hooks[event as keyof typeof hooks];
    try {
      (hook as ((...values: SocketServerEvents[E]) => void) | undefined)?.(...args);
      (this.events.emit as (event: E, ...values: SocketServerEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      // A throwing hook must not take a connection, or the server, down with it.
      this.#logger.error(`${event} hook threw`, { err: error });
    }
  }
}

/** Liveness and rate limits measure spans, so a wall-clock jump (NTP) must not move them. */
function monotonicNow(): number {
  return performance.now();
}
