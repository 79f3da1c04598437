/**
 * Score-based confidence intervals for a proportion and for differences of proportions.
 * All intervals are two-sided at `confidence` (default 0.95) and use the normal critical value
 * z = Φ⁻¹(1 − α/2).
 */
import { checkCount, checkTwoProportions } from './checkArguments.js';
import { normalCritical } from './distributions.js';
import type { Interval, PairedCounts, UnpairedCounts } from './types.js';

/**
 * Wilson (1927) score interval for a proportion p̂ = successes / n:
 * centre (p̂ + z²/2n)/(1 + z²/n), half-width z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n)
 * (docs/statistics.md, "Wilson score interval"; statsmodels proportion_confint(method='wilson')).
 * Null when n = 0 (no interval exists). Bounds are clamped into [0, 1]: at p̂ = 0 or 1 the exact
 * bound is 0 or 1 and floating-point rounding would otherwise leave it a hair outside.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  checkCount('successes', successes);
  checkCount('n', n);
  if (successes > n) throw new RangeError(`successes (${successes}) must not exceed n (${n})`);
  const z = normalCritical(confidence);
  if (n === 0) return null;
  return wilsonBounds(successes / n, n, z);
}

function wilsonBounds(p: number, n: number, z: number): Interval {
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return {
    low: p === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: p === 1 ? 1 : Math.min(1, centre + halfWidth),
  };
}

/**
 * Newcombe (1998b, "Improved confidence intervals for the difference between binomial proportions
 * based on paired data", Stat. Med. 17:2635–2650, method 10, the square-and-add Wilson interval) for
 * the paired difference candidate − baseline = (c − b)/n.
 *
 * Reference.md §8 states it for baseline − candidate D = (b − c)/n with p1 = (a+b)/n (baseline),
 * p2 = (a+c)/n (candidate), Wilson intervals (l1,u1), (l2,u2) and a correlation estimate φ:
 *   L = D − √((p1−l1)² − 2φ(p1−l1)(u2−p2) + (u2−p2)²)
 *   U = D + √((p2−l2)² − 2φ(p2−l2)(u1−p1) + (u1−p1)²)
 * The interval for candidate − baseline is [−U, −L].
 *
 * φ is the phi coefficient with Newcombe's correction of its numerator A = ad − bc, as published
 * and as implemented by Fagerland, Lydersen & Laake (2017, "Statistical Analysis of Contingency
 * Tables", §8, R package contingencytables) and Altman et al. (2000, "Statistics with
 * Confidence"): φ = (A − n/2)/√((a+b)(c+d)(a+c)(b+d)) when A > n/2, 0 when 0 ≤ A ≤ n/2, and
 * A/√(…) when A < 0; 0 when a margin is empty. (Reference.md omits the correction; it only matters
 * for positively correlated outcomes, where it widens the interval slightly. With it, the interval
 * reproduces the book's worked example, Cavo et al. 2012: −0.1186 to −0.0046.)
 * Bounds are clamped into [−1, 1]. Null when there are no samples.
 */
export function pairedDifferenceInterval(counts: PairedCounts, confidence = 0.95): Interval | null {
  const { bothRight: a, baselineOnly: b, candidateOnly: c, bothWrong: d } = counts;
  checkCount('bothRight', a);
  checkCount('baselineOnly', b);
  checkCount('candidateOnly', c);
  checkCount('bothWrong', d);
  const z = normalCritical(confidence);
  const n = a + b + c + d;
  if (n === 0) return null;
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const { low: l1, high: u1 } = wilsonBounds(p1, n, z);
  const { low: l2, high: u2 } = wilsonBounds(p2, n, z);
  const denominator = Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
  const association = a * d - b * c;
  let phi = 0;
  if (denominator > 0 && association > n / 2) phi = (association - n / 2) / denominator;
  else if (denominator > 0 && association < 0) phi = association / denominator;
  const difference = (b - c) / n; // baseline − candidate, as in the paper
  const lowGap = Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const highGap = Math.sqrt(Math.max(0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2));
  return {
    low: Math.max(-1, -(difference + highGap)),
    high: Math.min(1, -(difference - lowGap)),
  };
}

/**
 * Newcombe (1998a, "Interval estimation for the difference between independent proportions",
 * Stat. Med. 17:873–890, method 10, the hybrid score interval) for candidate − baseline =
 * k2/n2 − k1/n1, where (k1, n1) is the baseline and (k2, n2) the candidate (`counts`). With Wilson
 * intervals (l1,u1) for p1 = k1/n1 and (l2,u2) for p2 = k2/n2 and θ = p2 − p1:
 *   L = θ − √((p2−l2)² + (u1−p1)²),  U = θ + √((u2−p2)² + (p1−l1)²)
 * (statsmodels confint_proportions_2indep(k2, n2, k1, n1, method='newcomb')).
 * Null when either sample is empty.
 */
export function unpairedDifferenceInterval(counts: UnpairedCounts, confidence = 0.95): Interval | null {
  const { baselineSuccesses: k1, baselineTrials: n1, candidateSuccesses: k2, candidateTrials: n2 } = counts;
  checkTwoProportions(k1, n1, k2, n2);
  const z = normalCritical(confidence);
  if (n1 === 0 || n2 === 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const { low: l1, high: u1 } = wilsonBounds(p1, n1, z);
  const { low: l2, high: u2 } = wilsonBounds(p2, n2, z);
  const difference = p2 - p1;
  return {
    low: Math.max(-1, difference - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)),
    high: Math.min(1, difference + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)),
  };
}
