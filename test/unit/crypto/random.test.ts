import QUnit from 'qunit';
import { randomIdPrefix } from '../../../src/crypto/random.js';

QUnit.module('src/crypto/random', () => {
  QUnit.test('randomIdPrefix gives 11 base64url characters, different each call', (assert) => {
    const prefixes = new Set(Array.from({ length: 100 }, () => randomIdPrefix()));
    assert.strictEqual(prefixes.size, 100);
    for (const prefix of prefixes) assert.true(/^[A-Za-z0-9_-]{11}$/.test(prefix), prefix);
  });
});
