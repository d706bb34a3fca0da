import QUnit from 'qunit';
import { PushTail } from '../../../src/recovery/push-tail.js';

/** The model the ring must match: an array, its oldest shifted out past `max`. */
function reference(max: number): { add(text: string): void; keepNewest(count: number): void; texts(): string[] } {
  let texts: string[] = [];
  return {
    add: (text) => {
      texts.push(text);
      if (texts.length > max) texts.shift();
    },
    keepNewest: (count) => {
      texts = texts.slice(Math.max(0, texts.length - count));
    },
    texts: () => [...texts],
  };
}

QUnit.module('recovery/push-tail', () => {
  QUnit.test('keeps the newest texts, oldest first, and past the cap the oldest go', (assert) => {
    const tail = new PushTail(2);
    tail.add('a');
    tail.add('b');
    assert.deepEqual(tail.texts(), ['a', 'b']);
    tail.add('c');
    assert.deepEqual(tail.texts(), ['b', 'c']);
    assert.strictEqual(tail.size, 2);
  });

  QUnit.test('keepNewest drops the oldest; asking to keep more than is held drops nothing', (assert) => {
    const tail = new PushTail(10);
    for (const text of ['a', 'b', 'c', 'd']) tail.add(text);
    tail.keepNewest(9);
    assert.deepEqual(tail.texts(), ['a', 'b', 'c', 'd']);
    tail.keepNewest(2);
    assert.deepEqual(tail.texts(), ['c', 'd']);
    tail.keepNewest(0);
    assert.deepEqual(tail.texts(), []);
    tail.add('e');
    assert.deepEqual(tail.texts(), ['e'], 'a drained ring takes pushes again');
  });

  QUnit.test('a cap of one keeps the last push only', (assert) => {
    const tail = new PushTail(1);
    for (const text of ['a', 'b', 'c']) tail.add(text);
    assert.deepEqual(tail.texts(), ['c']);
  });

  QUnit.test('matches a plain array through growth, wrap-around, the cap and drops at every offset', (assert) => {
    // Caps around the ring's sizes (8, 16, 32, ... and a cap that is not a power of two).
    for (const max of [1, 3, 8, 9, 17, 100]) {
      const tail = new PushTail(max);
      const model = reference(max);
      let mismatches = 0;
      for (let n = 1; n <= 600; n++) {
        tail.add(String(n));
        model.add(String(n));
        // Drops of every size at varying points, including within a wrapped ring.
        if (n % 7 === 0) {
          tail.keepNewest(n % 13);
          model.keepNewest(n % 13);
        }
        if (JSON.stringify(tail.texts()) !== JSON.stringify(model.texts()) || tail.size !== model.texts().length) mismatches += 1;
      }
      assert.strictEqual(mismatches, 0, `cap ${max}`);
    }
  });
});
