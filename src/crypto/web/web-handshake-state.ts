/**
 * Noise_NNpsk0_25519_AESGCM_SHA256 on WebCrypto: the browser twin of src/crypto/noise.ts
 * (diagram there), walking the same pattern (src/protocol/noise-pattern.ts). Each call is
 * asynchronous; a call made before the previous one settled, or out of turn, fails the
 * handshake, since its state is mixed step by step.
 */
import { SocketError, isSocketError } from '../../errors.js';
import { DH_PUBLIC_KEY_BYTES, KEY_BYTES, NOISE_MAX_MESSAGE_BYTES, NOISE_PROTOCOL_NAME } from '../../protocol/constants.js';
import { NNPSK0_MESSAGE_PATTERNS, canTakeTurn } from '../../protocol/noise-pattern.js';
import { concatBytes, isAllZero, subtle, type Bytes, type WebKey } from './web-crypto.js';
import type { WebCipherState } from './web-cipher-state.js';
import { WebSymmetricState } from './web-symmetric-state.js';

const X25519 = { name: 'X25519' } as const;
const DH_BITS = DH_PUBLIC_KEY_BYTES * 8;
// DER wrapper that turns a raw X25519 private key into PKCS#8 (RFC 8410): WebCrypto imports
// private keys only as PKCS#8 or JWK.
const PKCS8_X25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);
/** The X25519 base point, u = 9 (RFC 7748 section 4.1). */
const BASE_POINT = concatBytes(Uint8Array.of(9), new Uint8Array(DH_PUBLIC_KEY_BYTES - 1));

/** Options of {@link WebHandshakeState}. */
export interface WebHandshakeOptions {
  initiator: boolean;
  prologue: Bytes;
  /** The 32-byte pre-shared key. */
  psk: Bytes;
  /** Fixed ephemeral private key, for test vectors only: reusing one forfeits forward secrecy. */
  ephemeralPrivateKey?: Bytes;
}

/** The two transport ciphers of a finished handshake, oriented for this side. */
export interface WebTransportCiphers {
  send: WebCipherState;
  receive: WebCipherState;
}

interface EphemeralKey {
  privateKey: WebKey;
  publicKey: Bytes;
}

/** Noise's HandshakeState for NNpsk0 on WebCrypto: `-> psk, e` then `<- e, ee`. */
export class WebHandshakeState {
  readonly #initiator: boolean;
  readonly #psk: Bytes;
  readonly #fixedEphemeral: Bytes | undefined;
  readonly #symmetric = new WebSymmetricState(NOISE_PROTOCOL_NAME);
  readonly #prologue: Bytes;
  #ephemeral: EphemeralKey | undefined;
  #remoteEphemeral: WebKey | undefined;
  #step = 0;
  #busy = false;
  #failed = false;
  #split = false;

  /** Starts a handshake; `prologue` must be identical on both sides. */
  constructor(options: WebHandshakeOptions) {
    if (options.psk.length !== KEY_BYTES) throw new RangeError(`The PSK must be ${KEY_BYTES} bytes`);
    const fixed = options.ephemeralPrivateKey;
    if (fixed !== undefined && fixed.length !== KEY_BYTES) throw new RangeError(`An ephemeral private key must be ${KEY_BYTES} bytes`);
    this.#initiator = options.initiator;
    this.#psk = options.psk.slice();
    this.#fixedEphemeral = fixed;
    this.#prologue = options.prologue.slice();
  }

  /** The next handshake message, carrying `payload`. @throws SocketError HANDSHAKE_FAILED */
  writeMessage(payload: Bytes): Promise<Bytes> {
    return this.#takeTurn(true, async () => {
      const parts: Bytes[] = [];
      await this.#processTokens(async () => {
        this.#ephemeral = await generateEphemeral(this.#fixedEphemeral);
        parts.push(this.#ephemeral.publicKey);
        return this.#ephemeral.publicKey;
      });
      parts.push(await this.#symmetric.encryptAndHash(payload));
      const message = concatBytes(...parts);
      if (message.length > NOISE_MAX_MESSAGE_BYTES) throw new SocketError('HANDSHAKE_FAILED');
      return message;
    });
  }

  /** Processes the peer's handshake message; resolves with its payload. @throws SocketError HANDSHAKE_FAILED */
  readMessage(message: Bytes): Promise<Bytes> {
    return this.#takeTurn(false, async () => {
      if (message.length > NOISE_MAX_MESSAGE_BYTES) throw new SocketError('HANDSHAKE_FAILED');
      let offset = 0;
      await this.#processTokens(async () => {
        if (message.length - offset < DH_PUBLIC_KEY_BYTES) throw new SocketError('HANDSHAKE_FAILED');
        const remote = message.slice(offset, offset + DH_PUBLIC_KEY_BYTES);
        offset += DH_PUBLIC_KEY_BYTES;
        this.#remoteEphemeral = await subtle().importKey('raw', remote, X25519, false, []);
        return remote;
      });
      return this.#symmetric.decryptAndHash(message.subarray(offset));
    });
  }

  /** Whether both messages went through; split() is allowed from then on. */
  isComplete(): boolean {
    return !this.#failed && !this.#busy && this.#step === NNPSK0_MESSAGE_PATTERNS.length;
  }

  /** The transport ciphers; once only, since two copies of a key would reuse nonces. @throws SocketError HANDSHAKE_FAILED */
  async split(): Promise<WebTransportCiphers> {
    if (!this.isComplete() || this.#split) throw new SocketError('HANDSHAKE_FAILED');
    this.#split = true;
    this.#ephemeral = undefined;
    this.#remoteEphemeral = undefined;
    const [c1, c2] = await this.#symmetric.split();
    return this.#initiator ? { send: c1, receive: c2 } : { send: c2, receive: c1 };
  }

  /** The handshake hash, identical on both sides once complete. @throws SocketError HANDSHAKE_FAILED */
  handshakeHash(): Bytes {
    if (!this.isComplete()) throw new SocketError('HANDSHAKE_FAILED');
    return this.#symmetric.getHandshakeHash();
  }

  /** Runs one message in turn; any failure leaves the handshake dead, since state was mixed. */
  async #takeTurn<T>(writing: boolean, run: () => Promise<T>): Promise<T> {
    if (this.#failed || this.#busy || !canTakeTurn(this.#step, this.#initiator, writing)) throw new SocketError('HANDSHAKE_FAILED');
    this.#busy = true;
    try {
      // The prologue is mixed on the first turn: a constructor cannot await.
      if (this.#step === 0) await this.#symmetric.mixHash(this.#prologue);
      const result = await run();
      this.#step += 1;
      return result;
    } catch (cause) {
      this.#failed = true;
      if (isSocketError(cause, 'HANDSHAKE_FAILED')) throw cause;
      throw new SocketError('HANDSHAKE_FAILED', undefined, { cause });
    } finally {
      this.#busy = false;
    }
  }

  /** Applies the current message's tokens; `exchangeEphemeral` writes or reads `e`. */
  async #processTokens(exchangeEphemeral: () => Promise<Bytes>): Promise<void> {
    for (const token of NNPSK0_MESSAGE_PATTERNS[this.#step] ?? []) {
      if (token === 'psk') {
        await this.#symmetric.mixKeyAndHash(this.#psk);
      } else if (token === 'e') {
        const publicKey = await exchangeEphemeral();
        await this.#symmetric.mixHash(publicKey);
        // PSK handshakes also MixKey(e) (spec 9.2): see src/crypto/noise.ts.
        await this.#symmetric.mixKey(publicKey);
      } else {
        await this.#symmetric.mixKey(await this.#dh());
      }
    }
  }

  async #dh(): Promise<Bytes> {
    if (this.#ephemeral === undefined || this.#remoteEphemeral === undefined) throw new SocketError('HANDSHAKE_FAILED');
    const shared = await x25519(this.#ephemeral.privateKey, this.#remoteEphemeral);
    // A low-order remote key yields all zeros; WebCrypto should refuse it, checked again here.
    if (isAllZero(shared)) throw new SocketError('HANDSHAKE_FAILED');
    return shared;
  }
}

async function x25519(privateKey: WebKey, publicKey: WebKey): Promise<Bytes> {
  return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: publicKey }, privateKey, DH_BITS));
}

/** A fresh X25519 key pair, or the fixed one of a test vector. */
async function generateEphemeral(fixedPrivateKey: Bytes | undefined): Promise<EphemeralKey> {
  if (fixedPrivateKey === undefined) {
    const pair = await subtle().generateKey(X25519, false, ['deriveBits']) as { privateKey: WebKey; publicKey: WebKey };
    return { privateKey: pair.privateKey, publicKey: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)) };
  }
  const privateKey = await subtle().importKey('pkcs8', concatBytes(PKCS8_X25519_PREFIX, fixedPrivateKey), X25519, false, ['deriveBits']);
  // The public key of an imported private key: X25519(k, 9) (RFC 7748 section 6.1).
  const basePoint = await subtle().importKey('raw', BASE_POINT, X25519, false, []);
  return { privateKey, publicKey: await x25519(privateKey, basePoint) };
}
