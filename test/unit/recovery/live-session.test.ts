import QUnit from 'qunit';
import { LiveSession } from '../../../src/recovery/live-session.js';

/** The model the ring must match: an array of [number, text], its oldest shifted out past `max`. */
function reference(max: number, seq: number): { add(text: string): number; acknowledge(upTo: number): void; texts(): string[] } {
  let held: Array<[number, string]> = [];
  return {
    add: (text) => {
      held.push([++seq, text]);
      if (held.length > max) held.shift();
      return seq;
    },
    acknowledge: (upTo) => {
      held = held.filter(([number]) => number > upTo);
    },
    texts: () => held.map(([, text]) => text),
  };
}

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

  QUnit.test('matches a plain array through growth, wrap-around, the cap and acknowledgements at every offset', (assert) => {
    // Caps around the ring's sizes (8, 16, 32, ... and caps that are not powers of two).
    for (const max of [1, 3, 8, 9, 17, 100]) {
      for (const start of [0, 2 ** 31 - 300]) {
        const session = new LiveSession('secret', start);
        const model = reference(max, start);
        let mismatches = 0;
        for (let n = 1; n <= 600; n++) {
          if (session.add(String(n), max) !== model.add(String(n))) mismatches += 1;
          // Acknowledgements of every depth at varying points, within a wrapped ring too.
          if (n % 7 === 0) {
            session.acknowledge(session.seq - (n % 13));
            model.acknowledge(session.seq - (n % 13));
          }
          if (JSON.stringify(session.texts()) !== JSON.stringify(model.texts()) || session.held !== model.texts().length) mismatches += 1;
        }
        assert.strictEqual(mismatches, 0, `cap ${max}, numbers from ${start}`);
      }
    }
  });
});
