/**
 * Family-adjusted significance levels for the confidence intervals shown beside corrected
 * decisions (docs/statistics.md, "Intervals that agree with the corrected decision"). One function
 * for every family of tests (the classes of the per-class gate, the slice × class cells of a slice
 * gate): give it the raw p-values, α and the correction, and it returns, for each test, the level
 * α′ at which an interval must be built so that the interval excludes the null value exactly when
 * the corrected test rejects:
 *
 *   p_raw < α′  ⇔  adjusted p < α   (for every test of the family)
 *
 * The interval itself must be the inversion of the same test at α′ (see exactIntervals.ts), so
 * that it excludes the null value exactly when p_raw < α′.
 *
 * Levels, with the p-values sorted ascending p(1) ≤ … ≤ p(m) and r the number rejected:
 *
 * - Holm: the rejected test of rank k gets α/(m − k + 1); every test not rejected gets α/(m − r).
 *   Proof of agreement. Holm rejects ranks 1..r, where r is the first rank whose step fails:
 *   (m − j + 1)·p(j) < α for every j ≤ r, so each rejected p(k) < α/(m − k + 1). The step at
 *   rank r + 1 fails: (m − r)·p(r+1) ≥ α, and every non-rejected p(k) ≥ p(r+1) ≥ α/(m − r). (Ties:
 *   equal p-values at ranks j and j + 1 pass or fail together, since (m − j)·p ≤ (m − j + 1)·p.)
 *   With r = m every test is rejected and α/(m − r) is never used. Each interval is at the level
 *   of its own step of the procedure; together they are not simultaneous intervals. (Strassburger
 *   & Bretz 2008, "Compatible simultaneous lower confidence bounds for the Holm procedure and other
 *   Bonferroni-based closed tests", Stat. Med. 27:4914–4927, give the non-rejected tests the same
 *   α/(m − r), but the rejected ones only the null value, to keep simultaneous coverage.)
 * - Benjamini–Hochberg: every test gets R·α/m, R = the number rejected (α/m when R = 0).
 *   Proof of agreement. BH rejects ranks 1..R, R the largest rank with (m/R)·p(R) < α; a rejected
 *   p(i) ≤ p(R) < R·α/m. A non-rejected rank i > R has adjusted p = min over j ≥ i of (m/j)·p(j)
 *   ≥ α, so p(i) ≥ i·α/m ≥ (R + 1)·α/m > R·α/m. With R = 0 every p(i) ≥ i·α/m ≥ α/m.
 *   These are Benjamini & Yekutieli's (2005, "False discovery rate–adjusted multiple confidence
 *   intervals for selected parameters", JASA 100:71–81) FCR-adjusted intervals: level R·α/m.
 * - none: α.
 *
 * Floating point: the decision compares the adjusted p computed by `adjustPValues` (a product) with
 * α, the interval a raw p with α′ (a quotient); the two can differ in the last bit at an exact
 * boundary. Such a level is moved by that one unit in the last place (`nudge` below), so the
 * agreement holds for every double, not only for the real numbers of the proof.
 */
import { checkOpenUnit } from './checkArguments.js';
import { adjustPValues } from './multipleTesting.js';
import type { PValueAdjustment } from './types.js';

export interface FamilyLevels {
  /** Adjusted p-values (adjustPValues), in the input order. */
  adjusted: number[];
  /** Whether each test is rejected: adjusted p < α. */
  rejected: boolean[];
  /** The level α′ of each test's interval (its confidence is 1 − α′), in the input order. */
  alphas: number[];
}

/** The next double above `x` (x ≥ 0, finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const buffer = new Float64Array([x]);
  const bits = new BigInt64Array(buffer.buffer);
  bits[0] = bits[0]! + 1n;
  return buffer[0]!;
}

/**
 * Keeps `level` (the formula's α′) but moves it by the least amount that makes `p < level` agree
 * with `rejected` (only ever a rounding difference; see the module comment).
 */
function nudge(level: number, p: number, rejected: boolean): number {
  if (rejected && !(p < level)) return nextUp(p);
  if (!rejected && p < level) return p;
  return level;
}

/**
 * The family-adjusted interval level of each test: see the module comment. `alpha` is the
 * family's significance level; `method` the correction (a family of one is uncorrected whatever
 * the method, as Holm and BH then are).
 */
export function familyLevels(
  pValues: readonly number[],
  alpha: number,
  method: PValueAdjustment,
): FamilyLevels {
  checkOpenUnit('alpha', alpha);
  const m = pValues.length;
  const adjusted = adjustPValues(pValues, method);
  const rejected = adjusted.map((p) => p < alpha);
  const rejections = rejected.filter(Boolean).length;
  let formula: (index: number) => number;
  if (method === 'none' || m <= 1) {
    formula = () => alpha;
  } else if (method === 'holm') {
    // Rank of each test in the ascending order adjustPValues uses (ties by input order).
    const order = pValues.map((_, i) => i).sort((i, j) => pValues[i]! - pValues[j]! || i - j);
    const rank = new Array<number>(m);
    order.forEach((index, k) => {
      rank[index] = k + 1;
    });
    formula = (i) => (rejected[i] ? alpha / (m - rank[i]! + 1) : alpha / (m - rejections));
  } else if (method === 'benjamini-hochberg') {
    const level = (Math.max(1, rejections) * alpha) / m;
    formula = () => level;
  } else {
    throw new RangeError(`unknown p-value adjustment '${String(method)}'`);
  }
  const alphas = pValues.map((p, i) => nudge(formula(i), p, rejected[i]!));
  return { adjusted, rejected, alphas };
}
