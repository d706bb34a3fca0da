import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';

// timingSafeEqual needs equal lengths and would leak a length mismatch by throwing early;
// comparing keyed MACs instead gives fixed-size inputs whose values an attacker cannot steer.
const COMPARISON_KEY = createSecretKey(randomBytes(32));

function mac(value: string | Buffer): Buffer {
  return createHmac('sha256', COMPARISON_KEY).update(value).digest();
}

/** Whether two secrets are equal, with no early exit at a difference or a length mismatch. */
export function secretsEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(mac(a), mac(b));
}
