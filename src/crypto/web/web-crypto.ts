/**
 * The WebCrypto primitives the browser client's Noise needs, on `globalThis.crypto.subtle`
 * (every browser with X25519, and Node's WebCrypto for the unit tests). No node: imports.
 */
import { SocketError } from '../../errors.js';

/** Raw bytes, as WebCrypto takes and gives them. */
export type Bytes = Uint8Array;

/** A WebCrypto key, as the running runtime types it. */
export type WebKey = Awaited<ReturnType<SubtleCrypto['importKey']>>;
type SubtleCrypto = typeof globalThis.crypto.subtle;

/** The runtime's SubtleCrypto. @throws SocketError HANDSHAKE_FAILED where there is none (an insecure page). */
export function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  // Browsers expose crypto.subtle only in secure contexts (https://, or http://localhost).
  if (found === undefined) throw new SocketError('HANDSHAKE_FAILED', 'WebCrypto (crypto.subtle) is not available: serve the page over https:// or from localhost');
  return found;
}

/** The bytes in one new array. */
export function concatBytes(...parts: readonly Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** SHA-256 of `data`. */
export async function sha256(...data: readonly Bytes[]): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', concatBytes(...data)));
}

/** HMAC-SHA256 of `data` under `key`. */
export async function hmacSha256(key: Bytes, ...data: readonly Bytes[]): Promise<Bytes> {
  const hmacKey = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', hmacKey, concatBytes(...data)));
}

/** Whether every byte is zero, without an early exit. */
export function isAllZero(bytes: Bytes): boolean {
  let bits = 0;
  for (const byte of bytes) bits |= byte;
  return bits === 0;
}
