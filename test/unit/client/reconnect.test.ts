import QUnit from 'qunit';
import { reconnectDelay, shouldReconnect, type BackoffPolicy } from '../../../src/client/reconnect.js';

const policy: BackoffPolicy = { baseDelay: 1000, maxDelay: 60_000 };
const top = (): number => 1;
const bottom = (): number => 0;

QUnit.module('src/client/reconnect', () => {
  QUnit.test('the delay ceiling starts at the base delay and doubles per attempt', (assert) => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt, policy, top));
    assert.deepEqual(ceilings, [1000, 2000, 4000, 8000, 16_000, 32_000]);
  });

  QUnit.test('the ceiling stops at maxDelay', (assert) => {
    assert.strictEqual(reconnectDelay(7, policy, top), 60_000, '64 s capped to 60 s');
    assert.strictEqual(reconnectDelay(50, policy, top), 60_000);
    assert.strictEqual(reconnectDelay(10_000, policy, top), 60_000, 'huge attempt numbers do not overflow');
  });

  QUnit.test('random 0 gives half the ceiling, random 1 the full ceiling', (assert) => {
    for (const attempt of [1, 3, 7, 20]) {
      const ceiling = reconnectDelay(attempt, policy, top);
      assert.strictEqual(reconnectDelay(attempt, policy, bottom), ceiling / 2, `attempt ${attempt}`);
    }
  });

  QUnit.test('jitter stays within [ceiling/2, ceiling]', (assert) => {
    for (const attempt of [1, 2, 5, 8]) {
      const ceiling = reconnectDelay(attempt, policy, top);
      for (const value of [0, 0.1, 0.5, 0.9, 0.999_999]) {
        const delay = reconnectDelay(attempt, policy, () => value);
        assert.true(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}, random ${value}: ${delay}`);
      }
    }
  });

  QUnit.test('the default randomness also stays within [ceiling/2, ceiling]', (assert) => {
    const delays = Array.from({ length: 200 }, () => reconnectDelay(3, policy));
    assert.true(delays.every((delay) => delay >= 2000 && delay <= 4000));
  });

  QUnit.test('attempt 0 or below is treated as the first attempt', (assert) => {
    assert.strictEqual(reconnectDelay(0, policy, top), 1000);
    assert.strictEqual(reconnectDelay(-3, policy, top), 1000);
  });

  QUnit.test('a base delay of 0 reconnects at once', (assert) => {
    assert.strictEqual(reconnectDelay(5, { baseDelay: 0, maxDelay: 1000 }, top), 0);
  });

  QUnit.test('delays are whole milliseconds', (assert) => {
    assert.true(Number.isInteger(reconnectDelay(1, { baseDelay: 333, maxDelay: 10_000 }, () => 0.123)));
  });

  QUnit.test('a deliberate server close (1000 kick, 4001 auth) does not reconnect; losses and faults do', (assert) => {
    assert.deepEqual([1000, 4001].map(shouldReconnect), [false, false]);
    assert.deepEqual([1001, 1006, 1009, 4002, 4003, 4004, 4008, 4999].map(shouldReconnect), [true, true, true, true, true, true, true, true]);
  });
});
