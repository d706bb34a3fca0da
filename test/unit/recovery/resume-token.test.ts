import QUnit from 'qunit';
import { formatResumeToken, parseResumeRequest, parseResumeToken } from '../../../src/recovery/resume-token.js';

QUnit.module('recovery/resume-token', () => {
  QUnit.test('a token splits back into the id and the secret', (assert) => {
    assert.deepEqual(parseResumeToken(formatResumeToken('AbC_d-e-1f', 's3cr_t-')), { id: 'AbC_d-e-1f', secret: 's3cr_t-' });
  });

  QUnit.test('anything not shaped like a token is undefined', (assert) => {
    for (const token of [undefined, null, 42, '', 'nodot', '.secret', 'id.', 'x'.repeat(300) + '.y']) {
      assert.strictEqual(parseResumeToken(token), undefined, JSON.stringify(token));
    }
  });

  QUnit.test('a resume request needs a token and a non-negative integer position', (assert) => {
    assert.deepEqual(parseResumeRequest({ token: 'a-1.s', seq: 3 }), { token: { id: 'a-1', secret: 's' }, seq: 3 });
    for (const request of [null, 'a-1.s', { token: 'a-1.s' }, { token: 'a-1.s', seq: -1 }, { token: 'a-1.s', seq: 1.5 }, { token: 'bad', seq: 0 }]) {
      assert.strictEqual(parseResumeRequest(request), undefined, JSON.stringify(request));
    }
  });
});
