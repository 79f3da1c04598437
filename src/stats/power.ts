/**
 * Power analysis for a drop in a proportion (accuracy, or one class's recall): the smallest drop a
 * test set can detect, and the samples needed to detect a given drop.
 *
 * Both are normal approximations to the exact tests the gates run; they size a warning, they never
 * decide a verdict. α is the level of the two-sided test as the gate applies it (pass the
 * per-class level after a multiple-comparison correction, e.g. α/m for Holm's first step, for a
 * conservative figure). Power must be at least 0.5 (the usual values are 0.8 and 0.9): below that
 * the required sample size is no longer monotone in the drop.
 *
 * Paired design (the same samples scored by both models; McNemar's test):
 *   Connor (1987), "Sample size for testing differences in proportions for the paired-sample
 *   design", Biometrics 43:207–211:  n = [z_{1−α/2}·√ψ + z_{1−β}·√(ψ − δ²)]² / δ²,
 *   where δ = p10 − p01 is the drop (share of samples the candidate breaks minus the share it
 *   fixes) and ψ = p10 + p01 the discordance. With churn = p01 (the share of samples the candidate
 *   fixes), p10 = churn + δ and ψ = 2·churn + δ.
 *   Churn is a property of the retrain, not of the test set; the caller may pass an estimate (e.g.
 *   the observed c/n of the comparison). The default is churn = ½(1 − baselineRate): two
 *   independently trained networks disagree on about as many samples as either gets wrong (Jiang,
 *   Nagarajan, Baek & Kolter 2022, "Assessing generalization of SGD via disagreement", ICLR), so
 *   with no real change the discordance ψ ≈ 1 − baselineRate, half in each direction.
 *   Churn is capped so the table is possible: p01 ≤ 1 − baselineRate (only baseline errors can be
 *   fixed) and p10 = churn + δ ≤ baselineRate (only baseline successes can be broken), i.e.
 *   churn_eff(δ) = min(churn, 1 − baselineRate, baselineRate − δ).
 *
 * Unpaired design (independent samples of the same size n; two-proportion z-test):
 *   Cohen's (1988) effect size h = 2·asin√p1 − 2·asin√p2 with the two-sided power of
 *   statsmodels NormalIndPower (ratio = 1, effective n = n/2):
 *   power = Φ(h√(n/2) − z_{1−α/2}) + Φ(−h√(n/2) − z_{1−α/2}).
 *   A drop δ from baselineRate p1 means p2 = p1 − δ; the inverse is p2 = sin²(asin√p1 − h/2).
 */
import { checkOpenUnit, checkProbability } from './checkArguments.js';
import { normalCdf, normalQuantile } from './distributions.js';
import type { ComparisonDesign } from './types.js';

export interface MinimumDetectableDropOptions {
  /** Samples in the comparison (the class's test samples); per group for the unpaired design. */
  n: number;
  /** The baseline's proportion (e.g. its recall on the class), in [0, 1]. */
  baselineRate: number;
  /** Level of the two-sided test. */
  alpha: number;
  /** Desired power 1 − β, in [0.5, 1). */
  power: number;
  design: ComparisonDesign;
  /** Paired design only: share of samples the candidate fixes (p01); default ½(1 − baselineRate). */
  churn?: number;
}

export interface SamplesForDropOptions extends Omit<MinimumDetectableDropOptions, 'n'> {
  /** The drop to detect (baselineRate − candidate rate), in (0, baselineRate]. */
  drop: number;
}

/**
 * The smallest drop (in proportion units, e.g. 0.05 = five recall points) the test detects with the
 * given power, or null when even a drop to 0 is not detectable (or n = 0 or baselineRate = 0).
 */
export function minimumDetectableDrop(options: MinimumDetectableDropOptions): number | null {
  const { n, baselineRate } = options;
  checkPowerOptions(options);
  if (!(Number.isFinite(n) && n >= 0)) throw new RangeError(`n must be a non-negative number, got ${n}`);
  if (n === 0 || baselineRate === 0) return null;
  if (options.design === 'paired') {
    const required = (drop: number) => connorSampleSize(drop, options);
    if (required(baselineRate) > n) return null;
    // connorSampleSize decreases in the drop (for power ≥ ½), from +∞ at 0: bisect for n(δ) = n.
    return bisect((drop) => required(drop) <= n, 0, baselineRate);
  }
  const critical = -normalQuantile(options.alpha / 2);
  const powerOf = (h: number) => twoSidedPower(h, n / 2, critical);
  const maxEffect = 2 * Math.asin(Math.sqrt(baselineRate)); // a drop to 0
  if (powerOf(maxEffect) < options.power) return null;
  const effect = bisect((h) => powerOf(h) >= options.power, 0, maxEffect);
  const candidateRate = Math.sin(Math.asin(Math.sqrt(baselineRate)) - effect / 2) ** 2;
  return baselineRate - candidateRate;
}

/**
 * The number of samples (per group for the unpaired design) needed to detect `drop` with the given
 * power, rounded up; null when the drop is not a possible drop (≤ 0 or > baselineRate).
 */
export function samplesForDrop(options: SamplesForDropOptions): number | null {
  const { drop, baselineRate } = options;
  checkPowerOptions(options);
  if (!Number.isFinite(drop)) throw new RangeError(`drop must be a finite number, got ${drop}`);
  if (drop <= 0 || drop > baselineRate) return null;
  if (options.design === 'paired') return Math.ceil(connorSampleSize(drop, options));
  const critical = -normalQuantile(options.alpha / 2);
  const effect = 2 * Math.asin(Math.sqrt(baselineRate)) - 2 * Math.asin(Math.sqrt(baselineRate - drop));
  // Power grows with n; find the smallest n whose power reaches the target (statsmodels solves the
  // same equation for a real n; we round that up).
  let high = 1;
  while (twoSidedPower(effect, high / 2, critical) < options.power) high *= 2;
  const n = bisect((size) => twoSidedPower(effect, size / 2, critical) >= options.power, 0, high);
  return Math.ceil(n);
}

/** Connor (1987) sample size for McNemar's test; see the module comment. */
function connorSampleSize(drop: number, options: Omit<SamplesForDropOptions, 'drop'>): number {
  const { baselineRate, alpha, power } = options;
  const churn = Math.max(
    0,
    Math.min(options.churn ?? 0.5 * (1 - baselineRate), 1 - baselineRate, baselineRate - drop),
  );
  const discordance = 2 * churn + drop;
  const zAlpha = -normalQuantile(alpha / 2);
  const zBeta = normalQuantile(power);
  const root = zAlpha * Math.sqrt(discordance) + zBeta * Math.sqrt(Math.max(0, discordance - drop * drop));
  return (root * root) / (drop * drop);
}

/** statsmodels normal_power, two-sided, for effect size h and effective sample size m. */
function twoSidedPower(effect: number, effectiveN: number, critical: number): number {
  const shift = effect * Math.sqrt(effectiveN);
  return normalCdf(shift - critical) + normalCdf(-critical - shift);
}

/**
 * Smallest x in (low, high] with accept(x) true, for accept monotone (false then true), to full
 * double precision. Assumes accept(high) is true.
 */
function bisect(accept: (x: number) => boolean, low: number, high: number): number {
  let lo = low;
  let hi = high;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (accept(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function checkPowerOptions(options: Omit<MinimumDetectableDropOptions, 'n'>): void {
  checkProbability('baselineRate', options.baselineRate);
  checkOpenUnit('alpha', options.alpha);
  if (!(options.power >= 0.5 && options.power < 1)) {
    throw new RangeError(`power must be in [0.5, 1), got ${options.power}`);
  }
  if (options.design !== 'paired' && options.design !== 'unpaired') {
    throw new RangeError(`design must be 'paired' or 'unpaired', got '${String(options.design)}'`);
  }
  if (options.churn !== undefined) checkProbability('churn', options.churn);
}
