import QUnit from 'qunit';
import type { SocketError } from '../../src/index.js';
import { resetAll, startClient, startExtraClient, startServer } from '../helpers/start-server.js';
import { nextEvent } from '../helpers/wait-for.js';

/** What became of a call: its response, or its error code. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (response) => ({ response }),
    (error: SocketError) => ({ code: error.code }),
  );
}

for (const encryption of [false, true]) {
  QUnit.module(`integration: graceful shutdown (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    hooks.afterEach(resetAll);

    QUnit.test('close() lets running calls finish, answers the stuck ones SHUTTING_DOWN, then closes with 1001', async (assert) => {
      const server = await startServer({ encryption, shutdownTimeout: 400 });
      const alice = await startClient(server, { reconnectBaseDelay: 60_000 });
      const bob = await startExtraClient(server, { reconnectBaseDelay: 60_000 });
      const calls = [
        outcome(alice.request('slow', { ms: 50 })),
        outcome(alice.request('slow', { ms: 250 })),
        outcome(bob.request('slow', { ms: 150 })),
        outcome(alice.request('never')),
        outcome(bob.request('never')),
      ];
      // Calls on a connection are dispatched in order: once these answer, all of the above run.
      await Promise.all([alice.request('echo', 0), bob.request('echo', 0)]);
      const aliceClosed = nextEvent<[number, string]>(alice.events, 'disconnect');
      const closing = server.close();
      const late = await outcome(bob.request('echo', 'late'));
      assert.deepEqual(late, { code: 'SHUTTING_DOWN' }, 'a call after close() began is refused, not dropped');
      assert.deepEqual(await Promise.all(calls), [
        { response: { slept: 50 } },
        { response: { slept: 250 } },
        { response: { slept: 150 } },
        { code: 'SHUTTING_DOWN' },
        { code: 'SHUTTING_DOWN' },
      ]);
      assert.deepEqual(await aliceClosed, [1001, 'SHUTTING_DOWN']);
      await closing;
      assert.strictEqual(server.clientMap.size, 0);
    });

    QUnit.test('close() with nothing running closes at once and refuses new sockets', async (assert) => {
      const server = await startServer({ encryption });
      const client = await startClient(server, { reconnectBaseDelay: 60_000 });
      const closed = nextEvent<[number, string]>(client.events, 'disconnect');
      await server.close();
      assert.strictEqual((await closed)[0], 1001);
      const error = (await startExtraClient(server).catch((e: unknown) => e)) as SocketError;
      assert.strictEqual(error.code, 'CONNECT_FAILED');
    });
  });
}
