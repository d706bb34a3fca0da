/**
 * What the fuzz server's handlers were called with, so the fuzzer can check that every call
 * came from a well-formed envelope it sent, on an authenticated connection (or to a
 * skipAuth handler). Files starting with "_" are not handlers.
 */
import type { Connection } from 'dropsocket';

/** One server() call. */
export interface HandlerCall {
  connection: string;
  request: string;
  data: unknown;
  authenticated: boolean;
}

/** Calls since the fuzzer last drained the journal. */
const calls: HandlerCall[] = [];

/** Records one call; every fuzz handler calls this first. */
export function recordCall(request: string, data: unknown, connection: Connection): void {
  calls.push({ connection: connection.id, request, data, authenticated: connection.authenticated });
}

/** Takes every recorded call (the fuzzer drains after each case, so the journal stays small). */
export function drainCalls(): HandlerCall[] {
  return calls.splice(0);
}
