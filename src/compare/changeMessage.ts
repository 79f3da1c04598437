/**
 * The one sentence of a change gate (max-drop, max-increase), with the numbers: both figures, the
 * evidence when the gate weighs it, and what the gate concluded. With significance off the text is
 * exactly the plain threshold message: "accuracy dropped by 3.9 pp (97.8% → 93.9%), more than the
 * allowed 1.0 pp". Rates (scale 'rate') are shown in percent and their changes in percentage
 * points, the unit of every table; other figures (costs) as they are.
 */
import { EPSILON } from './findings.js';
import { alphaText } from './evidenceText.js';
import { formatFraction, formatPercent, formatPoints } from './messageText.js';
import type { Finding } from './types.js';

export interface ChangeMessageInput {
  /** "recall of 'cat'", "accuracy", "ECE". */
  label: string;
  baseline: number;
  candidate: number;
  /** 'drop': lower is worse (recall, accuracy); 'increase': higher is worse (ECE, cost). */
  direction: 'drop' | 'increase';
  tolerance: number;
  finding: Finding;
  /** Appended to the figures: ", 54 samples". */
  figuresSuffix?: string;
  /** Evidence text ("95% CI of the change ...; paired exact p = ..."), or '' with significance off. */
  evidence: string;
  /** Whether the gate weighed evidence; off gives the plain threshold wording. */
  significance: boolean;
  /**
   * Whether a test was made (default true); without one a breach is unproven and the evidence
   * text says why no test was possible.
   */
  tested?: boolean;
  alpha: number;
  /**
   * 'rate': figures in percent and changes in percentage points (recall, accuracy, macro F1, ECE);
   * 'plain' (default): both with `format`.
   */
  scale?: 'rate' | 'plain';
  /** Formats a plain figure, optionally with enough decimals to differ from `other`. */
  format?: (value: number, other?: number) => string;
}

export function changeMessage(input: ChangeMessageInput): string {
  const rate = input.scale === 'rate';
  const format = rate ? formatPercent : (input.format ?? formatFraction);
  // The size of a change and the tolerance: percentage points for rates.
  const size = rate ? formatPoints : format;
  const { label, baseline, candidate, tolerance, finding, direction } = input;
  const worsening = direction === 'drop' ? baseline - candidate : candidate - baseline;
  const evidence = input.evidence === '' ? '' : `; ${input.evidence}`;
  const figures = `${format(baseline, candidate)} → ${format(candidate, baseline)}${input.figuresSuffix ?? ''}${evidence}`;
  const worse = direction === 'drop' ? 'dropped by' : 'rose by';
  const better = direction === 'drop' ? 'rose by' : 'fell by';
  const allowed = direction === 'drop' ? 'the allowed' : 'the allowed increase of';

  if (worsening > tolerance + EPSILON) {
    const base = `${label} ${worse} ${size(worsening, tolerance)} (${figures}), more than ${allowed} ${size(tolerance, worsening)}`;
    if (finding === 'possible-regression') {
      return input.tested === false
        ? `${base}, but unproven without a test: a possible regression`
        : `${base}, but not significant at α = ${alphaText(input.alpha)}: a possible regression`;
    }
    return base;
  }
  if (worsening > EPSILON || (worsening > 0 && !input.significance)) {
    return `${label} ${worse} ${size(worsening, tolerance)} (${figures}), within ${allowed} ${size(tolerance, worsening)}`;
  }
  if (worsening === 0 || Math.abs(worsening) <= EPSILON) return `${label} unchanged (${figures})`;
  const rose = `${label} ${better} ${size(-worsening)} (${figures})`;
  return finding === 'improved' && input.significance ? `${rose}, a significant improvement` : rose;
}
