/** The seeded stratified subset of `stress.samples`. */
import { describe, expect, it } from 'vitest';
import { allocate, stressSubset } from '../../src/stress/stressSubset.js';

/** 540 labels over 10 classes of unequal sizes (class c has 34 + 4c samples, shuffled order). */
function labels(): number[] {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < 34 + 4 * c; k++) out.push(c);
  // A fixed interleaving, so that class members are not contiguous.
  return out.map((_, i) => out[(i * 7919) % out.length]!);
}

describe('stressSubset', () => {
  it("takes every sample for 'all' and for a budget of at least the test set", () => {
    const all = Array.from({ length: 6 }, (_, i) => i);
    expect(stressSubset([0, 1, 0, 1, 0, 1], 2, 'all', 0)).toEqual({ subset: 'all', indices: all });
    expect(stressSubset([0, 1, 0, 1, 0, 1], 2, 6, 0)).toEqual({ subset: 'all', indices: all });
    expect(stressSubset([0, 1, 0, 1, 0, 1], 2, 60, 0).subset).toBe('all');
  });

  it('draws the budget, ascending and without repeats, proportionally to each class', () => {
    const y = labels();
    const { subset, indices } = stressSubset(y, 10, 100, 0);
    expect(subset).toBe('stratified');
    expect(indices).toHaveLength(100);
    expect(new Set(indices).size).toBe(100);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    const perClass = Array.from({ length: 10 }, (_, c) => indices.filter((i) => y[i] === c).length);
    const sizes = Array.from({ length: 10 }, (_, c) => y.filter((l) => l === c).length);
    for (const [c, n] of perClass.entries())
      expect(Math.abs(n - (100 * sizes[c]!) / y.length)).toBeLessThan(1);
  });

  it('gives every class at least one sample when the budget allows one each', () => {
    // Class 2 has 1 sample in 1,000: its quota of 10 is 0.01, and it still gets one.
    const y = [...Array(600).fill(0), ...Array(399).fill(1), 2];
    const { indices } = stressSubset(y, 3, 10, 5);
    expect(indices).toHaveLength(10);
    expect(indices).toContain(999);
    expect(allocate([600, 399, 1], 10)).toEqual([6, 3, 1]);
    // The one it takes comes from the class furthest above its quota (largest remainder otherwise).
    expect(allocate([600, 400, 1], 10)).toEqual([5, 4, 1]);
    // Fewer samples than classes: no room for one each, so the largest classes get them.
    expect(allocate([5, 3, 2, 1], 2)).toEqual([1, 1, 0, 0]);
    // An empty class gets none.
    expect(allocate([0, 4, 4], 4)).toEqual([0, 2, 2]);
  });

  it('is determined by the seed: the same seed draws the same samples, another seed others', () => {
    const y = labels();
    expect(stressSubset(y, 10, 50, 3)).toEqual(stressSubset(y, 10, 50, 3));
    expect(stressSubset(y, 10, 50, 3).indices).not.toEqual(stressSubset(y, 10, 50, 4).indices);
  });
});
