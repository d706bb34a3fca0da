// The QUnit example of docs/testing.md: tests of the example handlers in socket-handlers/.
import QUnit from 'qunit';
import sinon from 'sinon';
import { TIMERS_TO_FAKE, createTestPair } from 'dropsocket/testing';

QUnit.module('example: socket-handlers with QUnit', () => {
  QUnit.test('echo answers with what it was sent', async (assert) => {
    await using pair = await createTestPair({ handlerDir: 'socket-handlers' });
    assert.deepEqual(await pair.client.request('echo', { a: 1 }), { a: 1 });
  });

  QUnit.test('joining a room tells the members already in it', async (assert) => {
    await using pair = await createTestPair({ handlerDir: 'socket-handlers', client: { authData: { name: 'ann' } } });
    const bob = await pair.addClient({ authData: { name: 'bob' } });
    await bob.request('room.join', { room: 'lobby' });
    await pair.client.request('room.join', { room: 'lobby' });
    assert.deepEqual(await pair.nextPush('room.joined', { client: bob }), { room: 'lobby', name: 'ann' });
  });

  QUnit.test('a bad room name is answered VALIDATION_ERROR', async (assert) => {
    await using pair = await createTestPair({ handlerDir: 'socket-handlers' });
    await assert.rejects(pair.client.request('room.join', { room: '' }), (error: { code?: string }) => error.code === 'VALIDATION_ERROR');
  });

  QUnit.test('with fake timers, a request whose deadline passes rejects TIMEOUT', async (assert) => {
    const clock = sinon.useFakeTimers({ toFake: [...TIMERS_TO_FAKE] });
    try {
      await using pair = await createTestPair({ handlerDir: 'socket-handlers' });
      const answer = pair.client.request('echo', 'hi', { timeout: 1000 });
      clock.tick(1000); // synchronous: the deadline passes before the answer can arrive
      await assert.rejects(answer, (error: { code?: string }) => error.code === 'TIMEOUT');
    } finally {
      clock.restore();
    }
  });
});
