/**
 * Checks of the options object passed to a constructor: keys the settings table does not
 * know (a typo is otherwise silently ignored in JavaScript), and a second singleton asked
 * for with other options (which would otherwise silently get the first instance's). Pure.
 * The name checks live in option-names.ts, free of node: imports (the browser bundle
 * resolves settings too).
 */
import { isDeepStrictEqual } from 'node:util';
import { SocketError } from '../errors.js';

export { closestWord, unknownOptionProblems } from './option-names.js';

/**
 * Throws when a constructor call that would return the existing singleton asks for other
 * options than the ones it was made with. No options (or only `singleton`) means "the
 * existing one"; identical options are fine too. Names the keys, never their values (the
 * auth key is one of them).
 * @throws SocketError `CONFIG_INVALID`
 */
export function checkSameSingletonOptions(className: string, existingOptions: object, requestedOptions: object): void {
  const existing = existingOptions as Readonly<Record<string, unknown>>;
  const requested = requestedOptions as Readonly<Record<string, unknown>>;
  const asked = Object.keys(requested).filter((key) => key !== 'singleton' && requested[key] !== undefined);
  if (asked.length === 0) return;
  const keys = new Set([...Object.keys(existing), ...Object.keys(requested)].filter((key) => key !== 'singleton'));
  const differing = [...keys].filter((key) => !isDeepStrictEqual(existing[key], requested[key]));
  if (differing.length === 0) return;
  throw new SocketError(
    'CONFIG_INVALID',
    `A ${className} already exists with other options (differing: ${differing.join(', ')}). ` +
      `${className} is a singleton: call new ${className}() with no options to get it, reset() it first, or pass singleton: false for an independent instance.`,
  );
}
