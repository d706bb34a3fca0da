/** The client loads the shared handler folder for its client() hooks without failing on server-only files. */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import QUnit from 'qunit';
import { captureLogger } from '../helpers/capture-logger.js';
import { fixtureHandlers, resetAll, startClient, startServer } from '../helpers/start-server.js';
import { waitUntil } from '../helpers/wait-for.js';

QUnit.module('integration: the client and a shared handler folder', (hooks) => {
  let dir = '';

  hooks.beforeEach(async () => {
    // Inside the repository (git-ignored), so the copied handlers resolve 'dropsocket'.
    const scratch = fileURLToPath(new URL('../.tmp/', import.meta.url));
    await mkdir(scratch, { recursive: true });
    dir = await mkdtemp(join(scratch, 'client-folder-'));
    await cp(fixtureHandlers('valid'), dir, { recursive: true });
    // A server-only handler whose dependency exists only on the server machine.
    await writeFile(join(dir, 'billing.mjs'), "import 'a-package-only-the-server-has';\nexport default class Billing {}\n");
  });

  hooks.afterEach(async () => {
    await resetAll();
    await rm(dir, { recursive: true, force: true });
  });

  QUnit.test('a broken server-only file is named in a warning; the client starts and its hooks run', async (assert) => {
    const server = await startServer();
    const { logger, entries } = captureLogger();
    const client = await startClient(server, { handlerDir: dir, logger });
    const warning = entries.find((entry) => entry.level === 'warn' && entry.message.includes('billing.mjs'));
    assert.true(warning !== undefined, 'the broken file is named');
    assert.true(warning?.message.includes('a-package-only-the-server-has'), 'with its cause');
    assert.true(client.handlers.has('news'), 'the other client() hooks are loaded');
    // The same module the client loaded: its hook records what it receives.
    const { default: News } = (await import(pathToFileURL(join(dir, 'news.ts')).href)) as { default: { received: Array<{ payload: unknown }> } };
    News.received.length = 0;
    server.broadcast('news', { headline: 'still served' });
    await waitUntil(() => News.received.length > 0, undefined, 'the news hook');
    assert.deepEqual(News.received[0]?.payload, { headline: 'still served' });
  });
});
