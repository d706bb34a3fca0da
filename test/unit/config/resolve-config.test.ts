import QUnit from 'qunit';
import { LOG_LEVELS } from '../../../config/environment.js';
import { boolean, integer, integerOrUnlimited, optional, websocketUrl } from '../../../src/config/parsers.js';
import { resolveConfig, type ConfigOptions, type Environment } from '../../../src/config/resolve-config.js';
import { isSocketError } from '../../../src/errors.js';
import { DEVELOPMENT_AUTH_KEY } from '../../../src/protocol/constants.js';
import { assertThrowsCode, assertThrowsType } from '../../helpers/assert-throws.js';

/** The CONFIG_INVALID error `resolveConfig` throws for these inputs (fails the test if none). */
function configError(assert: Assert, options: ConfigOptions, env: Environment): Error {
  try {
    resolveConfig(options, env);
  } catch (error) {
    assert.true(isSocketError(error, 'CONFIG_INVALID'), 'throws CONFIG_INVALID');
    return error as Error;
  }
  assert.pushResult({ result: false, actual: 'nothing thrown', expected: 'CONFIG_INVALID', message: 'throws CONFIG_INVALID' });
  return new Error('nothing thrown');
}

QUnit.module('src/config/resolve-config', () => {
  QUnit.module('defaults', () => {
    QUnit.test('with no options and an empty environment every setting takes its documented default', (assert) => {
      const config = resolveConfig({}, {});
      assert.strictEqual(config.port, 2667);
      assert.strictEqual(config.host, '127.0.0.1');
      assert.strictEqual(config.handlerDir, './socket-handlers');
      assert.true(config.encryption);
      assert.strictEqual(config.heartBeatInterval, 30_000);
      assert.strictEqual(config.reconnectBaseDelay, 1000);
      assert.strictEqual(config.reconnectMaxDelay, 60_000);
      assert.strictEqual(config.maxReconnectAttempts, Infinity);
      assert.strictEqual(config.requestTimeout, 30_000);
      assert.strictEqual(config.authTimeout, 10_000);
      assert.strictEqual(config.maxPayload, 1_048_576);
      assert.strictEqual(config.logLevel, 'info');
      assert.deepEqual(config.authData, {});
    });

    QUnit.test('both arguments are optional', (assert) => {
      assert.strictEqual(resolveConfig().port, 2667);
    });

    QUnit.test('the address defaults to ws://localhost with the resolved port', (assert) => {
      assert.strictEqual(resolveConfig({}, {}).address, 'ws://localhost:2667');
      assert.strictEqual(resolveConfig({}, { SOCKET_PORT: '9000' }).address, 'ws://localhost:9000');
      assert.strictEqual(resolveConfig({ port: 4100 }, {}).address, 'ws://localhost:4100');
    });

    QUnit.test('an explicit address is not replaced by the derived one', (assert) => {
      const config = resolveConfig({ port: 4100 }, { SOCKET_ADDRESS: 'ws://example.test:5000' });
      assert.strictEqual(new URL(config.address).port, '5000');
    });

    QUnit.test('the heartbeat timeout defaults to one heartbeat interval', (assert) => {
      assert.strictEqual(resolveConfig({}, {}).heartBeatTimeout, 30_000);
      assert.strictEqual(resolveConfig({}, { SOCKET_HEARTBEAT_INTERVAL: '5000' }).heartBeatTimeout, 5000);
      assert.strictEqual(resolveConfig({ heartBeatInterval: 700 }, {}).heartBeatTimeout, 700);
    });

    QUnit.test('an explicit heartbeat timeout is kept', (assert) => {
      const config = resolveConfig({}, { SOCKET_HEARTBEAT_INTERVAL: '5000', SOCKET_HEARTBEAT_TIMEOUT: '2000' });
      assert.strictEqual(config.heartBeatInterval, 5000);
      assert.strictEqual(config.heartBeatTimeout, 2000);
    });

    QUnit.test('an empty or blank variable counts as unset', (assert) => {
      const config = resolveConfig({}, { SOCKET_PORT: '', SOCKET_ENCRYPTION: '   ', SOCKET_AUTH_KEY: '' });
      assert.strictEqual(config.port, 2667);
      assert.true(config.encryption);
      assert.true(config.usingDevelopmentKey);
    });

    QUnit.test('variables outside the table are ignored', (assert) => {
      const config = resolveConfig({}, { SOCKET_UNKNOWN: 'x', PATH: '/bin' });
      assert.strictEqual(config.port, 2667);
    });
  });

  QUnit.module('environment parsing', () => {
    QUnit.test('integers are read from decimal strings, surrounding spaces allowed', (assert) => {
      const config = resolveConfig({}, {
        SOCKET_PORT: ' 8080 ',
        SOCKET_REQUEST_TIMEOUT: '1500',
        SOCKET_AUTH_TIMEOUT: '250',
        SOCKET_MAX_PAYLOAD: '4096',
        SOCKET_RECONNECT_BASE_DELAY: '0',
        SOCKET_RECONNECT_MAX_DELAY: '100',
      });
      assert.strictEqual(config.port, 8080);
      assert.strictEqual(config.requestTimeout, 1500);
      assert.strictEqual(config.authTimeout, 250);
      assert.strictEqual(config.maxPayload, 4096);
      assert.strictEqual(config.reconnectBaseDelay, 0);
      assert.strictEqual(config.reconnectMaxDelay, 100);
    });

    QUnit.test('port 0 and 65535 are accepted', (assert) => {
      assert.strictEqual(resolveConfig({}, { SOCKET_PORT: '0' }).port, 0);
      assert.strictEqual(resolveConfig({}, { SOCKET_PORT: '65535' }).port, 65535);
    });

    QUnit.test('integers that are fractional, exponential, hex, negative or out of range are refused', (assert) => {
      for (const value of ['1.5', '1e3', '0x10', '-1', '65536', 'eighty', '80 80']) {
        const error = configError(assert, {}, { SOCKET_PORT: value });
        assert.true(error.message.includes('SOCKET_PORT'), `${value}: names SOCKET_PORT`);
      }
    });

    QUnit.test('booleans accept true/false/1/0/yes/no in any case', (assert) => {
      const cases: Array<[string, boolean]> = [
        ['true', true], ['1', true], ['yes', true], ['TRUE', true], ['Yes', true],
        ['false', false], ['0', false], ['no', false], ['FALSE', false], [' No ', false],
      ];
      for (const [value, expected] of cases) {
        assert.strictEqual(resolveConfig({}, { SOCKET_ENCRYPTION: value }).encryption, expected, JSON.stringify(value));
      }
    });

    QUnit.test('any other boolean word is refused', (assert) => {
      for (const value of ['on', 'off', 'y', 'n', '2', 'maybe']) {
        const error = configError(assert, {}, { SOCKET_ENCRYPTION: value });
        assert.true(error.message.includes('SOCKET_ENCRYPTION'), `${value}: names SOCKET_ENCRYPTION`);
      }
    });

    QUnit.test('reconnect attempts accept a count, or unlimited', (assert) => {
      assert.strictEqual(resolveConfig({}, { SOCKET_MAX_RECONNECT_ATTEMPTS: '5' }).maxReconnectAttempts, 5);
      assert.strictEqual(resolveConfig({}, { SOCKET_MAX_RECONNECT_ATTEMPTS: '0' }).maxReconnectAttempts, 0);
      assert.strictEqual(resolveConfig({}, { SOCKET_MAX_RECONNECT_ATTEMPTS: 'unlimited' }).maxReconnectAttempts, Infinity);
      assert.strictEqual(resolveConfig({}, { SOCKET_MAX_RECONNECT_ATTEMPTS: 'Unlimited' }).maxReconnectAttempts, Infinity);
      const error = configError(assert, {}, { SOCKET_MAX_RECONNECT_ATTEMPTS: 'forever' });
      assert.true(error.message.includes('SOCKET_MAX_RECONNECT_ATTEMPTS'));
    });

    QUnit.test('the address accepts ws:// and wss:// URLs', (assert) => {
      assert.strictEqual(new URL(resolveConfig({}, { SOCKET_ADDRESS: 'ws://127.0.0.1:9001' }).address).host, '127.0.0.1:9001');
      const secure = new URL(resolveConfig({}, { SOCKET_ADDRESS: 'wss://example.test/socket' }).address);
      assert.strictEqual(secure.protocol, 'wss:');
      assert.strictEqual(secure.pathname, '/socket');
    });

    QUnit.test('an address that is not a ws:// or wss:// URL is refused', (assert) => {
      for (const value of ['http://example.test', 'localhost:2667', 'not a url', 'ftp://x']) {
        const error = configError(assert, {}, { SOCKET_ADDRESS: value });
        assert.true(error.message.includes('SOCKET_ADDRESS'), `${value}: names SOCKET_ADDRESS`);
      }
    });

    QUnit.test('every log level name is accepted', (assert) => {
      for (const level of LOG_LEVELS) assert.strictEqual(resolveConfig({}, { SOCKET_LOG_LEVEL: level }).logLevel, level);
    });

    QUnit.test('an unknown log level is refused', (assert) => {
      const error = configError(assert, {}, { SOCKET_LOG_LEVEL: 'verbose' });
      assert.true(error.message.includes('SOCKET_LOG_LEVEL'));
    });

    QUnit.test('text settings are read and trimmed', (assert) => {
      const config = resolveConfig({}, { SOCKET_HOST: ' 0.0.0.0 ', SOCKET_HANDLER_DIR: 'handlers/', SOCKET_AUTH_KEY: 'k3y' });
      assert.strictEqual(config.host, '0.0.0.0');
      assert.strictEqual(config.handlerDir, 'handlers/');
      assert.strictEqual(config.authKey, 'k3y');
    });
  });

  QUnit.module('precedence', () => {
    QUnit.test('a code option wins over the environment variable', (assert) => {
      const config = resolveConfig(
        { port: 1234, encryption: false, logLevel: 'error', authKey: 'from-code', maxReconnectAttempts: 3 },
        { SOCKET_PORT: '5678', SOCKET_ENCRYPTION: 'true', SOCKET_LOG_LEVEL: 'debug', SOCKET_AUTH_KEY: 'from-env', SOCKET_MAX_RECONNECT_ATTEMPTS: '9' },
      );
      assert.strictEqual(config.port, 1234);
      assert.false(config.encryption);
      assert.strictEqual(config.logLevel, 'error');
      assert.strictEqual(config.authKey, 'from-code');
      assert.strictEqual(config.maxReconnectAttempts, 3);
    });

    QUnit.test('an option passed as undefined falls through to the environment', (assert) => {
      assert.strictEqual(resolveConfig({ port: undefined }, { SOCKET_PORT: '5678' }).port, 5678);
    });

    QUnit.test('a valid code option hides an invalid environment variable', (assert) => {
      assert.strictEqual(resolveConfig({ port: 1 }, { SOCKET_PORT: 'nope' }).port, 1);
    });

    QUnit.test('code options are validated like environment values', (assert) => {
      assertThrowsCode(assert, () => resolveConfig({ port: 70_000 }, {}), 'CONFIG_INVALID');
      assertThrowsCode(assert, () => resolveConfig({ authData: [] as unknown as Record<string, unknown> }, {}), 'CONFIG_INVALID');
    });

    QUnit.test('authData comes from code only', (assert) => {
      assert.deepEqual(resolveConfig({ authData: { user: 'ada' } }, { SOCKET_AUTH_DATA: '{"user":"eve"}' }).authData, { user: 'ada' });
    });
  });

  QUnit.module('errors', () => {
    QUnit.test('a value that does not parse is CONFIG_INVALID naming the variable', (assert) => {
      const error = configError(assert, {}, { SOCKET_REQUEST_TIMEOUT: 'soon' });
      assert.true(error.message.includes('SOCKET_REQUEST_TIMEOUT'));
    });

    QUnit.test('every problem is listed in one error', (assert) => {
      const error = configError(assert, {}, { SOCKET_PORT: 'abc', SOCKET_ENCRYPTION: 'maybe', SOCKET_LOG_LEVEL: 'loud', SOCKET_ADDRESS: 'http://x' });
      for (const name of ['SOCKET_PORT', 'SOCKET_ENCRYPTION', 'SOCKET_LOG_LEVEL', 'SOCKET_ADDRESS']) {
        assert.true(error.message.includes(name), `names ${name}`);
      }
    });

    QUnit.test('a missing production key is listed together with values that do not parse', (assert) => {
      const error = configError(assert, {}, { NODE_ENV: 'production', SOCKET_PORT: 'abc' });
      assert.true(error.message.includes('SOCKET_PORT'), 'names SOCKET_PORT');
      assert.true(error.message.includes('SOCKET_AUTH_KEY'), 'names SOCKET_AUTH_KEY');
    });

    QUnit.test('the auth key is never echoed in an error', (assert) => {
      const secret = 'super-secret-auth-key-value';
      const error = configError(assert, {}, { SOCKET_AUTH_KEY: secret, SOCKET_PORT: 'abc' });
      assert.false(error.message.includes(secret), 'a valid key beside other problems');
      const badKey = configError(assert, { authKey: 424_242_424 as unknown as string }, {});
      assert.true(badKey.message.includes('authKey'), 'names the option');
      assert.false(badKey.message.includes('424242424'), 'an invalid key');
    });

    QUnit.test('NODE_ENV=production without an auth key fails', (assert) => {
      const error = configError(assert, {}, { NODE_ENV: 'production' });
      assert.true(error.message.includes('SOCKET_AUTH_KEY'));
    });

    QUnit.test('NODE_ENV=production with an auth key starts', (assert) => {
      const config = resolveConfig({}, { NODE_ENV: 'production', SOCKET_AUTH_KEY: 'k3y' });
      assert.strictEqual(config.authKey, 'k3y');
      assert.false(config.usingDevelopmentKey);
    });

    QUnit.test('a reconnect ceiling below the base delay is refused', (assert) => {
      const error = configError(assert, {}, { SOCKET_RECONNECT_BASE_DELAY: '5000', SOCKET_RECONNECT_MAX_DELAY: '1000' });
      assert.true(error.message.includes('SOCKET_RECONNECT_MAX_DELAY'));
    });
  });

  QUnit.module('auth key', () => {
    QUnit.test('without a key the public development key is used and flagged', (assert) => {
      const config = resolveConfig({}, {});
      assert.strictEqual(config.authKey, DEVELOPMENT_AUTH_KEY);
      assert.true(config.usingDevelopmentKey);
    });

    QUnit.test('a configured key clears the development flag, from env or code', (assert) => {
      assert.false(resolveConfig({}, { SOCKET_AUTH_KEY: 'k3y' }).usingDevelopmentKey);
      assert.false(resolveConfig({ authKey: 'k3y' }, {}).usingDevelopmentKey);
    });
  });

  QUnit.module('result', () => {
    QUnit.test('the config and its authData are frozen', (assert) => {
      const config = resolveConfig({ authData: { user: 'ada' } }, {});
      assert.true(Object.isFrozen(config));
      assert.true(Object.isFrozen(config.authData));
      assertThrowsType(assert, () => {
        (config as { port: number }).port = 1;
      }, TypeError);
      assert.strictEqual(config.port, 2667);
    });

    QUnit.test('authData is a copy: later changes to the option object do not reach it', (assert) => {
      const authData: Record<string, unknown> = { user: 'ada' };
      const config = resolveConfig({ authData }, {});
      authData.user = 'eve';
      assert.strictEqual(config.authData.user, 'ada');
    });
  });

  QUnit.module('browser key and TLS', () => {
    const PAGE_KEY = 'cGFnZS1rZXktZm9yLWRyb3Bzb2NrZXQtdGVzdHMtMDE';

    QUnit.test('TLS certificate and key come together or not at all', (assert) => {
      const config = resolveConfig({}, { SOCKET_TLS_CERT: '/etc/cert.pem', SOCKET_TLS_KEY: '/etc/key.pem' });
      assert.deepEqual([config.tlsCert, config.tlsKey], ['/etc/cert.pem', '/etc/key.pem']);
      assert.deepEqual([resolveConfig().tlsCert, resolveConfig().tlsKey], [null, null]);
      assert.true(configError(assert, {}, { SOCKET_TLS_CERT: '/etc/cert.pem' }).message.includes('SOCKET_TLS_KEY'));
      assert.true(configError(assert, { tlsKey: '/etc/key.pem' }, {}).message.includes('SOCKET_TLS_CERT'));
    });

    QUnit.test('a browser key must be in keygen form and differ from the auth key; it is never echoed', (assert) => {
      assert.strictEqual(resolveConfig({}, { SOCKET_BROWSER_KEY: PAGE_KEY }).browserKey, PAGE_KEY);
      assert.strictEqual(resolveConfig().browserKey, null);
      const phrase = configError(assert, {}, { SOCKET_BROWSER_KEY: 'page secret phrase' });
      assert.true(phrase.message.includes('SOCKET_BROWSER_KEY'));
      assert.false(phrase.message.includes('page secret phrase'), 'the value is not echoed');
      assert.true(configError(assert, {}, { SOCKET_BROWSER_KEY: PAGE_KEY, SOCKET_AUTH_KEY: PAGE_KEY }).message.includes('must differ'));
      assert.true(configError(assert, { browserKey: DEVELOPMENT_AUTH_KEY }, {}).message.includes('must differ'), 'nor the development key');
    });
  });

  QUnit.module('parsers', () => {
    QUnit.test('integer accepts numbers from code but not NaN, Infinity or fractions', (assert) => {
      const parse = integer(0, 10);
      assert.deepEqual(parse(7), { ok: true, value: 7 });
      for (const raw of [Number.NaN, Infinity, 2.5, 11, '7 ms', null, true]) assert.false(parse(raw).ok, String(raw));
    });

    QUnit.test('a failed parse says what was expected', (assert) => {
      assert.deepEqual(integer(0, 10)('x'), { ok: false, expected: 'an integer from 0 to 10' });
      assert.deepEqual(integer(1)('x'), { ok: false, expected: 'an integer >= 1' });
      assert.deepEqual(integerOrUnlimited(1)('x'), { ok: false, expected: 'an integer >= 1, or "unlimited"' });
    });

    QUnit.test('integerOrUnlimited accepts Infinity from code and "infinity" from env', (assert) => {
      assert.deepEqual(integerOrUnlimited(0)(Infinity), { ok: true, value: Infinity });
      assert.deepEqual(integerOrUnlimited(0)('INFINITY'), { ok: true, value: Infinity });
    });

    QUnit.test('boolean accepts real booleans from code', (assert) => {
      assert.deepEqual(boolean()(false), { ok: true, value: false });
      assert.false(boolean()(1).ok, 'the number 1 is not a boolean word');
    });

    QUnit.test('optional lets null through and checks everything else', (assert) => {
      assert.deepEqual(optional(websocketUrl())(null), { ok: true, value: null });
      assert.false(optional(websocketUrl())('http://x').ok);
    });
  });
});
