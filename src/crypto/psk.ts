/**
 * Turning `SOCKET_AUTH_KEY` into the 32-byte Noise PSK. A key made by `dropsocket keygen`
 * already has full entropy and is used as is; anything else may be a guessable phrase, so it
 * is stretched with scrypt to make each offline guess against a captured handshake costly.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { SocketError } from '../errors.js';
import { KEY_BYTES, PSK_SCRYPT_PARAMS, PSK_SCRYPT_SALT } from '../protocol/constants.js';
import { decodeGeneratedKey } from './generated-key.js';
// scrypt needs 128 * N * r bytes (32 MiB here); leave headroom over Node's 32 MiB default.
const SCRYPT_MAX_MEMORY_BYTES = 64 * 1024 * 1024;

/** A new random auth key: 32 bytes as unpadded base64url (43 characters). */
export function generateAuthKey(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/**
 * The PSK for `authKey`. Synchronous and deliberately slow (~100 ms of scrypt) for a
 * human-chosen key: call it ONCE at startup and keep the result, never per connection.
 * @throws SocketError CONFIG_INVALID when `authKey` is empty.
 */
export function derivePsk(authKey: string): Buffer {
  if (authKey.length === 0) throw new SocketError('CONFIG_INVALID', 'The auth key is empty');
  const raw = decodeGeneratedKey(authKey);
  if (raw !== undefined) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return scryptSync(authKey, PSK_SCRYPT_SALT, KEY_BYTES, {
    ...PSK_SCRYPT_PARAMS,
    maxmem: SCRYPT_MAX_MEMORY_BYTES,
  });
}
