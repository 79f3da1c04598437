/** Exact tests on counts: McNemar (paired), Fisher (unpaired) and the one-sided binomial test. */
import { checkCount, checkProbability, checkTwoProportions } from './checkArguments.js';
import { binomialCdf } from './distributions.js';

/**
 * Exact (conditional) McNemar test, two-sided: p = min(1, 2·P(X ≤ min(b, c))) for
 * X ~ Binomial(b + c, ½) (docs/statistics.md, "Exact McNemar test"; statsmodels mcnemar(exact=True)).
 * b = baseline right & candidate wrong, c = baseline wrong & candidate right. With no discordant
 * pairs (b + c = 0) there is no evidence either way: p = 1.
 */
export function mcnemarExact(b: number, c: number): number {
  checkCount('b', b);
  checkCount('c', c);
  const discordant = b + c;
  if (discordant === 0) return 1;
  return Math.min(1, 2 * binomialCdf(Math.min(b, c), discordant, 0.5));
}

/**
 * One-sided exact binomial test of H0 "p ≥ p0" against "p < p0": P(X ≤ k) for X ~ Binomial(n, p0)
 * (scipy.stats.binomtest(k, n, p0, alternative='less').pvalue). n = 0 gives 1 (no evidence).
 */
export function binomialTestLess(k: number, n: number, p0: number): number {
  checkCount('k', k);
  checkCount('n', n);
  checkProbability('p0', p0);
  if (k > n) throw new RangeError(`k (${k}) must not exceed n (${n})`);
  if (n === 0 || k === n) return 1;
  return Math.min(1, binomialCdf(k, n, p0));
}

/**
 * Fisher's exact test, two-sided, for the 2×2 table [[k1, n1 − k1], [k2, n2 − k2]] (rows: baseline,
 * candidate; columns: successes, failures), with scipy.stats.fisher_exact's semantics (scipy 1.10):
 * - a table with an empty row or column gives p = 1;
 * - otherwise p is the total probability, under the hypergeometric null with the table's margins,
 *   of the tables whose probability is at most the observed table's probability times (1 + 1e-14)
 *   — scipy's relative tolerance, so tables tied with the observed one up to rounding count as
 *   "as extreme" — and p = 1 when the observed table is the mode (within the same tolerance).
 *
 * The hypergeometric probabilities are computed as weights relative to the mode by the ratio
 * recurrence P(x+1)/P(x) = (K−x)(m−x)/((x+1)(N−K−m+x+1)) and summed directly, which keeps the
 * relative accuracy of small p-values (no 1 − cdf cancellation). The cost is O(range of x).
 * P-values below ~1e-300 underflow to 0.
 */
export function fisherExact(k1: number, n1: number, k2: number, n2: number): number {
  checkTwoProportions(k1, n1, k2, n2);
  const total = n1 + n2;
  const successes = k1 + k2; // column margin m: X = k1 is the count of successes in row 1
  if (n1 === 0 || n2 === 0 || successes === 0 || successes === total) return 1;

  // X ~ Hypergeometric(N = total, K = n1 (row 1 size), m = successes draws); support [lo, hi].
  const lo = Math.max(0, successes - n2);
  const hi = Math.min(n1, successes);
  const mode = Math.floor(((successes + 1) * (n1 + 1)) / (total + 2));
  const weights = new Float64Array(hi - lo + 1);
  weights[mode - lo] = 1;
  for (let x = mode; x < hi; x++) {
    const ratio = ((n1 - x) * (successes - x)) / ((x + 1) * (n2 - successes + x + 1));
    weights[x + 1 - lo] = weights[x - lo] * ratio;
  }
  for (let x = mode; x > lo; x--) {
    // P(x−1)/P(x) = x·(N−K−m+x) / ((K−x+1)(m−x+1))
    const ratio = (x * (n2 - successes + x)) / ((n1 - x + 1) * (successes - x + 1));
    weights[x - 1 - lo] = weights[x - lo] * ratio;
  }
  const observed = weights[k1 - lo];
  const epsilon = 1e-14;
  if (Math.abs(observed - 1) / Math.max(observed, 1) <= epsilon) return 1;
  const threshold = observed * (1 + epsilon);
  let normaliser = 0;
  let extreme = 0;
  for (let i = 0; i < weights.length; i++) {
    normaliser += weights[i];
    if (weights[i] <= threshold) extreme += weights[i];
  }
  return Math.min(1, extreme / normaliser);
}
