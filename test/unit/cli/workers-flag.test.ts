import QUnit from 'qunit';
import { USAGE, UsageError, parseCommand } from '../../../src/cli/args.js';
import { assertThrowsType } from '../../helpers/assert-throws.js';

QUnit.module('src/cli/args: serve --workers', () => {
  QUnit.test('--workers N and --workers auto become the workers option', (assert) => {
    assert.deepEqual(parseCommand(['serve', '--workers', '3']), { name: 'serve', workers: 3 });
    assert.deepEqual(parseCommand(['serve', '--workers=auto']), { name: 'serve', workers: 'auto' });
    assert.true(USAGE.includes('--workers'), 'the usage text lists it');
  });

  QUnit.test('a worker count that is not 1 to 1024 or auto is a UsageError; call does not take it', (assert) => {
    for (const workers of ['0', '1025', 'two', '-2', '']) assertThrowsType(assert, () => parseCommand(['serve', '--workers', workers]), UsageError, JSON.stringify(workers));
    assertThrowsType(assert, () => parseCommand(['call', 'echo', '--workers', '2']), UsageError);
  });
});
