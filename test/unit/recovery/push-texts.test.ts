import QUnit from 'qunit';
import { KEPT_MARKS, PushTexts } from '../../../src/recovery/push-texts.js';

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

  QUnit.test('a mark forgets the texts older than KEPT_MARKS marks ago; the ring then wraps over them instead of growing', (assert) => {
    const texts = new PushTexts(100_000);
    const first = Array.from({ length: 3000 }, (_, n) => texts.positionOf(`old ${n}`));
    for (let mark = 0; mark < KEPT_MARKS; mark++) texts.mark();
    assert.strictEqual(texts.textAt(first[0]!), 'old 0', 'kept through KEPT_MARKS marks');
    texts.mark();
    assert.deepEqual([texts.textAt(first[0]!), texts.textAt(first[2999]!)], [undefined, undefined], 'forgotten at the next');
    const again = texts.positionOf('old 2999');
    assert.notStrictEqual(again, first[2999], 'the last text, forgotten, gets a new position when pushed again');
    assert.strictEqual(texts.textAt(again), 'old 2999');
    // Marks every 1,000 texts: the newest are always there, those from KEPT_MARKS + 1 marks back never.
    let wrong = 0;
    for (let n = 0; n < 20_000; n++) {
      const position = texts.positionOf(`new ${n}`);
      if (n % 1000 === 999) texts.mark();
      if (texts.textAt(position) !== `new ${n}`) wrong += 1;
      if (n >= 1000 * (KEPT_MARKS + 1) && texts.textAt(position - 1000 * (KEPT_MARKS + 1)) !== undefined) wrong += 1;
    }
    assert.strictEqual(wrong, 0);
    assert.strictEqual(texts.slots, 8192, 'at most ~6,000 texts kept at once: the ring stopped at 8,192 slots, not 100,000');
  });
});
