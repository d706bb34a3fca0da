/**
 * Noise CipherState (rev 34, section 5.1) with AESGCM, on WebCrypto: the browser twin of
 * src/crypto/cipher-state.ts (frame and nonce layout drawn there). WebCrypto is
 * asynchronous, so the nonce of each call is taken, and the counter advanced, before the
 * first await: two calls in flight never share a nonce. Callers still open and seal
 * frames one at a time, in order (see src/browser/web-channel.ts).
 */
import { SocketError } from '../../errors.js';
import { KEY_BYTES, TAG_BYTES } from '../../protocol/constants.js';
import { subtle, type Bytes, type WebKey } from './web-crypto.js';

const NONCE_BYTES = 12;
const COUNTER_OFFSET = 4;
const UINT32_MAX = 0xffff_ffff;

/** One direction's AEAD key and nonce counter, as Noise's CipherState. */
export class WebCipherState {
  #key: WebKey | null = null;
  #high = 0;
  #low = 0;
  /** Set by a failed decrypt: the peer's stream is broken, nothing more is opened. */
  #broken = false;

  /** Sets the key (or clears it with null) and resets the nonce to 0. */
  async initializeKey(key: Bytes | null): Promise<void> {
    if (key !== null && key.length !== KEY_BYTES) throw new RangeError(`CipherState key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.#key = key === null ? null : await subtle().importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
    this.#high = 0;
    this.#low = 0;
  }

  /** Whether a key is set; without one, encrypt and decrypt pass data through (Noise rule). */
  hasKey(): boolean {
    return this.#key !== null;
  }

  /** `ciphertext || tag` of `plaintext` bound to `ad`. @throws SocketError NONCE_EXHAUSTED */
  async encryptWithAd(ad: Bytes, plaintext: Bytes): Promise<Bytes> {
    const key = this.#key;
    if (key === null) return plaintext;
    const iv = this.#takeNonce();
    const sealed = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: ad, tagLength: TAG_BYTES * 8 }, key, plaintext);
    return new Uint8Array(sealed);
  }

  /**
   * The plaintext of `ciphertext || tag` bound to `ad`. A failure is final for this state:
   * the nonce it consumed is gone, and so is the peer's trust.
   * @throws SocketError DECRYPT_FAILED on a short frame, a tag mismatch, or after a failure.
   */
  async decryptWithAd(ad: Bytes, ciphertext: Bytes): Promise<Bytes> {
    const key = this.#key;
    if (key === null) return ciphertext;
    if (this.#broken || ciphertext.length < TAG_BYTES) {
      this.#broken = true;
      throw new SocketError('DECRYPT_FAILED');
    }
    const iv = this.#takeNonce();
    try {
      return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: ad, tagLength: TAG_BYTES * 8 }, key, ciphertext));
    } catch (cause) {
      this.#broken = true;
      throw new SocketError('DECRYPT_FAILED', undefined, { cause });
    }
  }

  /** The next nonce, advancing the counter; refuses the reserved 2^64 - 1 (spec 5.1). */
  #takeNonce(): Bytes {
    if (this.#high === UINT32_MAX && this.#low === UINT32_MAX) throw new SocketError('NONCE_EXHAUSTED');
    const nonce = new Uint8Array(NONCE_BYTES);
    const view = new DataView(nonce.buffer);
    view.setUint32(COUNTER_OFFSET, this.#high);
    view.setUint32(COUNTER_OFFSET + 4, this.#low);
    if (this.#low === UINT32_MAX) {
      this.#low = 0;
      this.#high += 1;
    } else {
      this.#low += 1;
    }
    return nonce;
  }
}
