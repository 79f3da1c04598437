import { describe, expect, it } from 'vitest';
import { binomialCdf } from '../../src/stats/distributions.js';
import { mcnemarExact } from '../../src/stats/exactTests.js';
import { pairedMeanDifference } from '../../src/stats/meanTests.js';
import { pairedRandomizationTest, signFlipTest, type SwapStatistic } from '../../src/stats/randomization.js';
import { expectClose, loadStatGoldens, sums } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

/**
 * Accuracy difference (candidate − baseline) as a swap statistic: b discordant samples only the
 * baseline gets right, c only the candidate; swapping one moves the difference by ∓2/n.
 */
function accuracySwaps(n: number, b: number, c: number): SwapStatistic & { toggles: number } {
  const sign = Int8Array.from({ length: b + c }, (_, j) => (j < b ? -1 : 1));
  let sum = c - b;
  const state = {
    units: b + c,
    toggles: 0,
    value: () => sum / n,
    toggle: (j: number) => {
      sum -= 2 * sign[j]!;
      sign[j] = -sign[j]! as 1 | -1;
      state.toggles++;
    },
  };
  return state;
}

describe('pairedRandomizationTest', () => {
  it('reproduces McNemar’s exact two-sided p exactly for accuracy when it enumerates (b + c ≤ 14)', () => {
    for (let b = 0; b <= 14; b++) {
      for (let c = 0; b + c <= 14; c++) {
        const result = pairedRandomizationTest(accuracySwaps(300, b, c), { seed: 1 });
        expect(result.method).toBe('exact');
        // Equal as rationals; the two computations round differently in the last bit or two.
        expect(Math.abs(result.pValue - mcnemarExact(b, c))).toBeLessThan(1e-14);
      }
    }
  });

  it('gives p = 0.125 for four broken samples and none fixed, not the paired bootstrap’s 0.04', () => {
    expect(pairedRandomizationTest(accuracySwaps(300, 4, 0), { seed: 1 }).pValue).toBe(0.125);
  });

  it('cannot prove a change from one changed sample, or with nothing to swap', () => {
    expect(pairedRandomizationTest(accuracySwaps(1, 1, 0), { seed: 1 }).pValue).toBe(1);
    const none = pairedRandomizationTest(accuracySwaps(50, 0, 0), { seed: 1 });
    expect(none).toMatchObject({ pValue: 1, units: 0, method: 'exact' });
  });

  it('approximates the exact p by seeded Monte Carlo above the enumeration limit, reproducibly', () => {
    const [b, c] = [20, 8];
    const exact = 2 * binomialCdf(8, 28, 0.5); // McNemar: 0.0357
    const first = pairedRandomizationTest(accuracySwaps(500, b, c), { seed: 4, resamples: 20000 });
    const second = pairedRandomizationTest(accuracySwaps(500, b, c), { seed: 4, resamples: 20000 });
    expect(first.method).toBe('monte-carlo');
    expect(second.pValue).toBe(first.pValue);
    // Monte Carlo SE at p = 0.036 with 20,000 draws is 0.0013.
    expect(Math.abs(first.pValue - exact)).toBeLessThan(0.005);
    const enumerated = pairedRandomizationTest(accuracySwaps(500, b, c), { seed: 4, exactUpTo: 28 });
    expect(Math.abs(enumerated.pValue - exact)).toBeLessThan(1e-14);
  });

  it('never returns a Monte Carlo p below 1/(B + 1)', () => {
    const result = pairedRandomizationTest(accuracySwaps(1000, 60, 0), { seed: 2, resamples: 999 });
    expect(result.pValue).toBe(1 / 1000);
  });

  it('leaves the statistic in its observed assignment', () => {
    for (const [b, c, exactUpTo] of [
      [5, 3, 14],
      [12, 9, 14],
      [5, 3, 0],
    ] as const) {
      const swaps = accuracySwaps(100, b, c);
      const before = swaps.value();
      pairedRandomizationTest(swaps, { seed: 3, resamples: 50, exactUpTo });
      expect(swaps.value()).toBe(before);
    }
  });

  it('enumerates with one swap per assignment (Gray code), so it stays cheap', () => {
    const swaps = accuracySwaps(100, 10, 4);
    pairedRandomizationTest(swaps, { seed: 1 });
    expect(swaps.toggles).toBe(2 ** 14); // 2^14 − 1 steps and one to restore
  });

  it('rejects bad options', () => {
    expect(() => pairedRandomizationTest(accuracySwaps(10, 1, 1), { seed: 1, resamples: 0 })).toThrow(
      RangeError,
    );
    expect(() => pairedRandomizationTest(accuracySwaps(10, 1, 1), { seed: 1, exactUpTo: 31 })).toThrow(
      RangeError,
    );
  });
});

describe('signFlipTest', () => {
  it.each(golden.signFlip!.map((c) => [c.differences.join(', '), c] as const))(
    'matches scipy permutation_test (sign flips, exact) for [%s]',
    (_name, c) => {
      const result = signFlipTest(c.differences, { seed: 1 });
      expect(result.method).toBe('exact');
      expectClose(result.pValue, c.p, 1e-12);
    },
  );

  it('handles equal differences, where a t-test has no variance: three of +1 give 0.25', () => {
    expect(signFlipTest([1, 1, 1, 0, 0], { seed: 1 }).pValue).toBe(0.25);
    expect(signFlipTest([0, 0, 0], { seed: 1 }).pValue).toBe(1);
  });

  it('is conservative where the paired t-test is not: four harmful changes of +10 in 300 samples', () => {
    const differences = [10, 10, 10, 10, ...new Array<number>(296).fill(0)];
    expect(signFlipTest(differences, { seed: 1 }).pValue).toBe(0.125);
    // What a paired t-test says: p = 0.045.
    const { sum, sumOfSquares, n } = sums(differences);
    expect(pairedMeanDifference(sum, sumOfSquares, n).pValue).toBeCloseTo(0.045, 3);
  });

  it('switches to Monte Carlo above 20 nonzero differences', () => {
    const differences = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? -1 : 1) * (1 + (i % 5)));
    const result = signFlipTest(differences, { seed: 6 });
    expect(result).toMatchObject({ method: 'monte-carlo', assignments: 2000, units: 40 });
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThanOrEqual(1);
  });

  it('rejects a difference that is not a finite number', () => {
    expect(() => signFlipTest([1, Number.NaN], { seed: 1 })).toThrow(RangeError);
  });
});
