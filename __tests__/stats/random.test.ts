import { describe, expect, it } from 'vitest';
import { createRandom, randomFromState } from '../../src/stats/random.js';

describe('createRandom (xoshiro128** seeded by splitmix32)', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(first);
  });

  it('produces the xoshiro128** reference sequence from the state {1, 2, 3, 4}', () => {
    // Outputs of Blackman & Vigna's xoshiro128starstar.c from s = {1, 2, 3, 4}.
    const random = randomFromState(1, 2, 3, 4);
    expect(Array.from({ length: 10 }, () => random.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('keeps the seed-to-sequence mapping stable (bootstrap results are reproducible across versions)', () => {
    // Pinned outputs for seed 0 (computed with a Python transliteration of the seeder and generator);
    // changing the seeder changes every published bootstrap interval, so it must be deliberate.
    const random = createRandom(0);
    expect(Array.from({ length: 4 }, () => random.nextUint32())).toEqual([
      1789933344, 44971166, 2521387044, 3848737593,
    ]);
  });

  it('next() lies in [0, 1) with mean ½ and variance 1/12 (10⁵ draws, ±5σ)', () => {
    const random = createRandom(1);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = random.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      sumSq += x * x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('int(n) is uniform over [0, n) (chi-square over 7 cells, 70 000 draws)', () => {
    const random = createRandom(2);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[random.int(7)]++;
    const chiSquare = counts.reduce((acc, k) => acc + (k - 10_000) ** 2 / 10_000, 0);
    // 6 degrees of freedom: P(χ² > 22.46) = 0.001.
    expect(chiSquare).toBeLessThan(22.46);
  });

  it('int(n) stays in range for n = 1 and n = 2^32, and rejects other n', () => {
    const random = createRandom(3);
    expect(random.int(1)).toBe(0);
    const big = random.int(2 ** 32);
    expect(big).toBeGreaterThanOrEqual(0);
    expect(big).toBeLessThan(2 ** 32);
    expect(() => random.int(0)).toThrow(RangeError);
    expect(() => random.int(2.5)).toThrow(RangeError);
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
  });
});
