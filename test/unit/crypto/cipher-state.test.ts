import { createCipheriv } from 'node:crypto';
import QUnit from 'qunit';
import { CipherState } from '../../../src/crypto/cipher-state.js';
import { isSocketError } from '../../../src/errors.js';
import { assertThrowsCode, assertThrowsType } from '../../helpers/assert-throws.js';

const KEY = Buffer.alloc(32, 0x42);
const NO_AD = Buffer.alloc(0);
const toHex = (value: Buffer): string => value.toString('hex');

function keyed(nonce = 0n): CipherState {
  const state = new CipherState();
  state.initializeKey(Buffer.from(KEY));
  state.setNonce(nonce);
  return state;
}

/** AES-256-GCM under the nonce layout Noise specifies, computed independently. */
function reference(nonce: bigint, ad: Buffer, plaintext: Buffer): string {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(nonce, 4);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  cipher.setAAD(ad);
  return toHex(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
}

QUnit.module('src/crypto/cipher-state', () => {
  QUnit.test('a stored key seals and opens exactly as before, and the caller\'s buffer is no longer used', (assert) => {
    const key = Buffer.from(KEY);
    const state = new CipherState();
    state.initializeKey(key);
    state.storeKey();
    key.fill(0);
    const ad = Buffer.from('ad');
    assert.strictEqual(toHex(state.encryptWithAd(ad, Buffer.from('frame'))), reference(0n, ad, Buffer.from('frame')));
    const opener = new CipherState();
    opener.initializeKey(Buffer.from(KEY));
    opener.storeKey();
    assert.strictEqual(opener.decryptWithAd(ad, Buffer.from(reference(0n, ad, Buffer.from('frame')), 'hex')).toString(), 'frame');
    state.releaseKey();
    opener.releaseKey();
  });

  QUnit.test('a released key refuses every use with NOT_CONNECTED, never passing data through', (assert) => {
    const state = keyed();
    state.storeKey();
    state.releaseKey();
    assert.false(state.hasKey());
    assertThrowsCode(assert, () => state.encryptWithAd(NO_AD, Buffer.from('secret')), 'NOT_CONNECTED');
    assertThrowsCode(assert, () => state.decryptWithAd(NO_AD, Buffer.alloc(32)), 'NOT_CONNECTED');
    assertThrowsType(assert, () => state.initializeKey(Buffer.from(KEY)), TypeError, 'cannot be rekeyed');
  });

  QUnit.test('encrypts as AES-256-GCM under 4 zero bytes + a big-endian counter, then a 16-byte tag', (assert) => {
    const state = keyed();
    const ad = Buffer.from('ad');
    for (const n of [0n, 1n, 2n]) {
      const frame = state.encryptWithAd(ad, Buffer.from('frame'));
      assert.strictEqual(toHex(frame), reference(n, ad, Buffer.from('frame')), `nonce ${n}`);
    }
  });

  QUnit.test('carries the counter from the low 32 bits into the high 32 bits', (assert) => {
    const state = keyed(2n ** 32n - 1n);
    const plaintext = Buffer.from('x');
    assert.strictEqual(toHex(state.encryptWithAd(NO_AD, plaintext)), reference(2n ** 32n - 1n, NO_AD, plaintext));
    assert.strictEqual(toHex(state.encryptWithAd(NO_AD, plaintext)), reference(2n ** 32n, NO_AD, plaintext));
  });

  QUnit.test('round-trips empty and large plaintexts', (assert) => {
    const sender = keyed();
    const receiver = keyed();
    for (const plaintext of [Buffer.alloc(0), Buffer.alloc(70_000, 1)]) {
      const frame = sender.encryptWithAd(NO_AD, plaintext);
      assert.strictEqual(frame.length, plaintext.length + 16);
      assert.strictEqual(toHex(receiver.decryptWithAd(NO_AD, frame)), toHex(plaintext));
    }
  });

  QUnit.test('a frame bound to other associated data fails to decrypt', (assert) => {
    const frame = keyed().encryptWithAd(Buffer.from('a'), Buffer.from('hi'));
    assertThrowsCode(assert, () => keyed().decryptWithAd(Buffer.from('b'), frame), 'DECRYPT_FAILED');
  });

  QUnit.test('rejects a frame shorter than the tag', (assert) => {
    for (const length of [0, 1, 15]) {
      assertThrowsCode(assert, () => keyed().decryptWithAd(NO_AD, Buffer.alloc(length)), 'DECRYPT_FAILED', {
        message: `${length} bytes`,
      });
    }
  });

  QUnit.test('the nonce advances only on successful decryption', (assert) => {
    const frame = keyed().encryptWithAd(NO_AD, Buffer.from('hi'));
    const receiver = keyed();
    const tampered = Buffer.from(frame);
    tampered[0]! ^= 1;
    assertThrowsCode(assert, () => receiver.decryptWithAd(NO_AD, tampered), 'DECRYPT_FAILED');
    assert.strictEqual(receiver.decryptWithAd(NO_AD, frame).toString(), 'hi');
  });

  QUnit.test('refuses nonce 2^64 - 1: one frame at 2^64 - 2, then NONCE_EXHAUSTED on both sides', (assert) => {
    const last = 2n ** 64n - 2n;
    const sender = keyed(last);
    const receiver = keyed(last);
    const plaintext = Buffer.from('last');
    const frame = sender.encryptWithAd(NO_AD, plaintext);
    assert.strictEqual(toHex(frame), reference(last, NO_AD, plaintext));
    assert.strictEqual(receiver.decryptWithAd(NO_AD, frame).toString(), 'last');
    assertThrowsCode(assert, () => sender.encryptWithAd(NO_AD, plaintext), 'NONCE_EXHAUSTED');
    assertThrowsCode(assert, () => sender.encryptWithAd(NO_AD, plaintext), 'NONCE_EXHAUSTED', {
      message: 'stays exhausted, never wraps to 0',
    });
    assertThrowsCode(assert, () => receiver.decryptWithAd(NO_AD, frame), 'NONCE_EXHAUSTED');
  });

  QUnit.test('setNonce refuses values outside 64 bits', (assert) => {
    assertThrowsType(assert, () => keyed().setNonce(-1n), RangeError);
    assertThrowsType(assert, () => keyed().setNonce(2n ** 64n), RangeError);
  });

  QUnit.test('initializeKey resets the nonce and refuses keys that are not 32 bytes', (assert) => {
    const state = keyed();
    state.encryptWithAd(NO_AD, Buffer.from('a'));
    state.initializeKey(Buffer.from(KEY));
    const frame = state.encryptWithAd(NO_AD, Buffer.from('a'));
    assert.strictEqual(toHex(frame), reference(0n, NO_AD, Buffer.from('a')));
    assertThrowsType(assert, () => state.initializeKey(Buffer.alloc(16)), RangeError);
  });

  QUnit.test('without a key it passes data through, as Noise specifies', (assert) => {
    const state = new CipherState();
    assert.false(state.hasKey());
    assert.strictEqual(state.encryptWithAd(NO_AD, Buffer.from('p')).toString(), 'p');
    state.initializeKey(Buffer.from(KEY));
    assert.true(state.hasKey());
    state.initializeKey(null);
    assert.false(state.hasKey());
  });

  QUnit.test('a decryption error carries neither the key nor the plaintext', (assert) => {
    const secret = 'top secret plaintext';
    const frame = keyed().encryptWithAd(NO_AD, Buffer.from(secret));
    frame[frame.length - 1]! ^= 1;
    let error: unknown;
    try {
      keyed().decryptWithAd(NO_AD, frame);
    } catch (err) {
      error = err;
    }
    assert.true(isSocketError(error, 'DECRYPT_FAILED'));
    const text = `${String(error)} ${String((error as Error).cause)}`;
    assert.false(text.includes(secret), 'no plaintext');
    assert.false(text.includes(toHex(KEY)) || text.includes(KEY.toString('base64')), 'no key bytes');
  });
});
