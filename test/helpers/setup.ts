/**
 * Loaded by QUnit before the test files: global timeouts, so that a hanging test fails
 * instead of hanging CI, and the closing summary line.
 */
import QUnit from 'qunit';

QUnit.config.testTimeout = 15_000;
QUnit.config.noglobals = false;

// @types/qunit 2.x lacks the QUnit.on event API that QUnit 3 provides.
const events = QUnit as unknown as {
  on(event: 'testEnd', listener: (test: { status: string }) => void): void;
  on(event: 'runEnd', listener: () => void): void;
};

let passed = 0;
let failed = 0;
events.on('testEnd', (test) => {
  if (test.status === 'failed') failed += 1;
  else if (test.status === 'passed' || test.status === 'todo') passed += 1;
});
events.on('runEnd', () => {
  process.once('exit', () => {
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  });
});
