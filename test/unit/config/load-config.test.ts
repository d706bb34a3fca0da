import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QUnit from 'qunit';
import { useTempDir } from '../../helpers/temp-dir.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { isSocketError } from '../../../src/errors.js';
import { assertThrowsCode } from '../../helpers/assert-throws.js';

QUnit.module('src/config/load-config', (hooks) => {
  let dir = '';

  useTempDir(hooks, 'load-config', (path) => (dir = path));

  const writeDotEnv = (text: string): Promise<void> => writeFile(join(dir, '.env'), text);

  QUnit.test('reads .env in the given folder', async (assert) => {
    await writeDotEnv('SOCKET_PORT=4000\nSOCKET_LOG_LEVEL=debug\n# a comment\nSOCKET_AUTH_KEY="quoted key"\n');
    const config = loadConfig({}, { cwd: dir, env: {} });
    assert.strictEqual(config.port, 4000);
    assert.strictEqual(config.logLevel, 'debug');
    assert.strictEqual(config.authKey, 'quoted key');
    assert.false(config.usingDevelopmentKey);
  });

  QUnit.test('a .env that changes, appears or goes away is read again (it is cached between reads)', async (assert) => {
    await writeDotEnv('SOCKET_PORT=4000\n');
    assert.strictEqual(loadConfig({}, { cwd: dir, env: {} }).port, 4000);
    assert.strictEqual(loadConfig({}, { cwd: dir, env: {} }).port, 4000, 'unchanged: the same values');
    await writeDotEnv('SOCKET_PORT=4001\n');
    assert.strictEqual(loadConfig({}, { cwd: dir, env: {} }).port, 4001, 'same size, new content');
    await writeDotEnv('SOCKET_PORT=40001\nSOCKET_HOST=0.0.0.0\n');
    assert.strictEqual(loadConfig({}, { cwd: dir, env: {} }).host, '0.0.0.0');
    await rm(join(dir, '.env'));
    assert.strictEqual(loadConfig({}, { cwd: dir, env: {} }).host, '127.0.0.1', 'gone: defaults again');
  });

  QUnit.test('a real environment variable wins over .env', async (assert) => {
    await writeDotEnv('SOCKET_PORT=4000\nSOCKET_HOST=0.0.0.0\n');
    const config = loadConfig({}, { cwd: dir, env: { SOCKET_PORT: '5000' } });
    assert.strictEqual(config.port, 5000);
    assert.strictEqual(config.host, '0.0.0.0', '.env still fills what the environment leaves unset');
  });

  QUnit.test('a code option wins over both the environment and .env', async (assert) => {
    await writeDotEnv('SOCKET_PORT=4000\n');
    const config = loadConfig({ port: 6000 }, { cwd: dir, env: { SOCKET_PORT: '5000' } });
    assert.strictEqual(config.port, 6000);
  });

  QUnit.test('an environment entry that is undefined does not hide .env', async (assert) => {
    await writeDotEnv('SOCKET_PORT=4000\n');
    assert.strictEqual(loadConfig({}, { cwd: dir, env: { SOCKET_PORT: undefined } }).port, 4000);
  });

  QUnit.test('a folder without .env resolves from the environment alone', (assert) => {
    assert.strictEqual(loadConfig({}, { cwd: dir, env: { SOCKET_PORT: '5000' } }).port, 5000);
    assert.strictEqual(loadConfig({}, { cwd: dir, env: {} }).port, 2667);
  });

  QUnit.test('a bad value in .env is CONFIG_INVALID naming the variable', async (assert) => {
    await writeDotEnv('SOCKET_HEARTBEAT_INTERVAL=often\n');
    const error = await Promise.resolve()
      .then(() => loadConfig({}, { cwd: dir, env: {} }))
      .catch((e: unknown) => e);
    assert.true(isSocketError(error, 'CONFIG_INVALID'), 'throws CONFIG_INVALID');
    assert.true((error as Error).message.includes('SOCKET_HEARTBEAT_INTERVAL'));
  });

  QUnit.test('NODE_ENV=production in .env also requires a key', async (assert) => {
    await writeDotEnv('NODE_ENV=production\n');
    assertThrowsCode(assert, () => loadConfig({}, { cwd: dir, env: {} }), 'CONFIG_INVALID');
  });
});
