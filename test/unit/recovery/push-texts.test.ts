import QUnit from 'qunit';
import { PushTexts } from '../../../src/recovery/push-texts.js';

QUnit.module('recovery/push-texts', () => {
  QUnit.test('gives each text the next position and finds it there', (assert) => {
    const texts = new PushTexts(10);
    assert.deepEqual(['a', 'b', 'c'].map((text) => texts.positionOf(text)), [0, 1, 2]);
    assert.deepEqual([0, 1, 2].map((position) => texts.textAt(position)), ['a', 'b', 'c']);
    assert.strictEqual(texts.textAt(3), undefined, 'a position not given out yet');
    assert.strictEqual(texts.textAt(-1), undefined);
  });

  QUnit.test('the same text stored twice in a row shares a position (a broadcast is stored once for all its recipients)', (assert) => {
    const texts = new PushTexts(10);
    const broadcast = '{"request":"news","response":1}';
    assert.deepEqual([texts.positionOf(broadcast), texts.positionOf(broadcast), texts.positionOf('x'), texts.positionOf(broadcast)], [0, 0, 1, 2]);
  });

  QUnit.test('past the capacity the oldest go; every text kept is found at its own position through growth and wrap-around', (assert) => {
    // Capacities below, at and above the first ring size (1024), and not powers of two.
    for (const capacity of [1, 5, 1024, 1500, 5000]) {
      const texts = new PushTexts(capacity);
      let wrong = 0;
      for (let n = 0; n < 7000; n++) {
        if (texts.positionOf(`t${n}`) !== n) wrong += 1;
        // The newest `capacity` are there, the one before them is gone.
        if (n % 97 === 0) {
          for (let back = 0; back < Math.min(capacity, n + 1); back += Math.max(1, Math.floor(capacity / 7))) if (texts.textAt(n - back) !== `t${n - back}`) wrong += 1;
          if (n - capacity >= 0 && texts.textAt(n - capacity) !== undefined) wrong += 1;
        }
      }
      assert.strictEqual(wrong, 0, `capacity ${capacity}`);
    }
  });
});
