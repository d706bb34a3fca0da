import QUnit from 'qunit';
import { decodeSessionRecord, encodeSessionRecord, type SessionRecord } from '../../../src/recovery/session-record.js';

export const RECORD: SessionRecord = {
  id: 'node-1',
  secret: 'secret',
  rooms: ['red'],
  meta: { user: 'ann' },
  seq: 4,
  tail: ['{"request":"news","response":4}'],
  position: { epoch: 'e1', offset: '0-7' },
  node: 'node',
  nodeSeq: 2,
  attached: false,
  expiresAt: 1000,
};

QUnit.module('recovery/session-record', () => {
  QUnit.test('round trip', (assert) => {
    assert.deepEqual(decodeSessionRecord(encodeSessionRecord(RECORD)), RECORD);
  });

  QUnit.test('text that is not a record decodes to undefined', (assert) => {
    for (const text of ['', 'not json', 'null', '{}', JSON.stringify({ ...RECORD, seq: -1 }), JSON.stringify({ ...RECORD, rooms: [1] }), JSON.stringify({ ...RECORD, position: null })]) {
      assert.strictEqual(decodeSessionRecord(text), undefined, text);
    }
  });

  QUnit.test('meta that is not JSON throws on encode (the session is then not saved)', (assert) => {
    assert.throws(() => encodeSessionRecord({ ...RECORD, meta: { big: 1n } }), TypeError);
  });
});
