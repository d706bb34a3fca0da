import { HandshakeState } from '../crypto/noise.js';
import { SocketError, isSocketError } from '../errors.js';
import { HANDSHAKE_FRAME_BYTES, PROTOCOL_PROLOGUE } from '../protocol/constants.js';
import type { ChannelHandshake, HandshakeStep, KeyName } from './frame-channel.js';
import { SecureChannel } from './secure-channel.js';

const PROLOGUE = Buffer.from(PROTOCOL_PROLOGUE, 'ascii');
// dropsocket sends nothing inside the handshake: app data waits for the channel, so that the
// first message (auth) already has forward secrecy and both peers have proved the PSK.
const EMPTY_PAYLOAD = Buffer.alloc(0);

type Phase = 'new' | 'waiting' | 'done' | 'failed';

/** The keys a side may use, by name; the service key is always there. */
export type HandshakeKeys = Record<'service', Buffer> & Partial<Record<KeyName, Buffer>>;

/**
 * The encrypted ChannelHandshake: frame 1 (client -> server) and frame 2 (server -> client),
 * each exactly HANDSHAKE_FRAME_BYTES; see src/crypto/noise.ts for the diagram.
 *
 * A server with a browser key as well tries each key on frame 1: its tag covers the empty
 * payload under a key mixed from the PSK, so exactly one key opens it (or none: 4002).
 * Frame 2 and the channel then follow from that key, so a page key proves only itself.
 */
export class NoiseHandshake implements ChannelHandshake {
  readonly #role: 'client' | 'server';
  readonly #keys: HandshakeKeys;
  #state: HandshakeState;
  #keyName: KeyName = 'service';
  #phase: Phase = 'new';

  /** A handshake for one connection, with a fresh ephemeral key; a client uses `keys.service`. */
  constructor(role: 'client' | 'server', keys: HandshakeKeys | Buffer) {
    this.#role = role;
    this.#keys = Buffer.isBuffer(keys) ? { service: keys } : keys;
    this.#state = this.#newState(this.#keys.service);
  }

  #newState(psk: Buffer): HandshakeState {
    return new HandshakeState({ initiator: this.#role === 'client', prologue: PROLOGUE, psk });
  }

  /** Client: frame 1 to send. Server: nothing yet. @throws SocketError HANDSHAKE_FAILED if called twice. */
  start(): HandshakeStep {
    return this.#advance('new', 'waiting', () =>
      this.#role === 'client' ? { send: this.#state.writeMessage(EMPTY_PAYLOAD) } : {});
  }

  /**
   * Server: frame 2 to send, and the channel. Client: the channel.
   * @throws SocketError HANDSHAKE_FAILED (closeCode 4002) on a text frame, a wrong size, a bad
   * tag, or any frame once the channel exists.
   */
  receive(frame: Buffer, isBinary: boolean): HandshakeStep {
    return this.#advance('waiting', 'done', () => {
      // A text frame here is the usual sign of a peer with encryption off: say so.
      if (!isBinary) throw new SocketError('HANDSHAKE_FAILED', 'Expected a binary handshake frame, got a text frame: the peer probably has encryption off (SOCKET_ENCRYPTION)');
      if (frame.length !== HANDSHAKE_FRAME_BYTES) throw new SocketError('HANDSHAKE_FAILED', `A handshake frame must be ${HANDSHAKE_FRAME_BYTES} bytes, got ${frame.length}`);
      if (this.#role === 'server') this.#readFirstFrame(frame);
      else this.#state.readMessage(frame);
      const send = this.#role === 'server' ? this.#state.writeMessage(EMPTY_PAYLOAD) : undefined;
      const { send: sendCipher, receive: receiveCipher } = this.#state.split();
      const channel = new SecureChannel(sendCipher, receiveCipher);
      const keyName = this.#keyName;
      return send === undefined ? { channel, keyName } : { send, channel, keyName };
    });
  }

  /** Reads frame 1 under the service key, else under the browser key (a fresh state each). */
  #readFirstFrame(frame: Buffer): void {
    try {
      this.#state.readMessage(frame);
      return;
    } catch (error) {
      if (this.#keys.browser === undefined) throw error;
    }
    this.#state = this.#newState(this.#keys.browser);
    this.#state.readMessage(frame);
    this.#keyName = 'browser';
  }

  /** Runs `run` if the handshake is in phase `from`, then moves to `to`; a failure is final. */
  #advance(from: Phase, to: Phase, run: () => HandshakeStep): HandshakeStep {
    if (this.#phase !== from) throw new SocketError('HANDSHAKE_FAILED');
    try {
      const step = run();
      this.#phase = to;
      return step;
    } catch (cause) {
      this.#phase = 'failed';
      if (isSocketError(cause, 'HANDSHAKE_FAILED')) throw cause;
      throw new SocketError('HANDSHAKE_FAILED', undefined, { cause });
    }
  }
}
