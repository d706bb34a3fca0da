import QUnit from 'qunit';
import { secretsEqual } from '../../../src/crypto/secrets-equal.js';

QUnit.module('src/crypto/secrets-equal', () => {
  QUnit.test('equal secrets compare equal, as strings or bytes', (assert) => {
    assert.true(secretsEqual('s3cret-key', 's3cret-key'));
    assert.true(secretsEqual(Buffer.from('s3cret-key'), 's3cret-key'));
    assert.true(secretsEqual('', ''));
  });

  QUnit.test('unequal secrets of the same length compare unequal', (assert) => {
    assert.false(secretsEqual('s3cret-key', 's3cret-kez'));
    assert.false(secretsEqual(Buffer.alloc(32, 1), Buffer.alloc(32, 2)));
  });

  QUnit.test('secrets of different lengths compare unequal without throwing', (assert) => {
    assert.false(secretsEqual('s3cret-key', 's3cret-key-longer'));
    assert.false(secretsEqual('', 'x'));
    assert.false(secretsEqual(Buffer.alloc(0), Buffer.alloc(64)));
  });
});
