/**
 * Test entry: loads every test file as ESM (one module graph, so classes such as
 * SocketError are the same objects in tests and in the handler files the server imports),
 * runs QUnit with a TAP reporter, and ends with the plain line `N passed, N failed`.
 *
 *   node --import tsx test/run.ts [--filter TEXT] [file-or-glob ...]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, parseArgs } from 'node:util';
import fg from 'fast-glob';
import QUnit from 'qunit';

const DEFAULT_GLOB = 'test/{unit,integration,e2e,examples,package}/**/*.test.ts';
/** If open handles keep the process alive this long after the run, it is a bug; exit anyway. */
const EXIT_GRACE_MS = 3000;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { filter: { type: 'string' } } });
const files = (await fg(positionals.length > 0 ? positionals : [DEFAULT_GLOB])).sort();

interface TestEnd {
  fullName: string[];
  status: 'passed' | 'failed' | 'skipped' | 'todo';
  runtime: number;
  errors: Array<{ message?: string; actual?: unknown; expected?: unknown; stack?: string }>;
}

const qunit = QUnit as unknown as {
  config: { autostart: boolean; testTimeout: number; filter?: string; reorder: boolean };
  on(event: 'testEnd', listener: (test: TestEnd) => void): void;
  on(event: 'runEnd', listener: (run: { status: string }) => void): void;
  onUncaughtException(error: unknown): void;
  start(): void;
};
qunit.config.autostart = false;
qunit.config.reorder = false;
// A hanging test fails instead of hanging CI.
qunit.config.testTimeout = 20_000;
if (values.filter !== undefined) qunit.config.filter = values.filter;

let passed = 0;
let failed = 0;
let finished = false;
// Fail closed: the exit code is 1 unless the run reached its end with no failure, so a
// reporter that crashes mid-run (QUnit 3.0's TAP reporter can, on some assert.throws
// failures) cannot turn a red run green.
process.exitCode = 1;
process.once('exit', () => {
  if (!finished) process.stdout.write('the test run did not finish\n');
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
});
qunit.on('testEnd', (test) => {
  if (test.status === 'failed') failed += 1;
  else if (test.status === 'passed' || test.status === 'todo') passed += 1;
  report(test);
});
qunit.on('runEnd', (run) => {
  finished = true;
  process.stdout.write(`1..${passed + failed}\n`);
  process.exitCode = run.status === 'failed' || failed > 0 || files.length === 0 ? 1 : 0;
  setTimeout(() => {
    process.stderr.write('open handles kept the test process alive after the run\n');
    process.exit();
  }, EXIT_GRACE_MS).unref();
});
process.on('unhandledRejection', (reason) => qunit.onUncaughtException(reason));
process.on('uncaughtException', (error) => qunit.onUncaughtException(error));

/**
 * TAP lines, written here rather than by QUnit's TAP reporter, which in QUnit 3.0 throws
 * while serialising some failures (a function as `expected`) and stops the run.
 */
function report(test: TestEnd): void {
  const title = test.fullName.join(' > ');
  const count = passed + failed;
  if (test.status !== 'failed') {
    process.stdout.write(`ok ${count} ${title}${test.status === 'skipped' ? ' # SKIP' : ''} (${Math.round(test.runtime)} ms)\n`);
    return;
  }
  process.stdout.write(`not ok ${count} ${title}\n`);
  for (const error of test.errors) {
    const lines = [`message: ${error.message ?? 'failed'}`];
    if ('expected' in error) lines.push(`expected: ${inspect(error.expected, { depth: 4 })}`, `actual:   ${inspect(error.actual, { depth: 4 })}`);
    if (error.stack) lines.push(error.stack);
    process.stdout.write(`${lines.join('\n').replace(/^/gm, '  # ')}\n`);
  }
}

process.stdout.write('TAP version 13\n');
for (const file of files) await import(pathToFileURL(resolve(file)).href);
qunit.start();
