/**
 * Throw assertions that report what was actually thrown. They replace assert.throws with a
 * matcher (function or class): QUnit 3.0's TAP reporter crashes when such an assertion fails
 * (prettyYamlValue calls JSON.stringify on the function and splits undefined), which exits
 * the process and hides every later result.
 */
import { isSocketError } from '../../src/errors.js';

interface Thrown {
  threw: boolean;
  error: unknown;
}

function capture(run: () => unknown): Thrown {
  try {
    run();
    return { threw: false, error: undefined };
  } catch (error) {
    return { threw: true, error };
  }
}

function summarize({ threw, error }: Thrown): string {
  if (!threw) return 'nothing thrown';
  if (isSocketError(error)) return `SocketError ${error.code} (close ${String(error.closeCode)})`;
  return error instanceof Error ? error.name : typeof error;
}

/** Asserts that `run` throws a SocketError with `code`, and `closeCode` when given. */
export function assertThrowsCode(
  assert: Assert,
  run: () => unknown,
  code: string,
  options: { closeCode?: number; message?: string } = {},
): void {
  const thrown = capture(run);
  const { closeCode, message } = options;
  const { error } = thrown;
  assert.pushResult({
    result: isSocketError(error, code) && (closeCode === undefined || error.closeCode === closeCode),
    actual: summarize(thrown),
    expected: `SocketError ${code}${closeCode === undefined ? '' : ` (close ${closeCode})`}`,
    message: message ?? `throws ${code}`,
  });
}

/** Asserts that `run` throws an instance of `type`, and returns it for further checks. */
export function assertThrowsType<E extends Error>(
  assert: Assert,
  run: () => unknown,
  type: abstract new (...args: never[]) => E,
  message?: string,
): E | undefined {
  const thrown = capture(run);
  assert.pushResult({
    result: thrown.error instanceof type,
    actual: summarize(thrown),
    expected: type.name,
    message: message ?? `throws ${type.name}`,
  });
  return thrown.error instanceof type ? (thrown.error as E) : undefined;
}

/** Asserts that `promise` rejects with a SocketError with `code`. */
export async function assertRejectsCode(assert: Assert, promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  let thrown: Thrown;
  try {
    await promise;
    thrown = { threw: false, error: undefined };
  } catch (error) {
    thrown = { threw: true, error };
  }
  assert.pushResult({ result: isSocketError(thrown.error, code), actual: summarize(thrown), expected: `SocketError ${code}`, message: message ?? `rejects ${code}` });
}
