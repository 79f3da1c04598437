import { describe, expect, it } from 'vitest';
import { pairedBootstrap, quantileSorted } from '../../src/stats/bootstrap.js';

/** Per-sample correctness of two models: b samples only the baseline gets right, c only the candidate. */
function pairedAccuracy(n: number, bothRight: number, b: number, c: number) {
  const baseline = new Uint8Array(n);
  const candidate = new Uint8Array(n);
  for (let i = 0; i < bothRight; i++) baseline[i] = candidate[i] = 1;
  for (let i = bothRight; i < bothRight + b; i++) baseline[i] = 1;
  for (let i = bothRight + b; i < bothRight + b + c; i++) candidate[i] = 1;
  return (indices: Uint32Array): [number, number] => {
    let right0 = 0;
    let right1 = 0;
    for (const i of indices) {
      right0 += baseline[i];
      right1 += candidate[i];
    }
    return [right0 / indices.length, right1 / indices.length];
  };
}

describe('pairedBootstrap', () => {
  it('is reproducible from its seed', () => {
    const statistic = pairedAccuracy(200, 150, 12, 5);
    const first = pairedBootstrap({ n: 200, statistic, seed: 9, resamples: 300 });
    const second = pairedBootstrap({ n: 200, statistic, seed: 9, resamples: 300 });
    const other = pairedBootstrap({ n: 200, statistic, seed: 10, resamples: 300 });
    expect(second).toEqual(first);
    expect(other.interval).not.toEqual(first.interval);
  });

  it('reports the full-sample statistics and their difference (candidate − baseline)', () => {
    const result = pairedBootstrap({
      n: 100,
      statistic: pairedAccuracy(100, 80, 6, 2),
      seed: 1,
      resamples: 10,
    });
    expect(result.baseline).toBeCloseTo(0.86, 15);
    expect(result.candidate).toBeCloseTo(0.82, 15);
    expect(result.difference).toBeCloseTo(-0.04, 15);
  });

  it('agrees with the normal approximation for a paired accuracy difference (n = 1000, b = 60, c = 20)', () => {
    // SE of (c − b)/n = √(b + c − (b − c)²/n)/n = 0.008854; 95% interval ≈ −0.04 ± 0.01735.
    const result = pairedBootstrap({
      n: 1000,
      statistic: pairedAccuracy(1000, 850, 60, 20),
      seed: 4,
      resamples: 4000,
    });
    const se = Math.sqrt(60 + 20 - 40 ** 2 / 1000) / 1000;
    expect(result.interval!.low).toBeCloseTo(-0.04 - 1.96 * se, 2);
    expect(result.interval!.high).toBeCloseTo(-0.04 + 1.96 * se, 2);
    // A drop of 4.5 SE: no resample shows an improvement, so p is the +1-corrected minimum.
    expect(result.pOneSided).toBe(1 / 4001);
  });

  it('gives a large one-sided p-value when nothing changed, and respects the direction', () => {
    const statistic = pairedAccuracy(500, 400, 25, 25);
    const decrease = pairedBootstrap({ n: 500, statistic, seed: 2, resamples: 2000 });
    expect(decrease.pOneSided).toBeGreaterThan(0.4);
    const improved = pairedAccuracy(500, 400, 5, 40);
    expect(pairedBootstrap({ n: 500, statistic: improved, seed: 2 }).pOneSided).toBeGreaterThan(0.99);
    // For a lower-is-better statistic an increase is the regression.
    expect(
      pairedBootstrap({ n: 500, statistic: improved, seed: 2, regression: 'increase' }).pOneSided,
    ).toBeLessThan(0.01);
  });

  it('passes the identity resample first, then n indices in [0, n) reusing one buffer', () => {
    const seen: Uint32Array[] = [];
    const snapshots: number[][] = [];
    pairedBootstrap({
      n: 5,
      seed: 3,
      resamples: 3,
      statistic: (indices) => {
        seen.push(indices);
        snapshots.push([...indices]);
        return [0, 0];
      },
    });
    expect(snapshots[0]).toEqual([0, 1, 2, 3, 4]);
    expect(snapshots).toHaveLength(4);
    for (const s of snapshots) for (const i of s) expect(i).toBeLessThan(5);
    expect(new Set(seen).size).toBe(1);
  });

  it('returns no interval and p = 1 for an empty test set', () => {
    const result = pairedBootstrap({ n: 0, statistic: () => [Number.NaN, Number.NaN], seed: 1 });
    expect(result.interval).toBeNull();
    expect(result.pOneSided).toBe(1);
  });

  it('rejects a non-positive number of resamples and a bad confidence level', () => {
    const statistic = pairedAccuracy(10, 5, 1, 1);
    expect(() => pairedBootstrap({ n: 10, statistic, seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => pairedBootstrap({ n: 10, statistic, seed: 1, confidence: 95 })).toThrow(RangeError);
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
