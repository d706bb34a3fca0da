/**
 * One client connection as handlers see it. Wraps the raw ws socket (never patched) and
 * its envelope link; the server's dispatcher drives it through the `@internal` methods.
 */
import type { WebSocket } from 'ws';
import type { EnvelopeLink } from '../channel/envelope-link.js';
import type { KeyName } from '../channel/frame-channel.js';
import { ReasonedWebSocket } from '../channel/reasoned-web-socket.js';
import { RecordOutbox } from '../channel/record-outbox.js';
import type { Config } from '../config/resolve-config.js';
import { SocketError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { CLOSE_CODES } from '../protocol/constants.js';
import { encodeEnvelope, stampSequence, type Envelope } from '../protocol/envelope.js';
import type { LiveSession, RecoveryOutcome } from '../recovery/live-session.js';
import { PushStamper } from '../recovery/push-stamper.js';
import type { PushTexts } from '../recovery/push-texts.js';
import { PendingRequests } from '../rpc/pending-requests.js';
import { ReadThrottle } from './read-throttle.js';
import type { RoomIndex } from './rooms.js';

/** After a close frame is sent, how long a peer gets to answer before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** ws options for a record sealed into bytes on a plaintext channel. */
const TEXT_FRAME = { binary: false } as const;

/** Numbers pushes into bytes (one thread, so one for every connection). */
const PUSH_STAMPER = new PushStamper();

/** Options of `request()`. */
export interface RequestOptions {
  /** Deadline in ms; defaults to `requestTimeout`. */
  timeout?: number;
}

/** What a connection needs from the server that owns it. @internal */
export interface ConnectionContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly rooms: RoomIndex<Connection>;
  now(): number;
  /** Called with every frame the socket receives. */
  received(connection: Connection, frame: Buffer, isBinary: boolean): void;
  /** Called with the socket's `'error'` events. */
  socketError(connection: Connection, error: Error & { code?: string }): void;
  /** Called once, when the socket has closed. */
  closed(connection: Connection, code: number, reason: string): void;
  /** Called when the rate limit pauses reading this connection, with the planned pause in ms. */
  throttled?(connection: Connection, pauseMs: number): void;
  /** Set when SOCKET_METRICS is on. */
  metrics?: ServerMetrics | undefined;
  /** Called when an authenticated connection joined or left a room (recovery saves it). */
  sessionChanged?(connection: Connection): void;
  /** Called when the socket has closed, before its rooms are left (recovery saves them). */
  sessionEnded?(connection: Connection, code: number): void;
  /** With recovery on: the texts of the pushes sessions keep, by position. */
  pushTexts?: PushTexts | undefined;
}

/**
 * The ws socket the server accepts, pointing back at its connection: one set of listener
 * functions then serves every socket, instead of three closures (and their contexts) per
 * connection. A class field, so the pointer sits inside the object (a property added later
 * would cost every socket a property array). @internal
 */
export class ConnectionSocket extends ReasonedWebSocket {
  connection: Connection | undefined = undefined;
}

/** A client connection: identity, app data, rooms, and ways to talk to the client. */
export class Connection {
  /** Remote address of the socket. */
  readonly ip: string;
  /** When the last frame arrived (ms). @internal */
  lastSeen: number;
  /** Recovery state once authenticated, with recovery on. @internal */
  session: LiveSession | undefined;

  #id: string;
  #meta: Record<string, unknown> | undefined;
  #recovery: RecoveryOutcome | undefined;
  readonly #socket: WebSocket;
  readonly #link: EnvelopeLink;
  readonly #context: ConnectionContext;
  /** Absent when the rate limit is off: then nothing is counted at all. */
  readonly #throttle: ReadThrottle | undefined;
  readonly #outbox: RecordOutbox;
  #authenticated = false;
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  #rooms: Set<string> | undefined;
  #pending: PendingRequests | undefined;
  #closeCode: number | undefined;
  #closeReason = '';
  /**
   * Calls from the client that still owe an answer, by envelope identity (a peer reusing an
   * id in flight still gets one answer per call). Lazy: idle connections are many.
   */
  #owed: Set<Envelope> | undefined;
  #running = 0;
  #plaintextKeyName: KeyName | undefined;

  /** @internal Created by the server for each accepted socket. */
  constructor(socket: ConnectionSocket, link: EnvelopeLink, id: string, ip: string, context: ConnectionContext) {
    this.#socket = socket;
    this.#link = link;
    this.#outbox = new RecordOutbox(this, context.config.maxPayload);
    this.#id = id;
    this.ip = ip;
    this.#context = context;
    this.lastSeen = context.now();
    const { rateLimit, rateBurst, authTimeout } = context.config;
    this.#throttle = Number.isFinite(rateLimit)
      ? new ReadThrottle(socket, { rate: rateLimit, burst: rateBurst, now: context.now, onPause: (ms) => context.throttled?.(this, ms) })
      : undefined;
    this.#authTimer = setTimeout(() => this.fail(new SocketError('AUTH_TIMEOUT')), authTimeout);
    this.#authTimer.unref();
    (socket as ConnectionSocket).connection = this;
    socket.on('message', Connection.#onSocketMessage);
    socket.on('error', Connection.#onSocketError);
    socket.on('close', Connection.#onSocketClose);
  }

  // ws calls listeners with the socket as `this`; its types name the base class.
  static #onSocketMessage(this: WebSocket, frame: Buffer, isBinary: boolean): void {
    const connection = (this as ConnectionSocket).connection!;
    connection.#context.received(connection, frame, isBinary);
  }

  static #onSocketError(this: WebSocket, error: Error & { code?: string }): void {
    const connection = (this as ConnectionSocket).connection!;
    connection.#context.socketError(connection, error);
  }

  static #onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
    (this as ConnectionSocket).connection!.#onClose(code, reason.toString());
  }

  /** App data; the auth handler typically fills it. */
  get meta(): Record<string, unknown> {
    // Made on first use: most idle connections of many apps never get any.
    return (this.#meta ??= {});
  }

  set meta(value: Record<string, unknown>) {
    this.#meta = value;
  }

  /** The meta object if one was made: readers that must not make one (saves, meta pushes). @internal */
  get existingMeta(): Readonly<Record<string, unknown>> | undefined {
    return this.#meta;
  }

  /**
   * Unique id: a per-process random prefix and a counter, so unique across nodes too. A
   * resumed session keeps the id it had, whichever node it comes back to.
   */
  get id(): string {
    return this.#id;
  }

  /**
   * Set when the client asked to resume a session: whether it was (`{recovered: true}`:
   * same id, rooms and meta, missed pushes replayed), or why not. Undefined for a first
   * connection, and with recovery off.
   */
  get recovery(): RecoveryOutcome | undefined {
    return this.#recovery;
  }

  /** Takes over a resumed session's id and outcome (before authentication completes). @internal */
  resumeAs(id: string | undefined, outcome: RecoveryOutcome): void {
    if (id !== undefined) this.#id = id;
    this.#recovery = outcome;
  }

  /** Whether the auth handler has accepted this connection. */
  get authenticated(): boolean {
    return this.#authenticated;
  }

  /**
   * Which key the client proved: `"service"` (SOCKET_AUTH_KEY) or `"browser"`
   * (SOCKET_BROWSER_KEY, the key given to web pages). With encryption on, the handshake
   * decides it; with encryption off, the `authKey` of the auth request. An auth handler
   * should demand a user token from `"browser"` connections: anyone with the page has its key.
   */
  get keyName(): KeyName {
    return this.#link.keyName ?? this.#plaintextKeyName ?? 'service';
  }

  /** With encryption off: records which key the auth request named. @internal */
  setPlaintextKeyName(keyName: KeyName): void {
    this.#plaintextKeyName = keyName;
  }

  /** Rooms this connection is in. */
  get rooms(): ReadonlySet<string> {
    return this.#rooms ?? new Set();
  }

  /**
   * Whether the rate limit has paused reading this connection. A paused connection is
   * sending (that is why it is paused), so the liveness sweep counts it as alive. @internal
   */
  get readPaused(): boolean {
    return this.#throttle?.paused ?? false;
  }

  /** Whether frames can still be sent. */
  get isOpen(): boolean {
    return this.#closeCode === undefined && this.#socket.readyState === this.#socket.OPEN;
  }

  /** Pushes `{request, response: data}` to the client's `client()` hook; false if not sent. */
  send(request: string, data?: unknown): boolean {
    const text = this.#encode({ request, response: data ?? null });
    return text !== undefined && this.pushText(text);
  }

  /**
   * Calls the client's `client()` hook of that name and resolves with its return value.
   * @throws SocketError `TIMEOUT`, `DISCONNECTED`, `NOT_CONNECTED`, or the hook's code.
   */
  async request<T = unknown>(request: string, data?: unknown, options: RequestOptions = {}): Promise<T> {
    if (!this.isOpen) throw new SocketError('NOT_CONNECTED');
    this.#pending ??= new PendingRequests();
    const { id, promise } = this.#pending.create(request, options.timeout ?? this.#context.config.requestTimeout);
    let text: string;
    try {
      text = encodeEnvelope({ request, id, data });
    } catch (error) {
      this.#pending.reject(id, error as SocketError);
      return promise as Promise<T>;
    }
    if (!this.transmitText(text)) this.#pending.reject(id, new SocketError('DISCONNECTED'));
    return promise as Promise<T>;
  }

  /** Adds this connection to `room`. */
  join(room: string): void {
    if (this.#closeCode !== undefined) return;
    (this.#rooms ??= new Set()).add(room);
    this.#context.rooms.add(room, this);
    if (this.#authenticated) this.#context.sessionChanged?.(this);
  }

  /** Removes this connection from `room`. */
  leave(room: string): void {
    this.#rooms?.delete(room);
    this.#context.rooms.remove(room, this);
    if (this.#authenticated) this.#context.sessionChanged?.(this);
  }

  /** Closes the connection with `code` (default 1000) and a short reason. */
  close(code: number = CLOSE_CODES.NORMAL, reason = ''): void {
    if (this.#closeCode !== undefined) return;
    // What was answered before the close decision leaves before the close frame.
    this.#outbox.flush();
    if (this.#closeCode !== undefined) return;
    this.#closeCode = code;
    this.#closeReason = reason;
    clearTimeout(this.#authTimer);
    // A paused socket could not read the peer's close frame.
    this.#throttle?.stop();
    this.#socket.close(code, reason);
    // A peer that never answers the close frame (or never reads) must not pin the socket.
    setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Ends the connection because of `error`, with its close code. @internal */
  fail(error: SocketError): void {
    if (this.#closeCode !== undefined) return;
    // The message names sizes and causes, never payloads or keys (errors.ts rule).
    this.#context.logger.warn('closing connection', { connection: this.id, code: error.code, closeCode: error.closeCode, reason: error.message });
    this.close(error.closeCode ?? CLOSE_CODES.MALFORMED_FRAME, error.code);
  }

  /**
   * Handles one frame: handshake, or open and decode its record, and the rate limit.
   * Returns the record's messages in order. @internal @throws SocketError
   */
  receive(frame: Buffer, isBinary: boolean): readonly Envelope[] | undefined {
    // ws delivers frames that arrive while our close is in flight; once this side has
    // decided to close, nothing more is opened or dispatched (a refused frame must not let
    // the frames queued behind it run).
    if (this.#closeCode !== undefined) return undefined;
    this.lastSeen = this.#context.now();
    const received = this.#link.receive(frame, isBinary);
    if (received.reply !== undefined) this.#socket.send(received.reply);
    if (received.established === true) this.#context.metrics?.handshakeCompleted();
    // Handshake frames are not charged: one per connection, before any message. A record
    // is charged one per message: limits count messages, not frames.
    if (received.envelopes !== undefined) this.charge(received.envelopes.length);
    return received.envelopes;
  }

  /**
   * Charges `count` messages to the rate limit (a no-op when it is off). Every message
   * counts, heartbeats and auth included; over the rate, reading pauses (never a close).
   * @internal
   */
  charge(count: number): void {
    this.#throttle?.charge(count);
  }

  /** Sends one envelope; false when the connection is closed or the send failed. @internal */
  transmit(envelope: Envelope): boolean {
    const text = this.#encode(envelope);
    return text !== undefined && this.transmitText(text);
  }

  /** The envelope as JSON text; undefined (logged) when it cannot be serialised. */
  #encode(envelope: Envelope): string | undefined {
    try {
      return encodeEnvelope(envelope);
    } catch (error) {
      this.#context.logger.warn('message not sent', { connection: this.id, request: envelope.request, code: (error as SocketError).code });
      return undefined;
    }
  }

  /**
   * Sends an envelope already encoded as JSON text (broadcasts encode once), in this tick's
   * record. `coalesce` false writes it as a frame of its own at once unless messages are
   * already waiting (they must leave first): a broadcast writes one frame per socket, and
   * queueing would only list every recipient for a flush. `seq`: a push's number in the
   * session (recovery), added to the text on the way out. @internal
   */
  transmitText(text: string, coalesce = true, seq?: number): boolean {
    if (!this.isOpen || !this.#hasRoom()) return false;
    if (coalesce || !this.#outbox.isEmpty) this.#outbox.add(seq === undefined ? text : stampSequence(text, seq));
    else this.writeRecord(seq === undefined ? text : this.#numbered(text, seq));
    return true;
  }

  /**
   * A push with its number, for a frame of its own: bytes the number is written into
   * (push-stamper.ts), not a new string per recipient. A cipher copies its input at once,
   * so an encrypted frame seals shared scratch bytes; a plaintext frame is the bytes
   * themselves, which the socket may hold until written.
   */
  #numbered(text: string, seq: number): string | Buffer {
    const bytes = this.#link.encrypted ? PUSH_STAMPER.transient(text, seq) : PUSH_STAMPER.owned(text, seq);
    return bytes ?? stampSequence(text, seq);
  }

  /**
   * Seals and writes one record as one frame: the RecordSink the outbox calls (matched by
   * shape, not declared: @internal members are stripped from the shipped types). @internal
   */
  writeRecord(record: string | Buffer, messages = 1): void {
    if (this.#socket.readyState !== this.#socket.OPEN || !this.#hasRoom()) return this.#outbox.discard();
    let frame: string | Buffer;
    try {
      frame = this.#link.sealText(record);
    } catch (error) {
      // Sealing fails only when the channel must end (nonces exhausted): never send unsealed.
      this.#outbox.discard();
      return this.fail(error instanceof SocketError ? error : new SocketError('NONCE_EXHAUSTED', undefined, { cause: error }));
    }
    // A plaintext record given as bytes still leaves as a text frame.
    if (typeof frame === 'string' || this.#link.encrypted) this.#socket.send(frame);
    else this.#socket.send(frame, TEXT_FRAME);
    this.#context.metrics?.sent(frame, messages);
  }

  /**
   * Sends a push (`{request, response}` encoded). With recovery on, it is numbered in the
   * session and kept until the client acknowledges it; a push to a session whose socket
   * just died is kept too (not sent), so its resume replays it. @internal
   */
  pushText(text: string, coalesce = true): boolean {
    const session = this.session;
    if (session === undefined || session.ended) return this.transmitText(text, coalesce);
    return this.transmitText(text, coalesce, session.add(this.#context.pushTexts!.positionOf(text)));
  }

  /** Destroys the socket at once (a resume took the session over from a dead link). @internal */
  terminate(): void {
    if (this.#closeCode === undefined) {
      this.#closeCode = CLOSE_CODES.GOING_AWAY;
      this.#closeReason = 'RESUMED_ELSEWHERE';
    }
    this.#socket.terminate();
  }

  /** Marks the connection authenticated. @internal */
  markAuthenticated(): void {
    this.#authenticated = true;
    clearTimeout(this.#authTimer);
    // Drop the Timeout object too: idle authenticated connections are the many.
    this.#authTimer = undefined;
  }

  /** Settles a server-to-client call with the client's answer. @internal */
  settleAnswer(answer: Envelope): void {
    this.#pending?.settle(answer);
  }

  /** Number of client calls running on this connection. @internal */
  get running(): number {
    return this.#running;
  }

  /** Records a client call starting; ids are remembered so shutdown can answer them. @internal */
  beginCall(envelope: Envelope): void {
    this.#running += 1;
    if (envelope.id !== undefined) (this.#owed ??= new Set()).add(envelope);
  }

  /** Records a call ending; true when its answer is still owed (not yet answered by shutdown). @internal */
  endCall(envelope: Envelope): boolean {
    this.#running -= 1;
    return this.#owed?.delete(envelope) ?? false;
  }

  /** Answers every call still owed with `error`. @internal */
  answerOwed(error: SocketError): void {
    for (const { request, id } of this.#owed ?? []) this.transmit({ request, id, error: { code: error.code, message: error.message } });
    this.#owed = undefined;
  }

  /** False (and the connection failing) when the peer has stopped reading. */
  #hasRoom(): boolean {
    // ws queues without limit; a peer that does not read would grow our memory forever.
    if (this.#socket.bufferedAmount <= this.#context.config.sendBufferLimit) return true;
    this.#outbox.discard();
    this.fail(new SocketError('SEND_BUFFER_FULL'));
    return false;
  }

  #onClose(code: number, reason: string): void {
    clearTimeout(this.#authTimer);
    this.#throttle?.stop();
    this.#outbox.discard();
    this.#link.close();
    const ownCode = this.#closeCode;
    this.#closeCode ??= code;
    this.#pending?.rejectAll(new SocketError('DISCONNECTED'));
    this.#context.sessionEnded?.(this, ownCode ?? code);
    for (const room of this.#rooms ?? []) this.#context.rooms.remove(room, this);
    this.#rooms = undefined;
    this.#owed = undefined;
    // Report the code this side chose: the peer may never echo it (a dead link yields 1006).
    this.#context.closed(this, ownCode ?? code, ownCode === undefined ? reason : this.#closeReason);
  }
}
