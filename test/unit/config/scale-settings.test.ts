import QUnit from 'qunit';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { assertThrowsCode } from '../../helpers/assert-throws.js';

QUnit.module('src/config: scale-out settings', () => {
  QUnit.test('workers defaults to 1 and takes an integer or auto; adapter defaults to local', (assert) => {
    assert.strictEqual(resolveConfig({}, {}).workers, 1);
    assert.strictEqual(resolveConfig({}, {}).adapter, 'local');
    assert.strictEqual(resolveConfig({}, { SOCKET_WORKERS: '4' }).workers, 4);
    assert.strictEqual(resolveConfig({}, { SOCKET_WORKERS: 'AUTO' }).workers, 'auto');
    assert.strictEqual(resolveConfig({ adapter: 'redis://:pw@10.0.0.2:6380/2' }, {}).adapter, 'redis://:pw@10.0.0.2:6380/2');
    assert.strictEqual(resolveConfig({}, { SOCKET_ADAPTER: 'rediss://cache.internal' }).adapter, 'rediss://cache.internal');
  });

  QUnit.test('bad values are CONFIG_INVALID, and an adapter URL (it may hold a password) is never echoed', (assert) => {
    for (const workers of ['0', '-1', 'many', '1.5']) assertThrowsCode(assert, () => resolveConfig({}, { SOCKET_WORKERS: workers }), 'CONFIG_INVALID', { message: workers });
    for (const adapter of ['http://:secret@host', 'redis', 'memcached://:secret@x']) {
      try {
        resolveConfig({}, { SOCKET_ADAPTER: adapter });
        assert.true(false, `${adapter} accepted`);
      } catch (error) {
        assert.true((error as Error).message.includes('SOCKET_ADAPTER'), 'names the variable');
        assert.false((error as Error).message.includes('secret'), 'does not echo the value');
      }
    }
  });
});
