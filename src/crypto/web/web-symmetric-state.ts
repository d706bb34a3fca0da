/**
 * Noise's SymmetricState (rev 34, section 5.2) with SHA-256, on WebCrypto: the browser
 * twin of src/crypto/symmetric-state.ts. Every step is awaited by WebHandshakeState in
 * order; nothing here runs concurrently.
 */
import { concatBytes, hmacSha256, sha256, type Bytes } from './web-crypto.js';
import { WebCipherState } from './web-cipher-state.js';

const HASH_BYTES = 32;
const EMPTY: Bytes = new Uint8Array(0);

/** Noise's HKDF (spec 4.3) from HMAC-SHA256: `outputs` blocks of HASHLEN bytes. */
async function hkdf(chainingKey: Bytes, ikm: Bytes, outputs: 2 | 3): Promise<Bytes[]> {
  const tempKey = await hmacSha256(chainingKey, ikm);
  const blocks: Bytes[] = [];
  let previous = EMPTY;
  for (let counter = 1; counter <= outputs; counter += 1) {
    previous = await hmacSha256(tempKey, previous, Uint8Array.of(counter));
    blocks.push(previous);
  }
  return blocks;
}

/** Noise's SymmetricState: the chaining key, the handshake hash and the handshake cipher. */
export class WebSymmetricState {
  readonly #cipher = new WebCipherState();
  #ck: Bytes;
  #h: Bytes;

  /** InitializeSymmetric for a protocol name of at most HASHLEN ASCII bytes (ours is exactly 32). */
  constructor(protocolName: string) {
    const name = new TextEncoder().encode(protocolName);
    if (name.length > HASH_BYTES) throw new RangeError('Protocol names over 32 bytes are not supported');
    this.#h = concatBytes(name, new Uint8Array(HASH_BYTES - name.length));
    this.#ck = this.#h;
  }

  /** MixKey: derives a new chaining key and handshake cipher key from `ikm`. */
  async mixKey(ikm: Bytes): Promise<void> {
    const [ck, key] = await hkdf(this.#ck, ikm, 2);
    this.#ck = ck!;
    await this.#cipher.initializeKey(key!);
  }

  /** MixHash: h = SHA-256(h || data). */
  async mixHash(data: Bytes): Promise<void> {
    this.#h = await sha256(this.#h, data);
  }

  /** MixKeyAndHash: mixes `ikm` (the PSK) into the chaining key, the hash and the cipher key. */
  async mixKeyAndHash(ikm: Bytes): Promise<void> {
    const [ck, hashInput, key] = await hkdf(this.#ck, ikm, 3);
    this.#ck = ck!;
    await this.mixHash(hashInput!);
    await this.#cipher.initializeKey(key!);
  }

  /** EncryptAndHash: encrypts with h as associated data, then mixes the ciphertext into h. */
  async encryptAndHash(plaintext: Bytes): Promise<Bytes> {
    const ciphertext = await this.#cipher.encryptWithAd(this.#h, plaintext);
    await this.mixHash(ciphertext);
    return ciphertext;
  }

  /** DecryptAndHash: the inverse of encryptAndHash. @throws SocketError DECRYPT_FAILED */
  async decryptAndHash(ciphertext: Bytes): Promise<Bytes> {
    const plaintext = await this.#cipher.decryptWithAd(this.#h, ciphertext);
    await this.mixHash(ciphertext);
    return plaintext;
  }

  /** Split: the two transport CipherStates, initiator-to-responder first. */
  async split(): Promise<[WebCipherState, WebCipherState]> {
    const [k1, k2] = await hkdf(this.#ck, EMPTY, 2);
    const c1 = new WebCipherState();
    const c2 = new WebCipherState();
    await c1.initializeKey(k1!);
    await c2.initializeKey(k2!);
    return [c1, c2];
  }

  /** GetHandshakeHash: h, which both peers share once the handshake is complete. */
  getHandshakeHash(): Bytes {
    return this.#h.slice();
  }
}
