/** Random draws beyond the uniform one, all from the given generator (no other source of randomness). */
import type { Random } from '../../../stats/random.js';

/**
 * A standard normal draw, by the Box–Muller transform (Box & Muller 1958). One of the pair is
 * returned; the other is dropped, which keeps the draw a pure function of the generator's sequence.
 */
export function normal(random: Random): number {
  let u = random.next();
  while (u === 0) u = random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** λ from which poisson() uses PTRS rather than multiplying uniforms (numpy's switch point). */
export const POISSON_PTRS_MIN_LAMBDA = 10;

/**
 * A Poisson(λ) draw, λ ≥ 0 (finite), as numpy's `random.poisson` computes it
 * (numpy/random/src/distributions/distributions.c), so shot noise has the original's distribution:
 * - λ = 0: 0;
 * - λ < 10: Knuth's multiplication method, exact: count uniforms until their product falls to e^−λ
 *   (about λ + 1 draws);
 * - λ ≥ 10: PTRS, the transformed rejection method with squeeze of Hörmann (1993), "The transformed
 *   rejection method for generating Poisson random variables", Insurance: Mathematics and
 *   Economics 12(1):39–45. Exact too (rejection against the true pmf), with a bounded expected
 *   number of uniforms per draw whatever λ, so λ = 500 (CIFAR-10-C shot noise s1 on a white pixel)
 *   costs no more than λ = 10. (A normal approximation would be indistinguishable at λ ≈ 500 but
 *   visibly skewed at λ ≈ 10–40, where the shot-noise tables also land.)
 */
export function poisson(random: Random, lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`poisson(λ) needs a finite λ ≥ 0, got ${lambda}`);
  }
  if (lambda === 0) return 0;
  if (lambda < POISSON_PTRS_MIN_LAMBDA) {
    const limit = Math.exp(-lambda);
    let count = 0;
    let product = random.next();
    while (product > limit) {
      count++;
      product *= random.next();
    }
    return count;
  }
  return poissonPtrs(random, lambda);
}

/** Hörmann's PTRS for λ ≥ 10; constants as in the paper (and numpy's random_poisson_ptrs). */
function poissonPtrs(random: Random, lambda: number): number {
  const sqrtLambda = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sqrtLambda;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.next() - 0.5;
    const v = random.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k; // the squeeze: accepted without evaluating the pmf
    if (k < 0 || (us < 0.013 && v > us)) continue;
    // log(v) = −∞ for v = 0 accepts, as in the original.
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLambda - logGamma(k + 1)
    ) {
      return k;
    }
  }
}

/** Stirling-series coefficients B₂ₖ / (2k(2k − 1)), k = 1..10, of log Γ (numpy's random_loggam). */
const LOG_GAMMA_SERIES: readonly number[] = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4,
  8.417508417508418e-4, -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2,
  1.796443723688307e-1, -1.3924322169059,
];

/**
 * log Γ(x) for x > 0 by the Stirling series, shifted up to x ≥ 7 by the recurrence
 * Γ(x) = Γ(x + n) / (x (x + 1) … (x + n − 1)); absolute error below 1e−14 there (numpy's random_loggam).
 */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let series = LOG_GAMMA_SERIES[9]!;
  for (let k = 8; k >= 0; k--) series = series * x2 + LOG_GAMMA_SERIES[k]!;
  let result = series / x0 + (x0 - 0.5) * Math.log(x0) - x0 + 0.5 * Math.log(2 * Math.PI);
  for (let k = 1; k <= n; k++) {
    x0 -= 1;
    result -= Math.log(x0);
  }
  return result;
}
