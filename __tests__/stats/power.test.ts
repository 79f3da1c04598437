import { describe, expect, it } from 'vitest';
import { minimumDetectableDrop, samplesForDrop } from '../../src/stats/power.js';
import { expectClose, loadStatGoldens } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;
/** A case's inputs, for the test name (the expected figures and solver by-products left out). */
const label = (c: Record<string, unknown>) =>
  Object.entries(c)
    .filter(([key]) => !['statsmodelsH', 'statsmodelsN', 'nReal'].includes(key))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');

describe('minimumDetectableDrop, unpaired: statsmodels NormalIndPower on Cohen h, inverted to a drop', () => {
  it.each(golden.unpairedMdd.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const drop = minimumDetectableDrop({ ...c, design: 'unpaired' } as never);
    if (c.drop === null) expect(drop).toBeNull();
    else expectClose(drop, c.drop, 1e-9);
  });
});

describe('minimumDetectableDrop, paired: Connor (1987) solved with scipy brentq', () => {
  it.each(golden.pairedMdd.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    const drop = minimumDetectableDrop({
      n: c.n,
      baselineRate: c.baselineRate,
      alpha: c.alpha,
      power: c.power,
      design: 'paired',
      churn: c.churn ?? undefined,
    });
    if (c.drop === null) expect(drop).toBeNull();
    else expectClose(drop, c.drop, 1e-9);
  });
});

describe('samplesForDrop', () => {
  it.each(golden.unpairedSamples.map((c) => [label(c), c] as const))(
    'unpaired matches statsmodels solve_power(nobs1), rounded up: %s',
    (_name, c) => {
      expect(samplesForDrop({ ...c, design: 'unpaired' } as never)).toBe(c.n);
    },
  );

  it.each(golden.pairedSamples.map((c) => [label(c), c] as const))(
    'paired matches Connor (1987), rounded up: %s',
    (_name, c) => {
      const n = samplesForDrop({
        drop: c.drop,
        baselineRate: c.baselineRate,
        alpha: c.alpha,
        power: c.power,
        design: 'paired',
        churn: c.churn ?? undefined,
      });
      expect(n).toBe(c.n);
    },
  );

  it('returns null for a drop that is not a possible drop', () => {
    const base = { baselineRate: 0.9, alpha: 0.05, power: 0.8 } as const;
    expect(samplesForDrop({ ...base, drop: 0, design: 'paired' })).toBeNull();
    expect(samplesForDrop({ ...base, drop: -0.1, design: 'unpaired' })).toBeNull();
    expect(samplesForDrop({ ...base, drop: 0.95, design: 'paired' })).toBeNull();
  });

  it('is consistent with minimumDetectableDrop: n samples detect the drop computed for n', () => {
    for (const design of ['paired', 'unpaired'] as const) {
      for (const n of [30, 100, 300, 1000]) {
        const options = { baselineRate: 0.92, alpha: 0.05, power: 0.8, design };
        const drop = minimumDetectableDrop({ ...options, n })!;
        expect(samplesForDrop({ ...options, drop: drop * 1.0001 })).toBeLessThanOrEqual(n);
        expect(samplesForDrop({ ...options, drop: drop * 0.999 })).toBeGreaterThan(n);
      }
    }
  });
});

describe('minimumDetectableDrop behaviour', () => {
  const base = { baselineRate: 0.9, alpha: 0.05, power: 0.8 } as const;

  it('returns null for an empty class and when even a drop to 0 is undetectable', () => {
    expect(minimumDetectableDrop({ ...base, n: 0, design: 'paired' })).toBeNull();
    expect(minimumDetectableDrop({ ...base, n: 2, design: 'paired' })).toBeNull();
    expect(minimumDetectableDrop({ ...base, n: 2, design: 'unpaired' })).toBeNull();
  });

  it('shrinks as the class grows and as α or power loosen (property)', () => {
    for (const design of ['paired', 'unpaired'] as const) {
      let previous = Number.POSITIVE_INFINITY;
      for (const n of [10, 30, 100, 300, 1000, 10000]) {
        const drop = minimumDetectableDrop({ ...base, n, design }) ?? Number.POSITIVE_INFINITY;
        expect(drop).toBeLessThan(previous);
        previous = drop;
      }
      const strict = minimumDetectableDrop({ ...base, n: 300, design, alpha: 0.005 })!;
      const loose = minimumDetectableDrop({ ...base, n: 300, design, alpha: 0.05 })!;
      expect(strict).toBeGreaterThan(loose);
      const morePower = minimumDetectableDrop({ ...base, n: 300, design, power: 0.95 })!;
      expect(morePower).toBeGreaterThan(loose);
    }
  });

  it('paired detects smaller drops than unpaired when the models rarely disagree', () => {
    const options = { ...base, n: 300 };
    const paired = minimumDetectableDrop({ ...options, design: 'paired', churn: 0.01 })!;
    const unpaired = minimumDetectableDrop({ ...options, design: 'unpaired' })!;
    expect(paired).toBeLessThan(unpaired);
  });

  it('rejects power below ½, α outside (0, 1) and an unknown design', () => {
    expect(() => minimumDetectableDrop({ ...base, n: 100, power: 0.4, design: 'paired' })).toThrow(
      RangeError,
    );
    expect(() => minimumDetectableDrop({ ...base, n: 100, alpha: 0, design: 'paired' })).toThrow(RangeError);
    expect(() => minimumDetectableDrop({ ...base, n: 100, design: 'both' as never })).toThrow(RangeError);
  });
});
