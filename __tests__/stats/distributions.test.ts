import { describe, expect, it } from 'vitest';
import {
  normalCdf,
  normalCritical,
  normalQuantile,
  tCdf,
  tCritical,
  tQuantile,
  tTwoSidedPValue,
} from '../../src/stats/distributions.js';
import { expectClose, loadStatGoldens } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

describe('normalCdf (Cody erfc) matches scipy norm.cdf to 1e-14 relative, far into the tails', () => {
  it.each(golden.normalCdf.map((c) => [c.x, c] as const))('x = %s', (_x, c) => {
    expectClose(normalCdf(c.x), c.cdf, 1e-14);
  });
});

describe('normalQuantile matches scipy norm.ppf', () => {
  it.each(golden.normalQuantile.map((c) => [c.p, c] as const))('p = %s', (_p, c) => {
    expectClose(normalQuantile(c.p), c.quantile);
  });

  it('normalCritical(0.95) is 1.959963984540054', () => {
    expect(normalCritical(0.95)).toBeCloseTo(1.959963984540054, 14);
  });
});

describe('Student t distribution matches scipy', () => {
  it.each(golden.tCdf.map((c) => [`t = ${c.t}, df = ${c.df}`, c] as const))('t.cdf at %s', (_name, c) => {
    expectClose(tCdf(c.t, c.df), c.cdf);
  });

  it.each(golden.tQuantile.map((c) => [`p = ${c.p}, df = ${c.df}`, c] as const))(
    't.ppf at %s',
    (_name, c) => {
      expectClose(tQuantile(c.p, c.df), c.quantile);
    },
  );

  it('tTwoSidedPValue is 1 at t = 0, symmetric, and twice the lower tail', () => {
    expect(tTwoSidedPValue(0, 7)).toBe(1);
    expect(tTwoSidedPValue(2.5, 7)).toBe(tTwoSidedPValue(-2.5, 7));
    expectClose(tTwoSidedPValue(2.5, 7), 2 * tCdf(-2.5, 7), 1e-15);
  });
});

describe('tCritical', () => {
  it('approaches the normal critical value for large degrees of freedom', () => {
    expect(tCritical(0.95, 1e7)).toBeCloseTo(normalCritical(0.95), 6);
    expect(tCritical(0.95, 1)).toBeCloseTo(12.706204736174696, 8);
  });

  it('rejects confidence levels outside (0, 1)', () => {
    expect(() => tCritical(1, 5)).toThrow(RangeError);
    expect(() => normalCritical(0)).toThrow(RangeError);
  });
});
