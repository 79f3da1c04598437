import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  binomialBoundInterval,
  clopperPearsonInterval,
  fisherExactChangeInterval,
  keepNearEnd,
  pairedExactChangeInterval,
} from '../../src/stats/exactIntervals.js';
import { binomialTestLess, fisherExact, mcnemarExact } from '../../src/stats/exactTests.js';
import { pairedDifferenceInterval } from '../../src/stats/proportionIntervals.js';
import { seededRandom } from '../helpers/goldenCases.js';
import { expectClose } from '../helpers/goldenStats.js';

// biome-ignore lint/suspicious/noExplicitAny: plain JSON written by scripts/golden/make_interval_goldens.py
const golden: Record<string, any[]> = JSON.parse(
  readFileSync(new URL('../__fixtures__/golden/intervals.json', import.meta.url), 'utf8'),
);

const excludesZero = (i: { low: number; high: number }) => i.low > 0 || i.high < 0;

describe('clopperPearsonInterval matches statsmodels proportion_confint(method="beta")', () => {
  it.each(golden.clopperPearson!.map((c) => [`${c.k}/${c.n} at α = ${c.alpha}`, c] as const))(
    '%s',
    (_n, c) => {
      const interval = clopperPearsonInterval(c.k, c.n, c.alpha)!;
      expectClose(interval.low, c.low, 1e-9);
      expectClose(interval.high, c.high, 1e-9);
    },
  );

  it('has no interval without trials and rejects bad arguments', () => {
    expect(clopperPearsonInterval(0, 0, 0.05)).toBeNull();
    expect(() => clopperPearsonInterval(3, 2, 0.05)).toThrow(RangeError);
    expect(() => clopperPearsonInterval(1, 2, 0)).toThrow(RangeError);
  });
});

describe('pairedExactChangeInterval inverts the exact McNemar test', () => {
  it("gives the bundled example's '8' (b = 9, c = 0 of 52) its conditional exact interval at 99.5%", () => {
    const interval = pairedExactChangeInterval(
      { bothRight: 41, baselineOnly: 9, candidateOnly: 0, bothWrong: 2 },
      0.005,
    )!;
    // π = share of changes that broke a sample: [0.0025^(1/9), 1]; change = (9/52)(1 − 2π).
    expectClose(interval.low, -9 / 52);
    expectClose(interval.high, (9 / 52) * (1 - 2 * 0.0025 ** (1 / 9)), 1e-9);
  });

  it('excludes 0 exactly when mcnemarExact(b, c) < α, for every b, c ≤ 40 and α at and beside the exact p', () => {
    const random = seededRandom(5);
    const problems: string[] = [];
    for (let b = 0; b <= 40; b++) {
      for (let c = 0; c <= 40; c++) {
        const p = mcnemarExact(b, c);
        const alphas = [0.05, 0.005, 0.2 * random(), p, p * (1 + 1e-15), p * (1 - 1e-15)].filter(
          (a) => a > 0 && a < 1,
        );
        for (const alpha of alphas) {
          const counts = { bothRight: 7, baselineOnly: b, candidateOnly: c, bothWrong: 3 };
          const interval = pairedExactChangeInterval(counts, alpha)!;
          if (excludesZero(interval) !== p < alpha) problems.push(`b=${b} c=${c} α=${alpha} p=${p}`);
          if (
            !(
              interval.low <= (c - b) / (b + c + 10) + 1e-15 &&
              interval.high >= (c - b) / (b + c + 10) - 1e-15
            )
          ) {
            problems.push(`estimate outside: b=${b} c=${c}`);
          }
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('is [0, 0] when nothing changed (p = 1 rejects nothing), and null without samples', () => {
    expect(
      pairedExactChangeInterval({ bothRight: 5, baselineOnly: 0, candidateOnly: 0, bothWrong: 1 }, 0.05),
    ).toEqual({
      low: 0,
      high: 0,
    });
    expect(
      pairedExactChangeInterval({ bothRight: 0, baselineOnly: 0, candidateOnly: 0, bothWrong: 0 }, 0.05),
    ).toBeNull();
  });
});

describe('fisherExactChangeInterval inverts Fisher’s exact test', () => {
  it.each(
    golden.fisherChange!.map((c) => [`${c.k1}/${c.n1} → ${c.k2}/${c.n2} at α = ${c.alpha}`, c] as const),
  )('matches the independent scipy inversion: %s', (_n, c) => {
    const interval = fisherExactChangeInterval(
      { baselineSuccesses: c.k1, baselineTrials: c.n1, candidateSuccesses: c.k2, candidateTrials: c.n2 },
      c.alpha,
    )!;
    // brentq on a discontinuous p(ψ) stops within ~1e-8 of the jump.
    expect(Math.abs(interval.low - c.low)).toBeLessThan(1e-6);
    expect(Math.abs(interval.high - c.high)).toBeLessThan(1e-6);
    expect(excludesZero(interval)).toBe(c.pValue < c.alpha);
  });

  it('excludes 0 exactly when fisherExact < α (random tables, α at the exact p)', () => {
    const random = seededRandom(11);
    const problems: string[] = [];
    for (let t = 0; t < 400; t++) {
      const n1 = 1 + Math.floor(random() * 40);
      const n2 = 1 + Math.floor(random() * 40);
      const k1 = Math.floor(random() * (n1 + 1));
      const k2 = Math.floor(random() * (n2 + 1));
      const p = fisherExact(k1, n1, k2, n2);
      for (const alpha of [0.05, 0.01, p, p * (1 + 1e-15)].filter((a) => a > 0 && a < 1)) {
        const interval = fisherExactChangeInterval(
          { baselineSuccesses: k1, baselineTrials: n1, candidateSuccesses: k2, candidateTrials: n2 },
          alpha,
        )!;
        if (excludesZero(interval) !== p < alpha) problems.push(`${k1}/${n1} ${k2}/${n2} α=${alpha} p=${p}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});

describe('keepNearEnd', () => {
  it('keeps the exact end nearer 0 and takes the farther far end, so 0 stays excluded or included as in `exact`', () => {
    expect(keepNearEnd({ low: -0.17, high: -0.005 }, { low: -0.36, high: -0.05 })).toEqual({
      low: -0.36,
      high: -0.005,
    });
    expect(keepNearEnd({ low: 0.01, high: 0.1 }, { low: -0.02, high: 0.2 })).toEqual({
      low: 0.01,
      high: 0.2,
    });
    expect(keepNearEnd({ low: 0, high: 0 }, { low: -0.04, high: 0.04 })).toEqual({ low: -0.04, high: 0.04 });
    expect(keepNearEnd({ low: -0.1, high: 0.1 }, null)).toEqual({ low: -0.1, high: 0.1 });
  });

  it('is at least as wide as Newcombe’s paired interval on the far side', () => {
    const counts = { bothRight: 41, baselineOnly: 9, candidateOnly: 0, bothWrong: 2 };
    const exact = pairedExactChangeInterval(counts, 0.005)!;
    const newcombe = pairedDifferenceInterval(counts, 0.995)!;
    expect(keepNearEnd(exact, newcombe).low).toBe(Math.min(exact.low, newcombe.low));
  });
});

describe('binomialBoundInterval inverts the one-sided exact binomial test', () => {
  it('lies wholly below p0 exactly when binomialTestLess(k, n, p0) < α', () => {
    const problems: string[] = [];
    for (let n = 1; n <= 60; n += 3) {
      for (let k = 0; k <= n; k++) {
        for (const p0 of [0.5, 0.8, 0.9, k / n]) {
          const p = binomialTestLess(k, n, p0);
          for (const alpha of [0.05, 0.01, p].filter((a) => a > 0 && a < 0.5)) {
            const interval = binomialBoundInterval(k, n, p0, alpha)!;
            if (interval.high < p0 !== p < alpha) problems.push(`k=${k} n=${n} p0=${p0} α=${alpha}`);
          }
        }
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('is the two-sided Clopper–Pearson interval at 2α', () => {
    const interval = binomialBoundInterval(880, 1000, 0.9, 0.05)!;
    const cp = clopperPearsonInterval(880, 1000, 0.1)!;
    expectClose(interval.low, cp.low, 1e-12);
    expectClose(interval.high, cp.high, 1e-12);
  });
});
