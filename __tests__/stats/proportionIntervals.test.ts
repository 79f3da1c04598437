import { describe, expect, it } from 'vitest';
import {
  pairedDifferenceInterval,
  unpairedDifferenceInterval,
  wilsonInterval,
} from '../../src/stats/proportionIntervals.js';
import { createRandom } from '../../src/stats/random.js';
import { expectClose, loadStatGoldens } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

describe('wilsonInterval matches statsmodels proportion_confint(method="wilson")', () => {
  it.each(golden.wilson.map((c) => [`${c.k}/${c.n} at ${c.confidence}`, c] as const))('%s', (_name, c) => {
    const interval = wilsonInterval(c.k, c.n, c.confidence);
    expectClose(interval?.low, c.low);
    expectClose(interval?.high, c.high);
  });

  it('returns null for an empty sample', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('has bounds exactly 0 at p̂ = 0 and exactly 1 at p̂ = 1', () => {
    expect(wilsonInterval(0, 7)?.low).toBe(0);
    expect(wilsonInterval(7, 7)?.high).toBe(1);
  });

  it('rejects impossible counts and confidence levels', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, 1)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, 0)).toThrow(RangeError);
  });

  it('always contains p̂, lies inside [0, 1] and narrows as n grows (property, 2000 random cases)', () => {
    const random = createRandom(7);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + random.int(500);
      const k = random.int(n + 1);
      const confidence = 0.5 + 0.499 * random.next();
      const interval = wilsonInterval(k, n, confidence)!;
      const p = k / n;
      expect(interval.low).toBeGreaterThanOrEqual(0);
      expect(interval.high).toBeLessThanOrEqual(1);
      expect(interval.low).toBeLessThanOrEqual(p);
      expect(interval.high).toBeGreaterThanOrEqual(p);
      const larger = wilsonInterval(k * 4, n * 4, confidence)!;
      expect(larger.high - larger.low).toBeLessThan(interval.high - interval.low);
    }
  });
});

/** Baseline k1 of n1 against candidate k2 of n2, as `unpairedDifferenceInterval` takes them. */
function counts(k1: number, n1: number, k2: number, n2: number) {
  return { baselineSuccesses: k1, baselineTrials: n1, candidateSuccesses: k2, candidateTrials: n2 };
}

describe('unpairedDifferenceInterval matches statsmodels confint_proportions_2indep(method="newcomb")', () => {
  it.each(
    golden.unpairedNewcombe.map((c) => [`${c.k2}/${c.n2} − ${c.k1}/${c.n1} at ${c.confidence}`, c] as const),
  )('%s', (_name, c) => {
    const interval = unpairedDifferenceInterval(counts(c.k1, c.n1, c.k2, c.n2), c.confidence);
    expectClose(interval?.low, c.low);
    expectClose(interval?.high, c.high);
  });

  it('reproduces Newcombe (1998a) Table II, 56/70 − 48/80: method 10 gives 0.0524 to 0.3339', () => {
    // candidate 56/70 against baseline 48/80
    const interval = unpairedDifferenceInterval(counts(48, 80, 56, 70))!;
    expect(interval.low).toBeCloseTo(0.0524, 4);
    expect(interval.high).toBeCloseTo(0.3339, 4);
  });

  it('returns null when either sample is empty', () => {
    expect(unpairedDifferenceInterval(counts(0, 0, 1, 2))).toBeNull();
    expect(unpairedDifferenceInterval(counts(1, 2, 0, 0))).toBeNull();
  });

  it('contains the observed difference and lies inside [−1, 1] (property)', () => {
    const random = createRandom(11);
    for (let i = 0; i < 2000; i++) {
      const n1 = 1 + random.int(200);
      const n2 = 1 + random.int(200);
      const k1 = random.int(n1 + 1);
      const k2 = random.int(n2 + 1);
      const interval = unpairedDifferenceInterval(counts(k1, n1, k2, n2))!;
      const d = k2 / n2 - k1 / n1;
      expect(interval.low).toBeGreaterThanOrEqual(-1);
      expect(interval.high).toBeLessThanOrEqual(1);
      expect(interval.low).toBeLessThanOrEqual(d + 1e-15);
      expect(interval.high).toBeGreaterThanOrEqual(d - 1e-15);
    }
  });
});

describe('pairedDifferenceInterval (Newcombe 1998b method 10, candidate − baseline)', () => {
  it.each(golden.pairedNewcombe.map((c) => [`${c.counts.join(',')} at ${c.confidence}`, c] as const))(
    'matches the formula on statsmodels Wilson intervals for a,b,c,d = %s',
    (_name, c) => {
      const [bothRight, baselineOnly, candidateOnly, bothWrong] = c.counts;
      const interval = pairedDifferenceInterval(
        { bothRight, baselineOnly, candidateOnly, bothWrong },
        c.confidence,
      );
      expectClose(interval?.low, c.low);
      expectClose(interval?.high, c.high);
    },
  );

  it('reproduces the published worked example (Fagerland, Lydersen & Laake 2017, §8, Cavo et al. 2012): −0.1186 to −0.0046', () => {
    // Table [[59, 6], [16, 80]]; the book's difference is first − second (baseline − candidate),
    // ours its negation with the bounds swapped.
    const interval = pairedDifferenceInterval({
      bothRight: 59,
      baselineOnly: 6,
      candidateOnly: 16,
      bothWrong: 80,
    })!;
    expect(interval.low).toBeCloseTo(0.0046, 4);
    expect(interval.high).toBeCloseTo(0.1186, 4);
  });

  it('is the negated, swapped interval when baseline and candidate trade places', () => {
    const forward = pairedDifferenceInterval({
      bothRight: 40,
      baselineOnly: 9,
      candidateOnly: 2,
      bothWrong: 1,
    })!;
    const reverse = pairedDifferenceInterval({
      bothRight: 40,
      baselineOnly: 2,
      candidateOnly: 9,
      bothWrong: 1,
    })!;
    expect(reverse.low).toBeCloseTo(-forward.high, 15);
    expect(reverse.high).toBeCloseTo(-forward.low, 15);
  });

  it('returns null with no samples', () => {
    expect(
      pairedDifferenceInterval({ bothRight: 0, baselineOnly: 0, candidateOnly: 0, bothWrong: 0 }),
    ).toBeNull();
  });

  it('contains the observed difference (c − b)/n and lies inside [−1, 1] (property)', () => {
    const random = createRandom(13);
    for (let i = 0; i < 2000; i++) {
      const counts = {
        bothRight: random.int(60),
        baselineOnly: random.int(15),
        candidateOnly: random.int(15),
        bothWrong: random.int(10),
      };
      const n = counts.bothRight + counts.baselineOnly + counts.candidateOnly + counts.bothWrong;
      if (n === 0) continue;
      const interval = pairedDifferenceInterval(counts)!;
      const d = (counts.candidateOnly - counts.baselineOnly) / n;
      expect(interval.low).toBeGreaterThanOrEqual(-1);
      expect(interval.high).toBeLessThanOrEqual(1);
      expect(interval.low).toBeLessThanOrEqual(d + 1e-15);
      expect(interval.high).toBeGreaterThanOrEqual(d - 1e-15);
    }
  });
});
