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

  describe('Wilson intervals (statsmodels proportion_confint method="wilson")', () => {
    // cat: TP 8 of support 10, predicted 9; dog: TP 1 of support 2, predicted 3; truck: absent.
    const state = createMetricState(3, 0);
    const add = (label: number, prediction: number, times: number) => {
      for (let i = 0; i < times; i++) addSample(state, label, prediction, false);
    };
    add(0, 0, 8);
    add(0, 1, 2);
    add(1, 0, 1);
    add(1, 1, 1);

    const expectInterval = (actual: unknown, low: number, high: number, what: string) => {
      const interval = actual as { low: number; high: number };
      expect(interval, what).not.toBeNull();
      expect(interval.low, what).toBeCloseTo(low, 12);
      expect(interval.high, what).toBeCloseTo(high, 12);
    };

    it('gives accuracy, per-class recall (TP of support) and precision (TP of predicted) an interval at 95% by default', () => {
      const metrics = computeMetrics(state, names);
      expectInterval(metrics.accuracyInterval, 0.46769466506643426, 0.9110583316059453, 'accuracy 9/12');
      const [cat, dog, truck] = metrics.classes;
      expectInterval(cat.recallInterval, 0.49016247153664183, 0.9433178485456247, 'cat recall 8/10');
      expectInterval(cat.precisionInterval, 0.5650002944233438, 0.980109112361455, 'cat precision 8/9');
      expectInterval(dog.recallInterval, 0.09453120573423068, 0.9054687942657693, 'dog recall 1/2');
      expectInterval(dog.precisionInterval, 0.06149194472039626, 0.7923403991979523, 'dog precision 1/3');
      // Nothing to measure: no interval, never [0, 1] made up.
      expect(truck.recallInterval).toBeNull();
      expect(truck.precisionInterval).toBeNull();
    });

    it('uses the configured confidence level', () => {
      const metrics = computeMetrics(state, names, 0.9);
      expectInterval(
        metrics.accuracyInterval,
        0.5126619681967507,
        0.8953474344295108,
        'accuracy 9/12 at 90%',
      );
      expectInterval(
        metrics.classes[0].recallInterval,
        0.5407928056874879,
        0.9314420122624679,
        'cat recall at 90%',
      );
    });

    it('has no accuracy interval without samples', () => {
      expect(computeMetrics(createMetricState(3, 0), names).accuracyInterval).toBeNull();
    });
  });
});
