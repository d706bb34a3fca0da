import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import QUnit from 'qunit';
import { renderSpec, writeApiTypes } from '../../../src/cli/tool-commands.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const TYPED = fileURLToPath(new URL('../../fixtures/typed-api/socket-handlers', import.meta.url));
/** AsyncAPI diagnostics: 0 error, 1 warning, 2 information, 3 hint. */
const WARNING = 1;

type Json = Record<string, any>;

QUnit.module('src/cli/tool-commands', (hooks) => {
  let dir = '';
  useTempDir(hooks, 'tools', (created) => (dir = created));

  QUnit.module('writeApiTypes', () => {
    QUnit.test('writes dropsocket-api.d.ts in the working directory by default, naming every handler file', async (assert) => {
      const line = await writeApiTypes({ handlerDir: TYPED }, dir);
      assert.strictEqual(line, `wrote ${join(dir, 'dropsocket-api.d.ts')} (9 handlers)`);
      const text = await readFile(join(dir, 'dropsocket-api.d.ts'), 'utf8');
      assert.strictEqual(text.match(/^ {2}"/gm)?.length, 9);
    });

    QUnit.test('--out may name a file in a folder that does not exist yet', async (assert) => {
      await writeApiTypes({ handlerDir: TYPED, out: 'types/generated/api.d.ts' }, dir);
      assert.true((await readFile(join(dir, 'types', 'generated', 'api.d.ts'), 'utf8')).includes('export default Api;'));
    });

    QUnit.test('a missing handler folder is HANDLER_LOAD_FAILED and writes nothing', async (assert) => {
      await assert.rejects(writeApiTypes({ handlerDir: 'nope' }, dir), (error: { code?: string }) => error.code === 'HANDLER_LOAD_FAILED');
      await assert.rejects(readFile(join(dir, 'dropsocket-api.d.ts')), /ENOENT/);
    });
  });

  QUnit.module('renderSpec', () => {
    QUnit.test('is an AsyncAPI 3.0 document that the AsyncAPI parser accepts without errors or warnings', async (assert) => {
      assert.timeout(30_000);
      const text = await renderSpec({ handlerDir: TYPED }, dir);
      const { document, diagnostics } = await new Parser().parse(text);
      const serious = diagnostics.filter((diagnostic) => diagnostic.severity <= WARNING);
      assert.deepEqual(serious.map((diagnostic) => `${diagnostic.code}: ${diagnostic.message} at ${diagnostic.path.join('.')}`), []);
      assert.strictEqual(document?.version(), '3.0.0');
      assert.deepEqual(
        document?.operations().all().map((operation) => operation.id()).sort(),
        ['add-request', 'auth-request', 'legacy-request', 'news-push', 'ping-request', 'question-push', 'room_join-request', 'silent-request', 'slow-request'],
      );
    });

    QUnit.test('a request operation is received and replied to; a push is sent', async (assert) => {
      const spec = JSON.parse(await renderSpec({ handlerDir: TYPED }, dir)) as Json;
      assert.strictEqual(spec.operations['room_join-request'].action, 'receive');
      assert.deepEqual(spec.operations['room_join-request'].reply.messages, [{ $ref: '#/channels/room_join/messages/reply' }]);
      assert.strictEqual(spec.operations['news-push'].action, 'send');
      assert.strictEqual(spec.channels.room_join.title, 'room.join');
      assert.deepEqual(spec.channels.room_join.messages.request.payload.properties.request, { const: 'room.join' });
    });

    QUnit.test('a schema that gives JSON Schema becomes the data schema; others leave data untyped', async (assert) => {
      const spec = JSON.parse(await renderSpec({ handlerDir: TYPED }, dir)) as Json;
      // zod 4 implements Standard JSON Schema; its input type has b as a string (the transform runs after).
      assert.deepEqual(spec.channels.add.messages.request.payload.properties.data, {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'string' } },
        required: ['a', 'b'],
      });
      assert.false('type' in spec.channels.ping.messages.request.payload.properties.data, 'no schema: any value');
    });

    QUnit.test('info comes from the package.json of the working directory', async (assert) => {
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'chat-server', version: '2.0.1' }));
      const spec = JSON.parse(await renderSpec({ handlerDir: TYPED }, dir)) as Json;
      assert.deepEqual([spec.info.title, spec.info.version], ['chat-server', '2.0.1']);
    });
  });
});
