/**
 * Noise CipherState (rev 34, section 5.1) with the AESGCM cipher functions (section 12.4).
 *
 * Frame produced by encryptWithAd, and the nonce it is sealed under (never sent):
 *
 *   frame:  +------------------------------+----------------+
 *           | ciphertext (= plaintext len) | tag (16 bytes) |
 *           +------------------------------+----------------+
 *   nonce:  +----------------+--------------------------------+
 *           | 00 00 00 00    | n: 64-bit big-endian counter   |
 *           +----------------+--------------------------------+
 *
 * n starts at 0 when a key is set and advances by one per successful call, so each
 * direction's frames must arrive exactly once and in order: a replayed, reordered or
 * reflected frame is opened under the wrong nonce (or key) and fails its tag.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { SocketError } from '../errors.js';
import { KEY_BYTES, TAG_BYTES } from '../protocol/constants.js';
import { releaseTransportKey, storeTransportKey, transportKeyView } from './transport-keys.js';

const CIPHER = 'aes-256-gcm';
const NONCE_BYTES = 12;
const COUNTER_OFFSET = 4;
const UINT32_MAX = 0xffff_ffff;
const NONCE_MAX = 2n ** 64n - 1n;
// One scratch nonce for every CipherState: createCipheriv/createDecipheriv copy the IV before
// returning, and the first 4 bytes stay zero. A buffer per state would cost ~200 bytes on
// each of the (many, mostly idle) connections.
const NONCE_SCRATCH = Buffer.alloc(NONCE_BYTES);
/** {@link CipherState.#slot} when the key is not in the transport key store. */
const NOT_STORED = -1;
/** {@link CipherState.#slot} once the stored key was released: the state refuses all use. */
const RELEASED = -2;

/** One direction's AEAD key and nonce counter, as Noise's CipherState. */
export class CipherState {
  /**
   * The key bytes (null: no key, or stored), handed to createCipheriv as they are. A KeyObject measured
   * no faster per frame (alternating A/B runs, 100-byte frames), costs several µs to build,
   * and keeps ~0.25 KB of JS and native memory on every idle connection.
   */
  #key: Buffer | null = null;
  /**
   * The transport key's slot (src/crypto/transport-keys.ts) once {@link storeKey} moved it
   * there, NOT_STORED before, RELEASED after {@link releaseKey}.
   */
  #slot = NOT_STORED;
  // Two uint32 halves instead of a bigint: the full 64-bit range without bigint arithmetic
  // on every frame.
  #high = 0;
  #low = 0;

  /** Sets the key (or clears it with null) and resets the nonce to 0; `key` is kept, not copied. */
  initializeKey(key: Buffer | null): void {
    if (key !== null && key.length !== KEY_BYTES) {
      throw new RangeError(`CipherState key must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    if (this.#slot !== NOT_STORED) throw new TypeError('A transport CipherState cannot be rekeyed');
    this.#key = key;
    this.setNonce(0n);
  }

  /** Whether a key is set; without one, encrypt and decrypt pass data through (Noise rule). */
  hasKey(): boolean {
    return this.#key !== null || this.#slot >= 0;
  }

  /**
   * Moves the key into the transport key store, for a state that lives as long as its
   * connection (the buffer handed to initializeKey is no longer referenced).
   */
  storeKey(): void {
    if (this.#key === null || this.#slot !== NOT_STORED) throw new TypeError('Only a keyed, unstored CipherState can store its key');
    this.#slot = storeTransportKey(this.#key);
    this.#key = null;
  }

  /**
   * Zeroes and frees the stored key when the connection ends. Every later call throws
   * NOT_CONNECTED: the state never falls back to passing data through. Idempotent.
   */
  releaseKey(): void {
    if (this.#slot >= 0) releaseTransportKey(this.#slot);
    this.#slot = RELEASED;
    this.#key = null;
  }

  /** An independent copy (same key and nonce), for a handshake prefix shared by many handshakes. */
  clone(): CipherState {
    if (this.#slot !== NOT_STORED) throw new TypeError('A transport CipherState cannot be cloned');
    const copy = new CipherState();
    copy.#key = this.#key;
    copy.#high = this.#high;
    copy.#low = this.#low;
    return copy;
  }

  /** Sets the next nonce; for test vectors and exhaustion tests. */
  setNonce(n: bigint): void {
    if (n < 0n || n > NONCE_MAX) throw new RangeError('Nonce must be in [0, 2^64 - 1]');
    this.#high = Number(n >> 32n);
    this.#low = Number(n & 0xffff_ffffn);
  }

  /**
   * Encrypts `plaintext` (bytes, or text taken as UTF-8) bound to `ad`, returning
   * `ciphertext || tag`. Text goes to OpenSSL without an intermediate Buffer.
   * @throws SocketError NONCE_EXHAUSTED once the last usable nonce has been spent.
   */
  encryptWithAd(ad: Buffer, plaintext: Buffer | string): Buffer {
    const key = this.#currentKey();
    if (key === null) return typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    // No authTagLength option: GCM's default is the 16 bytes we use, and skipping the options
    // object measurably shortens the per-frame setup, the dominant cost of a frame.
    const cipher = createCipheriv(CIPHER, key, this.#currentNonce());
    if (ad.length > 0) cipher.setAAD(ad);
    // GCM emits nothing on final(); getAuthTag() is valid only after it (left-to-right order).
    // One concat measured the same as allocUnsafe + two copies, and reads more plainly.
    const body = typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext);
    const frame = Buffer.concat([body, cipher.final(), cipher.getAuthTag()]);
    this.#advance();
    return frame;
  }

  /**
   * Decrypts `ciphertext || tag` bound to `ad`; the nonce advances only on success.
   * @throws SocketError DECRYPT_FAILED on a short frame or a tag mismatch; NONCE_EXHAUSTED.
   */
  decryptWithAd(ad: Buffer, ciphertext: Buffer): Buffer {
    const key = this.#currentKey();
    if (key === null) return ciphertext;
    const nonce = this.#currentNonce();
    if (ciphertext.length < TAG_BYTES) throw new SocketError('DECRYPT_FAILED');
    const bodyLength = ciphertext.length - TAG_BYTES;
    // The tag handed over is always exactly TAG_BYTES long (sliced here), so a truncated tag
    // cannot be smuggled in even though the option that would pin its length is left out.
    const decipher = createDecipheriv(CIPHER, key, nonce);
    decipher.setAuthTag(ciphertext.subarray(bodyLength));
    if (ad.length > 0) decipher.setAAD(ad);
    const plaintext = decipher.update(ciphertext.subarray(0, bodyLength));
    try {
      decipher.final();
    } catch (cause) {
      // OpenSSL's message names no data; the unauthenticated plaintext is dropped here.
      throw new SocketError('DECRYPT_FAILED', undefined, { cause });
    }
    this.#advance();
    return plaintext;
  }

  /** The key for one call: null without a key (pass-through), a fresh view of a stored one. */
  #currentKey(): Buffer | null {
    const slot = this.#slot;
    if (slot === NOT_STORED) return this.#key;
    if (slot === RELEASED) throw new SocketError('NOT_CONNECTED', 'The channel is closed');
    return transportKeyView(slot);
  }

  /** The nonce for the next call, refusing the reserved 2^64 - 1 (spec section 5.1). */
  #currentNonce(): Buffer {
    if (this.#high === UINT32_MAX && this.#low === UINT32_MAX) {
      throw new SocketError('NONCE_EXHAUSTED');
    }
    NONCE_SCRATCH.writeUInt32BE(this.#high, COUNTER_OFFSET);
    NONCE_SCRATCH.writeUInt32BE(this.#low, COUNTER_OFFSET + 4);
    return NONCE_SCRATCH;
  }

  #advance(): void {
    if (this.#low === UINT32_MAX) {
      this.#low = 0;
      this.#high += 1;
    } else {
      this.#low += 1;
    }
  }
}

