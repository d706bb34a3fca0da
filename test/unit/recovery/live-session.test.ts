import QUnit from 'qunit';
import { LiveSession } from '../../../src/recovery/live-session.js';

QUnit.module('recovery/live-session', () => {
  QUnit.test('numbers pushes 1, 2, 3 and keeps them until acknowledged', (assert) => {
    const session = new LiveSession('secret');
    assert.deepEqual(['a', 'b', 'c'].map((text) => session.add(text, 10)), [1, 2, 3]);
    session.acknowledge(2);
    assert.deepEqual(session.texts(), ['c']);
    assert.strictEqual(session.seq, 3);
    session.acknowledge(3);
    assert.deepEqual(session.texts(), []);
    assert.strictEqual(session.held, 0);
    assert.strictEqual(session.add('d', 10), 4, 'numbering goes on after everything was acknowledged');
    assert.deepEqual(session.texts(), ['d']);
  });

  QUnit.test('past the cap the oldest go; numbers still count every push', (assert) => {
    const session = new LiveSession('secret');
    for (const text of ['a', 'b', 'c']) session.add(text, 2);
    assert.deepEqual(session.texts(), ['b', 'c']);
    assert.strictEqual(session.seq, 3);
  });

  QUnit.test('a resumed session numbers on from its position; an old or future acknowledgement is harmless', (assert) => {
    const session = new LiveSession('secret', 5);
    assert.strictEqual(session.seq, 5);
    session.acknowledge(3);
    assert.strictEqual(session.add('f', 10), 6);
    session.acknowledge(1);
    assert.deepEqual(session.texts(), ['f']);
    session.acknowledge(-4);
    assert.deepEqual(session.texts(), ['f'], 'a negative position drops nothing');
    session.acknowledge(99);
    assert.deepEqual(session.texts(), []);
    assert.strictEqual(session.seq, 6);
  });

  QUnit.test('long runs past the cap and acknowledgements in between keep exactly the newest unacknowledged pushes', (assert) => {
    const session = new LiveSession('secret');
    for (let n = 1; n <= 5000; n++) {
      session.add(String(n), 100);
      if (n % 777 === 0) session.acknowledge(n - 10);
    }
    assert.strictEqual(session.held, 100);
    assert.deepEqual(session.texts(), Array.from({ length: 100 }, (_, index) => String(4901 + index)));
    session.acknowledge(4990);
    assert.deepEqual(session.texts(), Array.from({ length: 10 }, (_, index) => String(4991 + index)));
  });
});
