/**
 * The stressed samples when `stress.samples` is a number: a seeded subset stratified by class.
 * Each class gets its proportional share of the budget (largest remainder, Hamilton's method) and
 * at least one sample when the budget allows one per class, so that every class's recall under
 * stress is evaluable; within a class the samples are a seeded uniform draw without replacement.
 * The subset depends on the labels, the budget and the seed only, so a baseline and a candidate
 * run with the same seed on the same test set stress the very same samples.
 */
import { createRandom } from '../stats/random.js';

export interface StressSubset {
  /** 'all' when the budget covers the test set, else 'stratified'. */
  subset: 'all' | 'stratified';
  /** Positions in the test set's samples, ascending. */
  indices: number[];
}

/** Mixed into the run seed so that the subset's draws are not those of any other seeded use of it. */
const SUBSET_STREAM = 0x5e1ec7;

/**
 * The samples to stress: every one for `budget: 'all'` (or a budget of at least the test set's
 * size), else `budget` of them, stratified by `labels` (class index per sample) over `numClasses`.
 */
export function stressSubset(
  labels: ArrayLike<number>,
  numClasses: number,
  budget: number | 'all',
  seed: number,
): StressSubset {
  const total = labels.length;
  if (budget === 'all' || budget >= total) {
    return { subset: 'all', indices: Array.from({ length: total }, (_, i) => i) };
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < total; i++) byClass[labels[i]!]!.push(i);
  const counts = byClass.map((members) => members.length);
  const allocation = allocate(counts, budget);
  const random = createRandom((Math.trunc(seed) ^ SUBSET_STREAM) >>> 0);
  const chosen: number[] = [];
  byClass.forEach((members, c) => {
    // Partial Fisher–Yates: the first allocation[c] positions become a uniform draw.
    const pool = members.slice();
    for (let k = 0; k < allocation[c]!; k++) {
      const j = k + random.int(pool.length - k);
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      chosen.push(pool[k]!);
    }
  });
  return { subset: 'stratified', indices: chosen.sort((a, b) => a - b) };
}

/**
 * Samples per class summing to `budget` (< the total): proportional quotas rounded by largest
 * remainder, raised to one for every non-empty class when the budget has room for one each, never
 * above a class's size. Ties go to the lower class index.
 */
export function allocate(counts: readonly number[], budget: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const quota = counts.map((n) => (budget * n) / total);
  const present = counts.filter((n) => n > 0).length;
  const floor = budget >= present ? 1 : 0;
  const given = counts.map((n, c) => (n === 0 ? 0 : Math.max(floor, Math.floor(quota[c]!))));
  let sum = given.reduce((a, b) => a + b, 0);
  const order = (score: (c: number) => number) =>
    counts.map((_, c) => c).sort((a, b) => score(b) - score(a) || a - b);
  // Too few: one more to the classes furthest below their quota, while they have samples left.
  while (sum < budget) {
    const c = order((k) => (given[k]! < counts[k]! ? quota[k]! - given[k]! : Number.NEGATIVE_INFINITY))[0]!;
    given[c]!++;
    sum++;
  }
  // Too many (the minimum of one lifted small classes): one fewer from the classes furthest above
  // their quota, never below the minimum.
  while (sum > budget) {
    const c = order((k) => (given[k]! > floor ? given[k]! - quota[k]! : Number.NEGATIVE_INFINITY))[0]!;
    given[c]!--;
    sum--;
  }
  return given;
}
