import { describe, expect, it } from 'vitest';
import { binomialTestLess, fisherExact, mcnemarExact } from '../../src/stats/exactTests.js';
import { createRandom } from '../../src/stats/random.js';
import { expectClose, loadStatGoldens } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

describe('mcnemarExact matches statsmodels mcnemar(exact=True)', () => {
  it.each(golden.mcnemar.map((c) => [`b=${c.b}, c=${c.c}`, c] as const))('%s', (_name, c) => {
    expectClose(mcnemarExact(c.b, c.c), c.p);
  });

  it('gives p = 1 with no discordant pairs (nothing to test)', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
  });

  it("reproduces the bundled example's class-8 regression: b=9, c=0 gives p = 2/512", () => {
    expect(mcnemarExact(9, 0)).toBeCloseTo(0.00390625, 15);
  });

  it('is symmetric in b and c and never exceeds 1 (property)', () => {
    const random = createRandom(3);
    for (let i = 0; i < 500; i++) {
      const b = random.int(300);
      const c = random.int(300);
      const p = mcnemarExact(b, c);
      expect(p).toBe(mcnemarExact(c, b));
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });

  it('rejects negative or fractional counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});

describe("binomialTestLess matches scipy binomtest(alternative='less')", () => {
  it.each(golden.binomialLess.map((c) => [`${c.k}/${c.n} vs p0=${c.p0}`, c] as const))('%s', (_name, c) => {
    expectClose(binomialTestLess(c.k, c.n, c.p0), c.p);
  });

  it('gives p = 1 for an empty sample (no evidence)', () => {
    expect(binomialTestLess(0, 0, 0.9)).toBe(1);
  });

  it('rejects k > n and p0 outside [0, 1]', () => {
    expect(() => binomialTestLess(3, 2, 0.5)).toThrow(RangeError);
    expect(() => binomialTestLess(1, 2, 1.5)).toThrow(RangeError);
  });
});

describe('fisherExact matches scipy fisher_exact (two-sided)', () => {
  it.each(golden.fisher.map((c) => [`[[${c.k1}, ${c.n1 - c.k1}], [${c.k2}, ${c.n2 - c.k2}]]`, c] as const))(
    '%s',
    (_name, c) => {
      expectClose(fisherExact(c.k1, c.n1, c.k2, c.n2), c.p);
    },
  );

  it('is invariant to swapping the rows and to swapping successes with failures (property)', () => {
    const random = createRandom(5);
    for (let i = 0; i < 300; i++) {
      const n1 = 1 + random.int(80);
      const n2 = 1 + random.int(80);
      const k1 = random.int(n1 + 1);
      const k2 = random.int(n2 + 1);
      const p = fisherExact(k1, n1, k2, n2);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Math.abs(fisherExact(k2, n2, k1, n1) - p)).toBeLessThanOrEqual(1e-12 * p);
      expect(Math.abs(fisherExact(n1 - k1, n1, n2 - k2, n2) - p)).toBeLessThanOrEqual(1e-12 * p);
    }
  });

  it('counts tables tied with the observed one as "as extreme" in symmetric tables', () => {
    // [[3, 7], [7, 3]] and [[7, 3], [3, 7]] are mirror images with equal probability; the exact
    // p-value (both tails, x ≤ 3 and x ≥ 7, in rational arithmetic) is 8263/46189.
    expect(fisherExact(3, 10, 7, 10)).toBe(fisherExact(7, 10, 3, 10));
    expectClose(fisherExact(3, 10, 7, 10), 8263 / 46189, 1e-13);
    // Large symmetric table: the mirror tail must still be counted despite rounding in the weights
    // (scipy: 6.877264394891848e-05, twice the one-sided p).
    expectClose(fisherExact(2400, 5000, 2600, 5000), 6.877264394891848e-5);
  });
});
