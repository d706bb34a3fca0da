/** dropsocket/testing against the fixture handlers: real sockets on 127.0.0.1, real and fake timers. */
import QUnit from 'qunit';
import sinon from 'sinon';
import { SocketClient, SocketServer } from 'dropsocket';
import { TIMERS_TO_FAKE, createTestPair, type TestPair } from 'dropsocket/testing';
import { fixtureHandlers } from '../helpers/start-server.js';
import { nextEvent, within } from '../helpers/wait-for.js';

const VALID = fixtureHandlers('valid');

function hasCode(code: string): (error: { code?: string }) => boolean {
  return (error) => error.code === code;
}

QUnit.module('integration/testing-kit (dropsocket/testing)', (hooks) => {
  let pair: TestPair | undefined;
  let clock: sinon.SinonFakeTimers | undefined;

  hooks.afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await pair?.close();
    pair = undefined;
  });

  QUnit.test('one call starts the handlers on a free loopback port with an authenticated client, never the singletons', async (assert) => {
    pair = await createTestPair({ handlerDir: VALID, client: { authData: { user: 'ann' } } });
    assert.true(pair.server.port > 0);
    assert.true(pair.client.ready);
    assert.deepEqual(pair.client.authResponse, { welcome: 'ann' });
    assert.strictEqual(await pair.client.request('add', { a: 2, b: 3 }), 5);
    assert.strictEqual(SocketServer.instance, undefined);
    assert.strictEqual(SocketClient.instance, undefined);
  });

  QUnit.test('close() closes the client and the server and may be called twice', async (assert) => {
    pair = await createTestPair({ handlerDir: VALID });
    const disconnected = nextEvent<[unknown, number]>(pair.server.events, 'disconnect');
    await Promise.all([pair.close(), pair.close()]);
    assert.false(pair.client.ready);
    assert.strictEqual((await disconnected)[1], 1000, 'the client closed normally');
    await assert.rejects(pair.client.request('add', { a: 1, b: 1 }), hasCode('NOT_CONNECTED'));
  });

  QUnit.test('await using closes the pair at the end of the block', async (assert) => {
    let server: SocketServer;
    {
      await using scoped = await createTestPair({ handlerDir: VALID });
      server = scoped.server;
      assert.strictEqual(server.clientMap.size, 1);
    }
    assert.strictEqual(server.clientMap.size, 0, 'the connection is gone');
    await assert.rejects(server.close().then(() => createTestPair({ handlerDir: 'no/such/folder' })), hasCode('HANDLER_LOAD_FAILED'));
  });

  QUnit.test('a pair that cannot start rejects and leaves nothing listening', async (assert) => {
    await assert.rejects(createTestPair({ handlerDir: fixtureHandlers('missing-auth') }), hasCode('MISSING_AUTH_HANDLER'));
    await assert.rejects(createTestPair({ handlerDir: VALID, client: { authData: { ban: true } } }), hasCode('BANNED'));
  });

  QUnit.module('nextPush', () => {
    QUnit.test('resolves with the payload of the next push of that name, even one that arrived before the call', async (assert) => {
      pair = await createTestPair({ handlerDir: VALID });
      await pair.client.request('rooms', { shout: 'first' });
      await pair.client.request('rooms', { shout: 'second' });
      assert.strictEqual(await pair.nextPush('news'), 'first');
      assert.strictEqual(await pair.nextPush('news'), 'second');
    });

    QUnit.test('waits for a push still to come', async (assert) => {
      pair = await createTestPair({ handlerDir: VALID });
      const pushed = pair.nextPush('news');
      pair.server.broadcast('news', { late: true });
      assert.deepEqual(await pushed, { late: true });
    });

    QUnit.test('rejects with TIMEOUT when no such push comes in time', async (assert) => {
      pair = await createTestPair({ handlerDir: VALID });
      await assert.rejects(pair.nextPush('news', { timeout: 20 }), hasCode('TIMEOUT'));
    });

    QUnit.test('a waiting nextPush is rejected CLIENT_CLOSED when the pair closes', async (assert) => {
      pair = await createTestPair({ handlerDir: VALID });
      const rejected = assert.rejects(pair.nextPush('news', { timeout: 60_000 }), hasCode('CLIENT_CLOSED'));
      await pair.close();
      await rejected;
    });

    QUnit.test('addClient connects another client; nextPush can wait on it', async (assert) => {
      pair = await createTestPair({ handlerDir: VALID });
      const other = await pair.addClient({ authData: { user: 'bob' } });
      assert.deepEqual(other.authResponse, { welcome: 'bob' });
      await other.request('rooms', { join: 'lobby' });
      await pair.client.request('rooms', { shout: 'hi lobby', room: 'lobby' });
      assert.strictEqual(await pair.nextPush('news', { client: other }), 'hi lobby');
      await assert.rejects(pair.nextPush('news', { timeout: 20 }), hasCode('TIMEOUT'), 'the sender is not in the room');
      await pair.close();
      assert.false(other.ready, 'closed with the pair');
    });
  });

  QUnit.module('with sinon fake timers', () => {
    QUnit.test('a request times out when the fake clock passes its deadline', async (assert) => {
      clock = sinon.useFakeTimers({ toFake: [...TIMERS_TO_FAKE] });
      pair = await createTestPair({ handlerDir: VALID });
      const pending = pair.client.request('never', null, { timeout: 1000 });
      await clock.tickAsync(999);
      const settled = await Promise.race([pending.then(() => 'settled', () => 'settled'), Promise.resolve('pending')]);
      assert.strictEqual(settled, 'pending', 'not before the deadline');
      await clock.tickAsync(1);
      await assert.rejects(pending, hasCode('TIMEOUT'));
      assert.true(pair.client.ready, 'a timeout does not drop the connection');
    });

    QUnit.test('heartbeats keep an idle connection open across many intervals', async (assert) => {
      clock = sinon.useFakeTimers({ toFake: [...TIMERS_TO_FAKE] });
      pair = await createTestPair({ handlerDir: VALID });
      const interval = pair.server.config.heartBeatInterval;
      let drops = 0;
      pair.server.events.on('disconnect', () => (drops += 1));
      for (let beat = 0; beat < 10; beat++) {
        clock.tick(interval);
        // A round trip behind the heartbeat: once it is answered, so is the beat before it.
        assert.strictEqual(await within(pair.client.request('add', { a: beat, b: 0 })), beat);
      }
      assert.strictEqual(drops, 0, 'never dropped');
      assert.true(pair.client.ready);
    });

    QUnit.test('the server drops a connection silent for 2.5 intervals, and the client sees 1001', async (assert) => {
      clock = sinon.useFakeTimers({ toFake: [...TIMERS_TO_FAKE] });
      pair = await createTestPair({ handlerDir: VALID });
      const clientDropped = nextEvent<[number, string]>(pair.client.events, 'disconnect');
      // The clock jumps three intervals in one go: no frame can arrive meanwhile, exactly
      // what a server sees from a peer whose link went dead.
      clock.tick(pair.server.config.heartBeatInterval * 3);
      const [code, reason] = await clientDropped;
      assert.strictEqual(code, 1001);
      assert.strictEqual(reason, 'HEARTBEAT_TIMEOUT');
    });
  });
});
