import QUnit from 'qunit';
import sinon from 'sinon';
import { LivenessSweep, SILENT_INTERVALS_BEFORE_DROP, type Watched } from '../../../src/server/liveness.js';

const INTERVAL = 1000;

QUnit.module('src/server/liveness', (hooks) => {
  let clock: sinon.SinonFakeTimers;
  let sweep: LivenessSweep<Watched> | undefined;

  hooks.beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  hooks.afterEach(() => {
    sweep?.stop();
    sweep = undefined;
    clock.restore();
  });

  function start(connections: Watched[], onSilent: (connection: Watched) => void): LivenessSweep<Watched> {
    sweep = new LivenessSweep({ heartBeatInterval: INTERVAL, connections: () => connections, onSilent, now: () => clock.now });
    sweep.start();
    return sweep;
  }

  QUnit.test('the server tolerates 2.5 intervals of silence', (assert) => {
    assert.strictEqual(SILENT_INTERVALS_BEFORE_DROP, 2.5);
  });

  QUnit.test('a connection silent for more than 2.5 intervals is reported', (assert) => {
    const silent = { lastSeen: 0 };
    const onSilent = sinon.spy();
    start([silent], onSilent);
    clock.tick(2500);
    assert.strictEqual(onSilent.callCount, 0, 'exactly 2.5 intervals is still tolerated');
    clock.tick(500);
    assert.strictEqual(onSilent.callCount, 1, 'reported at the next sweep');
    assert.strictEqual(onSilent.firstCall.args[0], silent);
  });

  QUnit.test('a connection whose reading the rate limit paused is alive, however long since a frame was read', (assert) => {
    const paused = { lastSeen: 0, readPaused: true };
    const onSilent = sinon.spy();
    start([paused], onSilent);
    clock.tick(10_000);
    assert.strictEqual(onSilent.callCount, 0, 'it is sending: that is why it is paused');
    paused.readPaused = false;
    clock.tick(500);
    assert.strictEqual(onSilent.callCount, 1);
  });

  QUnit.test('a connection seen recently is not reported', (assert) => {
    const silent = { lastSeen: 0 };
    const chatty = { lastSeen: 0 };
    const onSilent = sinon.spy();
    start([silent, chatty], onSilent);
    clock.tick(2000);
    chatty.lastSeen = clock.now;
    clock.tick(1000);
    assert.deepEqual(onSilent.args.map(([connection]) => connection), [silent]);
  });

  QUnit.test('the sweep reads the injected clock, not Date.now', (assert) => {
    let now = 0;
    const onSilent = sinon.spy();
    sweep = new LivenessSweep({ heartBeatInterval: INTERVAL, connections: () => [{ lastSeen: 0 }], onSilent, now: () => now });
    sweep.start();
    clock.tick(10_000);
    assert.strictEqual(onSilent.callCount, 0, 'no time passed on the injected clock');
    now = 2501;
    clock.tick(500);
    assert.strictEqual(onSilent.callCount, 1);
  });

  QUnit.test('sweeps every half interval with one timer for all connections', (assert) => {
    const onSilent = sinon.spy();
    const connections = Array.from({ length: 50 }, () => ({ lastSeen: 0 }));
    start(connections, onSilent);
    assert.strictEqual(clock.countTimers(), 1);
    clock.tick(3000);
    assert.strictEqual(onSilent.callCount, 50, 'all reported by the sweep at 3000 ms');
  });

  QUnit.test('a connection may be removed from the set while it is reported', (assert) => {
    const connections = new Set<Watched>([{ lastSeen: 0 }, { lastSeen: 0 }, { lastSeen: 0 }]);
    const onSilent = sinon.spy((connection: Watched) => connections.delete(connection));
    sweep = new LivenessSweep({ heartBeatInterval: INTERVAL, connections: () => connections, onSilent, now: () => clock.now });
    sweep.start();
    clock.tick(3000);
    assert.strictEqual(onSilent.callCount, 3);
    assert.strictEqual(connections.size, 0);
  });

  QUnit.test('stop() stops the sweeps and clears the timer', (assert) => {
    const onSilent = sinon.spy();
    const running = start([{ lastSeen: 0 }], onSilent);
    running.stop();
    assert.strictEqual(clock.countTimers(), 0);
    clock.tick(10_000);
    assert.strictEqual(onSilent.callCount, 0);
  });

  QUnit.test('start() twice keeps one timer', (assert) => {
    const running = start([], sinon.spy());
    running.start();
    assert.strictEqual(clock.countTimers(), 1);
  });
});
