import QUnit from 'qunit';
import { SocketError, isSocketError } from '../../src/errors.js';

QUnit.module('src/errors', () => {
  QUnit.test('a built-in code takes its catalogue message and close code', (assert) => {
    const err = new SocketError('AUTH_FAILED');
    assert.strictEqual(err.code, 'AUTH_FAILED');
    assert.strictEqual(err.closeCode, 4001);
    assert.true(isSocketError(err, 'AUTH_FAILED'));
  });
});
