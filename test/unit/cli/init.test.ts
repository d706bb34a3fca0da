import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QUnit from 'qunit';
import { describeInit, initProject } from '../../../src/cli/init.js';
import { gitignoreWithEnv, packageJson } from '../../../src/cli/templates.js';
import { useTempDir } from '../../helpers/temp-dir.js';

QUnit.module('src/cli/init', () => {
  QUnit.module('templates', () => {
    QUnit.test('.env is appended to a .gitignore that lacks it, once', (assert) => {
      assert.strictEqual(gitignoreWithEnv(undefined), '.env\n');
      assert.strictEqual(gitignoreWithEnv('node_modules/'), 'node_modules/\n.env\n');
      assert.strictEqual(gitignoreWithEnv('node_modules/\n'), 'node_modules/\n.env\n');
      assert.strictEqual(gitignoreWithEnv('dist\n.env\n'), undefined);
      assert.strictEqual(gitignoreWithEnv('/.env\r\n'), undefined);
    });

    QUnit.test('a package.json name is made valid for npm from any folder name', (assert) => {
      const name = (folder: string): unknown => (JSON.parse(packageJson(folder, '1.2.3')) as { name: unknown }).name;
      assert.strictEqual(name('My App'), 'my-app');
      assert.strictEqual(name('.hidden'), 'hidden');
      assert.strictEqual(name('!!!'), 'dropsocket-app');
      assert.deepEqual((JSON.parse(packageJson('x', '1.2.3')) as { dependencies: unknown }).dependencies, { dropsocket: '^1.2.3' });
    });
  });

  QUnit.module('initProject', (hooks) => {
    let dir = '';
    useTempDir(hooks, 'init', (path) => (dir = path));

    QUnit.test('writes auth and echo handlers, a .env with a fresh key, .gitignore and package.json', async (assert) => {
      const report = await initProject(join(dir, 'app'));
      assert.deepEqual(report.created.sort(), ['.env', '.gitignore', 'package.json', 'socket-handlers/auth.ts', 'socket-handlers/echo.ts']);
      assert.deepEqual(report.kept, []);
      const env = await readFile(join(dir, 'app', '.env'), 'utf8');
      assert.true(/^SOCKET_AUTH_KEY=[A-Za-z0-9_-]{43}$/m.test(env), 'a keygen key');
      assert.strictEqual(await readFile(join(dir, 'app', '.gitignore'), 'utf8'), '.env\n');
      const auth = await readFile(join(dir, 'app', 'socket-handlers', 'auth.ts'), 'utf8');
      assert.true(auth.includes('secretsEqual('), 'the key is compared in constant time');
      assert.true(auth.includes("from 'dropsocket'"), 'imports the package by name');
    });

    QUnit.test('two projects get two different keys', async (assert) => {
      await initProject(join(dir, 'a'));
      await initProject(join(dir, 'b'));
      const a = await readFile(join(dir, 'a', '.env'), 'utf8');
      assert.notStrictEqual(a, await readFile(join(dir, 'b', '.env'), 'utf8'));
    });

    QUnit.test('never overwrites: existing files are kept and reported', async (assert) => {
      await mkdir(join(dir, 'socket-handlers'));
      await writeFile(join(dir, 'socket-handlers', 'echo.ts'), '// mine\n');
      await writeFile(join(dir, '.env'), 'SOCKET_AUTH_KEY=mine\n');
      await writeFile(join(dir, 'package.json'), '{"name":"mine"}\n');
      await writeFile(join(dir, '.gitignore'), 'node_modules\n');
      const report = await initProject(dir);
      assert.deepEqual(report.kept.sort(), ['.env', 'socket-handlers/echo.ts']);
      assert.deepEqual(report.created, ['socket-handlers/auth.ts']);
      assert.deepEqual(report.updated, ['.gitignore']);
      assert.strictEqual(await readFile(join(dir, 'socket-handlers', 'echo.ts'), 'utf8'), '// mine\n');
      assert.strictEqual(await readFile(join(dir, '.env'), 'utf8'), 'SOCKET_AUTH_KEY=mine\n');
      assert.strictEqual(await readFile(join(dir, 'package.json'), 'utf8'), '{"name":"mine"}\n');
      assert.strictEqual(await readFile(join(dir, '.gitignore'), 'utf8'), 'node_modules\n.env\n');
    });

    QUnit.test('running it twice changes nothing the second time', async (assert) => {
      await initProject(dir);
      const env = await readFile(join(dir, '.env'), 'utf8');
      const again = await initProject(dir);
      assert.deepEqual(again.created, []);
      assert.deepEqual(again.updated, []);
      assert.strictEqual(await readFile(join(dir, '.env'), 'utf8'), env, 'the key is not replaced');
    });

    QUnit.test('the next commands: cd when elsewhere, npm install when dropsocket does not resolve, then serve and call', async (assert) => {
      const report = await initProject(join(dir, 'my app'));
      const text = describeInit(report, dir);
      assert.false(report.installed, 'a temp folder cannot resolve dropsocket');
      const next = text.slice(text.indexOf('Next:')).split('\n').map((line) => line.trim()).filter(Boolean);
      assert.deepEqual(next.slice(0, 4), ['Next:', 'cd "my app"', 'npm install', 'npx dropsocket serve']);
      assert.true(next[4]?.startsWith(`npx dropsocket call echo '{"hi":1}'`), next[4]);
      assert.false(text.includes(await readFile(join(dir, 'my app', '.env'), 'utf8').then((env) => env.split('=')[1]!.trim())), 'the key is not printed');
    });
  });
});
