/**
 * Builders of headline gate results (accuracy, macro F1, ECE, cost), one for change gates
 * (max-drop, max-increase) and one for bound gates (min, max). They turn a figure, its baseline and
 * the test behind it into status, finding and message; the tests themselves are computed by the
 * callers. Per-class recall has its own module (recallGate.ts) for its correction across classes.
 */
import { changeMessage } from './changeMessage.js';
import { alphaText, evidenceText } from './evidenceText.js';
import { boundFinding, changeFinding, statusOf } from './findings.js';
import { formatFraction } from './messageText.js';
import type { GateResult, GateTest, Interval } from './types.js';
import type { GateEvidence, StatisticsConfig } from '../config/types.js';

/** The outcome of a test, as a gate needs it. */
export interface TestOutcome {
  test: GateTest;
  /** p-value the gate compares with α (two-sided for changes, one-sided for bounds); null = no p. */
  pValue: number | null;
  interval: Interval | null;
}

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
  format?: (value: number, other?: number) => string;
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

function alphaOf(spec: CommonSpec): number {
  return spec.evidence.alpha ?? spec.statistics.alpha;
}

/** Whether a test was made (a p-value the finding can rest on). */
function tested(spec: CommonSpec): boolean {
  return spec.test !== null && spec.test.test !== 'threshold' && spec.test.pValue !== null;
}

/** Evidence text for the message; '' with significance off. */
function evidenceOf(spec: CommonSpec, intervalOf?: string): string {
  if (!spec.evidence.significance) return '';
  if (!tested(spec)) return `no test possible: ${spec.noTestReason ?? 'no test applies'}`;
  const test = spec.test!;
  return evidenceText({
    interval: test.interval,
    intervalOf,
    confidence: spec.statistics.confidence,
    test: test.test,
    pValue: test.pValue,
  });
}

/** The figures' suffix: shown with the evidence only, so `significance: off` keeps the plain messages. */
function suffixOf(spec: CommonSpec): string {
  return spec.evidence.significance ? (spec.figuresSuffix ?? '') : '';
}

function testFields(spec: CommonSpec): Pick<GateResult, 'pValue' | 'interval' | 'test' | 'alpha'> {
  return {
    pValue: spec.test?.pValue ?? null,
    interval: spec.test?.interval ?? null,
    test: spec.test?.test ?? 'threshold',
    ...(spec.evidence.significance ? { alpha: alphaOf(spec) } : {}),
  };
}

export function changeGate(spec: ChangeGateSpec): GateResult {
  const { gate, label, baseline, candidate, tolerance } = spec;
  const format = spec.format ?? formatFraction;
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
      format,
    }),
    finding,
    ...testFields(spec),
  };
}

export function boundGate(spec: BoundGateSpec): GateResult {
  const { gate, label, candidate, bound, kind } = spec;
  const format = spec.format ?? formatFraction;
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
