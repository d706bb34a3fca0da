/**
 * The form `dropsocket keygen` prints: 32 random bytes as unpadded base64url (43
 * characters). Pure and free of node: imports (atob/btoa are in every runtime), so the
 * browser client reads keys the same way.
 */
import { KEY_BYTES } from '../protocol/constants.js';

const GENERATED_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * The 32 bytes of a key in exactly the generated form, else undefined. Non-canonical
 * spellings (stray low bits in the last character) decode to the same bytes; only the
 * canonical one counts as generated, so each string maps to one PSK path.
 */
export function decodeGeneratedKey(key: string): Uint8Array | undefined {
  if (!GENERATED_KEY.test(key)) return undefined;
  const binary = atob(key.replace(/-/g, '+').replace(/_/g, '/'));
  if (binary.length !== KEY_BYTES || encodeBase64url(binary) !== key) return undefined;
  const bytes = new Uint8Array(KEY_BYTES);
  for (let i = 0; i < KEY_BYTES; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function encodeBase64url(binary: string): string {
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
