/**
 * t-based intervals and tests for means of real-valued per-sample figures (the cost gate: expected
 * misclassification cost per sample). Inputs are sufficient statistics (Σx, Σx², n), so callers
 * keep mergeable sums instead of arrays.
 *
 * Variance from sums: s² = (Σx² − (Σx)²/n)/(n − 1), clamped at 0 against rounding. This loses
 * precision when the mean is large relative to the spread (cancellation); costs are small
 * non-negative numbers (a cost matrix entry per sample), where it is accurate to ~1e-12.
 *
 * Degenerate cases, stated here once:
 * - n = 0: nothing to estimate: meanInterval returns null, the comparisons a mean of NaN with null
 *   interval, p-value, df and SE.
 * - n = 1 (one sample per group): no variance estimate; interval, p-value, df and SE are null.
 * - zero variance (all values, or all differences, equal): the standard error is 0 and the
 *   interval the single point [mean, mean]. The t statistic is then 0/0 (mean 0) or ±∞, and
 *   neither is evidence: three samples that each cost 1 more are as consistent with chance as
 *   with a real change. So the p-value is 1 when the mean (difference) is 0 and null (no t-test
 *   possible) otherwise, never 0; the caller decides (the cost gate's paired comparison uses the
 *   exact sign-flip test of randomization.ts, which handles equal differences: three of +1 give
 *   p = 0.25). scipy returns NaN for 0/0 (ttest_rel with all-zero differences) and ±inf / 0 for a
 *   nonzero constant difference; evalgate decides these cases explicitly instead.
 */
import { checkCount, checkFinite } from './checkArguments.js';
import { tCritical, tTwoSidedPValue } from './distributions.js';
import type { Interval, MeanComparison, SampleSums } from './types.js';

/**
 * t interval for a mean: x̄ ± t_{1−α/2, n−1}·s/√n (scipy.stats.t.interval(confidence, n−1, x̄,
 * s/√n)). Null when n < 2 (no variance estimate); [x̄, x̄] when the variance is 0.
 */
export function meanInterval(
  sum: number,
  sumOfSquares: number,
  n: number,
  confidence = 0.95,
): Interval | null {
  return oneSample({ sum, sumOfSquares, n }, confidence).interval;
}

/**
 * Paired t-test on per-sample differences d = candidate − baseline, from Σd and Σd²:
 * t = d̄/(s_d/√n) with n − 1 degrees of freedom, two-sided p (scipy.stats.ttest_rel(candidate,
 * baseline)), and the t interval for the mean difference.
 */
export function pairedMeanDifference(
  sumDiff: number,
  sumDiffSquares: number,
  n: number,
  confidence = 0.95,
): MeanComparison {
  return oneSample({ sum: sumDiff, sumOfSquares: sumDiffSquares, n }, confidence);
}

/**
 * Welch's unequal-variance t-test for candidate − baseline (scipy.stats.ttest_ind(candidate,
 * baseline, equal_var=False)): SE = √(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite degrees of freedom
 * ν = SE⁴ / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)), interval (x̄₂ − x̄₁) ± t_{1−α/2, ν}·SE.
 * When only one group has variance, ν is that group's n − 1 (the formula's limit).
 */
export function welchMeanDifference(
  baseline: SampleSums,
  candidate: SampleSums,
  confidence = 0.95,
): MeanComparison {
  checkSums('baseline', baseline);
  checkSums('candidate', candidate);
  const mean =
    baseline.n === 0 || candidate.n === 0
      ? Number.NaN
      : candidate.sum / candidate.n - baseline.sum / baseline.n;
  if (baseline.n < 2 || candidate.n < 2) return undetermined(mean);
  const v1 = sampleVariance(baseline) / baseline.n;
  const v2 = sampleVariance(candidate) / candidate.n;
  const variance = v1 + v2;
  if (variance === 0) return degenerate(mean);
  const degreesOfFreedom =
    (variance * variance) / ((v1 * v1) / (baseline.n - 1) + (v2 * v2) / (candidate.n - 1));
  return tComparison(mean, Math.sqrt(variance), degreesOfFreedom, confidence);
}

function oneSample(sums: SampleSums, confidence: number): MeanComparison {
  checkSums('sample', sums);
  const { n } = sums;
  const mean = n === 0 ? Number.NaN : sums.sum / n;
  if (n < 2) return undetermined(mean);
  const variance = sampleVariance(sums);
  if (variance === 0) return degenerate(mean);
  return tComparison(mean, Math.sqrt(variance / n), n - 1, confidence);
}

function tComparison(
  mean: number,
  standardError: number,
  degreesOfFreedom: number,
  confidence: number,
): MeanComparison {
  const halfWidth = tCritical(confidence, degreesOfFreedom) * standardError;
  return {
    mean,
    interval: { low: mean - halfWidth, high: mean + halfWidth },
    pValue: tTwoSidedPValue(mean / standardError, degreesOfFreedom),
    degreesOfFreedom,
    standardError,
  };
}

/** Zero variance: a point interval; p = 1 for no difference, else null: no t-test (module comment). */
function degenerate(mean: number): MeanComparison {
  return {
    mean,
    interval: { low: mean, high: mean },
    pValue: mean === 0 ? 1 : null,
    degreesOfFreedom: null,
    standardError: 0,
  };
}

function undetermined(mean: number): MeanComparison {
  return { mean, interval: null, pValue: null, degreesOfFreedom: null, standardError: null };
}

/** Unbiased sample variance from sums, clamped at 0 (rounding can make it slightly negative). */
export function sampleVariance({ sum, sumOfSquares, n }: SampleSums): number {
  if (n < 2) return Number.NaN;
  const sumOfSquaredDeviations = sumOfSquares - (sum * sum) / n;
  if (sumOfSquaredDeviations <= n * Number.EPSILON * sumOfSquares) return 0;
  return sumOfSquaredDeviations / (n - 1);
}

function checkSums(name: string, sums: SampleSums): void {
  checkCount(`${name}.n`, sums.n);
  checkFinite(`${name}.sum`, sums.sum);
  checkFinite(`${name}.sumOfSquares`, sums.sumOfSquares);
}
