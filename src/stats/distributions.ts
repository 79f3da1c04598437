/**
 * Thin typed wrappers over the @stdlib distribution functions, so the rest of src/stats never
 * imports @stdlib directly and the parameter order is spelled out once.
 */
import binomialCdfImpl from '@stdlib/stats-base-dists-binomial-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';
import { checkOpenUnit } from './checkArguments.js';

/**
 * Quantile of the standard normal distribution: Φ⁻¹(p) (scipy.stats.norm.ppf), accurate to ~1e-15
 * relative for every p in (0, 1).
 *
 * @stdlib's normal quantile works through erfinv(2p − 1), which loses the lower tail (it returns
 * −∞ for p = 1e-20). So the lower half is polished by Newton steps on ln Φ(x) = ln p with the
 * accurate Φ below, starting from @stdlib's value or, deep in the tail, from the asymptotic
 * x ≈ −√(2L − ln(4πL)) with L = −ln p (from Φ(x) ≈ φ(x)/|x|); the upper half is −Φ⁻¹(1 − p), where
 * 1 − p is exact.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = normalQuantileImpl(p, 0, 1);
  if (!Number.isFinite(x) || p < 1e-8) {
    const tail = -Math.log(p);
    x = -Math.sqrt(2 * tail - Math.log(4 * Math.PI * tail));
  }
  const logP = Math.log(p);
  for (let i = 0; i < 8; i++) {
    // f(x) = ln Φ(x) − ln p, f'(x) = φ(x)/Φ(x).
    const cdf = normalCdf(x);
    const step = ((Math.log(cdf) - logP) * cdf) / normalPdf(x);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Two-sided critical value z_{1−α/2} for a confidence level 1 − α (scipy norm.isf(α/2)). */
export function normalCritical(confidence: number): number {
  checkOpenUnit('confidence', confidence);
  // Φ⁻¹(1 − α/2) computed as −Φ⁻¹(α/2): the lower tail keeps full precision for tiny α.
  return -normalQuantile((1 - confidence) / 2);
}

/** Standard normal CDF Φ(x), through erfc for accuracy in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** P(X ≤ k) for X ~ Binomial(n, p) (scipy.stats.binom.cdf). */
export function binomialCdf(k: number, n: number, p: number): number {
  return binomialCdfImpl(k, n, p);
}

/** P(T ≤ t) for Student's t with `degreesOfFreedom` (scipy.stats.t.cdf; ~1e-15 relative). */
export function tCdf(t: number, degreesOfFreedom: number): number {
  return tCdfImpl(t, degreesOfFreedom);
}

/**
 * Quantile of Student's t distribution (scipy.stats.t.ppf). @stdlib's t quantile (via its inverse
 * incomplete beta) is only good to ~1e-9 relative, so it is polished with two Newton steps on the
 * accurate CDF, the density taken by a central difference (its error only scales the already tiny
 * correction). The upper half is −quantile(1 − p), where 1 − p is exact.
 */
export function tQuantile(p: number, degreesOfFreedom: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(degreesOfFreedom > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -tQuantile(1 - p, degreesOfFreedom);
  let x = tQuantileImpl(p, degreesOfFreedom);
  if (!Number.isFinite(x) || x === 0) return x;
  for (let i = 0; i < 2; i++) {
    const h = 1e-5 * Math.abs(x);
    const density = (tCdfImpl(x + h, degreesOfFreedom) - tCdfImpl(x - h, degreesOfFreedom)) / (2 * h);
    if (!(density > 0)) break;
    x -= (tCdfImpl(x, degreesOfFreedom) - p) / density;
  }
  return x;
}

/** Two-sided critical value t_{1−α/2, ν} for a confidence level 1 − α. */
export function tCritical(confidence: number, degreesOfFreedom: number): number {
  checkOpenUnit('confidence', confidence);
  return -tQuantile((1 - confidence) / 2, degreesOfFreedom);
}

/** Two-sided p-value of Student's t statistic: 2·P(T_ν ≤ −|t|) (scipy: 2·t.sf(|t|, ν)). */
export function tTwoSidedPValue(t: number, degreesOfFreedom: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.min(1, 2 * tCdfImpl(-Math.abs(t), degreesOfFreedom));
}

/**
 * Complementary error function by W. J. Cody's rational Chebyshev approximations (Cody 1969,
 * "Rational Chebyshev approximations for the error function", Math. Comp. 23:631–637; Netlib
 * SPECFUN CALERF, whose coefficients and evaluation order this follows). Relative error is near
 * machine precision on the whole line, so normal tail probabilities stay accurate far out.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x <= 0.46875) {
    const z = x * x;
    let num = ERF_A[4] * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]) * z;
      den = (den + ERF_B[i]) * z;
    }
    return 1 - (x * (num + ERF_A[3])) / (den + ERF_B[3]);
  }
  if (x >= 26.543) return 0; // below the smallest double
  let r: number;
  if (x <= 4) {
    let num = ERF_C[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + ERF_C[i]) * x;
      den = (den + ERF_D[i]) * x;
    }
    r = (num + ERF_C[7]) / (den + ERF_D[7]);
  } else {
    const z = 1 / (x * x);
    let num = ERF_P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + ERF_P[i]) * z;
      den = (den + ERF_Q[i]) * z;
    }
    r = (z * (num + ERF_P[4])) / (den + ERF_Q[4]);
    r = (1 / Math.sqrt(Math.PI) - r) / x;
  }
  // exp(−x²) split as exp(−s²)·exp(−(x−s)(x+s)) with s = x rounded down to 1/16, as CALERF does,
  // so the rounding error of x² is not magnified by the exponential.
  const s = Math.trunc(x * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(x - s) * (x + s)) * r;
}

const ERF_A = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERF_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const ERF_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const ERF_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const ERF_Q = [
  2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
