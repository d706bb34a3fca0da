import QUnit from 'qunit';
import { stampSequence } from '../../../src/protocol/envelope.js';
import { PushStamper } from '../../../src/recovery/push-stamper.js';

const PUSH = JSON.stringify({ request: 'chat', response: { text: 'héllo 👋 \u2028', n: 1 } });

QUnit.module('recovery/push-stamper', () => {
  QUnit.test('writes the same bytes as stampSequence, for numbers of every width', (assert) => {
    const stamper = new PushStamper();
    for (const seq of [0, 1, 9, 10, 99, 100, 12345, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const expected = Buffer.from(stampSequence(PUSH, seq));
      assert.true(stamper.owned(PUSH, seq)!.equals(expected), `owned, ${seq}`);
      assert.true(stamper.transient(PUSH, seq)!.equals(expected), `transient, ${seq}`);
    }
  });

  QUnit.test('owned bytes stay as they were after later calls; transient ones are rewritten', (assert) => {
    const stamper = new PushStamper();
    const owned = stamper.owned(PUSH, 7)!;
    const transient = stamper.transient(PUSH, 8)!;
    stamper.transient(PUSH, 9);
    stamper.owned('{"request":"other"}', 10);
    assert.strictEqual(owned.toString(), stampSequence(PUSH, 7));
    assert.notStrictEqual(transient.toString(), stampSequence(PUSH, 8), 'transient bytes are the scratch');
  });

  QUnit.test('takes a new text each time the text changes, growing its scratch for a longer one', (assert) => {
    const stamper = new PushStamper();
    const long = JSON.stringify({ request: 'r', response: 'x'.repeat(5000) });
    assert.strictEqual(stamper.owned('{"request":"a"}', 1)!.toString(), '{"request":"a","seq":1}');
    assert.strictEqual(stamper.owned(long, 2)!.toString(), stampSequence(long, 2));
    assert.strictEqual(stamper.transient('{"request":"b"}', 3)!.toString(), '{"request":"b","seq":3}');
  });

  QUnit.test('leaves a text over 16 Ki UTF-16 units to the caller (undefined)', (assert) => {
    const stamper = new PushStamper();
    const huge = JSON.stringify({ request: 'r', response: 'x'.repeat(17 * 1024) });
    assert.strictEqual(stamper.owned(huge, 1), undefined);
    assert.strictEqual(stamper.transient(huge, 1), undefined);
  });
});
