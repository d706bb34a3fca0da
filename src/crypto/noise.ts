/**
 * Noise_NNpsk0_25519_AESGCM_SHA256 (Noise Protocol Framework, revision 34) on node:crypto:
 * the handshake dropsocket runs before any application frame. Pure: no I/O, no timers.
 *
 *   client (initiator)                                       server (responder)
 *        h = ck = "Noise_NNpsk0_25519_AESGCM_SHA256"; MixHash(prologue)
 *
 *   frame 1  psk, e  ------------------------------------------------------------->
 *            MixKeyAndHash(psk)
 *            e.pub -> MixHash(e.pub), MixKey(e.pub)      (psk handshakes, spec 9.2)
 *            EncryptAndHash(payload)
 *   frame 2  <-------------------------------------------------------------  e, ee
 *            e.pub -> MixHash(e.pub), MixKey(e.pub)
 *            MixKey(DH(e, re))
 *            EncryptAndHash(payload)
 *   Split()  c1 = client -> server key, c2 = server -> client key
 *
 *   handshake frame (48 bytes: dropsocket sends empty payloads)
 *   +-------------------------------------+-----------------------------+
 *   | ephemeral X25519 public key (32 B)  | AES-GCM tag of payload (16) |
 *   +-------------------------------------+-----------------------------+
 *   transport frame (one per record of JSON messages; nonce layout in cipher-state.ts)
 *   +-------------------------------------+-----------------------------+
 *   | AES-256-GCM ciphertext of record    | tag (16 B)                  |
 *   +-------------------------------------+-----------------------------+
 *
 * A peer without the PSK cannot produce frame 1's tag, so the responder refuses it before
 * sending anything; fresh ephemerals on both sides give forward secrecy.
 */
import {
  createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, timingSafeEqual, type KeyObject,
} from 'node:crypto';
import { SocketError, isSocketError } from '../errors.js';
import {
  DH_PUBLIC_KEY_BYTES, KEY_BYTES, NOISE_MAX_MESSAGE_BYTES, NOISE_PROTOCOL_NAME,
} from '../protocol/constants.js';
import { NNPSK0_MESSAGE_PATTERNS as MESSAGE_PATTERNS, canTakeTurn } from '../protocol/noise-pattern.js';
import type { CipherState } from './cipher-state.js';
import { SymmetricState } from './symmetric-state.js';

const ZERO_SHARED_SECRET = Buffer.alloc(DH_PUBLIC_KEY_BYTES);
// The public key comes out of key generation itself, as JWK (no second scalar multiplication,
// no KeyObject.export: see rawPublicKey).
const EPHEMERAL_KEY_OPTIONS = { publicKeyEncoding: { format: 'jwk' } } as const;
// DER wrapper that turns a raw X25519 private key into PKCS#8 (RFC 8410). Public keys go
// through JWK instead: OpenSSL's DER decoder costs ~70 µs a key, JWK ~6 µs.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** The X25519 base point, u = 9 (RFC 7748 section 4.1), as a public key. */
const BASE_POINT = importPublicKey(Buffer.concat([Buffer.from([9]), Buffer.alloc(DH_PUBLIC_KEY_BYTES - 1)]));

/** Options of {@link HandshakeState}. */
export interface HandshakeOptions {
  initiator: boolean;
  prologue: Buffer;
  /** The 32-byte pre-shared key (see derivePsk). */
  psk: Buffer;
  /** Fixed ephemeral private key, for test vectors only: reusing one forfeits forward secrecy. */
  ephemeralPrivateKey?: Buffer;
}

/** The two transport ciphers of a finished handshake, oriented for this side. */
export interface TransportCiphers {
  send: CipherState;
  receive: CipherState;
}

interface JwkKeyPair {
  privateKey: KeyObject;
  publicKey: { x: string };
}

interface EphemeralKey {
  privateKey: KeyObject;
  publicKey: Buffer;
}

/** The state after the prologue and the `psk` token, and the inputs it was computed from. */
interface PskPrefix {
  prologue: Buffer;
  psk: Buffer;
  state: SymmetricState;
}

/**
 * The handshake prefix by PSK buffer. The `psk` token is the first operation of message 1
 * and its inputs (protocol name, prologue, PSK) are the same for every handshake under one
 * key, so its 4 HMACs and 2 hashes are computed once per key, not once per connection.
 * Keyed by the Buffer a server or client holds for its life; compared by content on every
 * use, so a reused or mutated buffer can never yield a stale prefix.
 */
const pskPrefixes = new WeakMap<Buffer, PskPrefix>();

function stateAfterPsk(prologue: Buffer, psk: Buffer): SymmetricState {
  const cached = pskPrefixes.get(psk);
  if (cached !== undefined && cached.psk.equals(psk) && cached.prologue.equals(prologue)) return cached.state.clone();
  const state = new SymmetricState(NOISE_PROTOCOL_NAME);
  state.mixHash(prologue);
  state.mixKeyAndHash(psk);
  pskPrefixes.set(psk, { prologue: Buffer.from(prologue), psk: Buffer.from(psk), state });
  return state.clone();
}

/** Noise's HandshakeState for the single pattern NNpsk0: `-> psk, e` then `<- e, ee`. */
export class HandshakeState {
  readonly #initiator: boolean;
  readonly #fixedEphemeral: Buffer | undefined;
  readonly #symmetric: SymmetricState;
  #ephemeral: EphemeralKey | undefined;
  #remoteEphemeral: KeyObject | undefined;
  #step = 0;
  #failed = false;
  #split = false;

  /** Starts a handshake; `prologue` must be identical on both sides. */
  constructor(options: HandshakeOptions) {
    if (options.psk.length !== KEY_BYTES) throw new RangeError(`The PSK must be ${KEY_BYTES} bytes`);
    const fixed = options.ephemeralPrivateKey;
    if (fixed !== undefined && fixed.length !== KEY_BYTES) {
      throw new RangeError(`An ephemeral private key must be ${KEY_BYTES} bytes`);
    }
    this.#initiator = options.initiator;
    this.#fixedEphemeral = fixed;
    // MixHash(prologue), then message 1's leading `psk` token, already applied.
    this.#symmetric = stateAfterPsk(options.prologue, options.psk);
  }

  /**
   * The next handshake message, carrying `payload` (encrypted: the PSK keys it from the start).
   * @throws SocketError HANDSHAKE_FAILED when it is not this side's turn or the DH fails.
   */
  writeMessage(payload: Buffer): Buffer {
    return this.#takeTurn(true, () => {
      const parts: Buffer[] = [];
      this.#processTokens(() => {
        this.#ephemeral = generateEphemeral(this.#fixedEphemeral);
        parts.push(this.#ephemeral.publicKey);
        return this.#ephemeral.publicKey;
      });
      parts.push(this.#symmetric.encryptAndHash(payload));
      const message = Buffer.concat(parts);
      if (message.length > NOISE_MAX_MESSAGE_BYTES) throw new SocketError('HANDSHAKE_FAILED');
      return message;
    });
  }

  /**
   * Processes the peer's handshake message and returns its payload.
   * @throws SocketError HANDSHAKE_FAILED on a wrong length, a bad tag, a low-order key, or
   * out of turn.
   */
  readMessage(message: Buffer): Buffer {
    return this.#takeTurn(false, () => {
      if (message.length > NOISE_MAX_MESSAGE_BYTES) throw new SocketError('HANDSHAKE_FAILED');
      let offset = 0;
      this.#processTokens(() => {
        if (message.length - offset < DH_PUBLIC_KEY_BYTES) throw new SocketError('HANDSHAKE_FAILED');
        const remote = message.subarray(offset, offset + DH_PUBLIC_KEY_BYTES);
        offset += DH_PUBLIC_KEY_BYTES;
        this.#remoteEphemeral = importPublicKey(remote);
        return remote;
      });
      return this.#symmetric.decryptAndHash(message.subarray(offset));
    });
  }

  /** Whether both messages went through; split() is allowed from then on. */
  isComplete(): boolean {
    return !this.#failed && this.#step === MESSAGE_PATTERNS.length;
  }

  /**
   * The transport ciphers; callable once, since two copies of a key would reuse nonces.
   * @throws SocketError HANDSHAKE_FAILED before completion or on a second call.
   */
  split(): TransportCiphers {
    if (!this.isComplete() || this.#split) throw new SocketError('HANDSHAKE_FAILED');
    this.#split = true;
    // Node cannot wipe a KeyObject, but no reference to the ephemerals outlives the handshake.
    this.#ephemeral = undefined;
    this.#remoteEphemeral = undefined;
    const [c1, c2] = this.#symmetric.split();
    return this.#initiator ? { send: c1, receive: c2 } : { send: c2, receive: c1 };
  }

  /**
   * The handshake hash, identical on both sides once complete (usable for channel binding).
   * @throws SocketError HANDSHAKE_FAILED before completion.
   */
  handshakeHash(): Buffer {
    if (!this.isComplete()) throw new SocketError('HANDSHAKE_FAILED');
    return this.#symmetric.getHandshakeHash();
  }

  /** Runs one message in turn; any failure leaves the handshake dead, since state was mixed. */
  #takeTurn<T>(writing: boolean, run: () => T): T {
    if (this.#failed || !canTakeTurn(this.#step, this.#initiator, writing)) {
      throw new SocketError('HANDSHAKE_FAILED');
    }
    try {
      const result = run();
      this.#step += 1;
      return result;
    } catch (cause) {
      this.#failed = true;
      if (isSocketError(cause, 'HANDSHAKE_FAILED')) throw cause;
      throw new SocketError('HANDSHAKE_FAILED', undefined, { cause });
    }
  }

  /** Applies the current message's tokens; `exchangeEphemeral` writes or reads `e`. */
  #processTokens(exchangeEphemeral: () => Buffer): void {
    for (const token of MESSAGE_PATTERNS[this.#step] ?? []) {
      if (token === 'psk') {
        // Applied by the constructor (stateAfterPsk): it leads message 1, nothing comes before it.
        continue;
      } else if (token === 'e') {
        const publicKey = exchangeEphemeral();
        this.#symmetric.mixHash(publicKey);
        // In PSK handshakes `e` also feeds MixKey: the PSK keys the cipher before any DH, so
        // without it every session's message 1 would be sealed under one key and nonce 0.
        this.#symmetric.mixKey(publicKey);
      } else {
        this.#symmetric.mixKey(this.#dh());
      }
    }
  }

  #dh(): Buffer {
    if (this.#ephemeral === undefined || this.#remoteEphemeral === undefined) {
      throw new SocketError('HANDSHAKE_FAILED');
    }
    const { privateKey } = this.#ephemeral;
    const shared = diffieHellman({ privateKey, publicKey: this.#remoteEphemeral });
    // A low-order remote key yields all zeros. OpenSSL already refuses it (and diffieHellman
    // throws); checked again so the guarantee does not rest on how Node was linked.
    if (timingSafeEqual(shared, ZERO_SHARED_SECRET)) throw new SocketError('HANDSHAKE_FAILED');
    return shared;
  }
}

/**
 * A fresh X25519 key pair, or the fixed one of a test vector. Key generation computes the
 * public key anyway (one scalar multiplication); asking for it as JWK in the same call hands
 * it over without a second one. That encoding runs inside the key generation job, not through
 * KeyObject.export (see rawPublicKey); 300,000 handshakes in a loop found no deadlock.
 */
function generateEphemeral(fixedPrivateKey: Buffer | undefined): EphemeralKey {
  if (fixedPrivateKey !== undefined) {
    const privateKey = importPrivateKey(fixedPrivateKey);
    return { privateKey, publicKey: rawPublicKey(privateKey) };
  }
  // @types/node has no overload for a JWK public key with a KeyObject private key.
  const { privateKey, publicKey } = generateKeyPairSync('x25519', EPHEMERAL_KEY_OPTIONS as object) as unknown as JwkKeyPair;
  return { privateKey, publicKey: Buffer.from(publicKey.x, 'base64url') };
}

/**
 * The 32 raw bytes of a test vector's fixed public key: X25519(k, 9), the scalar multiple of
 * the base point (RFC 7748 section 6.1), computed with diffieHellman. Exporting the key
 * instead is either slow (SPKI DER goes through OpenSSL 3's encoders, ~65 us) or unsafe: on
 * Node 20, KeyObject.export({format: 'jwk'}) on a key from generateKeyPairSync can deadlock
 * the process when a GC during the export finalises that key's KeyGenJob, which takes the
 * mutex the export holds (seen by our fuzzer; reproduced standalone).
 */
function rawPublicKey(privateKey: KeyObject): Buffer {
  return diffieHellman({ privateKey, publicKey: BASE_POINT });
}

function importPrivateKey(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

function importPublicKey(raw: Buffer): KeyObject {
  const jwk = { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' });
}
