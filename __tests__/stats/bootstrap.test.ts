import { describe, expect, it } from 'vitest';
import { basicBootstrap, basicBootstrapPValue, quantileSorted } from '../../src/stats/bootstrap.js';

/** candidate − baseline accuracy on a resample: b samples only the baseline gets right, c only the candidate. */
function accuracyDifference(n: number, bothRight: number, b: number, c: number) {
  const baseline = new Uint8Array(n);
  const candidate = new Uint8Array(n);
  for (let i = 0; i < bothRight; i++) baseline[i] = candidate[i] = 1;
  for (let i = bothRight; i < bothRight + b; i++) baseline[i] = 1;
  for (let i = bothRight + b; i < bothRight + b + c; i++) candidate[i] = 1;
  return (indices: Uint32Array): number => {
    let difference = 0;
    for (const i of indices) difference += candidate[i]! - baseline[i]!;
    return difference / indices.length;
  };
}

/** |mean| of n values, half +1 and half −1 plus `shift`: an upward-biased statistic, as ECE is. */
function absoluteMean(n: number, shift: number) {
  const values = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) + shift);
  return (indices: Uint32Array): number => {
    let sum = 0;
    for (const i of indices) sum += values[i]!;
    return Math.abs(sum / indices.length);
  };
}

describe('basicBootstrap', () => {
  it('is reproducible from its seed', () => {
    const statistic = accuracyDifference(200, 150, 12, 5);
    const first = basicBootstrap({ n: 200, statistic, seed: 9, resamples: 300 });
    const second = basicBootstrap({ n: 200, statistic, seed: 9, resamples: 300 });
    const other = basicBootstrap({ n: 200, statistic, seed: 10, resamples: 300 });
    expect(second).toEqual(first);
    expect(other.interval).not.toEqual(first.interval);
  });

  it('reports the full-sample statistic and B sorted replicates', () => {
    const result = basicBootstrap({
      n: 100,
      statistic: accuracyDifference(100, 80, 6, 2),
      seed: 1,
      resamples: 50,
    });
    expect(result.estimate).toBeCloseTo(-0.04, 15);
    expect(result.replicates).toHaveLength(50);
    for (let r = 1; r < 50; r++)
      expect(result.replicates[r]!).toBeGreaterThanOrEqual(result.replicates[r - 1]!);
  });

  it('reflects the bootstrap quantiles around the estimate: [2θ̂ − q(0.975), 2θ̂ − q(0.025)]', () => {
    const result = basicBootstrap({ n: 300, statistic: absoluteMean(300, 0.05), seed: 3, resamples: 999 });
    const { estimate, replicates } = result;
    expect(result.interval!.low).toBeCloseTo(2 * estimate - quantileSorted(replicates, 0.975), 15);
    expect(result.interval!.high).toBeCloseTo(2 * estimate - quantileSorted(replicates, 0.025), 15);
  });

  it('corrects an upward bias that a percentile interval keeps', () => {
    // True |mean| is 0.05; |mean| of a resample is biased upward (it folds negative means up).
    // The percentile interval is shifted up by that bias; the basic one is shifted back down.
    const statistic = absoluteMean(400, 0.05);
    const result = basicBootstrap({ n: 400, statistic, seed: 5, resamples: 2000 });
    const percentileCentre =
      (quantileSorted(result.replicates, 0.025) + quantileSorted(result.replicates, 0.975)) / 2;
    const basicCentre = (result.interval!.low + result.interval!.high) / 2;
    expect(percentileCentre).toBeGreaterThan(result.estimate);
    expect(basicCentre).toBeLessThan(result.estimate);
  });

  it('agrees with the normal approximation for a paired accuracy difference (n = 1000, b = 60, c = 20)', () => {
    // SE of (c − b)/n = √(b + c − (b − c)²/n)/n = 0.008854; 95% interval ≈ −0.04 ± 0.01735.
    const result = basicBootstrap({
      n: 1000,
      statistic: accuracyDifference(1000, 850, 60, 20),
      seed: 4,
      resamples: 4000,
    });
    const se = Math.sqrt(60 + 20 - 40 ** 2 / 1000) / 1000;
    expect(result.interval!.low).toBeCloseTo(-0.04 - 1.96 * se, 2);
    expect(result.interval!.high).toBeCloseTo(-0.04 + 1.96 * se, 2);
  });

  it('clips the interval to the statistic’s range', () => {
    // θ̂ near 0 with a wide spread: the basic interval's lower end would be negative.
    const result = basicBootstrap({
      n: 30,
      statistic: absoluteMean(30, 0),
      seed: 2,
      resamples: 500,
      range: { low: 0, high: 1 },
    });
    expect(result.interval!.low).toBe(0);
    expect(result.interval!.high).toBeGreaterThanOrEqual(0);
  });

  it('passes the identity resample first, then n indices in [0, n) reusing one buffer', () => {
    const seen: Uint32Array[] = [];
    const snapshots: number[][] = [];
    basicBootstrap({
      n: 5,
      seed: 3,
      resamples: 3,
      statistic: (indices) => {
        seen.push(indices);
        snapshots.push([...indices]);
        return 0;
      },
    });
    expect(snapshots[0]).toEqual([0, 1, 2, 3, 4]);
    expect(snapshots).toHaveLength(4);
    for (const s of snapshots) for (const i of s) expect(i).toBeLessThan(5);
    expect(new Set(seen).size).toBe(1);
  });

  it('returns no interval and no replicates for an empty test set', () => {
    const result = basicBootstrap({ n: 0, statistic: () => Number.NaN, seed: 1 });
    expect(result.interval).toBeNull();
    expect(basicBootstrapPValue(result, 0.5, 'at-most')).toBe(1);
  });

  it('rejects a non-positive number of resamples and a bad confidence level', () => {
    const statistic = accuracyDifference(10, 5, 1, 1);
    expect(() => basicBootstrap({ n: 10, statistic, seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => basicBootstrap({ n: 10, statistic, seed: 1, confidence: 95 })).toThrow(RangeError);
  });
});

describe('basicBootstrapPValue', () => {
  const result = {
    estimate: 0.3,
    interval: null,
    replicates: Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5]),
    resamples: 5,
  };

  it('counts the reflected replicates 2θ̂ − θ* on the null’s side, with the +1 correction', () => {
    // Reflected: 0.5, 0.4, 0.3, 0.2, 0.1.
    expect(basicBootstrapPValue(result, 0.25, 'at-most')).toBeCloseTo((2 + 1) / 6, 15);
    expect(basicBootstrapPValue(result, 0.25, 'at-least')).toBeCloseTo((3 + 1) / 6, 15);
    expect(basicBootstrapPValue(result, 0.05, 'at-most')).toBeCloseTo(1 / 6, 15);
  });

  it('does not call an unbiased-in-truth figure above the bound just because resamples inflate it', () => {
    // |mean| with a true value of 0 (balanced ±1): every resample is ≥ θ̂ = 0, so a percentile test
    // of "θ ≤ 0.02" would find few resamples at or below 0.02; the basic test reflects them below θ̂.
    const statistic = absoluteMean(400, 0);
    const boot = basicBootstrap({ n: 400, statistic, seed: 8, resamples: 999 });
    let percentileCount = 0;
    for (const r of boot.replicates) if (r <= 0.02) percentileCount++;
    expect((percentileCount + 1) / 1000).toBeLessThan(0.5);
    expect(basicBootstrapPValue(boot, 0.02, 'at-most')).toBe(1);
  });
});

describe('quantileSorted (numpy.percentile default, linear interpolation)', () => {
  it('interpolates between order statistics', () => {
    const data = Float64Array.from([1, 2, 4, 8]);
    expect(quantileSorted(data, 0)).toBe(1);
    expect(quantileSorted(data, 1)).toBe(8);
    expect(quantileSorted(data, 0.5)).toBe(3); // numpy.percentile([1,2,4,8], 50) = 3.0
    expect(quantileSorted(data, 0.25)).toBe(1.75); // numpy: 1.75
  });
});
