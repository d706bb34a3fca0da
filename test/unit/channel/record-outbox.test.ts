import QUnit from 'qunit';
import { RecordOutbox, type RecordSink } from '../../../src/channel/record-outbox.js';

/** A sink that keeps every record written. */
function sink(): RecordSink & { records: string[] } {
  const records: string[] = [];
  return { records, writeRecord: (record: string) => void records.push(record) };
}

function endOfTick(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

QUnit.module('src/channel/record-outbox', () => {
  QUnit.test('what is added in one tick leaves as one record, in order, when the tick ends', async (assert) => {
    const out = sink();
    const outbox = new RecordOutbox(out, 1024);
    outbox.add('{"n":1}');
    outbox.add('{"n":2}');
    outbox.add('{"n":3}');
    assert.deepEqual(out.records, [], 'nothing written before the tick ends');
    await endOfTick();
    assert.deepEqual(out.records, ['{"n":1}\n{"n":2}\n{"n":3}']);
    assert.true(outbox.isEmpty);
  });

  QUnit.test('every outbox with messages is flushed at the end of the same tick', async (assert) => {
    const [a, b] = [sink(), sink()];
    const outboxes = [new RecordOutbox(a, 1024), new RecordOutbox(b, 1024)];
    outboxes[0]!.add('a1');
    outboxes[1]!.add('b1');
    outboxes[0]!.add('a2');
    await endOfTick();
    assert.deepEqual([a.records, b.records], [['a1\na2'], ['b1']]);
  });

  QUnit.test('a record that would cross maxPayload leaves first; the next message starts a new one', async (assert) => {
    const out = sink();
    const outbox = new RecordOutbox(out, 9);
    outbox.add('aaaa');
    outbox.add('bbbb'); // 4 + 1 + 4 = 9 bytes: exactly at the edge, same record
    outbox.add('c'); // would make 11: the record of 9 leaves now
    assert.deepEqual(out.records, ['aaaa\nbbbb']);
    await endOfTick();
    assert.deepEqual(out.records, ['aaaa\nbbbb', 'c']);
    assert.true(out.records.every((record) => Buffer.byteLength(record) <= 9));
  });

  QUnit.test('a message over maxPayload by itself goes alone (the caller refuses those before)', async (assert) => {
    const out = sink();
    const outbox = new RecordOutbox(out, 4);
    outbox.add('ab');
    outbox.add('toolong');
    await endOfTick();
    assert.deepEqual(out.records, ['ab', 'toolong']);
  });

  QUnit.test('flush writes at once; discard drops what is pending', async (assert) => {
    const out = sink();
    const outbox = new RecordOutbox(out, 1024);
    outbox.add('x');
    outbox.flush();
    assert.deepEqual(out.records, ['x']);
    outbox.add('y');
    outbox.discard();
    await endOfTick();
    assert.deepEqual(out.records, ['x']);
  });
});
