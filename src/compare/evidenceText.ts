/**
 * The evidence part of gate messages, as plain text: "95% CI of the change −0.29 to −0.07; paired
 * exact p = 0.039 after Holm". Renderers escape it again for their format.
 */
import type { PValueAdjustment } from '../stats/types.js';
import type { GateTest, Interval } from './types.js';

const MINUS = '\u2212';

/** A signed number with a true minus sign. */
export function signed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  // -0.000 reads as a change: show it as 0.
  if (Number(text) === 0) return (0).toFixed(digits);
  return value < 0 ? `${MINUS}${text.slice(1)}` : text;
}

/** Decimals that show an interval's width: 2 for wide ones, more for narrow ones (at most 5). */
function intervalDigits(interval: Interval): number {
  const width = Math.abs(interval.high - interval.low);
  let digits = 2;
  while (digits < 5 && width < 10 ** -(digits - 1)) digits++;
  return digits;
}

/** "−0.29 to −0.07". */
export function intervalText(interval: Interval): string {
  const digits = intervalDigits(interval);
  return `${signed(interval.low, digits)} to ${signed(interval.high, digits)}`;
}

/** A confidence level as a percentage: 0.95 -> "95%", 0.975 -> "97.5%". */
export function levelText(confidence: number): string {
  return `${Number((confidence * 100).toFixed(2))}%`;
}

/** "= 0.039", "< 0.001", "= 1.000". */
export function pValueText(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

/** A significance level, to 3 significant digits: 0.05 -> "0.05", 0.05/3 -> "0.0167". */
export function alphaText(alpha: number): string {
  return String(Number(alpha.toPrecision(3)));
}

const TEST_LABELS: Record<GateTest, string> = {
  'mcnemar-exact': 'McNemar exact p',
  'paired-exact-recall': 'paired exact p',
  'fisher-exact': 'unpaired Fisher exact p',
  'binomial-exact': 'one-sided exact binomial p',
  'paired-randomization': 'paired randomization p',
  bootstrap: 'one-sided bootstrap p',
  'sign-flip': 'paired sign-flip p',
  'welch-t': 'unpaired Welch t-test p',
  't-test': 'one-sided t-test p',
  threshold: 'no test',
};

const CORRECTION_NAMES: Record<PValueAdjustment, string> = {
  holm: 'Holm',
  'benjamini-hochberg': 'Benjamini–Hochberg',
  none: '',
};

export interface EvidenceParts {
  interval?: Interval | null;
  /** What the interval is of: 'the change' (default) or e.g. 'accuracy'. */
  intervalOf?: string;
  confidence: number;
  test?: GateTest;
  pValue?: number | null;
  /** The correction applied to `pValue`; omitted or 'none' for a single test. */
  correction?: PValueAdjustment;
}

/** "95% CI of the change −0.29 to −0.07; paired exact p = 0.039 after Holm" (parts that exist only). */
export function evidenceText(parts: EvidenceParts): string {
  const out: string[] = [];
  if (parts.interval) {
    out.push(
      `${levelText(parts.confidence)} CI of ${parts.intervalOf ?? 'the change'} ${intervalText(parts.interval)}`,
    );
  }
  if (
    parts.test !== undefined &&
    parts.test !== 'threshold' &&
    parts.pValue !== undefined &&
    parts.pValue !== null
  ) {
    const correction = parts.correction ? CORRECTION_NAMES[parts.correction] : '';
    out.push(
      `${TEST_LABELS[parts.test]} ${pValueText(parts.pValue)}${correction ? ` after ${correction}` : ''}`,
    );
  }
  return out.join('; ');
}

/** Short name of a correction for table headers and notes: "Holm", "Benjamini–Hochberg", "none". */
export function correctionName(correction: PValueAdjustment): string {
  return CORRECTION_NAMES[correction] || 'none';
}
