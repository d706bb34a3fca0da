/**
 * The package as a user gets it: `npm pack`, installed into fresh projects outside this
 * repository (CommonJS as `npm init` makes it, and `"type": "module"`), used with plain
 * `node` on every supported Node version, type-checked by a strict consumer, and driven
 * through `npx dropsocket init`, `serve` and `call`.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { supportedNodeBinaries, type NodeBinary } from '../helpers/node-binaries.js';
import { createProject, packTarball, runCommand, startCommand, tempParent, userEnv, writeFiles, type Tarball } from '../helpers/packed-project.js';
import { BROWSER_CONSUMER, BROWSER_TSCONFIG, KIND_ANSWERS, PACKAGE_KEY, TS_CONSUMER, cjsSmoke, esmSmoke, handlerFiles, strictTsconfig } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SETUP_MS = 420_000;
const LISTENING = /^listening on ws:\/\/127\.0\.0\.1:(\d+)$/m;
const NAMES = Object.keys(KIND_ANSWERS);
const EXPECTED_SMOKE = { ...KIND_ANSWERS, errorIsSocketError: true, handlerIsClass: true, testingEntry: 'mjs' };

QUnit.module('package: the npm tarball installed into fresh projects', (hooks) => {
  let parent = '';
  let tarball: Tarball;
  let commonjsApp = '';
  let moduleApp = '';
  let nodes: NodeBinary[] = [];

  hooks.before(async (assert) => {
    assert.timeout(SETUP_MS);
    parent = await tempParent();
    tarball = await packTarball(ROOT, parent);
    const { devDependencies } = (await import('../../package.json', { with: { type: 'json' } })).default as { devDependencies: Record<string, string> };
    // The consumer's tsc and Node types: the versions this repository is checked with.
    const typescript = [`typescript@${devDependencies.typescript}`, `@types/node@${devDependencies['@types/node']}`];
    [commonjsApp, moduleApp, nodes] = await Promise.all([
      createProject(parent, 'commonjs-app', {}, tarball.path),
      createProject(parent, 'module-app', { type: 'module' }, tarball.path, typescript),
      supportedNodeBinaries(ROOT, userEnv()),
    ]);
    await writeFiles(commonjsApp, { ...handlerFiles('commonjs'), 'smoke.mjs': esmSmoke('socket-handlers', NAMES), 'smoke.cjs': cjsSmoke('socket-handlers', NAMES) });
    await writeFiles(moduleApp, { ...handlerFiles('module'), 'smoke.js': esmSmoke('socket-handlers', NAMES), 'smoke.cjs': cjsSmoke('socket-handlers', NAMES), 'consumer.ts': TS_CONSUMER });
  });

  hooks.after(async () => {
    if (parent !== '') await rm(parent, { recursive: true, force: true });
  });

  QUnit.test('the tarball holds dist with types and maps, the bin, README, LICENSE and docs, and nothing else', (assert) => {
    const outside = tarball.files.filter((path) => !/^(dist\/|bin\/|docs\/|README\.md$|LICENSE$|package\.json$)/.test(path));
    assert.deepEqual(outside, [], 'no tests, benchmarks, scripts, sources or CI files');
    for (const needed of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/index.js.map', 'bin/dropsocket.js', 'README.md', 'LICENSE', 'docs/protocol.md']) {
      assert.true(tarball.files.includes(needed), needed);
    }
  });

  QUnit.test('every supported Node version is under test', (assert) => {
    assert.deepEqual(nodes.map((node) => Number(/^v(\d+)/.exec(node.version)?.[1])).slice(1), [22, 24]);
  });

  QUnit.test('import and require both work with plain node, in both kinds of project, on every supported version', async (assert) => {
    assert.timeout(SETUP_MS);
    for (const node of nodes) {
      for (const [dir, script] of [[commonjsApp, 'smoke.mjs'], [commonjsApp, 'smoke.cjs'], [moduleApp, 'smoke.js'], [moduleApp, 'smoke.cjs']] as const) {
        const what = `node ${node.version} ${dir === moduleApp ? 'module' : 'commonjs'} project, ${script}`;
        const outcome = await runCommand(node.path, [script], { cwd: dir });
        assert.strictEqual(outcome.code, 0, `${what} exits 0: ${outcome.stderr.slice(0, 600)}`);
        assert.deepEqual(outcome.code === 0 ? JSON.parse(outcome.stdout) : outcome.stderr, EXPECTED_SMOKE, `${what}: every handler kind answers`);
      }
    }
  });

  QUnit.test('a strict TypeScript consumer type-checks with skipLibCheck false under nodenext, node16 and bundler', async (assert) => {
    assert.timeout(120_000);
    const tsc = join(moduleApp, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, resolution] of [['nodenext', 'nodenext'], ['node16', 'node16'], ['esnext', 'bundler']] as const) {
      await writeFiles(moduleApp, { 'tsconfig.json': strictTsconfig(module, resolution) });
      const outcome = await runCommand(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: moduleApp, timeoutMs: 60_000 });
      assert.strictEqual(outcome.code, 0, `${module}/${resolution}: ${outcome.stdout.slice(0, 2000)}`);
    }
  });

  QUnit.test('a web page in TypeScript type-checks dropsocket/browser with DOM types and no Node types', async (assert) => {
    assert.timeout(120_000);
    const tsc = join(moduleApp, 'node_modules', 'typescript', 'bin', 'tsc');
    await writeFiles(moduleApp, { 'browser-consumer.ts': BROWSER_CONSUMER, 'tsconfig.browser.json': BROWSER_TSCONFIG });
    const outcome = await runCommand(process.execPath, [tsc, '-p', 'tsconfig.browser.json'], { cwd: moduleApp, timeoutMs: 60_000 });
    assert.strictEqual(outcome.code, 0, outcome.stdout.slice(0, 2000));
    assert.true(tarball.files.includes('dist/browser/dropsocket.min.js'), 'the one-file browser module ships');
  });

  for (const [kind, getDir] of [['commonjs', () => commonjsApp], ['module', () => moduleApp]] as const) {
    QUnit.test(`${kind} project: npx dropsocket init, then serve, then call echo, with no other step`, async (assert) => {
      assert.timeout(120_000);
      const app = join(getDir(), 'fresh');
      const init = await runCommand('npx', ['--no-install', 'dropsocket', 'init', 'fresh'], { cwd: getDir(), timeoutMs: 60_000 });
      assert.strictEqual(init.code, 0, init.stderr);
      assert.true(init.stdout.includes('npx dropsocket serve'), 'prints the next commands');
      const serve = startCommand('npx', ['--no-install', 'dropsocket', 'serve'], { cwd: app, env: userEnv({ SOCKET_PORT: '0' }) });
      try {
        const [, port] = await serve.waitFor(LISTENING, 60_000);
        const call = await runCommand('npx', ['--no-install', 'dropsocket', 'call', 'echo', '{"hi":1}', '--port', port!], { cwd: app, timeoutMs: 60_000 });
        assert.deepEqual([call.code, call.stdout], [0, '{"hi":1}\n'], call.stderr);
        const wrongKey = await runCommand('npx', ['--no-install', 'dropsocket', 'call', 'echo', '--port', port!], { cwd: getDir(), env: userEnv({ SOCKET_AUTH_KEY: PACKAGE_KEY }), timeoutMs: 60_000 });
        assert.notStrictEqual(wrongKey.code, 0, 'a caller without the .env key is refused');
        assert.false(serve.output().stderr.includes('development key'), 'serve uses the key init wrote, not the development key');
      } finally {
        // As a terminal's Ctrl-C does, the signal goes to npx and the server under it alike;
        // what npm itself then exits with is npm's business, the server's shutdown is ours.
        await serve.stop();
      }
      assert.true(serve.output().stderr.includes('SIGTERM: shutting down'), 'serve shuts down gracefully');
    });
  }

  QUnit.test('serving JavaScript handlers never loads tsx: it works with tsx removed', async (assert) => {
    assert.timeout(60_000);
    const tsx = join(commonjsApp, 'node_modules', 'tsx');
    await writeFiles(commonjsApp, {
      'js-handlers/auth.cjs': "const { Handler } = require('dropsocket');\nmodule.exports = class Auth extends Handler { server() { return true; } };\n",
      'js-handlers/kind-mjs.mjs': handlerFiles('commonjs')['socket-handlers/kind-mjs.mjs']!,
      'js-handlers/kind-js.js': handlerFiles('commonjs')['socket-handlers/kind-js.js']!,
    });
    await rename(tsx, `${tsx}.away`);
    try {
      const outcome = await runCommand(process.execPath, ['smoke.cjs'], { cwd: commonjsApp });
      assert.strictEqual(outcome.code, 1, 'the TypeScript handlers cannot load without tsx');
      await writeFiles(commonjsApp, { 'smoke-js.cjs': cjsSmoke('js-handlers', ['kindMjs', 'kindJs']) });
      const js = await runCommand(process.execPath, ['smoke-js.cjs'], { cwd: commonjsApp });
      assert.strictEqual(js.code, 0, js.stderr);
      assert.deepEqual(JSON.parse(js.stdout || '{}'), { kindMjs: 'mjs', kindJs: 'js', errorIsSocketError: true, handlerIsClass: true, testingEntry: 'mjs' });
    } finally {
      await rename(`${tsx}.away`, tsx);
    }
  });
});
