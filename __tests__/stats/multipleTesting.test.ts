import { describe, expect, it } from 'vitest';
import { adjustPValues } from '../../src/stats/multipleTesting.js';
import { createRandom } from '../../src/stats/random.js';
import { expectClose, loadStatGoldens } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

describe('adjustPValues matches statsmodels multipletests', () => {
  it.each(golden.holm.map((c) => [c.p.join(', '), c] as const))("'holm' on [%s]", (_name, c) => {
    const adjusted = adjustPValues(c.p, 'holm');
    c.adjusted.forEach((expected: number, i: number) => {
      expectClose(adjusted[i], expected);
    });
  });

  it.each(golden.bh.map((c) => [c.p.join(', '), c] as const))("'fdr_bh' on [%s]", (_name, c) => {
    const adjusted = adjustPValues(c.p, 'benjamini-hochberg');
    c.adjusted.forEach((expected: number, i: number) => {
      expectClose(adjusted[i], expected);
    });
  });

  it("'none' returns the p-values unchanged, as a copy", () => {
    const input = [0.3, 0.01];
    const output = adjustPValues(input, 'none');
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it('handles an empty family', () => {
    expect(adjustPValues([], 'holm')).toEqual([]);
    expect(adjustPValues([], 'benjamini-hochberg')).toEqual([]);
  });

  it("keeps the bundled example's class-8 regression significant under Holm across 10 classes", () => {
    const adjusted = adjustPValues([0.00390625, 1, 1, 0.5, 1, 1, 0.5, 1, 1, 1], 'holm');
    expect(adjusted[0]).toBeCloseTo(0.0390625, 15);
    expect(adjusted[0]).toBeLessThan(0.05);
  });

  it('rejects p-values outside [0, 1]', () => {
    expect(() => adjustPValues([0.5, 1.2], 'holm')).toThrow(RangeError);
    expect(() => adjustPValues([Number.NaN], 'benjamini-hochberg')).toThrow(RangeError);
  });

  it('Holm ≥ raw p, BH ≤ Holm, both ≤ 1, order-preserving (property, 500 random families)', () => {
    const random = createRandom(17);
    const violations: string[] = [];
    for (let t = 0; t < 500; t++) {
      const m = 1 + random.int(20);
      const p = Array.from({ length: m }, () => (random.next() < 0.2 ? random.next() * 1e-3 : random.next()));
      const holm = adjustPValues(p, 'holm');
      const bh = adjustPValues(p, 'benjamini-hochberg');
      for (let i = 0; i < m; i++) {
        if (!(holm[i] >= p[i] && bh[i] >= p[i] && bh[i] <= holm[i] && holm[i] <= 1)) violations.push(`${p}`);
        for (let j = 0; j < m; j++) {
          if (p[i] < p[j] && !(holm[i] <= holm[j] && bh[i] <= bh[j])) violations.push(`order ${p}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
