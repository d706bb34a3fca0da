/** Running a handler on one input, and turning what it throws into a wire error. */
import { SocketError, isBuiltInCode } from '../errors.js';
import type { HandlerEntry } from '../handlers/registry.js';
import type { Logger } from '../logger.js';
import { quoteName, type WireError } from '../protocol/envelope.js';

/**
 * Validates `input` against the handler's schema, then runs the handler. Resolves with
 * the handler's result.
 * @throws SocketError `VALIDATION_ERROR`, or whatever the handler throws.
 */
export async function invokeHandler(entry: HandlerEntry, input: unknown, context?: unknown): Promise<unknown> {
  const run = entry.run;
  if (run === undefined) throw new SocketError('UNKNOWN_REQUEST', `No handler for request ${quoteName(entry.name)}`);
  let data = input;
  if (entry.schema !== undefined) {
    const result = await entry.schema['~standard'].validate(input);
    if (result.issues !== undefined) throw new SocketError('VALIDATION_ERROR', describeIssues(result.issues));
    data = result.value;
  }
  return run(data, context);
}

function describeIssues(issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<unknown> | undefined }>): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const path = (issue.path ?? []).map((key) => String(typeof key === 'object' && key !== null ? (key as { key: unknown }).key : key));
    return path.length > 0 ? `${path.join('.')}: ${issue.message}` : issue.message;
  });
  return `Invalid data: ${parts.join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`;
}

/**
 * The `{code, message}` to send for an error. A SocketError keeps its code and message;
 * anything else becomes a generic `HANDLER_ERROR` so no stack or internal text leaks to
 * the peer. The original is logged here, once.
 */
export function toWireError(error: unknown, request: string, logger: Logger): WireError {
  if (error instanceof SocketError) {
    if (error.code === 'HANDLER_ERROR' || !isBuiltInCode(error.code)) logger.debug('handler answered with an error', { request, code: error.code });
    return { code: error.code, message: error.message };
  }
  logger.error('handler threw', { request, err: error });
  return { code: 'HANDLER_ERROR', message: new SocketError('HANDLER_ERROR').message };
}

/** Whether a handler's result is a promise (or any thenable) to wait for. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
