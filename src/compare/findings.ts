/**
 * Gate semantics that separate tolerance from evidence (README "How verdicts are reached").
 *
 * For a change gate (max-drop, max-increase) with tolerance t, a worsening w (the drop, or the
 * increase of a figure where lower is better) and significance on at level α:
 * - regressed: w > t and the change is significant (adjusted p < α); fails the run;
 * - possible regression: w > t without that evidence; warns, or fails with `on-unproven: fail`;
 * - within tolerance: w ≤ t, including a significant worsening of at most t;
 * - improved: the figure got better and significantly so.
 * For a bound gate (min, max): proven beyond the bound when the one-sided test rejects "the true
 * value respects the bound" at α; a point estimate beyond it without that evidence is possible.
 * With significance off, or when no test applies (p = null), the point estimate alone decides,
 * which is exactly the plain threshold check.
 */
import type { Finding, GateEvidence, GateStatus } from './types.js';

/**
 * Tolerance for comparisons with a threshold. Recalls are ratios of counts, so a drop that is
 * "exactly" the threshold (0.02 = 1/50) can come out as 0.020000000000000018 in float64; such a
 * drop must pass, as the user reads it as equal.
 */
export const EPSILON = 1e-12;

export interface Evidence {
  /** Whether the gate weighs evidence (`significance: on`). */
  significance: boolean;
  /** p-value after correction; null when no test applies (the point estimate decides). */
  pValue: number | null;
  alpha: number;
}

function significant(evidence: Evidence): boolean {
  // No test available, or significance off: the point estimate counts as established.
  if (!evidence.significance || evidence.pValue === null) return true;
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
