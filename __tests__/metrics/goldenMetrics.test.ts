import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/metrics/computeMetrics.js';
import { createMetricState, updateMetricState } from '../../src/metrics/metricState.js';
import { scoreBatch } from '../../src/metrics/scoreBatch.js';
import type { Metrics } from '../../src/metrics/types.js';
import { type GoldenCase, goldenScores, loadGoldenCases } from '../helpers/goldenCases.js';

const TOLERANCE = 1e-12;

function expectClose(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(Number.isNaN(actual), what).toBe(false);
  expect(
    Math.abs((actual as number) - expected),
    `${what}: ${actual} vs sklearn ${expected}`,
  ).toBeLessThanOrEqual(TOLERANCE);
}

/** The real path: scores -> scoreBatch -> state -> computeMetrics, in one batch. */
function evaluate(golden: GoldenCase): { metrics: Metrics; predictions: number[]; hits: number[] } {
  const n = golden.labels.length;
  const c = golden.classNames.length;
  const labels = Int32Array.from(golden.labels);
  const scored = scoreBatch(goldenScores(golden), { size: n, numClasses: c, labels, topK: golden.topK });
  const state = updateMetricState(createMetricState(c, golden.topK), labels, scored, n);
  return {
    metrics: computeMetrics(state, golden.classNames),
    predictions: Array.from(scored.predictions),
    hits: Array.from(scored.topKHits),
  };
}

const cases = loadGoldenCases();

describe('metrics agree with scikit-learn 1.2.1 golden files to 1e-12', () => {
  it('covers the required edge cases', () => {
    const names = cases.map((c) => c.name);
    for (const required of [
      'random-10-classes',
      'random-100-classes',
      'absent-class',
      'zero-division',
      'single-true-class',
      'single-predicted-class',
      'single-class-everywhere',
      'ties-k1',
      'ties-k3',
      'ties-k5',
      'random-ties-k1',
      'perfect',
      'all-wrong',
      'binary',
    ]) {
      expect(names).toContain(required);
    }
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const { metrics, predictions, hits } = evaluate(golden);
    const e = golden.expected;

    it('predicts the first maximum, as numpy.argmax', () => {
      expect(predictions).toEqual(golden.predictions);
    });

    it('counts top-k hits with sklearn top_k_accuracy_score tie rule', () => {
      expect(hits).toEqual(e.topKHitsPerSample);
      expect(hits.reduce((a, b) => a + b, 0)).toBe(e.topKHits);
      expect(metrics.topK?.k).toBe(golden.topK);
      expectClose(metrics.topK?.accuracy ?? null, e.topKAccuracy, 'topK accuracy');
    });

    it('matches accuracy, averages, balanced accuracy, MCC and kappa', () => {
      expect(metrics.samples).toBe(golden.labels.length);
      expectClose(metrics.accuracy, e.accuracy, 'accuracy');
      expectClose(metrics.macroPrecision, e.macroPrecision, 'macro precision');
      expectClose(metrics.macroRecall, e.macroRecall, 'macro recall');
      expectClose(metrics.macroF1, e.macroF1, 'macro F1');
      expectClose(metrics.weightedPrecision, e.weightedPrecision, 'weighted precision');
      expectClose(metrics.weightedRecall, e.weightedRecall, 'weighted recall');
      expectClose(metrics.weightedF1, e.weightedF1, 'weighted F1');
      expectClose(metrics.balancedAccuracy, e.balancedAccuracy, 'balanced accuracy');
      expectClose(metrics.matthewsCorrelation, e.matthewsCorrelation, 'MCC');
      expectClose(metrics.cohenKappa, e.cohenKappa, 'Cohen kappa');
    });

    it('matches the confusion matrix (rows = true class)', () => {
      expect(metrics.confusionMatrix).toEqual(e.confusionMatrix);
    });

    it('matches per-class figures, with nulls where a class has nothing to measure', () => {
      expect(metrics.classes.map((k) => k.name)).toEqual(golden.classNames);
      metrics.classes.forEach((k, i) => {
        const where = `${golden.name} class ${k.name}`;
        const predicted = e.confusionMatrix.reduce((sum, row) => sum + row[i], 0);
        expect(k.support, where).toBe(e.support[i]);
        expect(k.predicted, where).toBe(predicted);
        expect(k.truePositives, where).toBe(e.confusionMatrix[i][i]);
        expect(k.evaluable, where).toBe(e.support[i] > 0);
        // sklearn's zero_division=0 writes 0 where evaluable=false; evalgate says null.
        expectClose(k.recall, e.support[i] > 0 ? e.recall[i] : null, `${where} recall`);
        const nothing = e.support[i] === 0 && predicted === 0;
        expectClose(k.precision, nothing ? null : e.precision[i], `${where} precision`);
        expectClose(k.f1, nothing ? null : e.f1[i], `${where} F1`);
      });
    });
  });

  it('reports an absent but predicted class as not evaluable, with precision and F1 of 0', () => {
    const { metrics } = evaluate(cases.find((c) => c.name === 'absent-class')!);
    const predictedOnly = metrics.classes[4];
    expect(predictedOnly.support).toBe(0);
    expect(predictedOnly.predicted).toBeGreaterThan(0);
    expect(predictedOnly).toMatchObject({ evaluable: false, recall: null, precision: 0, f1: 0 });
    expect(metrics.classes[5]).toMatchObject({ evaluable: false, recall: null, precision: null, f1: null });
  });

  it('gives a present class that is never predicted precision 0 (zero_division=0), not null', () => {
    const { metrics } = evaluate(cases.find((c) => c.name === 'zero-division')!);
    expect(metrics.classes[2]).toMatchObject({
      evaluable: true,
      predicted: 0,
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  it('gives kappa null (sklearn NaN) and MCC 0 when labels and predictions are a single class', () => {
    const { metrics } = evaluate(cases.find((c) => c.name === 'single-class-everywhere')!);
    expect(metrics.cohenKappa).toBeNull();
    expect(metrics.matthewsCorrelation).toBe(0);
  });
});
