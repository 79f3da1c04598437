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

/**
 * How an interval's ends are written: 'plain' as they are ("−0.29 to −0.07"), 'points' for a change
 * of a rate in percentage points ("−29.7 to −6.4 pp"), 'percent' for a rate ("91.5–95.6%").
 */
export type IntervalScale = 'plain' | 'points' | 'percent';

/** "−0.29 to −0.07", "−29.7 to −6.4 pp", "91.5–95.6%". */
export function intervalText(interval: Interval, scale: IntervalScale = 'plain'): string {
  if (scale === 'plain') {
    const digits = intervalDigits(interval);
    return `${signed(interval.low, digits)} to ${signed(interval.high, digits)}`;
  }
  // In percent one decimal fewer than a fraction's 2 reads the same: −0.297 -> −29.7.
  const digits = Math.max(1, intervalDigits(interval) - 1);
  const low = signed(interval.low * 100, digits);
  const high = signed(interval.high * 100, digits);
  return scale === 'points' ? `${low} to ${high} pp` : `${low}–${high}%`;
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
  /** How its ends are written (default 'plain'): rates in 'percent', their changes in 'points'. */
  intervalScale?: IntervalScale;
  confidence: number;
  test?: GateTest;
  pValue?: number | null;
  /** The correction applied to `pValue`; omitted or 'none' for a single test. */
  correction?: PValueAdjustment;
  /** Level of the interval when it is not `confidence` (family-adjusted beside a corrected p). */
  intervalLevel?: number;
  /** Said in parentheses after what the interval is of: "Holm-adjusted for 10 classes". */
  intervalNote?: string;
  /** The kind of an interval that is not the test's own, before "CI": "bootstrap", "t". */
  intervalKind?: string;
}

/** "95% CI of the change −0.29 to −0.07; paired exact p = 0.039 after Holm" (parts that exist only). */
export function evidenceText(parts: EvidenceParts): string {
  const out: string[] = [];
  if (parts.interval) {
    const kind = parts.intervalKind ? `${parts.intervalKind} ` : '';
    const note = parts.intervalNote ? ` (${parts.intervalNote})` : '';
    out.push(
      `${levelText(parts.intervalLevel ?? parts.confidence)} ${kind}CI of ${parts.intervalOf ?? 'the change'}${note} ${intervalText(parts.interval, parts.intervalScale)}`,
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

/**
 * The label of a family-adjusted interval: "Holm-adjusted for 10 classes". `unit` names what the
 * family counts (plural): 'classes', or a slice gate's own word.
 */
export function adjustedIntervalNote(
  correction: { correction: PValueAdjustment; family: number },
  unit = 'classes',
): string {
  return `${correctionName(correction.correction)}-adjusted for ${correction.family} ${unit}`;
}
