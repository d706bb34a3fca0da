import QUnit from 'qunit';
import { USAGE, UsageError, parseCommand } from '../../../src/cli/args.js';
import { assertThrowsType } from '../../helpers/assert-throws.js';

QUnit.module('src/cli/args', () => {
  QUnit.module('serve', () => {
    QUnit.test('without flags it leaves every setting to the environment', (assert) => {
      assert.deepEqual(parseCommand(['serve']), { name: 'serve' });
    });

    QUnit.test('--port, --host and --handlers become the port, host and handlerDir options', (assert) => {
      assert.deepEqual(parseCommand(['serve', '--port', '8080', '--host', '0.0.0.0', '--handlers', './handlers']), {
        name: 'serve',
        port: 8080,
        host: '0.0.0.0',
        handlerDir: './handlers',
      });
    });

    QUnit.test('flags also work in --flag=value form and before the command', (assert) => {
      assert.deepEqual(parseCommand(['--port=0', 'serve']), { name: 'serve', port: 0 });
    });

    QUnit.test('a port that is not an integer from 0 to 65535 is a UsageError', (assert) => {
      for (const port of ['abc', '-1', '65536', '1.5', '', '0x50']) {
        assertThrowsType(assert, () => parseCommand(['serve', '--port', port]), UsageError, JSON.stringify(port));
      }
    });

    QUnit.test('a negative port is refused as a port, not as an ambiguous flag', (assert) => {
      for (const argv of [['serve', '--port', '-1'], ['call', 'echo', '--port', '-80']]) {
        const error = assertThrowsType(assert, () => parseCommand(argv), UsageError, argv.join(' '));
        assert.true(error?.message.startsWith('--port must be an integer from 0 to 65535'), error?.message);
      }
    });

    QUnit.test('a flag without its value is a UsageError', (assert) => {
      assertThrowsType(assert, () => parseCommand(['serve', '--port']), UsageError);
    });

    QUnit.test('extra arguments are a UsageError', (assert) => {
      assertThrowsType(assert, () => parseCommand(['serve', 'now']), UsageError);
    });
  });

  QUnit.module('call', () => {
    QUnit.test('--port and --address together are a UsageError: the address already names a port', (assert) => {
      const error = assertThrowsType(assert, () => parseCommand(['call', 'echo', '--port', '1', '--address', 'ws://h:2']), UsageError);
      assert.true(error?.message.includes('not both'), error?.message);
    });

    QUnit.test('a request without JSON sends undefined data', (assert) => {
      assert.deepEqual(parseCommand(['call', 'whoami']), { name: 'call', request: 'whoami', data: undefined });
    });

    QUnit.test('the JSON argument is parsed', (assert) => {
      assert.deepEqual(parseCommand(['call', 'echo', '{"a":1}']), { name: 'call', request: 'echo', data: { a: 1 } });
      assert.deepEqual(parseCommand(['call', 'room.join', '"lobby"']), { name: 'call', request: 'room.join', data: 'lobby' });
      assert.deepEqual(parseCommand(['call', 'echo', 'null']), { name: 'call', request: 'echo', data: null });
    });

    QUnit.test('a JSON value starting with - is passed after --', (assert) => {
      assert.deepEqual(parseCommand(['call', 'echo', '--', '-1']), { name: 'call', request: 'echo', data: -1 });
    });

    QUnit.test('data that is not JSON is a UsageError', (assert) => {
      for (const data of ['{a:1}', "{'a':1}", 'hello', '{"a":']) {
        assertThrowsType(assert, () => parseCommand(['call', 'echo', data]), UsageError, data);
      }
    });

    QUnit.test('call without a request, or with too many arguments, is a UsageError', (assert) => {
      assertThrowsType(assert, () => parseCommand(['call']), UsageError, 'no request');
      assertThrowsType(assert, () => parseCommand(['call', 'echo', '1', '2']), UsageError, 'three arguments');
    });
  });

  QUnit.module('types and spec', () => {
    QUnit.test('types takes --out and --handlers, both optional', (assert) => {
      assert.deepEqual(parseCommand(['types']), { name: 'types' });
      assert.deepEqual(parseCommand(['types', '--out', 'src/api.d.ts', '--handlers', 'h']), { name: 'types', out: 'src/api.d.ts', handlerDir: 'h' });
    });

    QUnit.test('spec takes --handlers and nothing else', (assert) => {
      assert.deepEqual(parseCommand(['spec']), { name: 'spec' });
      assert.deepEqual(parseCommand(['spec', '--handlers', 'h']), { name: 'spec', handlerDir: 'h' });
      assertThrowsType(assert, () => parseCommand(['spec', '--out', 'x']), UsageError, '--out');
      assertThrowsType(assert, () => parseCommand(['spec', 'extra']), UsageError, 'an argument');
    });

    QUnit.test('types refuses arguments and flags of other commands', (assert) => {
      assertThrowsType(assert, () => parseCommand(['types', 'x.d.ts']), UsageError, 'an argument');
      assertThrowsType(assert, () => parseCommand(['types', '--port', '1']), UsageError, '--port');
    });
  });

  QUnit.module('other commands', () => {
    QUnit.test('keygen takes no arguments', (assert) => {
      assert.deepEqual(parseCommand(['keygen']), { name: 'keygen' });
      assertThrowsType(assert, () => parseCommand(['keygen', '32']), UsageError);
    });

    QUnit.test('--help, -h, help and no command at all ask for help', (assert) => {
      for (const argv of [['--help'], ['-h'], ['help'], []]) {
        assert.deepEqual(parseCommand(argv), { name: 'help' }, argv.join(' ') || '(empty)');
      }
      assert.deepEqual(parseCommand(['call', 'echo', '-h']), { name: 'help', command: 'call' });
    });

    QUnit.test('an unknown command is a UsageError', (assert) => {
      assertThrowsType(assert, () => parseCommand(['start']), UsageError);
    });

    QUnit.test('an unknown flag is a UsageError', (assert) => {
      assertThrowsType(assert, () => parseCommand(['serve', '--verbose']), UsageError);
    });

    QUnit.test('the usage text names every command', (assert) => {
      for (const command of ['serve', 'call', 'init', 'keygen', 'types', 'spec']) assert.true(USAGE.includes(`dropsocket ${command}`), command);
      assert.true(USAGE.includes('--version'));
    });

    QUnit.test('--version, -v and version ask for the version, with or without a command', (assert) => {
      for (const argv of [['--version'], ['-v'], ['version'], ['serve', '--version']]) assert.deepEqual(parseCommand(argv), { name: 'version' }, argv.join(' '));
    });

    QUnit.test('COMMAND --help and help COMMAND ask for that command\'s help', (assert) => {
      assert.deepEqual(parseCommand(['serve', '--help']), { name: 'help', command: 'serve' });
      assert.deepEqual(parseCommand(['help', 'call']), { name: 'help', command: 'call' });
      assert.deepEqual(parseCommand(['help', 'nonsense']), { name: 'help' });
    });
  });

  QUnit.module('init', () => {
    QUnit.test('init takes an optional folder, the current one by default', (assert) => {
      assert.deepEqual(parseCommand(['init']), { name: 'init', dir: '.' });
      assert.deepEqual(parseCommand(['init', 'my-app']), { name: 'init', dir: 'my-app' });
      assertThrowsType(assert, () => parseCommand(['init', 'a', 'b']), UsageError);
      assertThrowsType(assert, () => parseCommand(['init', '--port', '1']), UsageError);
    });
  });
});
