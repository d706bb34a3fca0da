/**
 * A logger for the fuzz server that checks every entry as it is written, and keeps only
 * counts and a few recent lines: a run logs thousands of entries, and keeping them all
 * would grow the very heap the fuzzer measures.
 */
import type { Logger } from '../../src/index.js';

const RECENT_ENTRIES = 20;
/** The message the server logs once when it closes a connection for a bad frame. */
export const CLOSING_MESSAGE = 'closing connection';

/** Serialises log fields the way a JSON logger would, Errors and Buffers included. */
function serialise(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return '';
  try {
    return JSON.stringify(fields, (_key, value: unknown) => {
      if (value instanceof Error) return { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause };
      if (Buffer.isBuffer(value)) return value.toString('latin1');
      if (typeof value === 'bigint') return String(value);
      return value;
    });
  } catch {
    return String(fields);
  }
}

/** Captures the server's log stream and flags secrets or payloads in it. */
export class LogCapture {
  readonly logger: Logger;
  /** Entries that contained a needle: level and message only, never the entry itself. */
  readonly leaks: string[] = [];
  /** Entries by level and message. */
  readonly counts = new Map<string, number>();
  readonly recent: string[] = [];
  readonly #needles: readonly string[];
  readonly #closings = new Map<string, number>();

  /** `needles`: strings no entry may contain (the payload marker, the auth key). */
  constructor(needles: readonly string[]) {
    this.#needles = needles;
    const at = (level: string) => (message: string, fields?: Record<string, unknown>): void => this.#write(level, message, fields);
    this.logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }

  #write(level: string, message: string, fields: Record<string, unknown> | undefined): void {
    const line = `${level} ${message} ${serialise(fields)}`;
    if (this.#needles.some((needle) => line.includes(needle))) this.leaks.push(`${level} "${message}"`);
    const key = `${level} ${message}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (message === CLOSING_MESSAGE && typeof fields?.connection === 'string') {
      this.#closings.set(fields.connection, (this.#closings.get(fields.connection) ?? 0) + 1);
    }
    this.recent.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
    if (this.recent.length > RECENT_ENTRIES) this.recent.shift();
  }

  /** How many times `connection` was logged as closing for a bad frame; forgets it. */
  takeClosings(connection: string): number {
    const count = this.#closings.get(connection) ?? 0;
    this.#closings.delete(connection);
    return count;
  }
}
