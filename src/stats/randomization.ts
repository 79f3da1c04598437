/**
 * Paired randomization (permutation) tests for the change of a figure between two models scored on
 * the same samples (Fisher 1935, §21; Good 2005, "Permutation, Parametric and Bootstrap Tests of
 * Hypotheses", ch. 3). Under H0 "the two models are exchangeable" each sample's pair of outputs is
 * as likely to have come in either order, so swapping the two models' outputs on any set of samples
 * gives a statistic from the same null distribution. Samples where both models give the same output
 * are unchanged by a swap, so only the k samples where they differ ("units") are swapped, each with
 * probability ½:
 *
 *   statistic S = figure(candidate) − figure(baseline) on the swapped outputs;
 *   two-sided p = share of the 2^k assignments with |S*| ≥ |S_obs|.
 *
 * - k ≤ `exactUpTo`: every assignment is enumerated (Gray code: one swap per step), so p is exact.
 *   For accuracy this is exactly McNemar's exact two-sided p: S counts +1 per fixed and −1 per
 *   broken sample, each discordant sample's sign is a fair coin, and P(|S| ≥ |b − c|) =
 *   min(1, 2·BinomCDF(min(b, c); b + c, ½)).
 * - otherwise: B seeded random assignments, p = (count + 1)/(B + 1) with the observed assignment
 *   counted once (Phipson & Smyth 2010, "Permutation p-values should never be zero"), which keeps
 *   the test valid (P(p ≤ α) ≤ α) for any B.
 * - k = 0: nothing can be swapped, S_obs = 0, p = 1.
 *
 * The null distribution is symmetric about 0 (swapping every unit negates S), so the two-sided p
 * is twice the one-sided p in the direction S moved (capped at 1).
 *
 * Statistics whose value equals |S_obs| up to float rounding count as "as extreme" (relative
 * tolerance 1e-9, as scipy.stats.permutation_test counts ties with a relative tolerance), so an
 * assignment equivalent to the observed one is never lost to rounding.
 *
 * The statistic is updated incrementally: swapping one sample changes a few counts (a confusion
 * cell or two, a calibration bin or two), so a test costs O(k) per assignment plus whatever
 * `value()` costs, not a full pass over the test set.
 */
import { createRandom } from './random.js';

/** A figure difference over a set of swappable units, updated one swap at a time. */
export interface SwapStatistic {
  /** Number of units k whose two outputs may be swapped. */
  readonly units: number;
  /** S for the current assignment (candidate − baseline). */
  value(): number;
  /** Swaps unit `unit`'s two outputs (a second call swaps them back). */
  toggle(unit: number): void;
}

export interface RandomizationOptions {
  seed: number;
  /** Random assignments B when k > exactUpTo (default 2000). */
  resamples?: number;
  /** Largest k that is enumerated exactly (2^k assignments; default 14). */
  exactUpTo?: number;
}

export interface RandomizationResult {
  /** S_obs: the statistic on the outputs as observed. */
  observed: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'monte-carlo';
  /** Number of swappable units k. */
  units: number;
  /** Assignments evaluated: 2^k when exact, B otherwise. */
  assignments: number;
}

/** Relative tolerance under which |S*| counts as equal to |S_obs|. */
const TIE_TOLERANCE = 1e-9;

/** Default exact-enumeration limits: 2^14 = 16,384 assignments; 2^20 for the cheap sign flips. */
export const EXACT_SWAP_UNITS = 14;
export const EXACT_SIGN_FLIP_UNITS = 20;
export const RANDOMIZATION_RESAMPLES = 2000;

/**
 * The two-sided paired randomization test of `statistic` (see the module comment). The statistic
 * is left in its observed assignment afterwards.
 */
export function pairedRandomizationTest(
  statistic: SwapStatistic,
  options: RandomizationOptions,
): RandomizationResult {
  const k = statistic.units;
  const resamples = options.resamples ?? RANDOMIZATION_RESAMPLES;
  const exactUpTo = options.exactUpTo ?? EXACT_SWAP_UNITS;
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`units must be a count, got ${k}`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  if (!(Number.isInteger(exactUpTo) && exactUpTo >= 0 && exactUpTo <= 30)) {
    throw new RangeError(`exactUpTo must be an integer in [0, 30], got ${exactUpTo}`);
  }
  const observed = statistic.value();
  if (k === 0) return { observed, pValue: 1, method: 'exact', units: 0, assignments: 1 };
  const threshold = Math.abs(observed) * (1 - TIE_TOLERANCE);
  const extreme = (): number => (Math.abs(statistic.value()) >= threshold ? 1 : 0);

  if (k <= exactUpTo) {
    // Gray code: assignment i differs from i − 1 in the unit of i's lowest set bit.
    const total = 2 ** k;
    let count = 1; // the observed assignment
    for (let i = 1; i < total; i++) {
      statistic.toggle(31 - Math.clz32(i & -i));
      count += extreme();
    }
    statistic.toggle(k - 1); // Gray(2^k − 1) has only the top unit swapped
    return { observed, pValue: count / total, method: 'exact', units: k, assignments: total };
  }

  const random = createRandom(options.seed);
  const swapped = new Uint8Array(k);
  let count = 0;
  for (let r = 0; r < resamples; r++) {
    let bits = 0;
    for (let j = 0; j < k; j++) {
      if ((j & 31) === 0) bits = random.nextUint32();
      const bit = (bits >>> (j & 31)) & 1;
      if (bit !== swapped[j]) {
        statistic.toggle(j);
        swapped[j] = bit;
      }
    }
    count += extreme();
  }
  for (let j = 0; j < k; j++) if (swapped[j] === 1) statistic.toggle(j);
  return {
    observed,
    pValue: (count + 1) / (resamples + 1),
    method: 'monte-carlo',
    units: k,
    assignments: resamples,
  };
}

/**
 * Exact (Fisher–Pitman) sign-flip test of H0 "the per-sample differences are symmetric about 0",
 * two-sided, on S = Σ d_i: each nonzero difference keeps or flips its sign with probability ½
 * (swapping the two models' outputs of a sample negates its difference). Zero differences cannot
 * change and are left out. Enumerated for up to `exactUpTo` nonzero differences (default 20),
 * seeded Monte Carlo otherwise; p = 1 when every difference is 0. Three differences of +1 give
 * p = 2/8 = 0.25; a t-test would have no variance to work with.
 * (scipy.stats.permutation_test((d,), np.sum, permutation_type='samples') on the nonzero d.)
 */
export function signFlipTest(
  differences: ArrayLike<number>,
  options: RandomizationOptions,
): RandomizationResult {
  const nonzero: number[] = [];
  for (let i = 0; i < differences.length; i++) {
    const d = differences[i]!;
    if (!Number.isFinite(d)) throw new RangeError(`difference ${i} must be a finite number, got ${d}`);
    if (d !== 0) nonzero.push(d);
  }
  const values = Float64Array.from(nonzero);
  const sign = new Int8Array(values.length).fill(1);
  const statistic: SwapStatistic = {
    units: values.length,
    // A fresh sum in a fixed order: the same assignment always gives the same float.
    value: () => {
      let sum = 0;
      for (let j = 0; j < values.length; j++) sum += sign[j]! * values[j]!;
      return sum;
    },
    toggle: (unit) => {
      sign[unit] = -sign[unit]! as 1 | -1;
    },
  };
  return pairedRandomizationTest(statistic, {
    ...options,
    exactUpTo: options.exactUpTo ?? EXACT_SIGN_FLIP_UNITS,
  });
}
