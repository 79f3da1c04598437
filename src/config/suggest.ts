/** "Did you mean" suggestions for misspelt config keys and enum values. */
import { distance } from 'fastest-levenshtein';

/**
 * The nearest candidate to `word`, or undefined when nothing is close enough to be a plausible
 * typo (more than a third of the word, at least 2 edits, would be a guess, not a suggestion).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const normalised = word.toLowerCase().replace(/[_\s]/g, '-');
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(normalised, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.ceil(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}
