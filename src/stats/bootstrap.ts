/**
 * Basic (reverse-percentile) bootstrap for figures without a closed-form interval (macro F1, ECE,
 * and their paired differences): resample the test samples with replacement, recompute the
 * statistic θ* on each resample, and read the interval and the one-sided test off the bootstrap
 * distribution of θ* − θ̂ as an estimate of the distribution of θ̂ − θ (Davison & Hinkley 1997,
 * §5.2.1, eq. 5.6; §4.4 for the p-value):
 *
 *   interval  [2θ̂ − q_{1−a/2}, 2θ̂ − q_{a/2}]   (q = quantiles of θ*, a = 1 − confidence);
 *   p of H0 "θ ≤ bound" = (#{2θ̂ − θ* ≤ bound} + 1)/(B + 1), and of H0 "θ ≥ bound" the same with ≥.
 *
 * Why basic and not percentile: ECE is biased upward (|Σ noise| over bins is positive even for a
 * perfectly calibrated model) and a resample adds the same bias again, so the percentile
 * interval [q_{a/2}, q_{1−a/2}] sits too high by about the bias and a percentile test "proves" a
 * calibrated model above `ece.max` far more often than α. The basic bootstrap reflects the
 * resampled distribution around θ̂, which subtracts the bias to first order. For a statistic with
 * a symmetric, unbiased bootstrap distribution the two coincide.
 *
 * For a paired comparison of two models the caller's statistic evaluates both on the same
 * indices (e.g. candidate − baseline), so the pairing is kept.
 */
import { checkOpenUnit } from './checkArguments.js';
import { createRandom } from './random.js';
import type { Interval } from './types.js';

export interface BootstrapOptions {
  /** Number of test samples. */
  n: number;
  /**
   * The statistic on a resample. `indices` holds n sample indices (with repeats); the same buffer
   * is reused for every resample, so do not keep it. The identity resample (0, 1, …, n − 1) is
   * passed once first, for the observed value θ̂.
   */
  statistic: (indices: Uint32Array) => number;
  /** Number of resamples B (default 2000). */
  resamples?: number;
  seed: number;
  /** Level of the interval (default 0.95). */
  confidence?: number;
  /** The statistic's possible range; the interval is clipped to it (e.g. [0, 1] for ECE). */
  range?: Interval;
}

export interface BootstrapResult {
  /** θ̂: the statistic on the full test set. */
  estimate: number;
  /** Basic bootstrap interval of θ, clipped to `range`; null when n = 0. */
  interval: Interval | null;
  /** The B resampled values θ*, sorted ascending (empty when n = 0). */
  replicates: Float64Array;
  resamples: number;
}

export function basicBootstrap(options: BootstrapOptions): BootstrapResult {
  const { n, statistic, seed } = options;
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 32)) throw new RangeError(`n must be a count, got ${n}`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  checkOpenUnit('confidence', confidence);

  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  const estimate = statistic(indices);
  if (n === 0) return { estimate, interval: null, replicates: new Float64Array(0), resamples: 0 };

  const random = createRandom(seed);
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = random.int(n);
    replicates[r] = statistic(indices);
  }
  replicates.sort();
  const tail = (1 - confidence) / 2;
  let low = 2 * estimate - quantileSorted(replicates, 1 - tail);
  let high = 2 * estimate - quantileSorted(replicates, tail);
  if (options.range !== undefined) {
    low = Math.min(Math.max(low, options.range.low), options.range.high);
    high = Math.min(Math.max(high, options.range.low), options.range.high);
  }
  return { estimate, interval: { low, high }, replicates, resamples };
}

/**
 * One-sided basic-bootstrap p-value of H0 "θ ≤ bound" (`null: 'at-most'`, small p = evidence that θ
 * is above the bound) or H0 "θ ≥ bound" (`'at-least'`): the share of reflected replicates
 * 2θ̂ − θ* on the null's side of the bound, (count + 1)/(B + 1), so never 0. 1 when n = 0.
 */
export function basicBootstrapPValue(
  result: BootstrapResult,
  bound: number,
  nullHypothesis: 'at-most' | 'at-least',
): number {
  const { replicates, estimate } = result;
  if (replicates.length === 0) return 1;
  let count = 0;
  for (let r = 0; r < replicates.length; r++) {
    const reflected = 2 * estimate - replicates[r]!;
    if (nullHypothesis === 'at-most' ? reflected <= bound : reflected >= bound) count++;
  }
  return (count + 1) / (replicates.length + 1);
}

/** Linear-interpolation quantile of sorted data (numpy.percentile's default, Hyndman & Fan type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}
