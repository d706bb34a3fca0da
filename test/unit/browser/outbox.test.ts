import QUnit from 'qunit';
import { takeRecord } from '../../../src/browser/outbox.js';
import { splitRecord } from '../../../src/protocol/record.js';

QUnit.module('src/browser/outbox', () => {
  QUnit.test('takes every queued message, in order, into one record', (assert) => {
    const queue = ['{"request":"a"}', '{"request":"b"}', '{"request":"c"}'];
    assert.deepEqual(splitRecord(takeRecord(queue, 1 << 20)), ['{"request":"a"}', '{"request":"b"}', '{"request":"c"}']);
    assert.deepEqual(queue, []);
  });

  QUnit.test('stops before maxPayload bytes (UTF-8, separators counted); the rest waits for the next record', (assert) => {
    const message = `{"request":"x","data":"${'é'.repeat(40)}"}`;
    const bytes = new TextEncoder().encode(message).length;
    const queue = [message, message, message];
    assert.deepEqual(splitRecord(takeRecord(queue, 2 * bytes + 1)), [message, message]);
    assert.strictEqual(queue.length, 1);
    assert.deepEqual(splitRecord(takeRecord(queue, 2 * bytes)), [message]);
  });

  QUnit.test('a message over the limit on its own still leaves, alone (the client refused larger ones before queueing)', (assert) => {
    const queue = ['{"request":"big"}', '{"request":"next"}'];
    assert.strictEqual(takeRecord(queue, 5), '{"request":"big"}');
    assert.deepEqual(queue, ['{"request":"next"}']);
  });

  QUnit.test('a message bound can be passed', (assert) => {
    const queue = ['{"request":"a"}', '{"request":"b"}'];
    assert.strictEqual(takeRecord(queue, 1 << 20, 1), '{"request":"a"}');
  });
});
