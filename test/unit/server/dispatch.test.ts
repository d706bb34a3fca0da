import QUnit from 'qunit';
import sinon from 'sinon';
import { InFlightCounter } from '../../../src/server/dispatch.js';

QUnit.module('src/server/dispatch', (hooks) => {
  let clock: sinon.SinonFakeTimers;

  hooks.beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  hooks.afterEach(() => {
    clock.restore();
  });

  QUnit.module('InFlightCounter.whenIdle', () => {
    QUnit.test('resolves true at once when nothing runs', async (assert) => {
      const counter = new InFlightCounter();
      assert.true(await counter.whenIdle(1000));
      assert.strictEqual(clock.countTimers(), 0);
    });

    QUnit.test('resolves true when the last call ends, and clears its timer', async (assert) => {
      const counter = new InFlightCounter();
      counter.begin();
      counter.begin();
      const idle = counter.whenIdle(1000);
      counter.end();
      await clock.tickAsync(500);
      assert.strictEqual(counter.count, 1);
      counter.end();
      assert.true(await idle);
      assert.strictEqual(clock.countTimers(), 0);
    });

    QUnit.test('resolves false at the deadline while calls still run', async (assert) => {
      const counter = new InFlightCounter();
      counter.begin();
      let result: boolean | undefined;
      void counter.whenIdle(1000).then((value) => (result = value));
      await clock.tickAsync(999);
      assert.strictEqual(result, undefined, 'not settled before the deadline');
      await clock.tickAsync(1);
      assert.false(result);
      assert.strictEqual(counter.count, 1);
    });

    QUnit.test('a waiter that timed out is not called again when the calls end', async (assert) => {
      const counter = new InFlightCounter();
      counter.begin();
      const timedOut = counter.whenIdle(100);
      await clock.tickAsync(100);
      assert.false(await timedOut);
      const later = counter.whenIdle(1000);
      counter.end();
      assert.true(await later);
      assert.strictEqual(clock.countTimers(), 0);
    });

    QUnit.test('every waiter resolves when idle is reached', async (assert) => {
      const counter = new InFlightCounter();
      counter.begin();
      const waiters = [counter.whenIdle(100), counter.whenIdle(1000), counter.whenIdle(5000)];
      counter.end();
      assert.deepEqual(await Promise.all(waiters), [true, true, true]);
      assert.strictEqual(clock.countTimers(), 0);
    });
  });
});
