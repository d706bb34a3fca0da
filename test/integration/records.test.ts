/**
 * Records against a real server, in both modes: a frame carries one or more messages joined
 * by line feeds; they are handled in order, refused whole, counted one by one by the limits,
 * and answers sent in one tick come back as records that never cross maxPayload.
 */
import QUnit from 'qunit';
import type { SocketError } from '../../src/index.js';
import { TAG_BYTES } from '../../src/protocol/constants.js';
import Add from '../fixtures/handlers/valid/add.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { resetAll, startClient, startServer } from '../helpers/start-server.js';

for (const encryption of [false, true]) {
  QUnit.module(`integration: records (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(resetAll);

    QUnit.test('a record of calls is handled in order and answered in one record', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      const framesBefore = peer.frames.length;
      peer.sendRecord([2, 3, 4, 5].map((id) => ({ request: 'echo', id, data: id * 10 })));
      const answers = [await peer.next(), await peer.next(), await peer.next(), await peer.next()];
      assert.deepEqual(answers.map((answer) => [answer.id, answer.response]), [[2, 20], [3, 30], [4, 40], [5, 50]]);
      assert.strictEqual(peer.frames.length - framesBefore, 1, 'the four answers left in one frame');
    });

    QUnit.test('one malformed message refuses its whole record with 4004: no call of it runs', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      const calls = Add.calls;
      const good = JSON.stringify({ request: 'add', id: 2, data: { a: 1, b: 2 } });
      peer.sendText([good, '{"request":', good].join('\n'));
      assert.strictEqual(await peer.closeCode(), 4004);
      assert.strictEqual(Add.calls, calls, 'not even the message before the bad one');
      assert.strictEqual(peer.received.length, 0);
    });

    QUnit.test('an empty message (a trailing, leading or doubled line feed) closes with 4004', async (assert) => {
      const server = await startServer({ encryption });
      const good = JSON.stringify({ request: 'echo', id: 2, data: 1 });
      for (const record of [`${good}\n`, `\n${good}`, `${good}\n\n${good}`]) {
        const peer = await RawPeer.connect(server);
        await peer.auth(server);
        peer.sendText(record);
        assert.strictEqual(await peer.closeCode(), 4004, JSON.stringify(record));
      }
    });

    QUnit.test('a call before auth inside a record closes with 4001 and stops the rest of it', async (assert) => {
      const server = await startServer({ encryption });
      const peer = await RawPeer.connect(server);
      const calls = Add.calls;
      peer.sendRecord([{ request: 'heartBeat', id: 1 }, { request: 'add', id: 2, data: { a: 1, b: 1 } }, { request: 'publicInfo', id: 3 }]);
      assert.strictEqual(await peer.closeCode(), 4001);
      assert.strictEqual(Add.calls, calls);
      assert.deepEqual(peer.received.map((envelope) => envelope.request), ['heartBeat'], 'the message before it was answered, none after');
    });

    QUnit.test('maxInFlight counts the messages of a record, not frames', async (assert) => {
      const server = await startServer({ encryption, maxInFlight: 2 });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      peer.sendRecord([2, 3, 4, 5].map((id) => ({ request: 'slow', id, data: { ms: 20 } })));
      const answers = [await peer.next(), await peer.next(), await peer.next(), await peer.next()];
      const byId = new Map(answers.map((answer) => [answer.id, answer.error?.code ?? 'ok']));
      assert.deepEqual([2, 3, 4, 5].map((id) => byId.get(id)), ['ok', 'ok', 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    });

    QUnit.test('a record over the rate limit is handled whole and slows the connection, never closes it', async (assert) => {
      const server = await startServer({ encryption, rateLimit: 1000, rateBurst: 4 });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      peer.sendRecord([2, 3, 4, 5, 6, 7].map((id) => ({ request: 'echo', id, data: id })));
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push((await peer.next()).id);
      assert.deepEqual(answers, [2, 3, 4, 5, 6, 7]);
      assert.strictEqual(peer.socket.readyState, peer.socket.OPEN);
    });

    QUnit.test('answers of one tick that would cross maxPayload are split into records within it', async (assert) => {
      const maxPayload = 1024;
      const server = await startServer({ encryption, maxPayload });
      const peer = await RawPeer.connect(server);
      await peer.auth(server);
      const framesBefore = peer.frames.length;
      // Three answers of ~430 bytes: two fit in 1024 bytes, the third starts the next record.
      peer.sendRecord([2, 3, 4].map((id) => ({ request: 'grow', id, data: { bytes: 400 } })));
      const answers = [await peer.next(), await peer.next(), await peer.next()];
      assert.deepEqual(answers.map((answer) => answer.id), [2, 3, 4], 'in order');
      const frames = peer.frames.slice(framesBefore);
      assert.strictEqual(frames.length, 2, 'two records');
      const overhead = encryption ? TAG_BYTES : 0;
      assert.true(frames.every((frame) => frame.length - overhead <= maxPayload), `sizes ${frames.map((frame) => frame.length).join(', ')}`);
    });

    QUnit.test('a real client splits a tick of 200 calls (18 KB) into records within maxPayload; all answered in order', async (assert) => {
      const server = await startServer({ encryption, maxPayload: 4096 });
      const client = await startClient(server, { maxPayload: 4096 });
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => client.request('echo', { i, pad: 'p'.repeat(50) })));
      assert.deepEqual(results.map((result) => (result as { i: number }).i), Array.from({ length: 200 }, (_, i) => i));
      const error = (await client.request('echo', 'x'.repeat(8192)).catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'PAYLOAD_TOO_LARGE', 'a single message over the limit is still refused');
    });
  });
}
