import QUnit from 'qunit';
import { handlerNameFromPath, isHandlerFile, isTypeScriptFile, isUnsupportedHandlerFile } from '../../../src/handlers/handler-name.js';

QUnit.module('src/handlers/handler-name', () => {
  QUnit.module('handlerNameFromPath', () => {
    QUnit.test('kebab-case file names become camelCase', (assert) => {
      assert.strictEqual(handlerNameFromPath('validate-game.ts'), 'validateGame');
      assert.strictEqual(handlerNameFromPath('echo.ts'), 'echo');
      assert.strictEqual(handlerNameFromPath('fail-with-code.ts'), 'failWithCode');
    });

    QUnit.test('folders become dot-separated segments, each camelCased', (assert) => {
      assert.strictEqual(handlerNameFromPath('room/join.ts'), 'room.join');
      assert.strictEqual(handlerNameFromPath('nested/deep-folder/do-thing.ts'), 'nested.deepFolder.doThing');
    });

    QUnit.test('Windows separators name the same handler', (assert) => {
      assert.strictEqual(handlerNameFromPath('nested\\deep-folder\\do-thing.ts'), 'nested.deepFolder.doThing');
    });

    QUnit.test('every loadable extension is dropped', (assert) => {
      for (const ext of ['ts', 'mts', 'js', 'mjs']) assert.strictEqual(handlerNameFromPath(`room/join-game.${ext}`), 'room.joinGame', ext);
    });

    QUnit.test('a name already in camelCase is kept', (assert) => {
      assert.strictEqual(handlerNameFromPath('fooBar.ts'), 'fooBar');
    });
  });

  QUnit.module('isHandlerFile', () => {
    QUnit.test('.ts, .mts, .cts, .js, .mjs and .cjs files are handlers', (assert) => {
      for (const path of ['echo.ts', 'echo.mts', 'echo.cts', 'echo.js', 'echo.mjs', 'echo.cjs', 'room/join.ts', 'a/b/c.mjs']) assert.true(isHandlerFile(path), path);
    });

    QUnit.test('other extensions are not', (assert) => {
      for (const path of ['echo.json', 'echo.tsx', 'echo.jsx', 'README.md', 'echo']) assert.false(isHandlerFile(path), path);
    });

    QUnit.test('.tsx and .jsx files are named as unsupported rather than ignored silently', (assert) => {
      for (const path of ['echo.tsx', 'room/join.jsx']) assert.true(isUnsupportedHandlerFile(path), path);
      for (const path of ['echo.ts', '_helper.tsx', 'echo.test.tsx']) assert.false(isUnsupportedHandlerFile(path), path);
    });

    QUnit.test('only TypeScript extensions need the TypeScript loader', (assert) => {
      for (const path of ['a.ts', 'a.mts', 'a.cts']) assert.true(isTypeScriptFile(path), path);
      for (const path of ['a.js', 'a.mjs', 'a.cjs', 'a.d.ts']) assert.false(isTypeScriptFile(path), path);
    });

    QUnit.test('declaration files are skipped', (assert) => {
      for (const path of ['types.d.ts', 'room/types.d.ts', 'types.d.mts']) assert.false(isHandlerFile(path), path);
    });

    QUnit.test('test files are skipped', (assert) => {
      for (const path of ['echo.test.ts', 'echo.test.js', 'room/join.test.mts']) assert.false(isHandlerFile(path), path);
    });

    QUnit.test('a name that merely contains "test" is a handler', (assert) => {
      for (const path of ['latest.ts', 'test-room.ts', 'contest/enter.ts']) assert.true(isHandlerFile(path), path);
    });

    QUnit.test('files starting with _ or . are skipped', (assert) => {
      for (const path of ['_helper.ts', '.hidden.ts', 'room/_room-name.ts', 'room/.draft.ts']) assert.false(isHandlerFile(path), path);
    });

    QUnit.test('files in folders starting with _ or . are skipped', (assert) => {
      for (const path of ['_private/echo.ts', 'room/_lib/join.ts', '.cache/echo.ts', 'a\\_b\\c.ts']) assert.false(isHandlerFile(path), path);
    });

    QUnit.test('an underscore inside a name does not skip the file', (assert) => {
      assert.true(isHandlerFile('room/join_game.ts'));
    });
  });
});
