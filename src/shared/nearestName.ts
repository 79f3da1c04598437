/**
 * "Did you mean" suggestions: the candidate nearest to a mistyped word, offered only when it is
 * close enough to be the same word typed wrong. Shared by the config, the flags, the action's
 * inputs and the test-set labels, so that every suggestion follows one rule.
 */

/**
 * Largest normalized edit distance that still counts as a typo: edits divided by the length of the
 * longer word. A third allows one slip in a 3-letter word ('rn' -> 'run', 'rbg' -> 'rgb'), two in
 * a 6-letter one ('layuot' -> 'layout'), and never offers 'std' for 'id' (2 of 3) or 'off' for 'on'.
 */
export const MAX_TYPO_DISTANCE = 1 / 3;

/**
 * Edit distance with adjacent transpositions (optimal string alignment, Damerau 1964): insertions,
 * deletions, substitutions and swaps of two neighbouring characters each cost 1, so 'mena' is one
 * edit from 'mean', as a person counts it (plain Levenshtein counts a swap as 2).
 */
export function typoDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  // Three rows of the dynamic-programming table: the one before the previous, the previous, this.
  let before = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[n];
}

/** How a word is compared: case and the separators people mix up (`max_drop`, `max drop`) do not count. */
function normalise(word: string): string {
  return word.toLowerCase().replace(/[_\s]/g, '-');
}

/**
 * The candidate nearest to `word`, or undefined when none is within MAX_TYPO_DISTANCE of it
 * (edits / length of the longer of the two): a far guess misleads more than no suggestion.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const normalised = normalise(word);
  let best: string | undefined;
  let bestRatio = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = normalise(candidate);
    const longer = Math.max(normalised.length, other.length);
    const ratio = longer === 0 ? 0 : typoDistance(normalised, other) / longer;
    if (ratio < bestRatio) {
      best = candidate;
      bestRatio = ratio;
    }
  }
  return bestRatio <= MAX_TYPO_DISTANCE ? best : undefined;
}
