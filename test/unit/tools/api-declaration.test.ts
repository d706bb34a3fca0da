import { join } from 'node:path';
import QUnit from 'qunit';
import { importSpecifier, renderApiDeclaration } from '../../../src/tools/api-declaration.js';

const PROJECT = join('/', 'project');
const OUT = join(PROJECT, 'dropsocket-api.d.ts');

QUnit.module('src/tools/api-declaration', () => {
  QUnit.test('import specifiers are relative to the out file and name the emitted extension', (assert) => {
    assert.strictEqual(importSpecifier(join(PROJECT, 'socket-handlers', 'echo.ts'), OUT), './socket-handlers/echo.js');
    assert.strictEqual(importSpecifier(join(PROJECT, 'socket-handlers', 'room', 'join.mts'), OUT), './socket-handlers/room/join.mjs');
    assert.strictEqual(importSpecifier(join(PROJECT, 'socket-handlers', 'old.cts'), OUT), './socket-handlers/old.cjs');
    assert.strictEqual(importSpecifier(join(PROJECT, 'socket-handlers', 'echo.ts'), join(PROJECT, 'src', 'types', 'api.d.ts')), '../../socket-handlers/echo.js');
  });

  QUnit.test('the default export is HandlerApi over every handler, sorted by name; JavaScript handlers are untyped', (assert) => {
    const text = renderApiDeclaration(
      [
        { name: 'room.join', file: join(PROJECT, 'socket-handlers', 'room', 'join.ts') },
        { name: 'auth', file: join(PROJECT, 'socket-handlers', 'auth.ts') },
        { name: 'legacy', file: join(PROJECT, 'socket-handlers', 'legacy.mjs') },
      ],
      OUT,
    );
    const rows = text.split('\n').filter((line) => line.startsWith('  "'));
    assert.deepEqual(rows, [
      '  "auth": typeof import("./socket-handlers/auth.js").default;',
      '  "legacy": UntypedHandler;',
      '  "room.join": typeof import("./socket-handlers/room/join.js").default;',
    ]);
    assert.true(text.includes("import type { HandlerApi, UntypedHandler } from 'dropsocket';"));
    assert.true(/^export default Api;$/m.test(text));
  });

  QUnit.test('no handlers give an Api with no requests and no pushes', (assert) => {
    assert.true(renderApiDeclaration([], OUT).includes('type Api = HandlerApi<{\n}>;'));
  });
});
