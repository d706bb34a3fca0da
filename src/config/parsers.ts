/**
 * Value parsers for the settings table. Each accepts either the string of an environment
 * variable or a value passed in code, and returns the value or a description of what was
 * expected. Pure: no process.env, no I/O.
 */

/** The result of parsing one setting. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; expected: string };

/** Parses one setting's raw value. */
export type Parser<T> = (raw: unknown) => ParseResult<T>;

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(expected: string): ParseResult<T> => ({ ok: false, expected });

/** An integer in [min, max], from a number or a decimal string. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return (raw) => {
    const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) return fail(expected);
    return ok(value);
  };
}

/** Like {@link integer}, but also accepts `unlimited` / `Infinity` for no bound. */
export function integerOrUnlimited(min: number): Parser<number> {
  const finite = integer(min);
  return (raw) => {
    if (raw === Infinity || (typeof raw === 'string' && /^\s*(unlimited|infinity)\s*$/i.test(raw))) return ok(Infinity);
    const result = finite(raw);
    return result.ok ? result : fail(`${result.expected}, or "unlimited"`);
  };
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/** A boolean, from a boolean or one of true/false/1/0/yes/no (any case). */
export function boolean(): Parser<boolean> {
  return (raw) => {
    if (typeof raw === 'boolean') return ok(raw);
    const word = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
    return fail('one of true/false/1/0/yes/no');
  };
}

/** A non-empty string. */
export function text(): Parser<string> {
  return (raw) => (typeof raw === 'string' && raw.trim() !== '' ? ok(raw.trim()) : fail('a non-empty string'));
}

/** A ws:// or wss:// URL. */
export function websocketUrl(): Parser<string> {
  return (raw) => {
    if (typeof raw !== 'string' || !URL.canParse(raw.trim())) return fail('a ws:// or wss:// URL');
    const url = new URL(raw.trim());
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? ok(url.toString()) : fail('a ws:// or wss:// URL');
  };
}

/** One of a fixed list of lower-case words (any case accepted). */
export function oneOf<const Word extends string>(words: readonly Word[]): Parser<Word> {
  return (raw) => {
    const word = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    return word !== undefined && (words as readonly string[]).includes(word) ? ok(word as Word) : fail(`one of ${words.join('/')}`);
  };
}

/** A plain object (code only: there is no environment form). */
export function plainObject(): Parser<Record<string, unknown>> {
  return (raw) =>
    raw !== null && typeof raw === 'object' && !Array.isArray(raw)
      ? ok({ ...(raw as Record<string, unknown>) })
      : fail('a plain object');
}

/** Makes a parser also accept "no value" (`null`), for settings derived from others. */
export function optional<T>(parser: Parser<T>): Parser<T | null> {
  return (raw) => (raw === null ? ok(null) : parser(raw));
}

/** A count from `min` to `max`, or `auto` (the caller picks, e.g. one per CPU). */
export function integerOrAuto(min: number, max: number): Parser<number | 'auto'> {
  const finite = integer(min, max);
  return (raw) => {
    if (typeof raw === 'string' && raw.trim().toLowerCase() === 'auto') return ok('auto');
    const result = finite(raw);
    return result.ok ? result : fail(`${result.expected}, or "auto"`);
  };
}

/** `local`, or a redis:// or rediss:// URL (credentials, if any, stay inside the value). */
export function adapterUrl(): Parser<string> {
  const expected = '"local" or a redis://[user:pass@]host:port[/db] URL';
  return (raw) => {
    if (typeof raw !== 'string') return fail(expected);
    const value = raw.trim();
    if (value.toLowerCase() === 'local') return ok('local');
    if (!URL.canParse(value)) return fail(expected);
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '' ? ok(value) : fail(expected);
  };
}
