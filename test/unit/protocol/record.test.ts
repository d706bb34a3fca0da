import QUnit from 'qunit';
import { appendToRecord, fitsInRecord, joinRecord, splitRecord } from '../../../src/protocol/record.js';
import { assertThrowsCode } from '../../helpers/assert-throws.js';

const byteLength = (text: string): number => Buffer.byteLength(text);

QUnit.module('src/protocol/record', () => {
  QUnit.test('a record of one message is that message', (assert) => {
    assert.deepEqual(splitRecord('{"request":"a"}'), ['{"request":"a"}']);
  });

  QUnit.test('messages come back in the order they were joined', (assert) => {
    const messages = ['{"request":"a"}', '{"request":"b","id":2}', '{"request":"c"}'];
    assert.deepEqual(splitRecord(joinRecord(messages)), messages);
    assert.deepEqual(splitRecord(appendToRecord(appendToRecord(messages[0]!, messages[1]!), messages[2]!)), messages);
  });

  QUnit.test('a line feed inside a JSON string is escaped, so it never splits a message', (assert) => {
    const message = JSON.stringify({ request: 'echo', data: 'two\nlines\r\n' });
    assert.deepEqual(splitRecord(joinRecord([message, message])).map((text) => JSON.parse(text) as unknown), [
      { request: 'echo', data: 'two\nlines\r\n' },
      { request: 'echo', data: 'two\nlines\r\n' },
    ]);
  });

  QUnit.test('an empty message (empty record, leading, trailing or doubled line feed) is malformed', (assert) => {
    for (const record of ['', '\n', '\n{"request":"a"}', '{"request":"a"}\n', '{"request":"a"}\n\n{"request":"b"}']) {
      assertThrowsCode(assert, () => splitRecord(record), 'MALFORMED_FRAME', { closeCode: 4004 });
    }
  });

  QUnit.test('fitsInRecord counts the separator and UTF-8 bytes exactly at the edge', (assert) => {
    // 'é' is 2 UTF-8 bytes: "aé" (3 bytes) + LF + "bé" (3 bytes) = 7 bytes.
    assert.true(fitsInRecord('aé', 'bé', 7, byteLength), 'exactly at the limit');
    assert.false(fitsInRecord('aé', 'bé', 6, byteLength), 'one byte over');
    assert.true(fitsInRecord('a', 'b', 9, byteLength), 'the cheap bound settles small records');
    assert.false(fitsInRecord('a'.repeat(10), 'b', 11, byteLength), 'more UTF-16 units than bytes allowed');
  });

  QUnit.test('fitsInRecord does not count bytes when the cheap bound settles it', (assert) => {
    let counted = 0;
    const counting = (text: string): number => {
      counted += 1;
      return byteLength(text);
    };
    fitsInRecord('x'.repeat(100), 'y'.repeat(100), 1024, counting);
    fitsInRecord('x'.repeat(2000), 'y', 1024, counting);
    assert.strictEqual(counted, 0);
  });
});
