import QUnit from 'qunit';
import { ClusterHub, type HubPeer } from '../../../src/scale/cluster-hub.js';
import type { PrimaryMessage } from '../../../src/scale/cluster-protocol.js';

function peer(id: number): HubPeer & { inbox: PrimaryMessage[] } {
  const inbox: PrimaryMessage[] = [];
  return { id, inbox, send: (message) => inbox.push(message) };
}

QUnit.module('scale/cluster-hub', () => {
  QUnit.test('orders appends and forwards each to every other worker, not back to its origin', (assert) => {
    const hub = new ClusterHub();
    const [a, b, c] = [peer(1), peer(2), peer(3)];
    for (const each of [a, b, c]) hub.add(each);
    hub.receive(a, { ds: 'append', entry: { node: 'A', seq: 1, body: 'one' } });
    hub.receive(b, { ds: 'append', entry: { node: 'B', seq: 1, body: 'two' } });
    const bodies = (inbox: PrimaryMessage[]) => inbox.map((message) => (message.ds === 'entry' ? `${message.entry.offset}:${message.entry.body}` : message.ds));
    assert.deepEqual(bodies(a.inbox), ['0-2:two']);
    assert.deepEqual(bodies(b.inbox), ['0-1:one']);
    assert.deepEqual(bodies(c.inbox), ['0-1:one', '0-2:two']);
    hub.receive(c, { ds: 'head', req: 7 });
    assert.deepEqual(c.inbox.at(-1), { ds: 'head', req: 7, epoch: hub.epoch, offset: '0-2' });
  });

  QUnit.test('node rows expire, and go at once when their worker exits', (assert) => {
    let now = 1000;
    const hub = new ClusterHub(0, () => now);
    const [a, b] = [peer(1), peer(2)];
    hub.add(a);
    hub.add(b);
    hub.receive(a, { ds: 'node', record: { node: 'A', connections: 2, rooms: {} }, ttlMs: 100 });
    hub.receive(b, { ds: 'node', record: { node: 'B', connections: 3, rooms: { red: 1 } }, ttlMs: 500 });
    const nodes = () => {
      hub.receive(a, { ds: 'nodes', req: 1 });
      const answer = a.inbox.at(-1)!;
      return answer.ds === 'nodes' ? answer.records.map((record) => record.node) : [];
    };
    assert.deepEqual(nodes(), ['A', 'B']);
    now += 200;
    assert.deepEqual(nodes(), ['B'], 'A expired');
    hub.remove(2);
    assert.deepEqual(nodes(), [], 'B went with its worker');
  });
});
