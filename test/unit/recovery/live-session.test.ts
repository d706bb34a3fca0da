import QUnit from 'qunit';
import { LiveSession } from '../../../src/recovery/live-session.js';
import { PushTexts } from '../../../src/recovery/push-texts.js';

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

QUnit.module('recovery/live-session', (hooks) => {
  let store: PushTexts;
  hooks.beforeEach(() => {
    store = new PushTexts(1_000_000);
  });

  QUnit.test('numbers pushes 1, 2, 3 and keeps them until acknowledged', (assert) => {
    const session = new LiveSession('secret', 10);
    assert.deepEqual(['a', 'b', 'c'].map((text) => session.add(store.positionOf(text))), [1, 2, 3]);
    session.acknowledge(2);
    assert.deepEqual(session.texts(store), ['c']);
    assert.strictEqual(session.seq, 3);
    session.acknowledge(3);
    assert.deepEqual(session.texts(store), []);
    assert.strictEqual(session.held, 0);
    assert.strictEqual(session.add(store.positionOf('d')), 4, 'numbering goes on after everything was acknowledged');
    assert.deepEqual(session.texts(store), ['d']);
  });

  QUnit.test('past the cap the oldest go; numbers still count every push', (assert) => {
    const session = new LiveSession('secret', 2);
    for (const text of ['a', 'b', 'c']) session.add(store.positionOf(text));
    assert.deepEqual(session.texts(store), ['b', 'c']);
    assert.strictEqual(session.seq, 3);
  });

  QUnit.test('a resumed session numbers on from its position; an old or future acknowledgement is harmless', (assert) => {
    const session = new LiveSession('secret', 10, 5);
    assert.strictEqual(session.seq, 5);
    session.acknowledge(3);
    assert.strictEqual(session.add(store.positionOf('f')), 6);
    session.acknowledge(1);
    assert.deepEqual(session.texts(store), ['f']);
    session.acknowledge(-4);
    assert.deepEqual(session.texts(store), ['f'], 'a negative position drops nothing');
    session.acknowledge(99);
    assert.deepEqual(session.texts(store), []);
    assert.strictEqual(session.seq, 6);
  });

  QUnit.test('long runs past the cap and acknowledgements in between keep exactly the newest unacknowledged pushes', (assert) => {
    const session = new LiveSession('secret', 100);
    for (let n = 1; n <= 5000; n++) {
      session.add(store.positionOf(String(n)));
      if (n % 777 === 0) session.acknowledge(n - 10);
    }
    assert.strictEqual(session.held, 100);
    assert.deepEqual(session.texts(store), Array.from({ length: 100 }, (_, index) => String(4901 + index)));
    session.acknowledge(4990);
    assert.deepEqual(session.texts(store), Array.from({ length: 10 }, (_, index) => String(4991 + index)));
  });

  QUnit.test('matches a plain array through runs of every length, growth, wrap-around, the cap and acknowledgements at every offset', (assert) => {
    // Caps around the ring's sizes (4, 8, 16, ... runs, and caps that are not powers of two);
    // runs of 1 to 11 pushes, broken by a push to another session (a text stored in between).
    for (const max of [1, 3, 8, 9, 17, 100]) {
      for (const start of [0, 2 ** 31 - 300]) {
        let runLeft = 0;
        const session = new LiveSession('secret', max, start);
        const model = reference(max, start);
        let mismatches = 0;
        for (let n = 1; n <= 600; n++) {
          if (runLeft-- === 0) {
            store.positionOf(`another session's push ${n}`);
            runLeft = (n * 7) % 11;
          }
          if (session.add(store.positionOf(String(n))) !== model.add(String(n))) mismatches += 1;
          // Acknowledgements of every depth at varying points, within a wrapped ring too.
          if (n % 7 === 0) {
            session.acknowledge(session.seq - (n % 13));
            model.acknowledge(session.seq - (n % 13));
          }
          if (JSON.stringify(session.texts(store)) !== JSON.stringify(model.texts()) || session.held !== model.texts().length) mismatches += 1;
        }
        assert.strictEqual(mismatches, 0, `cap ${max}, numbers from ${start}`);
      }
    }
  });

  QUnit.test('a push whose text the process no longer holds ends the tail: only the newest without a hole are given', (assert) => {
    const small = new PushTexts(3);
    const session = new LiveSession('secret', 10);
    for (const text of ['a', 'b', 'c']) session.add(small.positionOf(text));
    small.positionOf('other session');
    session.add(small.positionOf('d'));
    assert.deepEqual(session.texts(small), ['c', 'd'], 'a and b are gone; c and d are the newest');
    assert.strictEqual(session.held, 4, 'the session still counts them: a resume from before c is a gap');
  });
});
