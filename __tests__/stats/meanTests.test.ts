import { describe, expect, it } from 'vitest';
import { meanInterval, pairedMeanDifference, welchMeanDifference } from '../../src/stats/meanTests.js';
import { expectClose, loadStatGoldens, sums } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

describe('meanInterval matches scipy t.interval(confidence, n − 1, mean, sem)', () => {
  it.each(golden.meanInterval.map((c) => [`n=${c.values.length} at ${c.confidence}`, c] as const))(
    '%s',
    (_name, c) => {
      const s = sums(c.values);
      const interval = meanInterval(s.sum, s.sumOfSquares, s.n, c.confidence);
      expectClose(interval?.low, c.low);
      expectClose(interval?.high, c.high);
    },
  );

  it('is null with fewer than two samples and a point for constant data', () => {
    expect(meanInterval(0, 0, 0)).toBeNull();
    expect(meanInterval(2, 4, 1)).toBeNull();
    const constant = sums([0.1, 0.1, 0.1]);
    const interval = meanInterval(constant.sum, constant.sumOfSquares, constant.n)!;
    expect(interval.low).toBe(interval.high);
    expect(interval.low).toBeCloseTo(0.1, 15);
  });
});

describe('pairedMeanDifference matches scipy ttest_rel(candidate, baseline)', () => {
  it.each(golden.pairedT.map((c) => [`n=${c.baseline.length} at ${c.confidence}`, c] as const))(
    '%s',
    (_name, c) => {
      const d = c.candidate.map((x: number, i: number) => x - c.baseline[i]);
      const s = sums(d);
      const result = pairedMeanDifference(s.sum, s.sumOfSquares, s.n, c.confidence);
      expectClose(result.mean, c.mean, 1e-12);
      expectClose(result.pValue, c.p);
      expectClose(result.interval?.low, c.low);
      expectClose(result.interval?.high, c.high);
      expect(result.degreesOfFreedom).toBe(c.df);
    },
  );

  it('gives p = 1 and a point interval at 0 when every difference is 0', () => {
    const result = pairedMeanDifference(0, 0, 25);
    expect(result.pValue).toBe(1);
    expect(result.interval).toEqual({ low: 0, high: 0 });
  });

  it('makes no t-test (p = null, never 0) when every sample moved by the same amount', () => {
    // 25 equal differences are no proof of a change to a t-test (its statistic is ±∞); the cost
    // gate uses the exact sign-flip test there instead.
    const result = pairedMeanDifference(25 * 0.5, 25 * 0.25, 25);
    expect(result.pValue).toBeNull();
    expect(result.interval).toEqual({ low: 0.5, high: 0.5 });
    expect(pairedMeanDifference(3, 3, 3).pValue).toBeNull();
  });

  it('has no interval or p-value with fewer than two pairs', () => {
    expect(pairedMeanDifference(1, 1, 1)).toMatchObject({ mean: 1, interval: null, pValue: null });
    expect(pairedMeanDifference(0, 0, 0)).toMatchObject({ interval: null, pValue: null });
    expect(pairedMeanDifference(0, 0, 0).mean).toBeNaN();
  });
});

describe('welchMeanDifference matches scipy ttest_ind(candidate, baseline, equal_var=False)', () => {
  it.each(
    golden.welchT.map((c) => [`n=${c.baseline.length}/${c.candidate.length} at ${c.confidence}`, c] as const),
  )('%s', (_name, c) => {
    const result = welchMeanDifference(sums(c.baseline), sums(c.candidate), c.confidence);
    expectClose(result.mean, c.mean, 1e-12);
    expectClose(result.pValue, c.p);
    expectClose(result.degreesOfFreedom, c.df);
    expectClose(result.interval?.low, c.low);
    expectClose(result.interval?.high, c.high);
  });

  it('decides two constant groups explicitly (scipy returns NaN)', () => {
    const same = welchMeanDifference(sums([2, 2, 2]), sums([2, 2]));
    expect(same.pValue).toBe(1);
    expect(same.interval).toEqual({ low: 0, high: 0 });
    const shifted = welchMeanDifference(sums([2, 2, 2]), sums([3, 3]));
    expect(shifted.pValue).toBeNull();
    expect(shifted.interval).toEqual({ low: 1, high: 1 });
  });

  it('has no interval or p-value when a group has fewer than two samples', () => {
    expect(welchMeanDifference(sums([1]), sums([1, 2, 3]))).toMatchObject({
      mean: 1,
      interval: null,
      pValue: null,
    });
  });
});
