import QUnit from 'qunit';
import { TokenBucket } from '../../../src/server/rate-limit.js';

QUnit.module('src/server/rate-limit', () => {
  QUnit.test('a new bucket holds the burst; spending may run it into debt', (assert) => {
    const bucket = new TokenBucket(10, 5, 0);
    assert.strictEqual(bucket.level(0), 5);
    assert.strictEqual(bucket.spend(5, 0), 0);
    assert.strictEqual(bucket.spend(3, 0), -3, 'messages already read are counted, not refused');
  });

  QUnit.test('tokens refill at the rate as time passes', (assert) => {
    const bucket = new TokenBucket(10, 5, 0);
    bucket.spend(5, 0);
    assert.strictEqual(bucket.level(99), 0.99);
    assert.strictEqual(bucket.level(400), 4);
  });

  QUnit.test('refill never exceeds the burst', (assert) => {
    const bucket = new TokenBucket(10, 5, 0);
    bucket.spend(5, 0);
    assert.strictEqual(bucket.level(60_000), 5, 'a minute idle still gives only the burst');
  });

  QUnit.test('msUntil says how long until a level is back, debt included', (assert) => {
    const bucket = new TokenBucket(100, 50, 0);
    bucket.spend(60, 0);
    assert.strictEqual(bucket.msUntil(10, 0), 200, '10 tokens of debt plus 10 more at 100/s');
    assert.strictEqual(bucket.msUntil(10, 200), 0);
    assert.strictEqual(bucket.msUntil(500, 200), 400, 'a target above the burst means the burst');
  });

  QUnit.test('a sustained rate at the limit never goes into debt', (assert) => {
    const bucket = new TokenBucket(100, 1, 0);
    let lowest = Infinity;
    for (let now = 10; now <= 1000; now += 10) lowest = Math.min(lowest, bucket.spend(1, now));
    assert.true(lowest >= 0, `lowest level ${lowest}`);
  });

  QUnit.test('time standing still or stepping back adds no tokens; refill resumes from the new time', (assert) => {
    const bucket = new TokenBucket(10, 2, 1000);
    bucket.spend(2, 1000);
    assert.strictEqual(bucket.level(1000), 0, 'standing still');
    assert.strictEqual(bucket.level(500), 0, 'a wall clock stepped back');
    // A connection must not be locked out until the wall clock catches up again.
    assert.strictEqual(bucket.level(600), 1, '100 ms after the step: one token');
  });
});
