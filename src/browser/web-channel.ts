/**
 * The browser client's channel: the same frames as src/channel/ (plaintext text frames, or
 * the Noise handshake then one binary `ciphertext || tag` frame per record), on WebCrypto.
 * WebCrypto is asynchronous, so opening and sealing return promises; the session runs them
 * one at a time per direction, in frame order (nonces are implicit: order is everything).
 */
import { WebHandshakeState } from '../crypto/web/web-handshake-state.js';
import type { WebCipherState } from '../crypto/web/web-cipher-state.js';
import { SocketError } from '../errors.js';
import { HANDSHAKE_FRAME_BYTES, PROTOCOL_PROLOGUE } from '../protocol/constants.js';

/** A received frame as the browser's WebSocket delivers it (binaryType "arraybuffer"). */
export type WebFrame = string | ArrayBuffer;

/** Records <-> frames for one connection, once established. */
export interface WebChannel {
  readonly encrypted: boolean;
  /** The frame for one record. */
  seal(record: string): Promise<string | Uint8Array>;
  /** The record of one frame. @throws SocketError with a close code when refused. */
  open(frame: WebFrame): Promise<string>;
}

const NO_AD = new Uint8Array(0);
const EMPTY_PAYLOAD = new Uint8Array(0);
const PROLOGUE = new TextEncoder().encode(PROTOCOL_PROLOGUE);

/** Encryption off: records travel as text frames. */
export class PlainWebChannel implements WebChannel {
  readonly encrypted = false;

  seal(record: string): Promise<string> {
    return Promise.resolve(record);
  }

  /** @throws SocketError MALFORMED_FRAME on a binary frame. */
  open(frame: WebFrame): Promise<string> {
    if (typeof frame !== 'string') return Promise.reject(new SocketError('MALFORMED_FRAME'));
    return Promise.resolve(frame);
  }
}

/** Encryption on: one binary frame per record, after the handshake. */
export class SecureWebChannel implements WebChannel {
  readonly encrypted = true;
  readonly #send: WebCipherState;
  readonly #receive: WebCipherState;
  readonly #encoder = new TextEncoder();
  // fatal: invalid UTF-8 inside an authentic frame is refused, never turned into U+FFFD.
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(send: WebCipherState, receive: WebCipherState) {
    if (!send.hasKey() || !receive.hasKey()) throw new TypeError('SecureWebChannel needs keyed ciphers');
    this.#send = send;
    this.#receive = receive;
  }

  /** @throws SocketError NONCE_EXHAUSTED */
  seal(record: string): Promise<Uint8Array> {
    return this.#send.encryptWithAd(NO_AD, this.#encoder.encode(record));
  }

  /** @throws SocketError DECRYPT_FAILED (text frame, tampered, replayed, reordered), MALFORMED_FRAME (not UTF-8). */
  async open(frame: WebFrame): Promise<string> {
    if (typeof frame === 'string') throw new SocketError('DECRYPT_FAILED');
    const plaintext = await this.#receive.decryptWithAd(NO_AD, new Uint8Array(frame));
    try {
      return this.#decoder.decode(plaintext);
    } catch (cause) {
      throw new SocketError('MALFORMED_FRAME', undefined, { cause });
    }
  }
}

/** The client side of the Noise handshake: frame 1 out, frame 2 in, then the channel. */
export class WebNoiseHandshake {
  readonly #state: WebHandshakeState;

  constructor(psk: Uint8Array) {
    this.#state = new WebHandshakeState({ initiator: true, prologue: PROLOGUE, psk });
  }

  /** Frame 1 (`psk, e`). */
  firstFrame(): Promise<Uint8Array> {
    return this.#state.writeMessage(EMPTY_PAYLOAD);
  }

  /** Reads frame 2 (`e, ee`) and opens the channel. @throws SocketError HANDSHAKE_FAILED (4002) */
  async finish(frame: WebFrame): Promise<WebChannel> {
    if (typeof frame === 'string' || frame.byteLength !== HANDSHAKE_FRAME_BYTES) throw new SocketError('HANDSHAKE_FAILED');
    await this.#state.readMessage(new Uint8Array(frame));
    const { send, receive } = await this.#state.split();
    return new SecureWebChannel(send, receive);
  }
}
