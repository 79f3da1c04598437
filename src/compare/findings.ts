/**
 * Gate semantics that separate tolerance from evidence (docs/statistics.md, "How verdicts are reached").
 *
 * For a change gate (max-drop, max-increase) with tolerance t, a worsening w (the drop, or the
 * increase of a figure where lower is better) and significance on at level α:
 * - regressed: w > t and the change is significant (adjusted p < α); fails the run;
 * - possible regression: w > t without that evidence; warns, or fails with `on-unproven: fail`;
 * - within tolerance: w ≤ t, including a significant worsening of at most t;
 * - improved: the figure got better and significantly so.
 * For a bound gate (min, max): proven beyond the bound when the one-sided test rejects "the true
 * value respects the bound" at α; a point estimate beyond it without that evidence is possible.
 * With significance off the point estimate alone decides, which is exactly the plain threshold
 * check. With significance on and no test possible (p = null: no per-sample records to pair, no
 * spread for a t-test, ...), nothing is proven: a breach is a possible regression, so the gate's
 * `on-unproven` decides whether it blocks, and nothing counts as a significant improvement.
 *
 * Sidedness: a change gate's p is two-sided (McNemar, Fisher, the randomization tests), compared
 * with α; a regression is claimed only in the direction the figure moved, so the chance of a false
 * "regressed" is at most α/2, and of any false directional claim (regressed or improved) at most
 * α. A bound gate's p is one-sided (its null hypothesis "the figure respects the bound" has one
 * side), compared with α. docs/statistics.md, "How verdicts are reached", gives the reasons.
 */
import type { Finding, GateStatus } from './types.js';
import type { GateEvidence } from '../config/types.js';

/**
 * Tolerance for comparisons with a threshold. Recalls are ratios of counts, so a drop that is
 * "exactly" the threshold (0.02 = 1/50) can come out as 0.020000000000000018 in float64; such a
 * drop must pass, as the user reads it as equal.
 */
export const EPSILON = 1e-12;

export interface Evidence {
  /** Whether the gate weighs evidence (`significance: on`). */
  significance: boolean;
  /** p-value after correction; null when no test was possible (nothing is proven). */
  pValue: number | null;
  alpha: number;
}

function significant(evidence: Evidence): boolean {
  // Significance off: the point estimate counts as established (the plain threshold check).
  if (!evidence.significance) return true;
  // No test possible: no evidence either way.
  if (evidence.pValue === null) return false;
  return evidence.pValue < evidence.alpha;
}

/** The finding of a change gate; `worsening` > 0 is bad (a drop of recall, a rise of ECE or cost). */
export function changeFinding(worsening: number, tolerance: number, evidence: Evidence): Finding {
  if (worsening > tolerance + EPSILON) return significant(evidence) ? 'regressed' : 'possible-regression';
  if (worsening < -EPSILON && significant(evidence)) return 'improved';
  return 'within-tolerance';
}

/** The finding of a bound gate; `breach` > 0 means the point estimate is beyond the bound. */
export function boundFinding(breach: number, evidence: Evidence): Finding {
  if (breach > EPSILON) return significant(evidence) ? 'regressed' : 'possible-regression';
  return 'within-tolerance';
}

/** Status and blocking of a finding under the gate's `on-unproven` setting. */
export function statusOf(
  finding: Finding,
  onUnproven: GateEvidence['onUnproven'],
): { status: GateStatus; blocking: boolean } {
  if (finding === 'regressed') return { status: 'fail', blocking: true };
  if (finding === 'possible-regression') {
    return onUnproven === 'fail' ? { status: 'fail', blocking: true } : { status: 'warn', blocking: false };
  }
  return { status: 'pass', blocking: false };
}
