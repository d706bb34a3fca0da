import QUnit from 'qunit';
import { LogRing } from '../../../src/scale/log-ring.js';
import { SessionTable } from '../../../src/scale/session-table.js';

const add = (ring: LogRing, n: number): void => {
  for (let i = 1; i <= n; i++) ring.append({ node: 'a', seq: i, body: String(i) });
};

QUnit.module('scale/log-ring and session-table', () => {
  QUnit.test('reads after a position; a position older than what is kept, or past the limit, is a gap', (assert) => {
    const ring = new LogRing(3);
    const start = ring.head();
    add(ring, 5);
    assert.deepEqual(ring.readAfter({ epoch: ring.epoch, offset: '0-3' }).entries.map((entry) => entry.body), ['4', '5']);
    assert.strictEqual(ring.readAfter({ epoch: ring.epoch, offset: '0-3' }).gap, undefined);
    assert.strictEqual(ring.readAfter(start).gap, 'trimmed');
    assert.deepEqual(ring.readAfter({ epoch: ring.epoch, offset: '0-2' }, 1), { epoch: ring.epoch, entries: [ring.readAfter({ epoch: ring.epoch, offset: '0-2' }).entries[0]!], gap: 'trimmed' });
    assert.strictEqual(ring.readAfter({ epoch: 'other', offset: '0-3' }).gap, 'epoch-changed');
  });

  QUnit.test('a full log keeps exactly its last entries through many trims and compactions', (assert) => {
    const ring = new LogRing(5);
    let wrong = 0;
    for (let n = 1; n <= 1000; n++) {
      ring.append({ node: 'a', seq: n, body: String(n) });
      const bodies = ring.readAfter({ epoch: ring.epoch, offset: '0-0' }).entries.map((entry) => entry.body);
      const expected = Array.from({ length: Math.min(n, 5) }, (_, index) => String(Math.max(1, n - 4) + index));
      if (ring.length !== expected.length || JSON.stringify(bodies) !== JSON.stringify(expected)) wrong += 1;
    }
    assert.strictEqual(wrong, 0);
    assert.deepEqual(ring.readAfter({ epoch: ring.epoch, offset: '0-997' }).entries.map((entry) => entry.body), ['998', '999', '1000']);
  });

  QUnit.test('offsets keep counting after a clear, so old positions stay comparable', (assert) => {
    const ring = new LogRing(10);
    add(ring, 2);
    ring.clear(false);
    const position = ring.head();
    assert.strictEqual(position.offset, '0-2');
    add(ring, 1);
    assert.deepEqual(ring.readAfter(position), { epoch: ring.epoch, entries: [{ node: 'a', seq: 1, body: '1', offset: '0-3' }], gap: undefined });
  });

  QUnit.test('a session table forgets records after their time to live; take removes', (assert) => {
    let now = 0;
    const table = new SessionTable(() => now);
    table.save('a', 'A', 100);
    table.save('b', 'B', 300);
    now = 150;
    assert.strictEqual(table.peek('a'), undefined);
    assert.strictEqual(table.take('b'), 'B');
    assert.strictEqual(table.take('b'), undefined, 'single use');
    table.save('c', 'C', 10);
    assert.strictEqual(table.size, 1, 'expired records are swept');
  });
});
