/**
 * A hand-driven client: a raw ws socket plus the real channel code, so tests can send
 * exactly the frames they want (before auth, malformed, tampered) and observe the close.
 */
import { WebSocket } from 'ws';
import { EnvelopeLink } from '../../src/channel/envelope-link.js';
import { createChannelHandshake } from '../../src/channel/frame-channel.js';
import { derivePsk } from '../../src/crypto/psk.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { SocketServer } from '../../src/index.js';
import { WAIT_MS, within } from './wait-for.js';

/** How the socket ended. */
export interface Closed {
  code: number;
  reason: string;
}

/** One frame as it arrived on the socket. */
export interface WireFrame {
  data: Buffer;
  isBinary: boolean;
}

/** Which channel a raw peer runs: the server's settings unless overridden. */
export interface RawPeerOptions {
  encryption?: boolean;
  authKey?: string;
}

/** A raw peer connected to a server. */
export class RawPeer {
  static readonly #open = new Set<RawPeer>();
  readonly socket: WebSocket;
  readonly link: EnvelopeLink;
  /** Every envelope received, in order. */
  readonly received: Envelope[] = [];
  /** Every raw frame received after the handshake. */
  readonly frames: Buffer[] = [];
  /** Every frame received, handshake frames included, with its frame type. */
  readonly wire: WireFrame[] = [];
  /** Settles when the socket closes. */
  readonly closed: Promise<Closed>;
  #waiters: Array<() => void> = [];

  private constructor(url: string, link: EnvelopeLink) {
    this.link = link;
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    RawPeer.#open.add(this);
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        RawPeer.#open.delete(this);
        resolve({ code, reason: reason.toString() });
      });
    });
    this.socket.on('error', () => {});
    this.socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.wire.push({ data, isBinary });
      if (this.link.established) this.frames.push(data);
      try {
        const received = this.link.receive(data, isBinary);
        if (received.reply) this.socket.send(received.reply);
        if (received.envelopes) this.received.push(...received.envelopes);
      } catch {
        // Tests that tamper with frames inspect `frames` instead.
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Connects to `server` and completes the channel handshake (no auth). */
  static async connect(server: SocketServer, options: { encryption?: boolean; authKey?: string } = {}): Promise<RawPeer> {
    const encryption = options.encryption ?? server.config.encryption;
    const psk = encryption ? derivePsk(options.authKey ?? server.config.authKey) : null;
    const link = new EnvelopeLink(createChannelHandshake({ role: 'client', encryption, psk }), server.config.maxPayload);
    const peer = new RawPeer(`ws://127.0.0.1:${server.port}`, link);
    await within(new Promise<void>((resolve, reject) => {
      peer.socket.once('open', () => {
        const first = link.start();
        if (first) peer.socket.send(first);
        if (link.established) resolve();
      });
      peer.socket.once('error', reject);
      peer.socket.on('message', () => link.established && resolve());
      void peer.closed.then(({ code }) => reject(new Error(`closed during handshake with ${code}`)));
    }), WAIT_MS, 'handshake');
    return peer;
  }

  /**
   * Opens the socket and starts nothing: the test sends whatever it wants first (a valid or
   * tampered handshake frame from `peer.link.start()`, or garbage). A handshake reply from the
   * server is still fed to `link`, so a valid frame 1 establishes the channel.
   */
  static async open(server: SocketServer, options: RawPeerOptions = {}): Promise<RawPeer> {
    const peer = new RawPeer(`ws://127.0.0.1:${server.port}`, RawPeer.#linkFor(server, options));
    await within(new Promise<void>((resolve, reject) => {
      peer.socket.once('open', () => resolve());
      peer.socket.once('error', reject);
    }), WAIT_MS, 'open');
    return peer;
  }

  /**
   * Like {@link connect}, but settles instead of rejecting when the server closes during the
   * handshake: check `peer.link.established`, then `await peer.closeCode()`.
   */
  static async attempt(server: SocketServer, options: RawPeerOptions = {}): Promise<RawPeer> {
    const peer = await RawPeer.open(server, options);
    const first = peer.link.start();
    if (first) peer.socket.send(first);
    await within(new Promise<void>((resolve) => {
      if (peer.link.established) resolve();
      peer.socket.on('message', () => peer.link.established && resolve());
      void peer.closed.then(() => resolve());
    }), WAIT_MS, 'handshake or close');
    return peer;
  }

  static #linkFor(server: SocketServer, options: RawPeerOptions): EnvelopeLink {
    const encryption = options.encryption ?? server.config.encryption;
    const psk = encryption ? derivePsk(options.authKey ?? server.config.authKey) : null;
    return new EnvelopeLink(createChannelHandshake({ role: 'client', encryption, psk }), server.config.maxPayload);
  }

  /** Sends one envelope through the channel. */
  send(envelope: Envelope | Record<string, unknown>): void {
    this.socket.send(this.link.seal(envelope as Envelope));
  }

  /** Sends several envelopes as one record (one frame). */
  sendRecord(envelopes: ReadonlyArray<Envelope | Record<string, unknown>>): void {
    this.sendText(envelopes.map((envelope) => JSON.stringify(envelope)).join('\n'));
  }

  /** Sends raw JSON text through the channel (sealed, so it may be malformed JSON). */
  sendText(text: string): void {
    this.socket.send(this.link.sealText(text));
  }

  /** Authenticates with `authKey` (default: the server's). */
  async auth(server: SocketServer, data: Record<string, unknown> = {}): Promise<Envelope> {
    this.send({ request: 'auth', id: 1, data: { authKey: server.config.authKey, ...data } });
    return this.next((envelope) => envelope.request === 'auth');
  }

  /** The first envelope received (already or later) that matches. */
  async next(match: (envelope: Envelope) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Envelope> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0]!;
      if (Date.now() > deadline) throw new Error('Timed out waiting for an envelope');
      await within(new Promise<void>((resolve) => this.#waiters.push(resolve)), Math.max(1, deadline - Date.now()), 'envelope').catch(() => {});
    }
  }

  /** The close code, awaited with a deadline. */
  async closeCode(timeoutMs = WAIT_MS): Promise<number> {
    return (await within(this.closed, timeoutMs, 'close')).code;
  }

  /** Terminates every raw peer still open (afterEach). */
  static destroyAll(): void {
    for (const peer of RawPeer.#open) peer.destroy();
  }

  /** Ends the socket without a close handshake. */
  destroy(): void {
    this.socket.terminate();
  }
}
