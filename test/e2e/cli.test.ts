/**
 * The real CLI as subprocesses: `node bin/dropsocket.js ...` from the repository root, with
 * the example handlers in socket-handlers/. Servers listen on 127.0.0.1, port 0.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QUnit from 'qunit';
import { useTempDir } from '../helpers/temp-dir.js';
import { SocketClient, silentLogger } from '../../src/index.js';
import { fixtureHandlers } from '../helpers/start-server.js';
import { nextEvent, waitUntil } from '../helpers/wait-for.js';
import { PROCESS_MS, ROOT, children, exited, runCli, startServe, type Env, type RunningServe } from '../helpers/cli-process.js';

/** Keys in `dropsocket keygen` form, so no scrypt runs at startup. */
const SERVER_KEY = 'ZTJlLXNlcnZlci1rZXktZm9yLWRyb3Bzb2NrZXQtMDE';
const OTHER_KEY = 'ZTJlLW90aGVyLWtleS1mb3ItZHJvcHNvY2tldC0wMDE';

/** Settings that point `call` at a running server. */
function callerOf(server: RunningServe, authKey = SERVER_KEY): Env {
  return { SOCKET_ADDRESS: `ws://127.0.0.1:${server.port}`, SOCKET_AUTH_KEY: authKey };
}

QUnit.module('e2e: dropsocket CLI', (hooks) => {
  hooks.afterEach(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    children.clear();
  });

  QUnit.test('serve --host ::1 prints the IPv6 address in brackets, and call --port reaches it', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY }, ROOT, ['--host', '::1']);
    assert.strictEqual(server.stdout(), `listening on ws://[::1]:${server.port}\n`);
    const call = await runCli(['call', 'echo', '{"v6":true}', '--address', `ws://[::1]:${server.port}`], { SOCKET_AUTH_KEY: SERVER_KEY });
    assert.strictEqual(call.stdout, '{"v6":true}\n', call.stderr);
  });

  QUnit.test('--version prints the version from package.json and exits 0', async (assert) => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    assert.deepEqual([run.code, run.stdout], [0, `${version}\n`]);
  });

  QUnit.test('serve starts on the example handlers and prints listening on ws://HOST:PORT on stdout', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY });
    assert.strictEqual(server.host, '127.0.0.1');
    assert.true(server.port > 0 && server.port < 65536, `port ${server.port}`);
    assert.strictEqual(server.stdout(), `listening on ws://127.0.0.1:${server.port}\n`, 'the line is all of stdout');
  });

  QUnit.test('call echo \'{"a":1}\' prints {"a":1} and exits 0', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY });
    const result = await runCli(['call', 'echo', '{"a":1}'], callerOf(server));
    assert.strictEqual(result.code, 0, result.stderr);
    assert.strictEqual(result.stdout, '{"a":1}\n');
  });

  QUnit.test('call with a key other than the server\'s exits non-zero with the code on stderr', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY });
    const result = await runCli(['call', 'echo', '{"a":1}'], callerOf(server, OTHER_KEY));
    assert.notStrictEqual(result.code, 0);
    assert.true(result.stderr.includes('HANDSHAKE_FAILED'), result.stderr);
    assert.strictEqual(result.stdout, '', 'no response printed');
    assert.false(result.stderr.includes(SERVER_KEY) || result.stderr.includes(OTHER_KEY), 'no key on stderr');
  });

  QUnit.test('call to an unknown request exits non-zero with UNKNOWN_REQUEST on stderr', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY });
    const result = await runCli(['call', 'noSuchRequest'], callerOf(server));
    assert.notStrictEqual(result.code, 0);
    assert.true(result.stderr.includes('UNKNOWN_REQUEST'), result.stderr);
    assert.strictEqual(result.stdout, '');
  });

  QUnit.test('keygen prints a new 43-character base64url key', async (assert) => {
    const first = await runCli(['keygen']);
    const second = await runCli(['keygen']);
    assert.strictEqual(first.code, 0, first.stderr);
    assert.true(/^[A-Za-z0-9_-]{43}\n$/.test(first.stdout), first.stdout);
    assert.notStrictEqual(first.stdout, second.stdout, 'a fresh key each time');
  });

  QUnit.test('SIGTERM makes serve shut down and exit 0', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY });
    server.child.kill('SIGTERM');
    const { code, signal } = await exited(server.child);
    assert.strictEqual(signal, null, 'exited on its own, not killed by the signal');
    assert.strictEqual(code, 0);
  });

  QUnit.test('serve outlives stray failures: a throw in a timer and an unawaited rejection', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY, SOCKET_HANDLER_DIR: fixtureHandlers('hostile') });
    const first = await runCli(['call', 'strayFailures'], callerOf(server));
    assert.strictEqual(first.stdout, '"scheduled"\n', first.stderr);
    await waitUntil(() => server.stderr().includes('uncaught exception') && server.stderr().includes('unhandled rejection'), PROCESS_MS, 'both failures logged');
    const after = await runCli(['call', 'echo', '"still serving"'], callerOf(server));
    assert.strictEqual(after.code, 0, after.stderr);
    assert.strictEqual(after.stdout, '"still serving"\n');
    assert.strictEqual(server.child.exitCode, null, 'the server process is alive');
  });

  QUnit.test('SIGTERM lets a running request finish, closes clients with 1001 and exits 0', async (assert) => {
    const server = await startServe({ SOCKET_AUTH_KEY: SERVER_KEY, SOCKET_HANDLER_DIR: fixtureHandlers('valid') });
    const client = new SocketClient({ address: `ws://127.0.0.1:${server.port}`, authKey: SERVER_KEY, logger: silentLogger, loadHandlers: false, singleton: false, reconnectBaseDelay: 60_000 });
    try {
      await client.init();
      const slow = client.request('slow', { ms: 600 });
      // Calls on one connection are dispatched in order: once echo is answered, slow is running.
      await client.request('echo', 1);
      const disconnected = nextEvent<[number, string]>(client.events, 'disconnect', PROCESS_MS);
      server.child.kill('SIGTERM');
      assert.deepEqual(await slow, { slept: 600 }, 'answered, not dropped');
      assert.strictEqual((await disconnected)[0], 1001);
      const { code, signal } = await exited(server.child);
      assert.strictEqual(signal, null);
      assert.strictEqual(code, 0);
    } finally {
      await client.close();
    }
  });

  QUnit.test('spec prints an AsyncAPI 3.0 document of the example handlers', async (assert) => {
    const result = await runCli(['spec']);
    assert.strictEqual(result.code, 0, result.stderr);
    const spec = JSON.parse(result.stdout) as { asyncapi: string; operations: Record<string, { action: string }> };
    assert.strictEqual(spec.asyncapi, '3.0.0');
    assert.strictEqual(spec.operations['echo-request']?.action, 'receive');
    assert.strictEqual(spec.operations['room_join-request']?.action, 'receive');
  });

  QUnit.module('types', (typesHooks) => {
    let dir = '';
    useTempDir(typesHooks, 'e2e-types', (path) => (dir = path));

    QUnit.test('types writes dropsocket-api.d.ts in the working directory, naming every handler', async (assert) => {
      const result = await runCli(['types', '--handlers', join(ROOT, 'socket-handlers')], {}, dir);
      assert.strictEqual(result.code, 0, result.stderr);
      assert.true(/^wrote .*dropsocket-api\.d\.ts \(\d+ handlers\)\n$/.test(result.stdout), result.stdout);
      const text = await readFile(join(dir, 'dropsocket-api.d.ts'), 'utf8');
      assert.true(text.includes('"room.join": typeof import('), 'room/join.ts by its request name');
      assert.true(text.includes('socket-handlers/room/join.js").default'), 'imported as the emitted .js');
    });
  });

  QUnit.module('.env', (envHooks) => {
    let dir = '';
    useTempDir(envHooks, 'e2e', (path) => (dir = path));

    QUnit.test('serve reads SOCKET_AUTH_KEY and SOCKET_HANDLER_DIR from .env in its working directory', async (assert) => {
      await writeFile(join(dir, '.env'), `SOCKET_AUTH_KEY=${SERVER_KEY}\nSOCKET_HANDLER_DIR=${join(ROOT, 'socket-handlers')}\n`);
      const server = await startServe({}, dir);
      const result = await runCli(['call', 'echo', '"from .env"'], callerOf(server));
      assert.strictEqual(result.code, 0, result.stderr);
      assert.strictEqual(result.stdout, '"from .env"\n');
    });
  });
});
