/**
 * Builders of headline gate results (accuracy, macro F1, ECE, cost), one for change gates
 * (max-drop, max-increase) and one for bound gates (min, max). They turn a figure, its baseline and
 * the test behind it into status, finding and message; the tests themselves are computed by the
 * callers. Per-class recall has its own module (recallGate.ts) for its correction across classes.
 */
import { changeMessage } from './changeMessage.js';
import { adjustedIntervalNote, alphaText, evidenceText } from './evidenceText.js';
import { boundFinding, changeFinding, statusOf } from './findings.js';
import { formatFraction, formatPercent } from './messageText.js';
import type { GateResult, GateTest, Interval } from './types.js';
import type { GateEvidence, StatisticsConfig } from '../config/types.js';
import type { PValueAdjustment } from '../stats/types.js';

/** The outcome of a test, as a gate needs it. */
export interface TestOutcome {
  test: GateTest;
  /** p-value the gate compares with α (two-sided for changes, one-sided for bounds); null = no p. */
  pValue: number | null;
  interval: Interval | null;
  /**
   * How `interval` was made, recorded in the result and named in the message: its level (when
   * not `statistics.confidence`), method, family adjustment and whether it agrees with the test.
   */
  intervalInfo?: IntervalInfo;
}

/** The interval fields of a gate result. */
export type IntervalInfo = Pick<
  GateResult,
  'intervalLevel' | 'intervalMethod' | 'intervalCorrection' | 'intervalMatchesTest'
> & {
  /** Said in parentheses after what the interval is of ("its upper end the one-sided 95% bound"). */
  note?: string;
  /** What the family of `intervalCorrection` counts, plural (default 'classes'; slice gates: 'slice tests'). */
  familyUnit?: string;
};

/** The word before "CI" of an interval that is not the test's own: "95% bootstrap CI of the change". */
const INTERVAL_KIND: Partial<Record<NonNullable<GateResult['intervalMethod']>, string>> = {
  'basic-bootstrap': 'bootstrap',
  'paired-t': 'paired t',
  'welch-t': 'Welch t',
  t: 't',
};

interface CommonSpec {
  /** 'accuracy.max-drop', 'ece.max', ... */
  gate: string;
  /** 'accuracy', 'ECE', 'expected cost per sample (USD)'. */
  label: string;
  evidence: GateEvidence;
  statistics: StatisticsConfig;
  candidate: number | null;
  /**
   * The test; null when none is possible. With significance on a breach is then a possible
   * regression (nothing is proven; `on-unproven` decides) and `noTestReason` says why.
   */
  test: TestOutcome | null;
  noTestReason?: string;
  /** Appended to the figures in the message: ", 540 samples". */
  figuresSuffix?: string;
  /**
   * 'rate' (accuracy, macro F1, ECE): figures in percent, changes and tolerances in percentage
   * points, as in the tables; 'plain' (default, costs): with `format`.
   */
  scale?: 'rate' | 'plain';
  format?: (value: number, other?: number) => string;
  /** The correction `test.pValue` is after, named in the message (slice gates); default none. */
  correction?: PValueAdjustment;
}

export interface ChangeGateSpec extends CommonSpec {
  direction: 'drop' | 'increase';
  tolerance: number;
  /** undefined = no baseline report at all; null = the baseline report lacks this figure. */
  baseline: number | null | undefined;
  /** Why the baseline lacks the figure, when it does ("the baseline report has no calibration"). */
  baselineMissingReason?: string;
}

export interface BoundGateSpec extends CommonSpec {
  kind: 'min' | 'max';
  bound: number;
  /** The baseline's figure, for the tables only. */
  baseline: number | null;
}

/** How a figure of this gate is written: percent for rates, `format` (3 decimals by default) otherwise. */
function figureFormat(spec: CommonSpec): (value: number, other?: number) => string {
  return spec.scale === 'rate' ? formatPercent : (spec.format ?? formatFraction);
}

function alphaOf(spec: CommonSpec): number {
  return spec.evidence.alpha ?? spec.statistics.alpha;
}

/** Whether a test was made (a p-value the finding can rest on). */
function tested(spec: CommonSpec): boolean {
  return spec.test !== null && spec.test.test !== 'threshold' && spec.test.pValue !== null;
}

/**
 * Evidence text for the message; '' with significance off. `intervalOf` names the figure a bound
 * gate's interval is of (its ends are rates); a change gate's interval is of the change (points).
 */
function evidenceOf(spec: CommonSpec, intervalOf?: string): string {
  if (!spec.evidence.significance) return '';
  if (!tested(spec)) return `no test possible: ${spec.noTestReason ?? 'no test applies'}`;
  const test = spec.test!;
  const info = test.intervalInfo;
  const adjusted =
    info?.intervalCorrection === undefined
      ? undefined
      : adjustedIntervalNote(info.intervalCorrection, info.familyUnit);
  return evidenceText({
    interval: test.interval,
    intervalOf,
    intervalLevel: info?.intervalLevel,
    intervalKind:
      info?.intervalMethod === undefined || info.intervalMatchesTest
        ? undefined
        : INTERVAL_KIND[info.intervalMethod],
    intervalNote: [adjusted, info?.note].filter((part) => part !== undefined).join('; ') || undefined,
    intervalScale: spec.scale === 'rate' ? (intervalOf === undefined ? 'points' : 'percent') : 'plain',
    confidence: spec.statistics.confidence,
    test: test.test,
    pValue: test.pValue,
    correction: spec.correction,
  });
}

/** The figures' suffix: shown with the evidence only, so `significance: off` keeps the plain messages. */
function suffixOf(spec: CommonSpec): string {
  return spec.evidence.significance ? (spec.figuresSuffix ?? '') : '';
}

function testFields(spec: CommonSpec): Partial<GateResult> {
  const info = spec.test?.interval ? spec.test.intervalInfo : undefined;
  const { note: _note, familyUnit: _unit, ...fields } = info ?? {};
  return {
    pValue: spec.test?.pValue ?? null,
    interval: spec.test?.interval ?? null,
    ...fields,
    test: spec.test?.test ?? 'threshold',
    ...(spec.evidence.significance ? { alpha: alphaOf(spec) } : {}),
  };
}

export function changeGate(spec: ChangeGateSpec): GateResult {
  const { gate, label, baseline, candidate, tolerance } = spec;
  const format = figureFormat(spec);
  if (baseline === undefined || baseline === null) {
    return {
      gate,
      status: 'skipped',
      baseline: baseline ?? null,
      candidate,
      threshold: tolerance,
      message:
        baseline === undefined
          ? `${label} not compared: no baseline (this run sets the first one)`
          : `${label} not compared: ${spec.baselineMissingReason ?? `the baseline has no ${label}`}`,
      blocking: false,
    };
  }
  if (candidate === null) {
    return {
      gate,
      status: 'not-evaluable',
      baseline,
      candidate,
      threshold: tolerance,
      message: `${label} is undefined for this run (no test samples), so its change from ${format(baseline)} cannot be checked`,
      blocking: true,
    };
  }
  const alpha = alphaOf(spec);
  const worsening = spec.direction === 'drop' ? baseline - candidate : candidate - baseline;
  const finding = changeFinding(worsening, tolerance, {
    significance: spec.evidence.significance,
    pValue: spec.test?.test === 'threshold' ? null : (spec.test?.pValue ?? null),
    alpha,
  });
  return {
    gate,
    ...statusOf(finding, spec.evidence.onUnproven),
    baseline,
    candidate,
    threshold: tolerance,
    message: changeMessage({
      label,
      baseline,
      candidate,
      direction: spec.direction,
      tolerance,
      finding,
      figuresSuffix: suffixOf(spec),
      evidence: evidenceOf(spec),
      significance: spec.evidence.significance,
      tested: tested(spec),
      alpha,
      scale: spec.scale ?? 'plain',
      format,
    }),
    finding,
    ...testFields(spec),
  };
}

export function boundGate(spec: BoundGateSpec): GateResult {
  const { gate, label, candidate, bound, kind } = spec;
  const format = figureFormat(spec);
  const boundWords = kind === 'min' ? 'the required minimum' : 'the allowed maximum';
  if (candidate === null) {
    return {
      gate,
      status: 'not-evaluable',
      baseline: spec.baseline,
      candidate,
      threshold: bound,
      message: `${label} is undefined for this run (no test samples), so it cannot be checked against ${boundWords} ${format(bound)}`,
      blocking: true,
    };
  }
  const alpha = alphaOf(spec);
  const breach = kind === 'min' ? bound - candidate : candidate - bound;
  const finding = boundFinding(breach, {
    significance: spec.evidence.significance,
    pValue: spec.test?.test === 'threshold' ? null : (spec.test?.pValue ?? null),
    alpha,
  });
  const evidence = evidenceOf(spec, label);
  const parts = [suffixOf(spec).replace(/^, /, ''), evidence].filter((part) => part !== '');
  const figures = parts.length === 0 ? '' : ` (${parts.join('; ')})`;
  const value = `${label} is ${format(candidate, bound)}${figures}`;
  let message: string;
  if (finding === 'within-tolerance') {
    message = `${value}, ${kind === 'min' ? 'at least' : 'at most'} ${boundWords} ${format(bound, candidate)}`;
  } else {
    message = `${value}, ${kind === 'min' ? 'below' : 'above'} ${boundWords} ${format(bound, candidate)}`;
    if (finding === 'possible-regression') {
      const unproven = tested(spec)
        ? `not significantly at α = ${alphaText(alpha)}`
        : 'unproven without a test';
      message += `, but ${unproven}: possibly ${kind === 'min' ? 'below' : 'above'} it`;
    }
  }
  return {
    gate,
    ...statusOf(finding, spec.evidence.onUnproven),
    baseline: spec.baseline,
    candidate,
    threshold: bound,
    message,
    finding,
    ...testFields(spec),
  };
}
