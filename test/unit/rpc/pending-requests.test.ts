import QUnit from 'qunit';
import sinon from 'sinon';
import { SocketError, isSocketError } from '../../../src/errors.js';
import { PendingRequests } from '../../../src/rpc/pending-requests.js';

/** Records how a promise settled, so a test can check "not yet" without waiting. */
function track(promise: Promise<unknown>): { state: 'pending' | 'resolved' | 'rejected'; value: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; value: unknown } = { state: 'pending', value: undefined };
  promise.then(
    (value) => Object.assign(outcome, { state: 'resolved', value }),
    (error: unknown) => Object.assign(outcome, { state: 'rejected', value: error }),
  );
  return outcome;
}

QUnit.module('src/rpc/pending-requests', (hooks) => {
  let clock: sinon.SinonFakeTimers;

  hooks.beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  hooks.afterEach(() => {
    clock.restore();
  });

  QUnit.test('create hands out increasing positive ids', async (assert) => {
    const pending = new PendingRequests();
    const calls = [1, 2, 3].map(() => pending.create('echo', 1000));
    const outcomes = calls.map((call) => track(call.promise));
    assert.deepEqual(calls.map((call) => call.id), [1, 2, 3]);
    assert.strictEqual(pending.size, 3);
    pending.rejectAll(new SocketError('DISCONNECTED'));
    await clock.tickAsync(0);
    assert.true(outcomes.every((outcome) => outcome.state === 'rejected'));
  });

  QUnit.test('a call with no answer rejects TIMEOUT at its deadline, not before', async (assert) => {
    const pending = new PendingRequests();
    const outcome = track(pending.create('echo', 1000).promise);
    await clock.tickAsync(999);
    assert.strictEqual(outcome.state, 'pending', 'still pending 1 ms before the deadline');
    await clock.tickAsync(1);
    assert.strictEqual(outcome.state, 'rejected');
    assert.true(isSocketError(outcome.value, 'TIMEOUT'));
    assert.strictEqual(pending.size, 0, 'forgotten after the timeout');
  });

  QUnit.test('settle with a response resolves the call and clears its timer', async (assert) => {
    const pending = new PendingRequests();
    const { id, promise } = pending.create('echo', 1000);
    assert.strictEqual(clock.countTimers(), 1);
    assert.true(pending.settle({ request: 'echo', id, response: { a: 1 } }));
    assert.deepEqual(await promise, { a: 1 });
    assert.strictEqual(pending.size, 0);
    assert.strictEqual(clock.countTimers(), 0);
  });

  QUnit.test('settle with an error rejects with its code and message', async (assert) => {
    const pending = new PendingRequests();
    const { id, promise } = pending.create('join', 1000);
    assert.true(pending.settle({ request: 'join', id, error: { code: 'ROOM_FULL', message: 'The room is full' } }));
    const error = await promise.catch((e: unknown) => e);
    assert.true(isSocketError(error, 'ROOM_FULL'));
    assert.strictEqual((error as SocketError).message, 'The room is full');
    assert.strictEqual(clock.countTimers(), 0);
  });

  QUnit.test('answers are matched by id, not by order', async (assert) => {
    const pending = new PendingRequests();
    const first = pending.create('a', 1000);
    const second = pending.create('b', 1000);
    pending.settle({ request: 'b', id: second.id, response: 'B' });
    pending.settle({ request: 'a', id: first.id, response: 'A' });
    assert.deepEqual(await Promise.all([first.promise, second.promise]), ['A', 'B']);
  });

  QUnit.test('an answer with an unknown or missing id is ignored', async (assert) => {
    const pending = new PendingRequests();
    const { id, promise } = pending.create('echo', 1000);
    const outcome = track(promise);
    assert.false(pending.settle({ request: 'echo', id: id + 100, response: 1 }));
    assert.false(pending.settle({ request: 'echo', response: 1 }));
    await clock.tickAsync(0);
    assert.strictEqual(outcome.state, 'pending');
    assert.strictEqual(pending.size, 1);
    pending.settle({ request: 'echo', id, response: 'ok' });
    assert.strictEqual(await promise, 'ok');
  });

  QUnit.test('a second answer for the same id is ignored', async (assert) => {
    const pending = new PendingRequests();
    const { id, promise } = pending.create('echo', 1000);
    assert.true(pending.settle({ request: 'echo', id, response: 'first' }));
    assert.false(pending.settle({ request: 'echo', id, response: 'second' }));
    assert.strictEqual(await promise, 'first');
  });

  QUnit.test('an answer after the timeout is ignored', async (assert) => {
    const pending = new PendingRequests();
    const { id, promise } = pending.create('echo', 100);
    const outcome = track(promise);
    await clock.tickAsync(100);
    assert.false(pending.settle({ request: 'echo', id, response: 'late' }));
    assert.true(isSocketError(outcome.value, 'TIMEOUT'));
  });

  QUnit.test('reject fails one call and leaves the others', async (assert) => {
    const pending = new PendingRequests();
    const first = pending.create('a', 1000);
    const second = track(pending.create('b', 1000).promise);
    pending.reject(first.id, new SocketError('PAYLOAD_TOO_LARGE'));
    assert.true(isSocketError(await first.promise.catch((e: unknown) => e), 'PAYLOAD_TOO_LARGE'));
    assert.strictEqual(second.state, 'pending');
    assert.strictEqual(pending.size, 1);
    assert.strictEqual(clock.countTimers(), 1, 'only the remaining call has a timer');
    pending.reject(first.id, new SocketError('TIMEOUT'));
    pending.rejectAll(new SocketError('DISCONNECTED'));
  });

  QUnit.test('rejectAll rejects every pending call at once with the given code and clears all timers', async (assert) => {
    const pending = new PendingRequests();
    const outcomes = ['a', 'b', 'c'].map((request) => track(pending.create(request, 1000).promise));
    assert.strictEqual(clock.countTimers(), 1, 'one timer serves every deadline');
    pending.rejectAll(new SocketError('DISCONNECTED'));
    assert.strictEqual(pending.size, 0);
    assert.strictEqual(clock.countTimers(), 0);
    await clock.tickAsync(0);
    assert.deepEqual(outcomes.map((outcome) => outcome.state), ['rejected', 'rejected', 'rejected']);
    assert.true(outcomes.every((outcome) => isSocketError(outcome.value, 'DISCONNECTED')));
  });

  QUnit.test('each call times out at its own deadline, whatever order they were made in', async (assert) => {
    const pending = new PendingRequests();
    const long = track(pending.create('long', 3000).promise);
    const short = track(pending.create('short', 1000).promise);
    const middle = track(pending.create('middle', 2000).promise);
    await clock.tickAsync(1000);
    assert.deepEqual([long.state, short.state, middle.state], ['pending', 'rejected', 'pending']);
    await clock.tickAsync(1000);
    assert.deepEqual([long.state, middle.state], ['pending', 'rejected']);
    await clock.tickAsync(999);
    assert.strictEqual(long.state, 'pending');
    await clock.tickAsync(1);
    assert.true(isSocketError(long.value, 'TIMEOUT'));
    assert.strictEqual(clock.countTimers(), 0, 'no timer left once nothing is pending');
  });

  QUnit.test('rejectAll with nothing pending does nothing', (assert) => {
    const pending = new PendingRequests();
    pending.rejectAll(new SocketError('DISCONNECTED'));
    assert.strictEqual(pending.size, 0);
  });
});
