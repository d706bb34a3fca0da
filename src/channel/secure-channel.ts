/**
 * The encrypted channel: each record (src/protocol/record.ts) is one binary frame `ciphertext || 16-byte tag`
 * (diagram in src/crypto/noise.ts). Frames may exceed Noise's 65535-byte message limit, up to
 * maxPayload: that limit serves length-prefixed streams, a WebSocket frame carries its own
 * length, and AES-GCM stays sound far beyond it. The keys live in the transport key store
 * (src/crypto/transport-keys.ts) until the connection ends and calls close().
 */
import { isUtf8 } from 'node:buffer';
import type { CipherState } from '../crypto/cipher-state.js';
import { SocketError } from '../errors.js';
import type { FrameChannel } from './frame-channel.js';

// Transport frames carry no associated data: the direction's key and the implicit nonce
// already bind each frame to its channel and position.
const NO_AD = Buffer.alloc(0);

/** The channel after a Noise handshake: one binary `ciphertext || tag` frame per record. */
export class SecureChannel implements FrameChannel {
  readonly encrypted = true;
  readonly #send: CipherState;
  readonly #receive: CipherState;

  /** Wraps the two transport ciphers from HandshakeState.split(). */
  constructor(send: CipherState, receive: CipherState) {
    // A CipherState without a key passes data through (Noise rule): never here.
    if (!send.hasKey() || !receive.hasKey()) throw new TypeError('SecureChannel needs keyed ciphers');
    send.storeKey();
    receive.storeKey();
    this.#send = send;
    this.#receive = receive;
  }

  /** Zeroes and frees both keys; seal and open throw NOT_CONNECTED from now on. */
  close(): void {
    this.#send.releaseKey();
    this.#receive.releaseKey();
  }

  /** The encrypted frame for `text`. @throws SocketError NONCE_EXHAUSTED */
  seal(text: string | Buffer): Buffer {
    return this.#send.encryptWithAd(NO_AD, text);
  }

  /**
   * The decrypted text of `frame`.
   * @throws SocketError DECRYPT_FAILED (text frame, tampered, replayed, reordered, reflected,
   * truncated), NONCE_EXHAUSTED, or MALFORMED_FRAME (authentic but not UTF-8).
   */
  open(frame: Buffer, isBinary: boolean): string {
    if (!isBinary) throw new SocketError('DECRYPT_FAILED');
    const plaintext = this.#receive.decryptWithAd(NO_AD, frame);
    if (!isUtf8(plaintext)) throw new SocketError('MALFORMED_FRAME');
    return plaintext.toString('utf8');
  }
}
