// The node:test example of docs/testing.md, run by test/e2e/testing-examples.test.ts as
//   node --test --conditions=dropsocket-source --import tsx test/examples/node-test-handlers.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestPair } from 'dropsocket/testing';

test('echo answers with what it was sent', async () => {
  await using pair = await createTestPair({ handlerDir: 'socket-handlers' });
  assert.deepEqual(await pair.client.request('echo', { a: 1 }), { a: 1 });
});

test('whoami knows the name sent at auth', async () => {
  await using pair = await createTestPair({ handlerDir: 'socket-handlers', client: { authData: { name: 'ann' } } });
  const me = (await pair.client.request('whoami')) as { name: string; rooms: string[] };
  assert.equal(me.name, 'ann');
  assert.deepEqual(me.rooms, []);
});

test('with mocked timers, heartbeats keep an idle connection open', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  await using pair = await createTestPair({ handlerDir: 'socket-handlers' });
  for (let beat = 0; beat < 5; beat++) {
    t.mock.timers.tick(pair.server.config.heartBeatInterval);
    assert.equal(await pair.client.request('echo', beat), beat);
  }
  assert.equal(pair.client.ready, true);
});
