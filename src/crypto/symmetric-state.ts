/**
 * Noise's SymmetricState (rev 34, section 5.2) with SHA-256: the chaining key, the running
 * handshake hash and the handshake CipherState. HandshakeState (noise.ts) drives it.
 */
import { createHash, createHmac } from 'node:crypto';
import { CipherState } from './cipher-state.js';

const HASH = 'sha256';
const HASH_BYTES = 32;
const EMPTY = Buffer.alloc(0);

/** Noise's HKDF (spec 4.3): HMAC-SHA256 blocks from a temp key; all outputs concatenated. */
function hkdf(chainingKey: Buffer, ikm: Buffer, outputs: 2 | 3): Buffer {
  const tempKey = createHmac(HASH, chainingKey).update(ikm).digest();
  const blocks: Buffer[] = [];
  let previous = EMPTY;
  for (let counter = 1; counter <= outputs; counter += 1) {
    previous = createHmac(HASH, tempKey).update(previous).update(Buffer.of(counter)).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks);
}

/** The `index`-th HASHLEN-byte output of {@link hkdf}. */
function output(okm: Buffer, index: number): Buffer {
  return okm.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
}

/** Noise's SymmetricState: the chaining key, the handshake hash and the handshake cipher. */
export class SymmetricState {
  #cipher = new CipherState();
  #ck: Buffer;
  #h: Buffer;

  /** InitializeSymmetric: a name of at most HASHLEN bytes is zero-padded, a longer one hashed. */
  constructor(protocolName: string) {
    const name = Buffer.from(protocolName, 'ascii');
    this.#h = name.length <= HASH_BYTES
      ? Buffer.concat([name, Buffer.alloc(HASH_BYTES - name.length)])
      : createHash(HASH).update(name).digest();
    this.#ck = this.#h;
  }

  /** An independent copy of the state (ck and h are never mutated in place, so they are shared). */
  clone(): SymmetricState {
    const copy = new SymmetricState('');
    copy.#ck = this.#ck;
    copy.#h = this.#h;
    copy.#cipher = this.#cipher.clone();
    return copy;
  }

  /** MixKey: derives a new chaining key and handshake cipher key from `ikm`. */
  mixKey(ikm: Buffer): void {
    const okm = hkdf(this.#ck, ikm, 2);
    this.#ck = output(okm, 0);
    this.#cipher.initializeKey(output(okm, 1));
  }

  /** MixHash: h = SHA-256(h || data). */
  mixHash(data: Buffer): void {
    this.#h = createHash(HASH).update(this.#h).update(data).digest();
  }

  /** MixKeyAndHash: mixes `ikm` (the PSK) into the chaining key, the hash and the cipher key. */
  mixKeyAndHash(ikm: Buffer): void {
    const okm = hkdf(this.#ck, ikm, 3);
    this.#ck = output(okm, 0);
    this.mixHash(output(okm, 1));
    this.#cipher.initializeKey(output(okm, 2));
  }

  /** EncryptAndHash: encrypts with h as associated data, then mixes the ciphertext into h. */
  encryptAndHash(plaintext: Buffer): Buffer {
    const ciphertext = this.#cipher.encryptWithAd(this.#h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  /** DecryptAndHash: the inverse of encryptAndHash. @throws SocketError DECRYPT_FAILED */
  decryptAndHash(ciphertext: Buffer): Buffer {
    const plaintext = this.#cipher.decryptWithAd(this.#h, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** Split: the two transport CipherStates, initiator-to-responder first. */
  split(): [CipherState, CipherState] {
    // Views into HKDF output (from Buffer's shared pool) for a moment only: a SecureChannel
    // copies them into the transport key store, where long-lived keys pin no pool slab.
    const keys = hkdf(this.#ck, EMPTY, 2);
    const c1 = new CipherState();
    const c2 = new CipherState();
    c1.initializeKey(output(keys, 0));
    c2.initializeKey(output(keys, 1));
    return [c1, c2];
  }

  /** GetHandshakeHash: h, which both peers share once the handshake is complete. */
  getHandshakeHash(): Buffer {
    return Buffer.from(this.#h);
  }
}
