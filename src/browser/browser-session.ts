/**
 * One browser WebSocket from open to close: the channel handshake, frames to envelopes in
 * order, an outbox that seals one record at a time, and the heartbeat that detects a dead
 * link. The browser SocketClient creates one per (re)connect.
 *
 *   socket 'message' --> inbound chain: open(frame) -> split record -> decode -> envelope()
 *   send(text) ------> outbox: texts written in one tick -> seal(record) -> socket.send
 *
 * Each chain runs one frame at a time: WebCrypto is asynchronous, and each direction's
 * frames must be opened and sealed in order (the nonce is the frame's position).
 */
import { SocketError } from '../errors.js';
import { errorForEarlyClose } from '../client/close-errors.js';
import { CLOSE_CODES, HEARTBEAT_REQUEST } from '../protocol/constants.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../protocol/envelope.js';
import { splitRecord } from '../protocol/record.js';
import { takeRecord } from './outbox.js';
import { PlainWebChannel, WebNoiseHandshake, type WebChannel, type WebFrame } from './web-channel.js';
import type { WebSocketConstructor, WebSocketLike } from './web-socket.js';

/** After a close frame is sent, how long the server gets to answer before the session ends anyway. */
const CLOSE_GRACE_MS = 1000;
/** Close code reported for a link this side dropped without a close handshake. */
const ABNORMAL_CLOSURE = 1006;
const OPEN = 1;

/** What a session needs to know. */
export interface SessionSettings {
  address: string;
  /** The PSK, or null with encryption off. */
  psk: Uint8Array | null;
  maxPayload: number;
  heartBeatInterval: number;
  heartBeatTimeout: number;
  /** Deadline of the socket open and the channel handshake. */
  connectTimeout: number;
  WebSocket: WebSocketConstructor;
}

/** What a session reports to its owner. */
export interface SessionEvents {
  envelope(session: BrowserSession, envelope: Envelope): void;
  /** Called once, when the session has ended for any reason (also before `open` settles). */
  closed(session: BrowserSession, code: number, reason: string): void;
  /** The last push number received, sent with each heartbeat (recovery on); undefined: none. */
  position?(): number | undefined;
}

/** One open socket to the server. */
export class BrowserSession {
  readonly #settings: SessionSettings;
  readonly #events: SessionEvents;
  readonly #socket: WebSocketLike;
  readonly #handshake: WebNoiseHandshake | undefined;
  #channel: WebChannel | undefined;
  #inbound: Promise<void> = Promise.resolve();
  #outbox: string[] = [];
  #flushing = false;
  #closed = false;
  #settle: (error?: SocketError) => void = () => {};
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heartbeatDeadline: ReturnType<typeof setTimeout> | undefined;

  private constructor(settings: SessionSettings, events: SessionEvents) {
    this.#settings = settings;
    this.#events = events;
    this.#handshake = settings.psk === null ? undefined : new WebNoiseHandshake(settings.psk);
    this.#socket = new settings.WebSocket(settings.address);
    this.#socket.binaryType = 'arraybuffer';
  }

  /**
   * Connects and completes the channel handshake.
   * @throws SocketError `CONNECT_FAILED`, `HANDSHAKE_FAILED`, `TIMEOUT`, or another code from the close.
   */
  static open(settings: SessionSettings, events: SessionEvents): Promise<BrowserSession> {
    return new Promise((resolve, reject) => {
      let session: BrowserSession;
      try {
        session = new BrowserSession(settings, events);
      } catch (cause) {
        // The WebSocket constructor throws on a bad URL or a blocked port.
        reject(new SocketError('CONNECT_FAILED', `Could not connect to ${settings.address}`, { cause }));
        return;
      }
      let settled = false;
      session.#settle = (error) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve(session);
        else reject(error);
      };
      session.#wire();
    });
  }

  #wire(): void {
    const socket = this.#socket;
    const firstFrame = this.#handshake?.firstFrame();
    // Unawaited until the socket opens; a failure there is reported by the open handler.
    firstFrame?.catch(() => {});
    this.#after(this.#settings.connectTimeout, () => this.#drop(new SocketError('TIMEOUT', `No connection to ${this.#settings.address} within ${this.#settings.connectTimeout} ms`)));
    socket.addEventListener('open', () => {
      if (firstFrame === undefined) return this.#established(new PlainWebChannel());
      firstFrame.then((frame) => {
        if (!this.#closed) socket.send(frame);
      }, (error: unknown) => this.#fail(error));
    });
    socket.addEventListener('message', (event) => {
      // Any frame proves the link alive (a beat may queue behind our own messages at a
      // rate-limited server, while the answers to them still arrive).
      if (this.#heartbeatDeadline !== undefined) this.heartbeatAnswered();
      const data = (event as { data: WebFrame }).data;
      this.#inbound = this.#inbound.then(() => this.#receive(data)).catch((error: unknown) => this.#fail(error));
    });
    socket.addEventListener('error', () => {
      // Browsers say nothing about why (by design); the close that follows carries the code.
      this.#settle(new SocketError('CONNECT_FAILED', `Could not connect to ${this.#settings.address}`));
    });
    socket.addEventListener('close', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      this.#finish(code, reason);
    });
  }

  async #receive(frame: WebFrame): Promise<void> {
    if (this.#closed) return;
    if (this.#channel === undefined) {
      if (this.#handshake === undefined) throw new SocketError('MALFORMED_FRAME');
      return this.#established(await this.#handshake.finish(frame));
    }
    const record = await this.#channel.open(frame);
    for (const message of splitRecord(record)) {
      if (this.#closed) return;
      this.#events.envelope(this, decodeEnvelope(message, this.#settings.maxPayload));
    }
  }

  #established(channel: WebChannel): void {
    this.#channel = channel;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#settle();
  }

  /** Whether frames can be sent. */
  get isOpen(): boolean {
    return !this.#closed && this.#channel !== undefined && this.#socket.readyState === OPEN;
  }

  /** Sends one envelope; false when not open. @throws SocketError HANDLER_ERROR when it cannot be encoded. */
  send(envelope: Envelope): boolean {
    return this.sendText(encodeEnvelope(envelope));
  }

  /** Queues one encoded message; what is written in one tick leaves in order. False when not open. */
  sendText(text: string): boolean {
    if (!this.isOpen) return false;
    this.#outbox.push(text);
    if (!this.#flushing) {
      this.#flushing = true;
      queueMicrotask(() => void this.#flush());
    }
    return true;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#outbox.length > 0 && !this.#closed) {
        const frame = await this.#channel!.seal(takeRecord(this.#outbox, this.#settings.maxPayload));
        if (this.#closed) return;
        this.#socket.send(frame);
      }
    } catch (error) {
      // A channel that cannot seal (nonces exhausted) must end; nothing goes out unsealed.
      this.#fail(error);
    } finally {
      this.#flushing = false;
    }
  }

  /** Starts the heartbeat; a beat unanswered within the timeout drops the (half-open) link. */
  startHeartbeat(): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => this.#beat(), this.#settings.heartBeatInterval);
  }

  /** Records the server's heartbeat answer. */
  heartbeatAnswered(): void {
    clearTimeout(this.#heartbeatDeadline);
    this.#heartbeatDeadline = undefined;
  }

  #beat(): void {
    // The beat acknowledges the pushes received so far: the server stops keeping them.
    const seq = this.#events.position?.();
    if (!this.send({ request: HEARTBEAT_REQUEST, ...(seq !== undefined && { seq }) }) || this.#heartbeatDeadline !== undefined) return;
    this.#heartbeatDeadline = setTimeout(() => this.#drop(new SocketError('TIMEOUT', 'heartbeat not answered')), this.#settings.heartBeatTimeout);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.heartbeatAnswered();
  }

  /** Closes with a close frame; the session ends when the server answers, or after a grace period. */
  close(code: number = CLOSE_CODES.NORMAL, reason = ''): void {
    if (this.#closed) return;
    this.#stopHeartbeat();
    this.#socket.close(code, reason);
    this.#after(CLOSE_GRACE_MS, () => this.#finish(code, reason));
  }

  /** Ends the session because of `error`, with its close code. */
  #fail(error: unknown): void {
    const failure = error instanceof SocketError ? error : new SocketError('MALFORMED_FRAME', undefined, { cause: error });
    this.#settle(failure);
    this.close(failure.closeCode ?? CLOSE_CODES.MALFORMED_FRAME, failure.code);
  }

  /** Ends the session now: the link is presumed dead, so no close handshake is awaited. */
  #drop(error: SocketError): void {
    this.#settle(error);
    this.#socket.close(CLOSE_CODES.NORMAL, error.code);
    this.#finish(ABNORMAL_CLOSURE, error.code);
  }

  #finish(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopHeartbeat();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#outbox = [];
    this.#settle(this.earlyCloseError(code));
    this.#events.closed(this, code, reason);
  }

  /** The error for this session closing with `code` before it was ready, with a likely cause. */
  earlyCloseError(code: number): SocketError {
    return errorForEarlyClose(code, { encryption: this.#handshake !== undefined, established: this.#channel !== undefined });
  }

  #after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}
