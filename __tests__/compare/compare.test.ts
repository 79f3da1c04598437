import { describe, expect, it } from 'vitest';
import { compareReports, countChangedPredictions, headlineMetrics } from '../../src/compare/compare.js';
import type { Report } from '../../src/report/types.js';
import { DIGITS, digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

describe('compareReports', () => {
  const { baseline, candidate } = digitsPair();
  const comparison = compareReports(baseline, candidate);

  it('gives each headline metric with baseline, candidate and candidate - baseline', () => {
    const accuracy = comparison.metrics.find((m) => m.metric === 'accuracy')!;
    // Baseline: 12 errors of 540; regressed model: 33 (the 3 errors of '8' became 24).
    expect(accuracy.baseline).toBeCloseTo(528 / 540, 15);
    expect(accuracy.candidate).toBeCloseTo(507 / 540, 15);
    expect(accuracy.delta).toBeCloseTo(-21 / 540, 15);
    expect(comparison.metrics.map((m) => m.metric)).toEqual([
      'accuracy',
      'top-k',
      'macro-f1',
      'macro-recall',
      'weighted-f1',
      'mcc',
      'cohen-kappa',
    ]);
    for (const m of comparison.metrics) {
      expect(m.delta).toBeCloseTo(m.candidate! - m.baseline!, 15);
    }
    expect(comparison.metrics.find((m) => m.metric === 'top-k')!.label).toBe('top-5 accuracy');
  });

  it('gives each metric its scale: correlations for MCC and kappa, rates for the rest', () => {
    const scales = Object.fromEntries(comparison.metrics.map((m) => [m.metric, m.scale]));
    expect(scales).toEqual({
      accuracy: 'rate',
      'top-k': 'rate',
      'macro-f1': 'rate',
      'macro-recall': 'rate',
      'weighted-f1': 'rate',
      mcc: 'correlation',
      'cohen-kappa': 'correlation',
    });
  });

  it('leaves balanced accuracy out of the rows, as it equals macro recall, while the report keeps it', () => {
    expect(candidate.metrics.balancedAccuracy).not.toBeNull();
    expect(headlineMetrics(candidate).map((m) => m.metric)).not.toContain('balanced-accuracy');
    expect(comparison.metrics.map((m) => m.label)).not.toContain('balanced accuracy');
  });

  it('gives per-class recall and F1 deltas matched by class name', () => {
    const eight = comparison.classes.find((c) => c.name === '8')!;
    expect(eight.support).toBe(54);
    expect(eight.baselineRecall).toBeCloseTo(51 / 54, 15);
    expect(eight.candidateRecall).toBeCloseTo(30 / 54, 15);
    expect(eight.recallDelta).toBeCloseTo(-21 / 54, 15);
    expect(eight.f1Delta).toBeCloseTo(eight.candidateF1! - eight.baselineF1!, 15);
    const zero = comparison.classes.find((c) => c.name === '0')!;
    expect(zero.recallDelta).toBe(0);
  });

  it('has no baseline figure for top-k when the two reports used another k', () => {
    const k3 = makeReport({
      classNames: DIGITS,
      matrix: matrixFrom(
        DIGITS.map(() => 54),
        [],
      ),
      topK: 3,
    });
    const topK = compareReports(k3, candidate).metrics.find((m) => m.metric === 'top-k')!;
    expect(topK.baseline).toBeNull();
    expect(topK.delta).toBeNull();
    expect(topK.candidate).not.toBeNull();
  });

  it('compares top-k when both reports used the same k', () => {
    const topK = comparison.metrics.find((m) => m.metric === 'top-k')!;
    expect(topK.baseline).toBe(baseline.metrics.topK!.accuracy);
    expect(topK.delta).toBeCloseTo(candidate.metrics.topK!.accuracy! - baseline.metrics.topK!.accuracy!, 15);
  });

  it('counts predictions that changed, pairing samples by id', () => {
    // Class '8' ids 1..8, 9..15, 16..18 and 49..52 change prediction (see digitsPair): 1 + 7 + 7 + 3 + 4.
    expect(comparison.changedPredictions).toBe(22);
  });

  it('pairs samples by id, not by position', () => {
    const order = candidate.samples.ids.map((_, i) => i).reverse();
    const shuffled: Report = {
      ...candidate,
      samples: {
        ids: order.map((i) => candidate.samples.ids[i]!),
        labels: order.map((i) => candidate.samples.labels[i]!),
        predictions: order.map((i) => candidate.samples.predictions[i]!),
        confidences: order.map((i) => candidate.samples.confidences[i]!),
      },
    };
    expect(countChangedPredictions(baseline, shuffled)).toBe(22);
  });

  it('gives null changed predictions when the sample ids do not match exactly', () => {
    const renamed: Report = {
      ...candidate,
      samples: {
        ...candidate.samples,
        ids: candidate.samples.ids.map((id, i) => (i === 0 ? `${id}.bak` : id)),
      },
    };
    expect(countChangedPredictions(baseline, renamed)).toBeNull();
    const duplicated: Report = {
      ...candidate,
      samples: {
        ...candidate.samples,
        ids: candidate.samples.ids.map((id, i) => (i === 1 ? candidate.samples.ids[0]! : id)),
      },
    };
    expect(countChangedPredictions(baseline, duplicated)).toBeNull();
    const none: Report = { ...candidate, samples: { ids: [], labels: [], predictions: [], confidences: [] } };
    expect(countChangedPredictions(baseline, none)).toBeNull();
    expect(compareReports(none, candidate).changedPredictions).toBeNull();
  });
});
