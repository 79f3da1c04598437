/** Plain data shared by the statistics functions. Every figure is a proportion or a mean, unitless. */

/** A closed interval [low, high]. For a difference it is candidate − baseline. */
export type Interval = { low: number; high: number };

/**
 * The 2×2 table of a paired comparison of two classifiers on the same samples (McNemar's layout).
 * `baselineOnly` is b (baseline right, candidate wrong), `candidateOnly` is c (baseline wrong,
 * candidate right).
 */
export interface PairedCounts {
  bothRight: number;
  baselineOnly: number;
  candidateOnly: number;
  bothWrong: number;
}

/** Successes and trials of each side, for an unpaired comparison of two proportions. */
export interface UnpairedCounts {
  baselineSuccesses: number;
  baselineTrials: number;
  candidateSuccesses: number;
  candidateTrials: number;
}

/** Sufficient statistics of one sample of real values (e.g. per-sample costs): Σx, Σx², count. */
export interface SampleSums {
  sum: number;
  sumOfSquares: number;
  n: number;
}

/** A t-based comparison of means: the estimate, its interval and the two-sided p-value. */
export interface MeanComparison {
  /** Estimated difference (candidate − baseline), or the mean itself for a one-sample summary. */
  mean: number;
  /** Confidence interval for `mean`; null when it cannot be estimated (fewer than 2 samples). */
  interval: Interval | null;
  /**
   * Two-sided p-value of H0 "difference = 0"; null when no t-test is possible: fewer than 2 samples,
   * or no spread with a nonzero mean (see meanTests.ts).
   */
  pValue: number | null;
  /** Degrees of freedom of the t distribution used (Welch–Satterthwaite for two samples); null as above. */
  degreesOfFreedom: number | null;
  /** Estimated standard error of `mean`; null as above. */
  standardError: number | null;
}

/** Multiple-comparison corrections across classes. */
export type PValueAdjustment = 'holm' | 'benjamini-hochberg' | 'none';

/** Whether the test compares the same samples (paired) or two independent samples (unpaired). */
export type ComparisonDesign = 'paired' | 'unpaired';
