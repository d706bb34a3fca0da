import QUnit from 'qunit';
import { ClientRecovery } from '../../../src/client/client-recovery.js';

QUnit.module('client/client-recovery', () => {
  QUnit.test('asks to resume with the token and the last push number; drops numbers already seen', (assert) => {
    const recovery = new ClientRecovery();
    assert.strictEqual(recovery.resumeRequest(), undefined, 'nothing before the first auth');
    assert.deepEqual(recovery.authenticated({ token: 't1', epoch: 'e', seq: 0 }), { recovered: false, reason: undefined });
    assert.deepEqual([1, 2, 2, 1, 3].map((seq) => recovery.received(seq)), [true, true, false, false, true]);
    assert.true(recovery.received(undefined), 'an unnumbered push is always new');
    assert.deepEqual(recovery.resumeRequest(), { token: 't1', seq: 3 });
    assert.deepEqual(recovery.authenticated({ token: 't2', epoch: 'e', seq: 5, recovered: true }), { recovered: true });
    assert.deepEqual(recovery.resumeRequest(), { token: 't2', seq: 3 }, 'the replay brings the numbers on from 3');
  });

  QUnit.test('a refused resume starts numbering again; a server without recovery says disabled', (assert) => {
    const recovery = new ClientRecovery();
    recovery.authenticated({ token: 't1', epoch: 'e', seq: 0 });
    recovery.received(7);
    assert.deepEqual(recovery.authenticated({ token: 't2', epoch: 'e', seq: 0, recovered: false, reason: 'gap' }), { recovered: false, reason: 'gap' });
    assert.true(recovery.received(1), 'push 1 of the new session is new');
    assert.deepEqual(recovery.authenticated(undefined), { recovered: false, reason: 'disabled' });
    assert.strictEqual(recovery.resumeRequest(), undefined);
    assert.strictEqual(recovery.position, undefined, 'no acknowledgements to a server without recovery');
  });
});
