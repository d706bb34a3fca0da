import QUnit from 'qunit';
import { MetricTally } from '../../../src/metrics/metric-tally.js';
import { countConnections } from '../../../src/metrics/server-metrics.js';

QUnit.module('src/metrics/metric-tally', () => {
  QUnit.test('a duration lands in the first bucket whose bound is not below it; beyond the last, in +Inf', (assert) => {
    const tally = new MetricTally();
    for (const seconds of [0.0001, 0.0005, 0.0006, 10, 11]) tally.handlerFinished('echo', seconds);
    const echo = tally.durations.get('echo')!;
    assert.deepEqual([echo.counts[0], echo.counts[1], echo.counts.at(-2), echo.counts.at(-1)], [2, 1, 1, 1]);
    assert.strictEqual(echo.counts.reduce((a, b) => a + b, 0), 5);
    assert.strictEqual(Number(echo.sum.toFixed(4)), 21.0012);
  });

  QUnit.test('bytes of string frames count as UTF-8, of binary frames as their length', (assert) => {
    const tally = new MetricTally();
    tally.sent('é');
    tally.sent(Buffer.alloc(5));
    tally.received(7, 1);
    assert.deepEqual([tally.bytesOut, tally.messagesOut, tally.bytesIn, tally.messagesIn], [7, 2, 7, 1]);
  });

  QUnit.test('errors and closes are counted by code', (assert) => {
    const tally = new MetricTally();
    tally.errorAnswered('ROOM_FULL');
    tally.errorAnswered('ROOM_FULL');
    tally.closed(1001);
    assert.deepEqual([...tally.errors], [['ROOM_FULL', 2]]);
    assert.deepEqual([...tally.closes], [[1001, 1]]);
  });

  QUnit.test('countConnections splits authenticated from not yet authenticated', (assert) => {
    assert.deepEqual(countConnections([{ authenticated: true }, { authenticated: false }, { authenticated: true }], true), { encrypted: true, authenticated: 2, unauthenticated: 1 });
  });
});
