/** Loads the scipy/statsmodels golden cases written by scripts/golden/make_stat_goldens.py. */

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: the golden file is plain JSON checked case by case in the tests
type Case = Record<string, any>;

export interface StatGoldens {
  versions: Record<string, string>;
  cases: Record<string, Case[]>;
}

export function loadStatGoldens(): StatGoldens {
  const url = new URL('../__fixtures__/golden/stats.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as StatGoldens;
}

/**
 * Relative agreement to 1e-9, with an absolute floor of 1e-15 for expected values at or near 0
 * (e.g. a Wilson bound at p̂ = 0, which statsmodels computes as centre − half-width ≈ 1e-17 and
 * evalgate returns as exactly 0).
 */
export function expectClose(actual: number | null | undefined, expected: number, relative = 1e-9): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeTypeOf('number');
  const tolerance = relative * Math.abs(expected) + 1e-15;
  if (!(Math.abs((actual as number) - expected) <= tolerance)) {
    expect.fail(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}

/** Sums a sample as the cost gate keeps it: Σx, Σx², n. */
export function sums(values: readonly number[]): { sum: number; sumOfSquares: number; n: number } {
  let sum = 0;
  let sumOfSquares = 0;
  for (const v of values) {
    sum += v;
    sumOfSquares += v * v;
  }
  return { sum, sumOfSquares, n: values.length };
}
