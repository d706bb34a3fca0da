/** The node:test example of docs/testing.md, run as users run it: `node --test`. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { within } from '../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

QUnit.module('e2e/testing-examples', () => {
  QUnit.test('the node:test example passes all of its tests under node --test', async (assert) => {
    assert.timeout(60_000);
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', '--conditions=dropsocket-source', '--import', 'tsx', 'test/examples/node-test-handlers.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      const [code] = (await within(once(child, 'close'), 50_000, 'node --test to finish')) as [number | null];
      assert.strictEqual(code, 0, output);
      assert.true(/^# pass 3$/m.test(output), output);
      assert.true(/^# fail 0$/m.test(output), output);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
