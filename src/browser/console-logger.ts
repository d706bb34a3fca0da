/** The browser client's default logger: the console, from `level` up. */
import type { LogLevel, Logger } from '../logger.js';

const ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Method = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A Logger writing to `console` with a `[dropsocket]` prefix; fields hold no payloads or keys. */
export function createConsoleLogger(level: LogLevel): Logger {
  const threshold = ORDER.indexOf(level);
  const method = (at: Method) => (message: string, fields?: Record<string, unknown>): void => {
    if (ORDER.indexOf(at) < threshold) return;
    if (fields === undefined) console[at === 'trace' ? 'debug' : at](`[dropsocket] ${message}`);
    else console[at === 'trace' ? 'debug' : at](`[dropsocket] ${message}`, fields);
  };
  return { trace: method('trace'), debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}
