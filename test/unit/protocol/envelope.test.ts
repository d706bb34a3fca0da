import QUnit from 'qunit';
import { MAX_REQUEST_NAME_LENGTH } from '../../../src/protocol/constants.js';
import { decodeEnvelope, encodeEnvelope, isAnswer, stampSequence, utf8ByteLength, type Envelope } from '../../../src/protocol/envelope.js';
import { assertThrowsCode } from '../../helpers/assert-throws.js';

/** An envelope whose `data` is `depth` nested arrays (the envelope object adds one level). */
function nestedFrame(depth: number): string {
  return `{"request":"x","data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

QUnit.module('src/protocol/envelope', () => {
  QUnit.test('utf8ByteLength counts what TextEncoder writes, surrogate pairs and lone surrogates included', (assert) => {
    for (const text of ['', 'abc', 'é', '€', '✓ ünï', '😀', 'a😀b', '\ud800', 'x\udc00y', '\ud83d\ud83d', 'ß'.repeat(100)]) {
      assert.strictEqual(utf8ByteLength(text), new TextEncoder().encode(text).length, JSON.stringify(text));
    }
  });

  QUnit.module('round trip', () => {
    QUnit.test('every envelope field survives encode then decode', (assert) => {
      const envelopes: Envelope[] = [
        { request: 'echo' },
        { request: 'echo', data: { a: 1, b: [true, null, 'x'] } },
        { request: 'room.join', id: 7, data: { room: 'lobby' } },
        { request: 'echo', id: 7, response: { ok: true } },
        { request: 'echo', id: 8, error: { code: 'ROOM_FULL', message: 'The room is full' } },
        { request: 'news', response: 'hello' },
        { request: 'x'.repeat(MAX_REQUEST_NAME_LENGTH), id: Number.MAX_SAFE_INTEGER, data: 'ünïcødé ✓' },
      ];
      for (const envelope of envelopes) assert.deepEqual(decodeEnvelope(encodeEnvelope(envelope)), envelope, envelope.request.slice(0, 20));
    });

    QUnit.test('encodeEnvelope writes plain JSON', (assert) => {
      assert.strictEqual(encodeEnvelope({ request: 'echo', id: 1, data: { a: 1 } }), '{"request":"echo","id":1,"data":{"a":1}}');
    });
  });

  QUnit.module('malformed frames', () => {
    QUnit.test('text that is not JSON is MALFORMED_FRAME with close code 4004', (assert) => {
      for (const text of ['', 'hello', '{"request":"x"', "{'request':'x'}", '{"request":"x"}}']) {
        assertThrowsCode(assert, () => decodeEnvelope(text), 'MALFORMED_FRAME', { closeCode: 4004, message: JSON.stringify(text) });
      }
    });

    QUnit.test('JSON that is not an object is MALFORMED_FRAME', (assert) => {
      for (const text of ['[]', '[{"request":"x"}]', 'null', '42', '"x"', 'true']) {
        assertThrowsCode(assert, () => decodeEnvelope(text), 'MALFORMED_FRAME', { message: text });
      }
    });

    QUnit.test('a missing, empty, non-string or too long request is MALFORMED_FRAME', (assert) => {
      const frames = [
        {},
        { data: 1 },
        { request: '' },
        { request: 1 },
        { request: null },
        { request: ['x'] },
        { request: 'x'.repeat(MAX_REQUEST_NAME_LENGTH + 1) },
      ];
      for (const frame of frames) assertThrowsCode(assert, () => decodeEnvelope(JSON.stringify(frame)), 'MALFORMED_FRAME', { message: JSON.stringify(frame).slice(0, 40) });
    });

    QUnit.test('a request name of exactly the maximum length is accepted', (assert) => {
      const request = 'x'.repeat(MAX_REQUEST_NAME_LENGTH);
      assert.strictEqual(decodeEnvelope(JSON.stringify({ request })).request, request);
    });

    QUnit.test('an id that is not a positive safe integer is MALFORMED_FRAME', (assert) => {
      for (const id of ['0', '-1', '1.5', '"1"', String(2 ** 53), 'null', 'true', '[1]', '1e400']) {
        assertThrowsCode(assert, () => decodeEnvelope(`{"request":"x","id":${id}}`), 'MALFORMED_FRAME', { message: `id ${id}` });
      }
    });

    QUnit.test('ids 1 and 2**53 - 1 are accepted', (assert) => {
      assert.strictEqual(decodeEnvelope('{"request":"x","id":1}').id, 1);
      assert.strictEqual(decodeEnvelope(`{"request":"x","id":${2 ** 53 - 1}}`).id, 2 ** 53 - 1);
    });

    QUnit.test('an error without a string code and message is MALFORMED_FRAME', (assert) => {
      const errors = [{ message: 'm' }, { code: 'X' }, { code: 1, message: 'm' }, { code: 'X', message: null }, null, 'ROOM_FULL', 0];
      for (const error of errors) {
        const text = JSON.stringify({ request: 'x', id: 1, error });
        assertThrowsCode(assert, () => decodeEnvelope(text), 'MALFORMED_FRAME', { message: JSON.stringify(error) });
      }
    });
  });

  QUnit.module('nesting', () => {
    QUnit.test('nesting 100 levels deep is MALFORMED_FRAME', (assert) => {
      assertThrowsCode(assert, () => decodeEnvelope(nestedFrame(100)), 'MALFORMED_FRAME');
    });

    QUnit.test('nesting 60 levels deep decodes', (assert) => {
      let data = decodeEnvelope(nestedFrame(60)).data;
      let depth = 0;
      while (Array.isArray(data)) {
        depth += 1;
        data = data[0];
      }
      assert.strictEqual(depth, 60);
    });

    QUnit.test('objects count like arrays', (assert) => {
      const deep = `{"request":"x","data":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;
      assertThrowsCode(assert, () => decodeEnvelope(deep), 'MALFORMED_FRAME');
    });

    QUnit.test('brackets inside strings do not count', (assert) => {
      const data = `${'['.repeat(200)}${'{'.repeat(200)}`;
      assert.strictEqual(decodeEnvelope(JSON.stringify({ request: 'x', data })).data, data);
    });

    QUnit.test('an escaped quote does not end a string early', (assert) => {
      const data = `say "${'['.repeat(200)}"`;
      assert.strictEqual(decodeEnvelope(JSON.stringify({ request: 'x', data })).data, data);
    });

    QUnit.test('a string ending in a backslash does not hide the nesting after it', (assert) => {
      const text = `{"request":"x","data":["\\\\",${'['.repeat(100)}${']'.repeat(100)}]}`;
      assert.strictEqual((JSON.parse(text) as { data: string[] }).data[0], '\\', 'the frame is valid JSON');
      assertThrowsCode(assert, () => decodeEnvelope(text), 'MALFORMED_FRAME');
    });
  });

  QUnit.module('size', () => {
    QUnit.test('text longer than maxLength is PAYLOAD_TOO_LARGE with close code 1009', (assert) => {
      const text = JSON.stringify({ request: 'echo', data: 'x'.repeat(100) });
      assertThrowsCode(assert, () => decodeEnvelope(text, text.length - 1), 'PAYLOAD_TOO_LARGE', { closeCode: 1009 });
    });

    QUnit.test('text of exactly maxLength decodes', (assert) => {
      const text = JSON.stringify({ request: 'echo', data: 'x'.repeat(100) });
      assert.strictEqual(decodeEnvelope(text, text.length).request, 'echo');
    });

    QUnit.test('size is checked before the text is parsed', (assert) => {
      assertThrowsCode(assert, () => decodeEnvelope('not json at all', 3), 'PAYLOAD_TOO_LARGE');
    });
  });

  QUnit.module('isAnswer', () => {
    QUnit.test('a response or an error with an id is an answer', (assert) => {
      assert.true(isAnswer({ request: 'x', id: 1, response: 2 }));
      assert.true(isAnswer({ request: 'x', id: 1, response: null }));
      assert.true(isAnswer({ request: 'x', id: 1, error: { code: 'X', message: 'm' } }));
    });

    QUnit.test('a call or a push is not an answer', (assert) => {
      assert.false(isAnswer({ request: 'x', id: 1, data: 2 }), 'call');
      assert.false(isAnswer({ request: 'x', id: 1 }), 'call without data');
      assert.false(isAnswer({ request: 'x', data: 2 }), 'fire-and-forget');
      assert.false(isAnswer({ request: 'x', response: 2 }), 'push');
      assert.false(isAnswer({ request: 'x', error: { code: 'X', message: 'm' } }), 'error for a fire-and-forget message');
    });
  });

  QUnit.module('encodeEnvelope', () => {
    QUnit.test('a value that cannot be serialised is HANDLER_ERROR', (assert) => {
      assertThrowsCode(assert, () => encodeEnvelope({ request: 'x', response: { big: 10n } }), 'HANDLER_ERROR');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      assertThrowsCode(assert, () => encodeEnvelope({ request: 'x', response: cyclic }), 'HANDLER_ERROR');
    });
  });

  QUnit.module('recovery fields', () => {
    QUnit.test('stampSequence adds the number to an encoded push without re-encoding it', (assert) => {
      const text = encodeEnvelope({ request: 'news', response: { a: [1, '}'] } });
      assert.deepEqual(decodeEnvelope(stampSequence(text, 7)), { request: 'news', response: { a: [1, '}'] }, seq: 7 });
    });

    QUnit.test('seq must be a non-negative integer; recovery must be {token, epoch, seq, recovered?, reason?}', (assert) => {
      for (const seq of [-1, 1.5, '1', null]) assertThrowsCode(assert, () => decodeEnvelope(JSON.stringify({ request: 'x', seq })), 'MALFORMED_FRAME');
      const recovery = { token: 't', epoch: 'e', seq: 0, recovered: false, reason: 'gap' };
      assert.deepEqual(decodeEnvelope(JSON.stringify({ request: 'auth', id: 1, response: true, recovery })).recovery, recovery);
      for (const bad of [null, {}, { ...recovery, token: 1 }, { ...recovery, seq: -1 }, { ...recovery, recovered: 'yes' }, { ...recovery, reason: 3 }]) {
        assertThrowsCode(assert, () => decodeEnvelope(JSON.stringify({ request: 'auth', id: 1, response: true, recovery: bad })), 'MALFORMED_FRAME');
      }
    });
  });
});
