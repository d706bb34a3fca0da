/**
 * Checks of the options object passed to a constructor: keys the settings table does not
 * know (a typo is otherwise silently ignored in JavaScript), and a second singleton asked
 * for with other options (which would otherwise silently get the first instance's). Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { SocketError } from '../errors.js';

/** Suggest a known key only when the typo is this close (edits) to it. */
const MAX_SUGGESTION_DISTANCE = 2;

/** Problems for keys of `options` that are not in `known`, each with the closest known key. */
export function unknownOptionProblems(options: object, known: readonly string[]): string[] {
  return Object.keys(options)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const closest = closestWord(key, known);
      return `unknown option ${JSON.stringify(key)}${closest === undefined ? '' : ` (did you mean "${closest}"?)`}`;
    });
}

/** The word of `words` fewest edits away from `word`, if it is close enough to be a typo. */
export function closestWord(word: string, words: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const candidate of words) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

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
