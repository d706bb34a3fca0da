/**
 * Option keys a constructor does not know, with the closest known one as a suggestion.
 * Pure and free of node: imports: the browser client resolves its settings with it too.
 */

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
