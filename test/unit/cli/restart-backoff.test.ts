import QUnit from 'qunit';
import { STABLE_AFTER_MS, nextRestart } from '../../../src/cli/restart-backoff.js';

QUnit.module('cli/restart-backoff', () => {
  QUnit.test('a worker that crashes soon after starting waits longer each time, up to a cap', (assert) => {
    let streak = { count: 0 };
    const delays: number[] = [];
    for (let crash = 0; crash < 10; crash++) {
      const next = nextRestart(streak, 50);
      delays.push(next.delayMs);
      streak = next.streak;
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  QUnit.test('a worker that ran stably is restarted at once and its streak forgotten', (assert) => {
    assert.deepEqual(nextRestart({ count: 6 }, STABLE_AFTER_MS), { delayMs: 0, streak: { count: 0 } });
  });
});
