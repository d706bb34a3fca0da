/**
 * The logging seam. dropsocket logs through this small interface; the default is pino
 * writing JSON lines to stderr (stdout belongs to the CLI's output). Pass any object with
 * these methods as the `logger` option to route logs elsewhere.
 *
 * Rule for callers: fields hold names, ids, sizes and codes, never payloads or keys.
 */
import pino from 'pino';
import type { LOG_LEVELS } from '../config/environment.js';

/** A log level name, or `silent`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

type LogMethod = (message: string, fields?: Record<string, unknown>) => void;

/** What dropsocket needs from a logger. */
export interface Logger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

/** Creates the default logger: pino at `level`, JSON lines on stderr. */
export function createLogger(level: LogLevel, name = 'dropsocket'): Logger {
  const log = pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  const method =
    (at: 'trace' | 'debug' | 'info' | 'warn' | 'error'): LogMethod =>
    (message, fields) => {
      if (fields === undefined) log[at](message);
      else log[at](fields, message);
    };
  return { trace: method('trace'), debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}

const noop: LogMethod = () => {};

/** A logger that drops everything. */
export const silentLogger: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };
