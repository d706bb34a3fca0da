import QUnit from 'qunit';
import { runFuzz, type FuzzSummary } from '../fuzz/fuzzer.js';
import { DOCUMENTED_CLOSE_CODES } from '../fuzz/oracle.js';

/** Fixed, so a failure here reproduces with `npm run fuzz -- --seed 20261126 --case N`. */
const SEED = 20_261_126;
/** About 2 s (encryption off) and 3 s (on) on a 2-core machine. */
const CASES = 1200;
const MB = 1024 * 1024;
/**
 * Heap growth (after a full GC) allowed over the second half of a run. Measured: 0.2 to
 * 0.35 MB (JIT and inline caches still settling). Retaining each closed Connection (with
 * its ws socket) adds about 4.4 KB per case, 2.6 MB over 600 cases: well over this bound.
 */
const MAX_SECOND_HALF_GROWTH = 1.5 * MB;
/** Growth over the whole run, warm-up included (about 5 MB when the run is the first in the process). */
const MAX_TOTAL_GROWTH = 16 * MB;

const LEAK_KINDS = ['connection-tally', 'client-map', 'no-disconnect', 'socket-leak'];

function failuresOf(summary: FuzzSummary, kinds?: readonly string[]): string[] {
  return summary.failures.filter((failure) => kinds === undefined || kinds.includes(failure.kind)).map((failure) => `${failure.kind}: ${failure.detail}\n${failure.dump}`);
}

for (const encryption of [false, true]) {
  QUnit.module(`integration: fuzz (encryption ${encryption ? 'on' : 'off'})`, (hooks) => {
    let summary: FuzzSummary;
    hooks.before(async () => {
      summary = await runFuzz({ seed: SEED, cases: CASES, encryption });
    });

    QUnit.test(`${CASES} random and mutated cases all ran, and the well-behaved client was answered after each`, (assert) => {
      assert.strictEqual(summary.cases, CASES);
      assert.deepEqual(failuresOf(summary, ['client']), []);
    });

    QUnit.test('no check failed in any case', (assert) => {
      assert.deepEqual(summary.failuresByKind, {});
      assert.deepEqual(failuresOf(summary), []);
    });

    QUnit.test('no malformed frame, and no frame behind one, reached a handler; well-formed ones did', (assert) => {
      assert.deepEqual(failuresOf(summary, ['handler-unexpected', 'handler-unauthenticated']), []);
      assert.true(summary.handlerCalls > CASES / 4, `${summary.handlerCalls} legitimate handler calls: the check is not vacuous`);
    });

    QUnit.test('the server closed each socket as the oracle predicted, with documented codes only', (assert) => {
      assert.deepEqual(failuresOf(summary, ['close-code', 'closed-valid', 'stayed-open', 'no-answer', 'undocumented-code']), []);
      const chosen = Object.keys(summary.closeCodes).filter((code) => code !== 'none' && code !== 'peer');
      assert.deepEqual(chosen.filter((code) => !DOCUMENTED_CLOSE_CODES.has(Number(code))), [], `codes seen: ${chosen.join(', ')}`);
      const expected = encryption ? ['4002', '4004', '4001', '1009', '1002'] : ['4004', '4001', '1009', '1002'];
      assert.deepEqual(expected.filter((code) => summary.closeCodes[code] === undefined), [], 'every kind of refusal occurred');
    });

    QUnit.test('bad frames are logged once, without the payload or the key', (assert) => {
      assert.deepEqual(failuresOf(summary, ['log-leak', 'log-repeat']), []);
      assert.true((summary.logs['warn closing connection'] ?? 0) > CASES / 4, 'refusals were logged: the check is not vacuous');
    });

    QUnit.test('every connection closed: connects == disconnects + 1, clientMap back to 1, no socket left open', (assert) => {
      assert.deepEqual(failuresOf(summary, LEAK_KINDS), []);
    });

    QUnit.test(`heap after GC grows less than ${MAX_SECOND_HALF_GROWTH / MB} MB over the second half, ${MAX_TOTAL_GROWTH / MB} MB overall`, (assert) => {
      const { samples, startBytes, endBytes } = summary.memory;
      const middle = samples[Math.floor(samples.length / 2)]![1];
      const show = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;
      assert.true(endBytes - middle < MAX_SECOND_HALF_GROWTH, `second half: ${show(middle)} -> ${show(endBytes)}`);
      assert.true(endBytes - startBytes < MAX_TOTAL_GROWTH, `whole run: ${show(startBytes)} -> ${show(endBytes)}`);
    });
  });
}
