/**
 * Intervals that are the inversions of the exact tests the gates decide by, so that an interval
 * excludes the null value exactly when its test rejects (docs/statistics.md, "Exact paired
 * interval", "Exact unpaired interval" and "Intervals that agree with the corrected decision").
 *
 * Every function takes the level α′ itself (not a confidence 1 − α′: 1 − (1 − α′) is not α′ in
 * floating point, and agreement at the boundary needs the same number the test is compared with).
 * A test "rejects at α′" when its p < α′, as the gates decide (findings.ts).
 *
 * Each bound is found by bisection of the test's acceptance region, with the null value itself as
 * the first point tried and decided by the very same expression the test computes, so which side of
 * the null value a bound falls on is the test's decision, for every double.
 */
import { checkCount, checkOpenUnit, checkTwoProportions } from './checkArguments.js';
import { binomialCdf } from './distributions.js';
import { fisherExact } from './exactTests.js';
import type { Interval, PairedCounts, UnpairedCounts } from './types.js';

/**
 * The boundary of a monotone acceptance region between `acceptedEnd` (accepted) and `rejectedEnd`
 * (rejected), by bisection to the last bit (or, with `absolute`, until the bracket is that narrow):
 * returns the accepted end of the final bracket, so the result is always an accepted point and lies
 * on `acceptedEnd`'s side of every rejected point tried, however early the bisection stops.
 */
function boundary(
  accepted: (x: number) => boolean,
  acceptedEnd: number,
  rejectedEnd: number,
  absolute = 0,
): number {
  let a = acceptedEnd;
  let r = rejectedEnd;
  for (let i = 0; i < 1100; i++) {
    const mid = a + (r - a) / 2;
    if (mid === a || mid === r || Math.abs(r - a) <= absolute) break;
    if (accepted(mid)) a = mid;
    else r = mid;
  }
  return a;
}

/**
 * Clopper–Pearson (1934) interval of a binomial proportion, k successes of n, at level `alpha`
 * (α/2 in each tail): [πL, πU] with P(X ≥ k; πL) = α/2 and P(X ≤ k; πU) = α/2 (statsmodels
 * proportion_confint(method='beta')). `pivot` (default ½) is tried first, with the tails computed
 * as the exact McNemar test computes them at ½, so the interval excludes ½ exactly when
 * 2·min(P(X ≤ k; ½), P(X ≥ k; ½)) < α (docs/statistics.md, "Exact McNemar test"). Null when n = 0.
 */
export function clopperPearsonInterval(k: number, n: number, alpha: number, pivot = 0.5): Interval | null {
  checkCount('k', k);
  checkCount('n', n);
  checkOpenUnit('alpha', alpha);
  if (k > n) throw new RangeError(`k (${k}) must not exceed n (${n})`);
  if (n === 0) return null;
  const half = alpha / 2;
  // P(X ≥ k; π) = P(n − X ≤ n − k; 1 − π): accurate in the upper tail, and at π = ½ exactly the
  // expression mcnemarExact uses for the smaller count.
  const lowerAccepted = (p: number) => binomialCdf(n - k, n, 1 - p) >= half;
  const upperAccepted = (p: number) => binomialCdf(k, n, p) >= half;
  let low = 0;
  if (k > 0)
    low = lowerAccepted(pivot) ? boundary(lowerAccepted, pivot, 0) : boundary(lowerAccepted, 1, pivot);
  let high = 1;
  if (k < n)
    high = upperAccepted(pivot) ? boundary(upperAccepted, pivot, 1) : boundary(upperAccepted, 0, pivot);
  return { low, high };
}

/**
 * The exact McNemar test inverted (docs/statistics.md, "Exact paired interval"): given the
 * n = b + c samples whose outcome changed, b ~ Binomial(n, π) with π the share of the changes that
 * broke a sample, and the change candidate − baseline = (c − b)/N = (n/N)·(1 − 2π) over the N
 * samples of the table. The Clopper–Pearson interval [πL, πU] of π at α′ maps to the interval
 * [(n/N)(1 − 2πU), (n/N)(1 − 2πL)] of the change, conditional on the n changes; it excludes 0
 * exactly when mcnemarExact(b, c) < α′ (πL > ½ ⇔ P(X ≥ b; ½) < α′/2, and 1 − 2π is exact near
 * ½). No changes (n = 0): [0, 0], which excludes nothing, as p = 1 rejects nothing. Null without samples.
 */
export function pairedExactChangeInterval(counts: PairedCounts, alpha: number): Interval | null {
  const { bothRight: a, baselineOnly: b, candidateOnly: c, bothWrong: d } = counts;
  for (const [name, value] of Object.entries(counts)) checkCount(name, value);
  checkOpenUnit('alpha', alpha);
  const total = a + b + c + d;
  if (total === 0) return null;
  const n = b + c;
  if (n === 0) return { low: 0, high: 0 };
  const share = clopperPearsonInterval(b, n, alpha)!;
  const scale = n / total;
  return { low: scale * (1 - 2 * share.high), high: scale * (1 - 2 * share.low) };
}

/** Largest |log odds ratio| searched; beyond it the conditional distribution sits at a support end. */
const LOG_ODDS_LIMIT = 40;
/**
 * Bisection stops on a bracket of log odds this narrow (a change of ~1e-12 in the mapped interval):
 * an end at the jump of the test's p at ψ = 1 (common: n1 = n2 makes the mirror table tie) would
 * otherwise be chased down to denormals, each step a pass over the support. Which side of ψ = 1 an
 * end lies on stays exact (see `boundary`).
 */
const LOG_ODDS_TOLERANCE = 1e-12;

/**
 * The conditional distribution of Fisher's test: X = baseline successes given both margins,
 * noncentral hypergeometric with odds ratio ψ = baseline odds / candidate odds,
 * P(X = x) ∝ C(n1, x)·C(n2, m − x)·ψ^x on [lo, hi].
 */
function fisherConditional(k1: number, n1: number, k2: number, n2: number) {
  const m = k1 + k2;
  const lo = Math.max(0, m - n2);
  const hi = Math.min(n1, m);
  // log C(n1, x) + log C(n2, m − x), relative to x = lo, by the ratio recurrence of fisherExact.
  const logWeight = new Float64Array(hi - lo + 1);
  for (let x = lo; x < hi; x++) {
    const ratio = ((n1 - x) * (m - x)) / ((x + 1) * (n2 - m + x + 1));
    logWeight[x + 1 - lo] = logWeight[x - lo]! + Math.log(ratio);
  }
  const weights = new Float64Array(hi - lo + 1);
  /** Weights at log ψ = t, scaled so the largest is 1. */
  const at = (t: number): Float64Array => {
    let top = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < weights.length; i++) top = Math.max(top, logWeight[i]! + (lo + i) * t);
    for (let i = 0; i < weights.length; i++) weights[i] = Math.exp(logWeight[i]! + (lo + i) * t - top);
    return weights;
  };
  /** Two-sided p of Fisher's test (the tables no more probable than the observed) of ψ = e^t. */
  const pValue = (t: number): number => {
    const w = at(t);
    const observed = w[k1 - lo]! * (1 + 1e-7);
    let total = 0;
    let extreme = 0;
    for (let i = 0; i < w.length; i++) {
      total += w[i]!;
      if (w[i]! <= observed) extreme += w[i]!;
    }
    return Math.min(1, extreme / total);
  };
  /** E[X] at log ψ = t (±∞: the support's ends). */
  const mean = (t: number): number => {
    if (t === Number.NEGATIVE_INFINITY) return lo;
    if (t === Number.POSITIVE_INFINITY) return hi;
    const w = at(t);
    let total = 0;
    let sum = 0;
    for (let i = 0; i < w.length; i++) {
      total += w[i]!;
      sum += w[i]! * (lo + i);
    }
    return sum / total;
  };
  return { m, lo, hi, pValue, mean };
}

/**
 * Fisher's exact test inverted (docs/statistics.md, "Exact unpaired interval"): the log odds
 * ratios t = log ψ whose two-sided Fisher test (the minimum-likelihood p of scipy's fisher_exact,
 * conditional on both margins) gives p ≥ α′, searched outwards from t = 0, which is decided by
 * `fisherExact` itself; each end is mapped to the conditional expected change
 * E[k2/n2 − k1/n1 | margins; ψ], which falls as ψ rises and is 0 at ψ = 1. Where Fisher rejects at
 * α′, the interval is the accepted region on the side of the conditional maximum-likelihood
 * estimate (the minimum-likelihood test's acceptance region is not always one piece; Fay 2010,
 * "Confidence intervals that match Fisher's exact or Blaker's exact tests", Biostatistics 11:373).
 * So it excludes 0 exactly when fisherExact(...) < α′. Null when either side has no samples.
 */
export function fisherExactChangeInterval(counts: UnpairedCounts, alpha: number): Interval | null {
  const { baselineSuccesses: k1, baselineTrials: n1, candidateSuccesses: k2, candidateTrials: n2 } = counts;
  checkTwoProportions(k1, n1, k2, n2);
  checkOpenUnit('alpha', alpha);
  if (n1 === 0 || n2 === 0) return null;
  const model = fisherConditional(k1, n1, k2, n2);
  const { m, lo, hi } = model;
  if (lo === hi) return { low: 0, high: 0 }; // one table only: the margins fix the change
  const change = (t: number): number => {
    if (t === 0) return 0;
    const x = model.mean(t);
    const value = (m - x) / n2 - x / n1;
    // The sign is the side of ψ = 1 (rounding must not move a bound across 0).
    return t > 0 ? Math.min(value, -Number.MIN_VALUE) : Math.max(value, Number.MIN_VALUE);
  };
  const accepted = (t: number): boolean =>
    t === 0 ? fisherExact(k1, n1, k2, n2) >= alpha : model.pValue(t) >= alpha;
  /** The accepted region's end beyond `from` (accepted) towards `direction` (±1). */
  const outward = (from: number, direction: 1 | -1): number => {
    const limit = direction * LOG_ODDS_LIMIT;
    if (accepted(limit)) return direction * Number.POSITIVE_INFINITY;
    return boundary(accepted, from, limit, LOG_ODDS_TOLERANCE);
  };
  let lower: number;
  let upper: number;
  if (accepted(0)) {
    lower = outward(0, -1);
    upper = outward(0, 1);
  } else {
    // The conditional MLE: E[X; t̂] = k1 (E[X] rises with t), or a support end.
    const side = k1 * (n1 + n2) > n1 * m ? 1 : -1;
    let estimate: number;
    if (k1 === lo) estimate = -LOG_ODDS_LIMIT;
    else if (k1 === hi) estimate = LOG_ODDS_LIMIT;
    else
      estimate = boundary(
        (t) => (side > 0 ? model.mean(t) <= k1 : model.mean(t) >= k1),
        0,
        side * LOG_ODDS_LIMIT,
        LOG_ODDS_TOLERANCE,
      );
    if (!accepted(estimate)) return { low: change(estimate), high: change(estimate) };
    const near = boundary(accepted, estimate, 0, LOG_ODDS_TOLERANCE);
    const far = outward(estimate, side);
    lower = side > 0 ? near : far;
    upper = side > 0 ? far : near;
  }
  return { low: change(upper), high: change(lower) };
}

/**
 * An interval that keeps the exact test's decision and does not understate the far end: the end
 * of `exact` nearer 0 is kept, so the result excludes 0 exactly when `exact` does, and each other
 * end is the farther of `exact`'s and `wide`'s (an unconditional score interval at the same level,
 * which carries the uncertainty of how many samples changed that a conditional interval leaves
 * out). Always a superset of `exact`, clamped into [−1, 1].
 */
export function keepNearEnd(exact: Interval, wide: Interval | null): Interval {
  const low = wide === null ? exact.low : Math.min(exact.low, wide.low);
  const high = wide === null ? exact.high : Math.max(exact.high, wide.high);
  if (exact.high < 0) return { low: Math.max(-1, low), high: exact.high };
  if (exact.low > 0) return { low: exact.low, high: Math.min(1, high) };
  return { low: Math.max(-1, low), high: Math.min(1, high) };
}

/**
 * The one-sided exact binomial test of "p ≥ p0" (binomialTestLess) inverted: the Clopper–Pearson
 * upper bound πU = sup{π : P(X ≤ k; π) ≥ α}, with p0 tried first, so πU < p0 exactly when
 * binomialTestLess(k, n, p0) < α. Returned as the two-sided interval at 2α (its lower end the
 * one-sided 1 − α lower bound), the interval of the figure shown beside a bound gate. Null when n = 0.
 */
export function binomialBoundInterval(k: number, n: number, p0: number, alpha: number): Interval | null {
  checkCount('k', k);
  checkCount('n', n);
  checkOpenUnit('alpha', alpha);
  if (n === 0) return null;
  const accepted = (p: number) => binomialCdf(k, n, p) >= alpha;
  const high = k === n ? 1 : accepted(p0) ? boundary(accepted, p0, 1) : boundary(accepted, 0, p0);
  const lowAccepted = (p: number) => binomialCdf(n - k, n, 1 - p) >= alpha;
  const low = k === 0 ? 0 : boundary(lowAccepted, 1, 0);
  return { low: Math.min(low, high), high };
}
