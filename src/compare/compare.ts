/**
 * Side-by-side figures of a baseline report and a candidate report: headline metric deltas,
 * per-class deltas, and how many samples changed prediction (paired by sample id).
 * Call `assertComparable` first; this function only lines the figures up.
 */
import type { ClassMetrics } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import type { ClassDelta, Comparison, MetricDelta, MetricScale } from './types.js';

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

function difference(candidate: number | null, baseline: number | null): number | null {
  return candidate === null || baseline === null ? null : candidate - baseline;
}

/** Lines up `candidate` against `baseline`. Classes are matched by name, samples by id. */
export function compareReports(baseline: Report, candidate: Report): Comparison {
  const baselineByMetric = new Map(headlineMetrics(baseline).map((row) => [row.metric, row]));
  const metrics: MetricDelta[] = headlineMetrics(candidate).map((row) => {
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

  const baselineClasses = new Map<string, ClassMetrics>(baseline.classes.map((c) => [c.name, c]));
  const classes: ClassDelta[] = candidate.classes.map((c) => {
    const before = baselineClasses.get(c.name);
    const baselineRecall = before?.recall ?? null;
    const baselineF1 = before?.f1 ?? null;
    return {
      name: c.name,
      support: c.support,
      baselineRecall,
      candidateRecall: c.recall,
      recallDelta: difference(c.recall, baselineRecall),
      baselinePrecision: before?.precision ?? null,
      candidatePrecision: c.precision,
      baselineF1,
      candidateF1: c.f1,
      f1Delta: difference(c.f1, baselineF1),
    };
  });

  return { metrics, classes, changedPredictions: countChangedPredictions(baseline, candidate) };
}

/**
 * Samples whose predicted class differs between the two reports, matched by sample id (never by
 * position: readers may list files in another order). null unless both reports carry records for
 * exactly the same set of ids, since a partial pairing would undercount silently.
 */
export function countChangedPredictions(baseline: Report, candidate: Report): number | null {
  const before = baseline.samples;
  const after = candidate.samples;
  if (!before || !after) return null;
  const n = after.ids.length;
  if (n === 0 || before.ids.length !== n) return null;
  if (before.predictions.length !== n || after.predictions.length !== n) return null;

  const baselineIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) baselineIndex.set(before.ids[i]!, i);
  if (baselineIndex.size !== n) return null; // duplicate ids: no one-to-one pairing

  let changed = 0;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = baselineIndex.get(after.ids[i]!);
    if (j === undefined || seen[j] === 1) return null;
    seen[j] = 1;
    if (before.predictions[j] !== after.predictions[i]) changed++;
  }
  return changed;
}
