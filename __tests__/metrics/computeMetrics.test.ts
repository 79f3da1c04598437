import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/metrics/computeMetrics.js';
import { addSample, createMetricState } from '../../src/metrics/metricState.js';

const names = ['cat', 'dog', 'truck'];

describe('computeMetrics', () => {
  it('says null, never NaN, for every figure of a state without samples', () => {
    const metrics = computeMetrics(createMetricState(3, 2), names);
    expect(metrics).toMatchObject({
      samples: 0,
      accuracy: null,
      topK: { k: 2, accuracy: null },
      macroPrecision: null,
      macroRecall: null,
      macroF1: null,
      weightedPrecision: null,
      weightedRecall: null,
      weightedF1: null,
      balancedAccuracy: null,
      matthewsCorrelation: null,
      cohenKappa: null,
    });
    for (const k of metrics.classes) {
      expect(k).toMatchObject({
        support: 0,
        predicted: 0,
        precision: null,
        recall: null,
        f1: null,
        evaluable: false,
      });
    }
    expect(metrics.confusionMatrix).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('reports top-k as null when top-k is off', () => {
    const state = createMetricState(3, 0);
    addSample(state, 0, 0, false);
    expect(computeMetrics(state, names).topK).toBeNull();
  });

  it('computes figures from the counts by their textbook definitions', () => {
    // true cat: 2 right, 1 as dog; true dog: 1 right, 1 as cat; truck: absent, predicted once (true dog).
    const state = createMetricState(3, 1);
    for (const [label, prediction] of [
      [0, 0],
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [1, 2],
    ]) {
      addSample(state, label, prediction, label === prediction);
    }
    const m = computeMetrics(state, names);
    expect(m.accuracy).toBeCloseTo(3 / 6, 15);
    expect(m.topK).toEqual({ k: 1, accuracy: 0.5 });
    expect(m.classes[0]).toMatchObject({
      support: 3,
      predicted: 3,
      truePositives: 2,
      precision: 2 / 3,
      recall: 2 / 3,
    });
    expect(m.classes[0].f1).toBeCloseTo((2 * 2) / (3 + 3), 15);
    expect(m.classes[1]).toMatchObject({
      support: 3,
      predicted: 2,
      truePositives: 1,
      precision: 0.5,
      recall: 1 / 3,
    });
    expect(m.classes[2]).toMatchObject({
      support: 0,
      predicted: 1,
      precision: 0,
      recall: null,
      f1: 0,
      evaluable: false,
    });
    // Macro over the two present classes only; the absent class does not drag it down.
    expect(m.macroRecall).toBeCloseTo((2 / 3 + 1 / 3) / 2, 15);
    expect(m.balancedAccuracy).toBeCloseTo((2 / 3 + 1 / 3) / 2, 15);
    expect(m.confusionMatrix).toEqual([
      [2, 1, 0],
      [1, 1, 1],
      [0, 0, 0],
    ]);
  });

  it('refuses a class-name list whose length differs from the state', () => {
    expect(() => computeMetrics(createMetricState(3, 1), ['a', 'b'])).toThrow(
      /2 class names for a state of 3/,
    );
  });
});
