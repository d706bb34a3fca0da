import QUnit from 'qunit';
import { derivePsk, generateAuthKey } from '../../../src/crypto/psk.js';
import { assertThrowsCode } from '../../helpers/assert-throws.js';

const toHex = (value: Buffer): string => value.toString('hex');

QUnit.module('src/crypto/psk', () => {
  QUnit.test('generateAuthKey makes 43 characters of unpadded base64url for 32 fresh random bytes', (assert) => {
    const key = generateAuthKey();
    assert.true(/^[A-Za-z0-9_-]{43}$/.test(key));
    assert.strictEqual(Buffer.from(key, 'base64url').length, 32);
    assert.notStrictEqual(generateAuthKey(), key);
  });

  QUnit.test('derivePsk uses a generated key as its raw 32 bytes', (assert) => {
    const key = generateAuthKey();
    assert.strictEqual(toHex(derivePsk(key)), toHex(Buffer.from(key, 'base64url')));
  });

  QUnit.test('derivePsk stretches any other string with scrypt, deterministically', (assert) => {
    const first = derivePsk('correct horse battery staple');
    assert.strictEqual(first.length, 32);
    assert.strictEqual(toHex(derivePsk('correct horse battery staple')), toHex(first));
    assert.notStrictEqual(toHex(derivePsk('correct horse battery stapler')), toHex(first));
  });

  QUnit.test('derivePsk scrypts strings that only look like generated keys', (assert) => {
    const key = generateAuthKey();
    const raw = toHex(Buffer.from(key, 'base64url'));
    // The last of 43 characters carries 2 unused bits; setting one spells the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = key.slice(0, 42) + alphabet[alphabet.indexOf(key.slice(42)) + 1]!;
    assert.strictEqual(toHex(Buffer.from(nonCanonical, 'base64url')), raw, 'same bytes');
    for (const lookalike of [nonCanonical, `${key}=`, `${key.slice(0, 42)}+`]) {
      assert.notStrictEqual(toHex(derivePsk(lookalike)), raw, lookalike);
    }
  });

  QUnit.test('derivePsk refuses an empty key with CONFIG_INVALID', (assert) => {
    assertThrowsCode(assert, () => derivePsk(''), 'CONFIG_INVALID');
  });
});
