/**
 * Side-by-side figures of a baseline report and a candidate report: headline metric deltas,
 * per-class deltas with their intervals and tests, and how many samples changed prediction
 * (paired by sample id). Call `assertComparable` first; this function lines the figures up and
 * computes the evidence; the gates decide what it means.
 */
import { DEFAULT_PER_CLASS_RECALL } from '../config/defaults.js';
import type { ClassMetrics } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { wilsonInterval } from '../stats/proportionIntervals.js';
import { changedPredictions, type PairingAttempt, pairSamples } from './pairing.js';
import { classDeltas, difference } from './classDeltas.js';
import { compareSlices } from './sliceComparison.js';
import { compareStress } from './stressComparison.js';
import {
  type PairedTables,
  pairedProportionTest,
  pairedTables,
  unpairedProportionTest,
} from './proportionTests.js';
import type {
  Comparison,
  Interval,
  MetricDelta,
  MetricScale,
  Pairing,
  ProportionTest,
  SliceComparison,
  StressComparison,
} from './types.js';

/** Confidence level used when none is configured. */
export const DEFAULT_CONFIDENCE = 0.95;

export interface HeadlineMetric {
  /** Stable key, also used by MetricDelta.metric. */
  metric: string;
  label: string;
  scale: MetricScale;
  value: number | null;
  /** For 'top-k': the k it was computed with (figures with different k are different metrics). */
  k?: number;
}

/**
 * The headline figures of one report, in display order. Top-k is listed only when the report
 * computed it; its label carries k.
 *
 * Balanced accuracy is not listed: it equals macro recall by definition. Both are the mean recall
 * over the classes present in the test set (scikit-learn's balanced_accuracy_score; macro averages
 * here are over present classes, see metrics/types.ts), so it would be a second, identical row.
 * The report keeps `metrics.balancedAccuracy` for readers that look for it by that name.
 */
export function headlineMetrics(report: Report): HeadlineMetric[] {
  const m = report.metrics;
  const rows: HeadlineMetric[] = [
    { metric: 'accuracy', label: 'accuracy', scale: 'rate', value: m.accuracy },
  ];
  if (m.topK !== null) {
    const { k, accuracy } = m.topK;
    rows.push({ metric: 'top-k', label: `top-${k} accuracy`, scale: 'rate', value: accuracy, k });
  }
  rows.push(
    { metric: 'macro-f1', label: 'macro F1', scale: 'rate', value: m.macroF1 },
    { metric: 'macro-recall', label: 'macro recall', scale: 'rate', value: m.macroRecall },
    { metric: 'weighted-f1', label: 'weighted F1', scale: 'rate', value: m.weightedF1 },
    { metric: 'mcc', label: 'Matthews correlation', scale: 'correlation', value: m.matthewsCorrelation },
    { metric: 'cohen-kappa', label: "Cohen's kappa", scale: 'correlation', value: m.cohenKappa },
  );
  return rows;
}

/**
 * Correct predictions and samples of a report, from its per-class table (the confusion matrix's
 * diagonal and row sums), so accuracy tests use exact counts rather than a rounded ratio.
 */
export function accuracyCounts(report: Report): { correct: number; samples: number } {
  let correct = 0;
  let samples = 0;
  for (const c of report.classes) {
    correct += c.truePositives;
    samples += c.support;
  }
  return { correct, samples };
}

/** Wilson interval of a class's precision (TP of predicted) at `confidence`; null when never predicted. */
export function precisionInterval(cls: ClassMetrics | undefined, confidence: number): Interval | null {
  if (cls === undefined || !(cls.predicted > 0)) return null;
  return wilsonInterval(cls.truePositives, cls.predicted, confidence);
}

/** Wilson interval of a report's accuracy at `confidence`; null without samples. */
export function accuracyInterval(report: Report, confidence: number): Interval | null {
  const { correct, samples } = accuracyCounts(report);
  return samples > 0 ? wilsonInterval(correct, samples, confidence) : null;
}

export interface CompareOptions {
  /** Level of every interval (statistics.confidence); default 0.95. */
  confidence?: number;
  /** The pairing already attempted by `pairSamples` (attempted here when absent). */
  pairing?: PairingAttempt;
  /**
   * The per-class tolerance behind "which class degrades first" under a perturbation
   * (gates.stress.per-class-recall.max-drop, else gates.per-class-recall.max-drop); default 0.02.
   */
  stressClassTolerance?: number;
}

/** Lines up `candidate` against `baseline`. Classes are matched by name, samples by id. */
export function compareReports(
  baseline: Report,
  candidate: Report,
  options: CompareOptions = {},
): Comparison {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const attempt = options.pairing ?? pairSamples(baseline, candidate);
  const tables = 'paired' in attempt ? pairedTables(attempt.paired, candidate.classes.length) : null;
  const pairing: Pairing =
    'paired' in attempt
      ? { paired: true, samples: attempt.paired.n, changedPredictions: changedPredictions(attempt.paired) }
      : { paired: false, reason: attempt.reason };
  return {
    metrics: metricDeltas(baseline, candidate),
    classes: classDeltas(baseline.classes, candidate.classes, tables, confidence),
    changedPredictions: pairing.paired ? pairing.changedPredictions : null,
    pairing,
    confidence,
    accuracyTest: accuracyTest(baseline, candidate, tables, confidence),
    baselineAccuracyInterval: accuracyInterval(baseline, confidence),
    candidateAccuracyInterval: accuracyInterval(candidate, confidence),
    ...sliceField(compareSlices(baseline, candidate, attempt, confidence)),
    ...stressField(
      compareStress(baseline, candidate, attempt, {
        confidence,
        classTolerance: options.stressClassTolerance ?? DEFAULT_PER_CLASS_RECALL.maxDrop,
      }),
    ),
  };
}

function stressField(stress: StressComparison | undefined): { stress?: StressComparison } {
  return stress === undefined ? {} : { stress };
}

function sliceField(slices: SliceComparison | undefined): { slices?: SliceComparison } {
  return slices === undefined ? {} : { slices };
}

/** The headline figures side by side, in the candidate's display order. */
function metricDeltas(baseline: Report, candidate: Report): MetricDelta[] {
  const baselineByMetric = new Map(headlineMetrics(baseline).map((row) => [row.metric, row]));
  return headlineMetrics(candidate).map((row) => {
    const before = baselineByMetric.get(row.metric);
    // Top-k with another k is another metric: no baseline figure for it.
    const baselineValue = before !== undefined && before.k === row.k ? before.value : null;
    return {
      metric: row.metric,
      label: row.label,
      scale: row.scale,
      baseline: baselineValue,
      candidate: row.value,
      delta: difference(row.value, baselineValue),
    };
  });
}

/** The test of the accuracy change (McNemar when paired); null when either report has no samples. */
function accuracyTest(
  baseline: Report,
  candidate: Report,
  tables: PairedTables | null,
  confidence: number,
): ProportionTest | null {
  const b = accuracyCounts(baseline);
  const a = accuracyCounts(candidate);
  if (!(b.samples > 0 && a.samples > 0)) return null;
  return tables !== null
    ? pairedProportionTest(tables.overall, confidence, 'mcnemar-exact')
    : unpairedProportionTest(
        {
          baselineSuccesses: b.correct,
          baselineTrials: b.samples,
          candidateSuccesses: a.correct,
          candidateTrials: a.samples,
        },
        confidence,
      );
}

/**
 * Samples whose predicted class differs between the two reports, matched by sample id (never by
 * position: readers may list files in another order). null unless the two reports can be paired
 * (see `pairSamples`), since a partial pairing would undercount silently.
 */
export function countChangedPredictions(baseline: Report, candidate: Report): number | null {
  const attempt = pairSamples(baseline, candidate);
  return 'paired' in attempt ? changedPredictions(attempt.paired) : null;
}
