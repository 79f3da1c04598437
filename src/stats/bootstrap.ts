/**
 * Paired bootstrap for differences of statistics that have no closed-form test (macro-F1, ECE):
 * resample the test samples with replacement, the same indices for both models, and recompute
 * both statistics on each resample (Efron & Tibshirani 1993, ch. 13 percentile interval;
 * reference.md §8).
 */
import { checkOpenUnit } from './checkArguments.js';
import { createRandom } from './random.js';
import type { Interval } from './types.js';

export interface PairedBootstrapOptions {
  /** Number of test samples. */
  n: number;
  /**
   * The two statistics on a resample, [baseline, candidate]. `indices` holds n sample indices
   * (with repeats); the same buffer is reused for every resample, so do not keep it. The identity
   * resample (0, 1, …, n − 1) is passed once first, for the observed values.
   */
  statistic: (indices: Uint32Array) => readonly [number, number];
  /** Number of resamples B (default 2000). */
  resamples?: number;
  seed: number;
  /** Level of the percentile interval (default 0.95). */
  confidence?: number;
  /**
   * Which change counts as a regression: 'decrease' (higher is better, e.g. macro-F1; default) or
   * 'increase' (lower is better, e.g. ECE). It only sets the direction of `pOneSided`.
   */
  regression?: 'decrease' | 'increase';
}

export interface PairedBootstrapResult {
  /** Statistics on the full test set. */
  baseline: number;
  candidate: number;
  /** candidate − baseline on the full test set. */
  difference: number;
  /** Percentile interval of candidate − baseline (null when n = 0). */
  interval: Interval | null;
  /**
   * One-sided bootstrap p-value for a regression: the share of resamples whose difference shows no
   * regression — difference ≥ 0 for 'decrease', ≤ 0 for 'increase' — with the usual +1 correction,
   * (count + 1)/(B + 1) (Davison & Hinkley 1997, §4.4), so it is never 0. Small values mean the
   * regression persists across resamples. 1 when n = 0.
   */
  pOneSided: number;
  resamples: number;
}

export function pairedBootstrap(options: PairedBootstrapOptions): PairedBootstrapResult {
  const { n, statistic, seed } = options;
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const regression = options.regression ?? 'decrease';
  if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 32)) throw new RangeError(`n must be a count, got ${n}`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  checkOpenUnit('confidence', confidence);

  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  const [baseline, candidate] = statistic(indices);
  const difference = candidate - baseline;
  if (n === 0) return { baseline, candidate, difference, interval: null, pOneSided: 1, resamples: 0 };

  const random = createRandom(seed);
  const differences = new Float64Array(resamples);
  let noRegression = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = random.int(n);
    const [b, c] = statistic(indices);
    const d = c - b;
    differences[r] = d;
    if (regression === 'decrease' ? d >= 0 : d <= 0) noRegression++;
  }
  differences.sort();
  const tail = (1 - confidence) / 2;
  return {
    baseline,
    candidate,
    difference,
    interval: { low: quantileSorted(differences, tail), high: quantileSorted(differences, 1 - tail) },
    pOneSided: (noRegression + 1) / (resamples + 1),
    resamples,
  };
}

/** Linear-interpolation quantile of sorted data (numpy.percentile's default, Hyndman & Fan type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}
