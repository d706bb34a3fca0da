import QUnit from 'qunit';
import { PushTail } from '../../../src/recovery/push-tail.js';

QUnit.module('recovery/push-tail', () => {
  QUnit.test('numbers pushes 1, 2, 3 and keeps them until acknowledged', (assert) => {
    const tail = new PushTail(10);
    assert.deepEqual(['a', 'b', 'c'].map((text) => tail.add(text)), [1, 2, 3]);
    tail.acknowledge(2);
    assert.deepEqual(tail.texts(), ['c']);
    assert.strictEqual(tail.seq, 3);
    tail.acknowledge(3);
    assert.deepEqual(tail.texts(), []);
    assert.strictEqual(tail.add('d'), 4, 'numbering goes on');
  });

  QUnit.test('past the cap the oldest go; numbers still count every push', (assert) => {
    const tail = new PushTail(2);
    for (const text of ['a', 'b', 'c']) tail.add(text);
    assert.deepEqual(tail.texts(), ['b', 'c']);
    assert.strictEqual(tail.seq, 3);
  });

  QUnit.test('an acknowledgement of an old or future number is harmless', (assert) => {
    const tail = new PushTail(10, 5);
    tail.add('f');
    tail.acknowledge(1);
    assert.deepEqual(tail.texts(), ['f']);
    tail.acknowledge(99);
    assert.deepEqual(tail.texts(), []);
    assert.strictEqual(tail.seq, 6);
  });

  QUnit.test('long runs past the cap and acknowledgements in between keep exactly the newest unacknowledged pushes', (assert) => {
    const tail = new PushTail(100);
    for (let n = 1; n <= 5000; n++) {
      tail.add(String(n));
      if (n % 777 === 0) tail.acknowledge(n - 10);
    }
    assert.strictEqual(tail.size, 100);
    assert.deepEqual(tail.texts(), Array.from({ length: 100 }, (_, index) => String(4901 + index)));
    tail.acknowledge(4990);
    assert.deepEqual(tail.texts(), Array.from({ length: 10 }, (_, index) => String(4991 + index)));
  });
});
