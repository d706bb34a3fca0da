import QUnit from 'qunit';
import { decodeGeneratedKey } from '../../../src/crypto/generated-key.js';
import { generateAuthKey } from '../../../src/crypto/psk.js';

QUnit.module('src/crypto/generated-key', () => {
  QUnit.test('decodes a keygen key to its 32 bytes, as Buffer does', (assert) => {
    for (let i = 0; i < 20; i++) {
      const key = generateAuthKey();
      assert.deepEqual(Array.from(decodeGeneratedKey(key)!), Array.from(Buffer.from(key, 'base64url')));
    }
  });

  QUnit.test('anything else is not a generated key', (assert) => {
    const key = generateAuthKey();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = key.slice(0, 42) + alphabet[(alphabet.indexOf(key.slice(42)) + 1) % 64]!;
    for (const other of ['', 'correct horse battery staple', `${key}=`, key.slice(1), `${key.slice(0, 42)}+`, nonCanonical]) {
      assert.strictEqual(decodeGeneratedKey(other), undefined, other);
    }
  });
});
