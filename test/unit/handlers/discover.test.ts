import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QUnit from 'qunit';
import { useTempDir } from '../../helpers/temp-dir.js';
import { isSocketError } from '../../../src/errors.js';
import { discoverHandlers } from '../../../src/handlers/discover.js';
import { isHandlerClass } from '../../../src/handlers/handler.js';
import { fixtureHandlers } from '../../helpers/start-server.js';

const VALID_NAMES = [
  'add',
  'askClient',
  'auth',
  'crash',
  'echo',
  'failWithCode',
  'grow',
  'nested.deepFolder.doThing',
  'never',
  'news',
  'publicInfo',
  'question',
  'rooms',
  'silent',
  'slow',
  'unserialisable',
];

/** What `discoverHandlers` rejects with (fails the test if it resolves). */
async function rejection(assert: Assert, dir: string): Promise<Error> {
  const outcome = await discoverHandlers(dir).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  if (outcome === undefined) {
    assert.pushResult({ result: false, actual: 'resolved', expected: 'a rejection', message: 'discoverHandlers rejects' });
    return new Error('resolved');
  }
  return outcome;
}

QUnit.module('src/handlers/discover', () => {
  QUnit.module('fixture folders', () => {
    QUnit.test('finds every handler of the valid folder, nested ones by dotted name', async (assert) => {
      const found = await discoverHandlers(fixtureHandlers('valid'));
      assert.deepEqual(found.map((handler) => handler.name).sort(), VALID_NAMES);
    });

    QUnit.test('each entry holds the absolute file and a Handler class', async (assert) => {
      const found = await discoverHandlers(fixtureHandlers('valid'));
      const nested = found.find((handler) => handler.name === 'nested.deepFolder.doThing');
      assert.strictEqual(nested?.file, join(fixtureHandlers('valid'), 'nested', 'deep-folder', 'do-thing.ts'));
      assert.true(found.every((handler) => isHandlerClass(handler.HandlerClass)));
    });

    QUnit.test('skips _helpers, test files and declaration files', async (assert) => {
      const files = (await discoverHandlers(fixtureHandlers('valid'))).map((handler) => handler.file);
      for (const skipped of ['_helper.ts', 'echo.test.ts', 'types.d.ts']) {
        assert.false(files.includes(join(fixtureHandlers('valid'), skipped)), skipped);
      }
    });

    QUnit.test('two files with the same name are DUPLICATE_HANDLER naming both files', async (assert) => {
      const error = await rejection(assert, fixtureHandlers('duplicate'));
      assert.true(isSocketError(error, 'DUPLICATE_HANDLER'), 'DUPLICATE_HANDLER');
      assert.true(error.message.includes(join(fixtureHandlers('duplicate'), 'foo-bar.ts')), 'names foo-bar.ts');
      assert.true(error.message.includes(join(fixtureHandlers('duplicate'), 'fooBar.ts')), 'names fooBar.ts');
    });

    QUnit.test('a default export that is not a Handler class is HANDLER_LOAD_FAILED naming the file', async (assert) => {
      const error = await rejection(assert, fixtureHandlers('bad-export'));
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'), 'HANDLER_LOAD_FAILED');
      assert.true(error.message.includes(join(fixtureHandlers('bad-export'), 'not-a-class.ts')), 'names the file');
    });

    QUnit.test('a file named after a reserved request is HANDLER_LOAD_FAILED', async (assert) => {
      const error = await rejection(assert, fixtureHandlers('reserved'));
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'), 'HANDLER_LOAD_FAILED');
      assert.true(error.message.includes('heart-beat.ts'), 'names the file');
    });

    QUnit.test('a folder without auth is discovered: the auth check belongs to the server', async (assert) => {
      const found = await discoverHandlers(fixtureHandlers('missing-auth'));
      assert.deepEqual(found.map((handler) => handler.name), ['echo']);
    });
  });

  QUnit.module('missing folder', (hooks) => {
    let dir = '';
    useTempDir(hooks, 'discover', (path) => (dir = path));

    QUnit.test('a folder that does not exist is HANDLER_LOAD_FAILED', async (assert) => {
      const error = await rejection(assert, join(dir, 'absent'));
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'));
    });

    QUnit.test('a path that is a file, not a folder, is HANDLER_LOAD_FAILED', async (assert) => {
      await writeFile(join(dir, 'file.ts'), '');
      const error = await rejection(assert, join(dir, 'file.ts'));
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'));
    });

    QUnit.test('with required: false a missing folder yields no handlers', async (assert) => {
      assert.deepEqual(await discoverHandlers(join(dir, 'absent'), { required: false }), []);
    });

    QUnit.test('an empty folder yields no handlers', async (assert) => {
      assert.deepEqual(await discoverHandlers(dir), []);
    });
  });

  QUnit.module('plain JavaScript files', (hooks) => {
    let dir = '';
    useTempDir(hooks, 'discover', (path) => (dir = path));

    QUnit.test('an .mjs handler branded as a Handler loads by its name', async (assert) => {
      await mkdir(join(dir, 'room'));
      // The brand is how a Handler from another copy of dropsocket is recognised.
      await writeFile(
        join(dir, 'room', 'join-game.mjs'),
        "export default class JoinGame { static [Symbol.for('dropsocket.handler')] = true; server() { return 'joined'; } }\n",
      );
      const [found] = await discoverHandlers(dir);
      assert.strictEqual(found?.name, 'room.joinGame');
      assert.true(isHandlerClass(found?.HandlerClass));
    });

    QUnit.test('a file that throws while loading is HANDLER_LOAD_FAILED naming the file', async (assert) => {
      await writeFile(join(dir, 'broken.mjs'), "throw new Error('boom at import');\n");
      const error = await rejection(assert, dir);
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'), 'HANDLER_LOAD_FAILED');
      assert.true(error.message.includes(join(dir, 'broken.mjs')), 'names the file');
      assert.true(error.cause instanceof Error, 'keeps the import error as cause');
    });

    QUnit.test('every broken file is reported at once, each with its cause', async (assert) => {
      await writeFile(join(dir, 'first.mjs'), "throw new Error('first cause');\n");
      await writeFile(join(dir, 'second.mjs'), 'export default 42;\n');
      await writeFile(join(dir, 'third.mjs'), "export default class Ok { static [Symbol.for('dropsocket.handler')] = true; }\n");
      const error = await rejection(assert, dir);
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'), 'HANDLER_LOAD_FAILED');
      assert.true(error.message.includes(`${join(dir, 'first.mjs')} failed to load: first cause`), 'names the first file and its cause');
      assert.true(error.message.includes(`${join(dir, 'second.mjs')} must default-export`), 'names the second file');
      assert.false(error.message.includes('third.mjs'), 'the good file is not blamed');
    });

    QUnit.test('a syntax error names its file and line', async (assert) => {
      await writeFile(join(dir, 'typo.mjs'), 'export default class Typo {\n  server() { return 1 +; }\n}\n');
      const error = await rejection(assert, dir);
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'), 'HANDLER_LOAD_FAILED');
      assert.true(error.message.includes(`${join(dir, 'typo.mjs')}:2`), `line 2 is named: ${error.message}`);
    });

    QUnit.test('a .cjs handler loads, as module.exports or as a compiled exports.default', async (assert) => {
      const brand = "static [Symbol.for('dropsocket.handler')] = true; server() { return 'ok'; }";
      await writeFile(join(dir, 'plain.cjs'), `module.exports = class Plain { ${brand} };\n`);
      await writeFile(join(dir, 'compiled.cjs'), `Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = class Compiled { ${brand} };\n`);
      const found = await discoverHandlers(dir);
      assert.deepEqual(found.map((handler) => handler.name), ['compiled', 'plain']);
      assert.true(found.every((handler) => isHandlerClass(handler.HandlerClass)));
    });

    QUnit.test('with skipBroken, broken files are warned about and the rest load', async (assert) => {
      await writeFile(join(dir, 'broken.mjs'), "throw new Error('server-only dependency missing');\n");
      await writeFile(join(dir, 'good.mjs'), "export default class Good { static [Symbol.for('dropsocket.handler')] = true; client() {} }\n");
      const warnings: string[] = [];
      const found = await discoverHandlers(dir, { skipBroken: true, warn: (message) => warnings.push(message) });
      assert.deepEqual(found.map((handler) => handler.name), ['good']);
      assert.strictEqual(warnings.length, 1);
      assert.true(warnings[0]?.includes(join(dir, 'broken.mjs')), 'the warning names the file');
    });

    QUnit.test('a .tsx file is named in a warning, not loaded and not ignored silently', async (assert) => {
      await writeFile(join(dir, 'widget.tsx'), 'export default 1;\n');
      const warnings: string[] = [];
      assert.deepEqual(await discoverHandlers(dir, { warn: (message) => warnings.push(message) }), []);
      assert.true(warnings.some((message) => message.includes(join(dir, 'widget.tsx'))), 'warned');
    });

    QUnit.test('linked folders are followed, a link loop ends, hidden and _private folders are not walked', async (assert) => {
      const handler = "export default class H { static [Symbol.for('dropsocket.handler')] = true; server() {} }\n";
      await mkdir(join(dir, 'real'));
      await writeFile(join(dir, 'real', 'one.mjs'), handler);
      await symlink(join(dir, 'real'), join(dir, 'linked'));
      await symlink(dir, join(dir, 'real', 'loop'));
      for (const hidden of ['.git', '_private']) {
        await mkdir(join(dir, hidden));
        // Broken on purpose: loading either would fail discovery.
        await writeFile(join(dir, hidden, 'broken.mjs'), "throw new Error('must not load');\n");
      }
      const names = (await discoverHandlers(dir)).map((found) => found.name).sort();
      assert.deepEqual(names, ['linked.one', 'real.one']);
    });

    QUnit.test('a file with no default export is HANDLER_LOAD_FAILED', async (assert) => {
      await writeFile(join(dir, 'helper.mjs'), 'export const helper = 1;\n');
      const error = await rejection(assert, dir);
      assert.true(isSocketError(error, 'HANDLER_LOAD_FAILED'));
    });
  });
});
