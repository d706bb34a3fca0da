import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QUnit from 'qunit';
import { EXIT, listeningUrl, runCli, type CliIo } from '../../../src/cli/main.js';
import { COMMAND_USAGE, USAGE } from '../../../src/cli/args.js';
import { SocketServer } from '../../../src/index.js';
import { TEST_KEY, fixtureHandlers, resetAll } from '../../helpers/start-server.js';
import { within } from '../../helpers/wait-for.js';

/** A stream stand-in that keeps what was written and can wait for a pattern. */
class FakeOutput extends EventEmitter {
  text = '';

  write(chunk: string): boolean {
    this.text += chunk;
    this.emit('write');
    return true;
  }

  /** The first match of `pattern` in what was written, once it appears. */
  match(pattern: RegExp, what = String(pattern)): Promise<RegExpMatchArray> {
    return within(
      new Promise((resolve) => {
        const check = (): void => {
          const found = pattern.exec(this.text);
          if (found === null) return;
          this.off('write', check);
          resolve(found);
        };
        this.on('write', check);
        check();
      }),
      undefined,
      what,
    );
  }
}

interface FakeIo extends CliIo {
  stdout: FakeOutput;
  stderr: FakeOutput;
  /** Resolves the promise `stopSignal()` returned, as SIGTERM would. */
  stop(signal?: string): void;
}

function fakeIo(): FakeIo {
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  return { stdout: new FakeOutput(), stderr: new FakeOutput(), stopSignal: () => stopped, stop: (signal = 'SIGTERM') => stop(signal) };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const MANAGED = /^(SOCKET_|NODE_ENV$)/;

QUnit.module('src/cli/main', (hooks) => {
  let savedEnv: Record<string, string | undefined>;
  let servers: Array<{ io: FakeIo; exit: Promise<number> }>;

  hooks.beforeEach(() => {
    savedEnv = {};
    for (const name of Object.keys(process.env).filter((key) => MANAGED.test(key))) {
      savedEnv[name] = process.env[name];
      delete process.env[name];
    }
    // runCli builds SocketServer/SocketClient from process.env, as the real CLI does.
    Object.assign(process.env, {
      SOCKET_PORT: '0',
      SOCKET_HOST: '127.0.0.1',
      SOCKET_HANDLER_DIR: fixtureHandlers('valid'),
      SOCKET_AUTH_KEY: TEST_KEY,
      SOCKET_LOG_LEVEL: 'silent',
    });
    servers = [];
  });

  hooks.afterEach(async () => {
    for (const { io, exit } of servers) {
      io.stop();
      await within(exit, undefined, 'serve to exit');
    }
    await resetAll();
    for (const name of Object.keys(process.env).filter((key) => MANAGED.test(key))) delete process.env[name];
    Object.assign(process.env, savedEnv);
  });

  /** Starts `serve` in-process and resolves with its port once it printed the listening line. */
  async function serve(argv: string[] = []): Promise<{ io: FakeIo; exit: Promise<number>; port: number }> {
    const io = fakeIo();
    const exit = runCli(['serve', ...argv], io);
    servers.push({ io, exit });
    const [, port] = await io.stdout.match(/listening on ws:\/\/127\.0\.0\.1:(\d+)\n/, 'the listening line');
    return { io, exit, port: Number(port) };
  }

  QUnit.module('types and spec', () => {
    QUnit.test('types --out writes the declaration there and prints where', async (assert) => {
      const dir = await mkdtemp(join(tmpdir(), 'dropsocket-cli-types-'));
      try {
        const io = fakeIo();
        const out = join(dir, 'api.d.ts');
        assert.strictEqual(await runCli(['types', '--out', out], io), EXIT.OK, io.stderr.text);
        assert.true(io.stdout.text.startsWith(`wrote ${out} (`), io.stdout.text);
        assert.true((await readFile(out, 'utf8')).includes('"echo": typeof import('), 'the handlers of SOCKET_HANDLER_DIR');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    QUnit.test('spec prints JSON with one request operation per server handler', async (assert) => {
      const io = fakeIo();
      assert.strictEqual(await runCli(['spec'], io), EXIT.OK, io.stderr.text);
      const spec = JSON.parse(io.stdout.text) as { operations: Record<string, unknown> };
      assert.true('add-request' in spec.operations && 'echo-request' in spec.operations && 'news-push' in spec.operations, Object.keys(spec.operations).join());
    });

    QUnit.test('types and spec on a missing handler folder exit 1 with HANDLER_LOAD_FAILED', async (assert) => {
      process.env.SOCKET_HANDLER_DIR = '/no/such/folder';
      for (const command of ['types', 'spec']) {
        const io = fakeIo();
        assert.strictEqual(await runCli([command], io), EXIT.FAILED, command);
        assert.true(io.stderr.text.includes('HANDLER_LOAD_FAILED'), io.stderr.text);
      }
    });
  });

  QUnit.module('keygen and help', () => {
    QUnit.test('keygen prints a 43-character base64url key and exits 0', async (assert) => {
      const io = fakeIo();
      assert.strictEqual(await runCli(['keygen'], io), EXIT.OK);
      assert.true(/^[A-Za-z0-9_-]{43}\n$/.test(io.stdout.text), io.stdout.text);
      assert.strictEqual(Buffer.from(io.stdout.text.trim(), 'base64url').length, 32);
      assert.strictEqual(io.stderr.text, '');
    });

    QUnit.test('--help prints the usage on stdout and exits 0', async (assert) => {
      const io = fakeIo();
      assert.strictEqual(await runCli(['--help'], io), EXIT.OK);
      assert.strictEqual(io.stdout.text, `${USAGE}\n`);
    });

    QUnit.test('--version and -v print the package version and exit 0', async (assert) => {
      const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      for (const flag of ['--version', '-v', 'version']) {
        const io = fakeIo();
        assert.strictEqual(await runCli([flag], io), EXIT.OK, flag);
        assert.strictEqual(io.stdout.text, `${version}\n`, flag);
      }
    });

    QUnit.test('COMMAND --help prints the usage of that command', async (assert) => {
      for (const command of ['serve', 'call', 'init', 'keygen'] as const) {
        const io = fakeIo();
        assert.strictEqual(await runCli([command, '--help'], io), EXIT.OK, command);
        assert.strictEqual(io.stdout.text, `${COMMAND_USAGE[command]}\n`, command);
      }
    });

    QUnit.test('a usage error prints the usage on stderr and exits 2', async (assert) => {
      for (const argv of [['frobnicate'], ['call'], ['call', 'echo', '{bad json'], ['serve', '--port', 'x']]) {
        const io = fakeIo();
        assert.strictEqual(await runCli(argv, io), 2, argv.join(' '));
        assert.true(io.stderr.text.includes(USAGE), 'usage on stderr');
        assert.strictEqual(io.stdout.text, '', 'nothing on stdout');
      }
    });
  });

  QUnit.module('listeningUrl', () => {
    QUnit.test('an IPv6 host is bracketed, names and IPv4 are not', (assert) => {
      assert.strictEqual(listeningUrl('ws', '::1', 80), 'ws://[::1]:80');
      assert.strictEqual(listeningUrl('wss', '127.0.0.1', 443), 'wss://127.0.0.1:443');
      assert.strictEqual(listeningUrl('ws', 'localhost', 1), 'ws://localhost:1');
    });
  });

  QUnit.module('serve and call', () => {
    QUnit.test('serve prints the listening line, answers a call, and exits 0 on the stop signal', async (assert) => {
      const server = await serve();
      assert.notStrictEqual(server.port, 0, 'a real port was bound');
      process.env.SOCKET_ADDRESS = `ws://127.0.0.1:${server.port}`;
      const caller = fakeIo();
      assert.strictEqual(await within(runCli(['call', 'echo', '{"a":1}'], caller), undefined, 'call'), EXIT.OK);
      assert.strictEqual(caller.stdout.text, '{"a":1}\n');
      assert.strictEqual(caller.stderr.text, '');
      server.io.stop('SIGTERM');
      assert.strictEqual(await within(server.exit, undefined, 'serve to exit'), EXIT.OK);
      assert.strictEqual(SocketServer.instance, undefined, 'the server singleton is released');
    });

    QUnit.test('serve listens for the stop signal before it prints the listening line', async (assert) => {
      const io = fakeIo();
      let listeningBeforeAnnounce: boolean | undefined;
      let asked = false;
      const stopSignal = io.stopSignal;
      io.stopSignal = () => {
        asked = true;
        return stopSignal();
      };
      io.stdout.on('write', () => (listeningBeforeAnnounce ??= asked));
      const exit = runCli(['serve'], io);
      servers.push({ io, exit });
      await io.stdout.match(/listening on /);
      // A supervisor may send SIGTERM the moment it reads the line.
      assert.true(listeningBeforeAnnounce);
    });

    QUnit.test('a call without data sends none and prints null for an empty answer', async (assert) => {
      const server = await serve();
      process.env.SOCKET_ADDRESS = `ws://127.0.0.1:${server.port}`;
      const caller = fakeIo();
      assert.strictEqual(await within(runCli(['call', 'silent'], caller), undefined, 'call'), EXIT.OK);
      assert.strictEqual(caller.stdout.text, 'null\n');
    });

    QUnit.test('a call to an unknown request exits 1 with the code on stderr', async (assert) => {
      const server = await serve();
      process.env.SOCKET_ADDRESS = `ws://127.0.0.1:${server.port}`;
      const caller = fakeIo();
      assert.strictEqual(await within(runCli(['call', 'noSuchThing'], caller), undefined, 'call'), EXIT.FAILED);
      assert.true(caller.stderr.text.includes('UNKNOWN_REQUEST'), caller.stderr.text);
      assert.strictEqual(caller.stdout.text, '');
    });

    QUnit.test('a handler error reaches stderr with its own code', async (assert) => {
      const server = await serve();
      process.env.SOCKET_ADDRESS = `ws://127.0.0.1:${server.port}`;
      const caller = fakeIo();
      assert.strictEqual(await within(runCli(['call', 'failWithCode'], caller), undefined, 'call'), EXIT.FAILED);
      assert.true(caller.stderr.text.includes('ROOM_FULL'), caller.stderr.text);
    });

    QUnit.test('call --port wins over SOCKET_ADDRESS', async (assert) => {
      const server = await serve();
      process.env.SOCKET_ADDRESS = `ws://127.0.0.1:${await closedPort()}`;
      const caller = fakeIo();
      assert.strictEqual(await within(runCli(['call', 'echo', '{"a":2}', '--port', String(server.port)], caller), undefined, 'call'), EXIT.OK, caller.stderr.text);
      assert.strictEqual(caller.stdout.text, '{"a":2}\n');
    });

    QUnit.test('serve flags win over the environment', async (assert) => {
      process.env.SOCKET_HANDLER_DIR = fixtureHandlers('missing-auth');
      process.env.SOCKET_HOST = 'not-a-host.invalid';
      const server = await serve(['--handlers', fixtureHandlers('valid'), '--host', '127.0.0.1']);
      assert.true(server.port > 0);
    });

    QUnit.test('serve without an auth handler exits 1 with MISSING_AUTH_HANDLER and releases the singleton', async (assert) => {
      process.env.SOCKET_HANDLER_DIR = fixtureHandlers('missing-auth');
      const io = fakeIo();
      assert.strictEqual(await within(runCli(['serve'], io), undefined, 'serve'), EXIT.FAILED);
      assert.true(io.stderr.text.includes('MISSING_AUTH_HANDLER'), io.stderr.text);
      assert.strictEqual(io.stdout.text, '', 'never claimed to listen');
      assert.strictEqual(SocketServer.instance, undefined);
    });

    QUnit.test('serve with a setting that does not parse exits 1 with CONFIG_INVALID naming it', async (assert) => {
      process.env.SOCKET_HEARTBEAT_INTERVAL = 'often';
      const io = fakeIo();
      assert.strictEqual(await within(runCli(['serve'], io), undefined, 'serve'), EXIT.FAILED);
      assert.true(io.stderr.text.includes('CONFIG_INVALID'), 'the code');
      assert.true(io.stderr.text.includes('SOCKET_HEARTBEAT_INTERVAL'), 'the variable');
    });

    QUnit.test('a call when nothing listens exits 1 with CONNECT_FAILED', async (assert) => {
      process.env.SOCKET_ADDRESS = `ws://127.0.0.1:${await closedPort()}`;
      const caller = fakeIo();
      assert.strictEqual(await within(runCli(['call', 'echo'], caller), undefined, 'call'), EXIT.FAILED);
      assert.true(caller.stderr.text.includes('CONNECT_FAILED'), caller.stderr.text);
    });
  });
});
