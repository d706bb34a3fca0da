import { HandshakeState } from '../crypto/noise.js';
import { SocketError, isSocketError } from '../errors.js';
import { HANDSHAKE_FRAME_BYTES, PROTOCOL_PROLOGUE } from '../protocol/constants.js';
import type { ChannelHandshake, HandshakeStep } from './frame-channel.js';
import { SecureChannel } from './secure-channel.js';

const PROLOGUE = Buffer.from(PROTOCOL_PROLOGUE, 'ascii');
// dropsocket sends nothing inside the handshake: app data waits for the channel, so that the
// first message (auth) already has forward secrecy and both peers have proved the PSK.
const EMPTY_PAYLOAD = Buffer.alloc(0);

type Phase = 'new' | 'waiting' | 'done' | 'failed';

/**
 * The encrypted ChannelHandshake: frame 1 (client -> server) and frame 2 (server -> client),
 * each exactly HANDSHAKE_FRAME_BYTES; see src/crypto/noise.ts for the diagram.
 */
export class NoiseHandshake implements ChannelHandshake {
  readonly #role: 'client' | 'server';
  readonly #state: HandshakeState;
  #phase: Phase = 'new';

  /** A handshake for one connection, with a fresh ephemeral key. */
  constructor(role: 'client' | 'server', psk: Buffer) {
    this.#role = role;
    this.#state = new HandshakeState({ initiator: role === 'client', prologue: PROLOGUE, psk });
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
      this.#state.readMessage(frame);
      const send = this.#role === 'server' ? this.#state.writeMessage(EMPTY_PAYLOAD) : undefined;
      const { send: sendCipher, receive: receiveCipher } = this.#state.split();
      const channel = new SecureChannel(sendCipher, receiveCipher);
      return send === undefined ? { channel } : { send, channel };
    });
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
