import QUnit from 'qunit';
import { TokenBucket } from '../../../src/server/rate-limit.js';

/** How many takes succeed in a row at time `now`. */
function drain(bucket: TokenBucket, now: number, max = 10_000): number {
  let taken = 0;
  while (taken < max && bucket.take(now)) taken += 1;
  return taken;
}

QUnit.module('src/server/rate-limit', () => {
  QUnit.test('a new bucket allows a burst, then refuses', (assert) => {
    const bucket = new TokenBucket(10, 5, 0);
    assert.strictEqual(drain(bucket, 0), 5);
    assert.false(bucket.take(0));
  });

  QUnit.test('tokens refill at the rate as time passes', (assert) => {
    const bucket = new TokenBucket(10, 5, 0);
    drain(bucket, 0);
    assert.false(bucket.take(99), 'less than one token after 99 ms at 10/s');
    assert.true(bucket.take(100), 'one token after 100 ms');
    assert.false(bucket.take(100));
    assert.strictEqual(drain(bucket, 400), 3, '300 ms more: three tokens');
  });

  QUnit.test('refill never exceeds the burst', (assert) => {
    const bucket = new TokenBucket(10, 5, 0);
    drain(bucket, 0);
    assert.strictEqual(drain(bucket, 60_000), 5, 'a minute idle still gives only the burst');
  });

  QUnit.test('a sustained rate at the limit is allowed', (assert) => {
    const bucket = new TokenBucket(100, 1, 0);
    let allowed = 0;
    for (let now = 10; now <= 1000; now += 10) if (bucket.take(now)) allowed += 1;
    assert.strictEqual(allowed, 100, 'one message every 10 ms at 100/s');
  });

  QUnit.test('time standing still or stepping back adds no tokens', (assert) => {
    const bucket = new TokenBucket(10, 2, 1000);
    drain(bucket, 1000);
    assert.false(bucket.take(1000), 'standing still');
    assert.false(bucket.take(500), 'a wall clock stepped back');
  });

  QUnit.test('after the clock steps back, refill resumes from the new time', (assert) => {
    const bucket = new TokenBucket(10, 5, 1000);
    drain(bucket, 1000);
    bucket.take(500);
    // A connection must not be locked out until the wall clock catches up again.
    assert.true(bucket.take(600), '100 ms after the step: one token');
  });
});
