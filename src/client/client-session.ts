/**
 * One client socket from open to close: the channel handshake, frames to envelopes, and
 * the heartbeat that detects a dead link. The SocketClient creates one per (re)connect.
 */
import { WebSocket } from 'ws';
import { isOversizeFrameError, ReasonedWebSocket } from '../channel/reasoned-web-socket.js';
import { EnvelopeLink } from '../channel/envelope-link.js';
import { createChannelHandshake } from '../channel/frame-channel.js';
import { RecordOutbox, type RecordSink } from '../channel/record-outbox.js';
import type { Config } from '../config/resolve-config.js';
import { SocketError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CLOSE_CODES, HEARTBEAT_REQUEST, TAG_BYTES } from '../protocol/constants.js';
import { encodeEnvelope, type Envelope } from '../protocol/envelope.js';
import { errorForEarlyClose } from './close-errors.js';

/** After a close frame is sent, how long the server gets to answer before the socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** What a session reports to its owner. */
export interface SessionEvents {
  envelope(session: ClientSession, envelope: Envelope): void;
  /** Called once, when the socket has closed for any reason (also before `open` settles). */
  closed(session: ClientSession, code: number, reason: string): void;
  /** The last push number received, sent with each heartbeat (recovery on); undefined: none. */
  position?(): number | undefined;
}

/** TLS options for `wss://` addresses, passed through to the socket (code only). */
export interface TlsOptions {
  /** Certificate authorities to trust besides the system's (PEM), e.g. a self-signed server's certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Refuse a server whose certificate does not verify. @default true */
  rejectUnauthorized?: boolean;
}

/** One open socket to the server. */
export class ClientSession implements RecordSink {
  readonly #socket: WebSocket;
  readonly #link: EnvelopeLink;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heartbeatDeadline: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #outbox: RecordOutbox;

  private constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    psk: Buffer | null,
    private readonly events: SessionEvents,
    tls: TlsOptions,
  ) {
    this.#link = new EnvelopeLink(createChannelHandshake({ role: 'client', encryption: config.encryption, psk }), config.maxPayload);
    this.#outbox = new RecordOutbox(this, config.maxPayload);
    this.#socket = new ReasonedWebSocket(config.address, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      maxPayload: config.maxPayload + (config.encryption ? TAG_BYTES : 0),
      handshakeTimeout: config.authTimeout,
      ...tls,
    });
  }

  /**
   * Connects and completes the channel handshake.
   * @throws SocketError `CONNECT_FAILED`, `HANDSHAKE_FAILED`, or another code from the close.
   */
  static open(config: Config, logger: Logger, psk: Buffer | null, events: SessionEvents, tls: TlsOptions = {}): Promise<ClientSession> {
    const session = new ClientSession(config, logger, psk, events, tls);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error?: SocketError): void => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve(session);
        else reject(error);
      };
      session.#wire(settle);
    });
  }

  #wire(settle: (error?: SocketError) => void): void {
    const socket = this.#socket;
    socket.on('open', () => {
      const first = this.#link.start();
      if (first !== undefined) socket.send(first);
      if (this.#link.established) settle();
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      // Any frame proves the link alive. A client sending over the server's rate limit has
      // its beat queued behind its own messages (the server reads it at the rate); the
      // answers to those messages still show the server is there.
      if (this.#heartbeatDeadline !== undefined) this.heartbeatAnswered();
      try {
        const received = this.#link.receive(data, isBinary);
        if (received.reply !== undefined) socket.send(received.reply);
        if (received.established === true) settle();
        for (const envelope of received.envelopes ?? []) this.events.envelope(this, envelope);
      } catch (error) {
        const failure = error instanceof SocketError ? error : new SocketError('MALFORMED_FRAME', undefined, { cause: error });
        this.logger.warn('closing connection: bad frame from server', { code: failure.code });
        this.close(failure.closeCode ?? CLOSE_CODES.MALFORMED_FRAME, failure.code);
      }
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (isOversizeFrameError(error)) this.logger.warn('closing connection: a frame from the server exceeded maxPayload', { code: 'PAYLOAD_TOO_LARGE', maxPayload: this.config.maxPayload });
      else this.logger.debug('socket error', { code: error.code });
      settle(new SocketError('CONNECT_FAILED', `Could not connect to ${this.config.address} (${error.code ?? error.message})`, { cause: error }));
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.#closed = true;
      this.#outbox.discard();
      this.#link.close();
      this.#stopHeartbeat();
      settle(this.earlyCloseError(code));
      this.events.closed(this, code, reason.toString());
    });
  }

  /** The error for this session closing with `code` before it was ready, with a likely cause. */
  earlyCloseError(code: number): SocketError {
    return errorForEarlyClose(code, { encryption: this.config.encryption, established: this.#link.established });
  }

  /** Whether frames can be sent. */
  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === WebSocket.OPEN && this.#link.established;
  }

  /** Sends one envelope; false when the socket is not open. @throws SocketError when it cannot be encoded. */
  send(envelope: Envelope): boolean {
    return this.sendText(encodeEnvelope(envelope));
  }

  /**
   * Sends an envelope already encoded as JSON text, in this tick's record (sealed and
   * written when the tick ends); false when the socket is not open.
   */
  sendText(text: string): boolean {
    if (!this.isOpen) return false;
    this.#outbox.add(text);
    return true;
  }

  /** Seals and writes one record as one frame (the outbox calls it). */
  writeRecord(record: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return this.#outbox.discard();
    let frame: string | Buffer;
    try {
      frame = this.#link.sealText(record);
    } catch (error) {
      // A channel that cannot seal (nonces exhausted) must end; nothing goes out unsealed.
      // Its calls are rejected DISCONNECTED when the socket closes.
      this.#outbox.discard();
      const failure = error instanceof SocketError ? error : new SocketError('NONCE_EXHAUSTED', undefined, { cause: error });
      this.logger.warn('closing connection: cannot seal', { code: failure.code });
      return this.close(failure.closeCode ?? CLOSE_CODES.CRYPTO_FAILED, failure.code);
    }
    this.#socket.send(frame);
  }

  /**
   * Starts the heartbeat: a beat every interval; a beat unanswered within the timeout means
   * the link is dead (half-open), so the socket is dropped and the owner reconnects.
   */
  startHeartbeat(): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => this.#beat(), this.config.heartBeatInterval);
    this.#heartbeat.unref();
  }

  /** Records the server's heartbeat answer. */
  heartbeatAnswered(): void {
    clearTimeout(this.#heartbeatDeadline);
    this.#heartbeatDeadline = undefined;
  }

  #beat(): void {
    // The beat acknowledges the pushes received so far: the server stops keeping them.
    const seq = this.events.position?.();
    if (!this.send({ request: HEARTBEAT_REQUEST, ...(seq !== undefined && { seq }) })) return;
    if (this.#heartbeatDeadline !== undefined) return;
    this.#heartbeatDeadline = setTimeout(() => {
      this.logger.warn('heartbeat not answered; dropping the connection', { timeout: this.config.heartBeatTimeout });
      this.terminate();
    }, this.config.heartBeatTimeout);
    this.#heartbeatDeadline.unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.heartbeatAnswered();
  }

  /** Closes with a close frame. */
  close(code: number = CLOSE_CODES.NORMAL, reason = ''): void {
    this.#stopHeartbeat();
    // What was sent before close() leaves before the close frame.
    this.#outbox.flush();
    if (this.#socket.readyState === WebSocket.CONNECTING) return this.#socket.terminate();
    this.#socket.close(code, reason);
    // A server that never answers the close frame must not hold close() for ws's 30 s.
    setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** Destroys the socket at once (the link is presumed dead: no close handshake). */
  terminate(): void {
    this.#stopHeartbeat();
    this.#outbox.discard();
    this.#socket.terminate();
  }
}
