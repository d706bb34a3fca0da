/** A logger that keeps every entry, at every level, so tests can check what reaches the logs. */
import type { Logger } from '../../src/index.js';

/** One log call. */
export interface LogEntry {
  level: keyof Logger;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger and the entries it has received. */
export function captureLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>): void => {
    entries.push({ level, message, fields });
  };
  return {
    entries,
    logger: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

/**
 * The entries as one string, as a log sink might write them, but more revealing: bytes are
 * spelled as hex, base64, base64url and latin1, and errors with message, stack and cause, so
 * a secret that reached the logs in any of those forms is found by a substring search.
 */
export function serializeLogs(entries: readonly LogEntry[]): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(entries, function replace(_key, value: unknown) {
    const bytes = asBytes(value);
    if (bytes !== undefined) {
      return ['hex', 'base64', 'base64url', 'latin1'].map((encoding) => bytes.toString(encoding as BufferEncoding)).join(' ');
    }
    if (typeof value === 'bigint') return value.toString();
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (value instanceof Error) {
      return { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause };
    }
    return value;
  });
}

function asBytes(value: unknown): Buffer | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value);
  // JSON.stringify has already turned a Buffer into {type: 'Buffer', data: [...]} via toJSON.
  const json = value as { type?: unknown; data?: unknown } | null;
  if (json !== null && typeof json === 'object' && json.type === 'Buffer' && Array.isArray(json.data)) {
    return Buffer.from(json.data as number[]);
  }
  return undefined;
}
