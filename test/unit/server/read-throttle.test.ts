import QUnit from 'qunit';
import sinon from 'sinon';
import { ReadThrottle } from '../../../src/server/read-throttle.js';

/** A socket that records pause/resume, and whose reading a test drives by hand. */
class FakeReader {
  paused = false;
  pauses = 0;
  pause(): void {
    this.paused = true;
    this.pauses += 1;
  }
  resume(): void {
    this.paused = false;
  }
}

QUnit.module('src/server/read-throttle', (hooks) => {
  let clock: sinon.SinonFakeTimers;
  hooks.beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  hooks.afterEach(() => {
    clock.restore();
  });

  function setup(rate: number, burst: number) {
    const reader = new FakeReader();
    const onPause = sinon.spy();
    const throttle = new ReadThrottle(reader, { rate, burst, now: () => clock.now, onPause });
    return { reader, throttle, onPause };
  }

  QUnit.test('under the rate nothing pauses and no timer is armed', (assert) => {
    const { reader, throttle } = setup(100, 10);
    for (let i = 0; i < 500; i++) {
      throttle.charge(1);
      clock.tick(20);
    }
    assert.strictEqual(reader.pauses, 0);
    assert.strictEqual(clock.countTimers(), 0);
  });

  QUnit.test('over the burst, reading pauses instead of anything closing, and resumes once tokens refill', (assert) => {
    const { reader, throttle, onPause } = setup(100, 10);
    for (let i = 0; i < 10; i++) throttle.charge(1);
    assert.false(reader.paused, 'the burst is allowed at once');
    throttle.charge(1);
    assert.true(reader.paused);
    assert.true(throttle.paused);
    assert.strictEqual(clock.countTimers(), 1, 'one timer for the paused connection');
    assert.strictEqual(onPause.firstCall.args[0], 110, '1 token of debt plus 10 to resume, at 100/s');
    clock.tick(110);
    assert.false(reader.paused);
    assert.strictEqual(clock.countTimers(), 0);
  });

  QUnit.test('messages handled while paused add debt, and the pause lasts until it is repaid', (assert) => {
    const { reader, throttle } = setup(100, 10);
    throttle.charge(11);
    // Frames the socket had already delivered: they are handled, and counted.
    throttle.charge(50);
    assert.strictEqual(clock.countTimers(), 1, 'still one timer');
    clock.tick(110);
    assert.true(reader.paused, 'the first planned wake finds debt left');
    clock.tick(500);
    assert.false(reader.paused);
    assert.strictEqual(reader.pauses, 1, 'one pause, extended');
  });

  QUnit.test('a flooding reader is held to its rate over a window (every message of a record counts)', (assert) => {
    const rate = 200;
    const burst = 50;
    const { reader, throttle } = setup(rate, burst);
    let handled = 0;
    // The peer always has more to send: whenever the socket reads, a record of 7 messages
    // arrives every millisecond.
    for (let ms = 0; ms < 10_000; ms++) {
      if (!reader.paused) {
        throttle.charge(7);
        handled += 7;
      }
      clock.tick(1);
    }
    const ceiling = burst + rate * 10 + 7;
    assert.true(handled <= ceiling, `${handled} handled in 10 s, at most ${ceiling}`);
    assert.true(handled >= rate * 10 * 0.95, `${handled} handled in 10 s: the rate is used, not starved`);
  });

  QUnit.test('stop() clears the timer and lets the socket read (the close frame must get through)', (assert) => {
    const { reader, throttle } = setup(10, 1);
    throttle.charge(5);
    assert.true(reader.paused);
    throttle.stop();
    assert.false(reader.paused);
    assert.strictEqual(clock.countTimers(), 0);
    throttle.charge(100);
    assert.false(reader.paused, 'a stopped throttle never pauses again');
  });
});
