/**
 * The data generator of `npm run bench:verdicts` (scripts/bench/verdicts/simulate.mjs): the
 * benchmark's figures mean something only if the simulated models have the recall, churn and drop
 * they are said to have. These tests check the generator, not the benchmark's results.
 */
import { describe, expect, it } from 'vitest';
import {
  BASELINE_ONLY,
  BOTH_RIGHT,
  BOTH_WRONG,
  CANDIDATE_ONLY,
  outcomeOf,
  pairedCellProbabilities,
  pairedCounts,
  predictionsFrom,
  simulateRun,
} from '../../scripts/bench/verdicts/simulate.mjs';
import { createRandom } from '../../src/stats/random.js';

/** Large enough that each share's standard error is at most sqrt(0.25 / 40,000) = 0.0025. */
const PER_CLASS = 40_000;

function simulate(seed: number, options: { recall: number; churn: number; drops: number[] }) {
  return simulateRun(createRandom(seed).next, { classes: 2, perClass: PER_CLASS, studied: 0, ...options });
}

/** Shares of the four paired cells of class `label`. */
function shares(baseline: Uint8Array, candidate: Uint8Array, label: number) {
  const counts = pairedCounts(baseline, candidate, label, PER_CLASS);
  return {
    baselineRecall: (counts.bothRight + counts.baselineOnly) / PER_CLASS,
    candidateRecall: (counts.bothRight + counts.candidateOnly) / PER_CLASS,
    baselineOnly: counts.baselineOnly / PER_CLASS,
    candidateOnly: counts.candidateOnly / PER_CLASS,
  };
}

describe('pairedCellProbabilities', () => {
  it('gives a paired table with the baseline recall, the candidate recall and the churn asked for', () => {
    const p = pairedCellProbabilities({ recall: 0.9, churn: 0.04, drop: 0.05 });
    expect(p.bothRight + p.baselineOnly + p.candidateOnly + p.bothWrong).toBeCloseTo(1, 12);
    expect(p.bothRight + p.baselineOnly).toBeCloseTo(0.9, 12); // baseline recall
    expect(p.bothRight + p.candidateOnly).toBeCloseTo(0.85, 12); // candidate recall = recall − drop
    expect(p.candidateOnly).toBeCloseTo(0.02, 12); // half the churn fixes samples
    expect(p.baselineOnly).toBeCloseTo(0.07, 12); // half the churn plus the drop breaks them
  });

  it('refuses a churn or drop that no paired table with that recall can have', () => {
    // Only baseline errors can be fixed: churn/2 <= 1 − recall.
    expect(() => pairedCellProbabilities({ recall: 0.97, churn: 0.08, drop: 0 })).toThrow(/no paired table/);
    expect(() => pairedCellProbabilities({ recall: 0.1, churn: 0.04, drop: 0.1 })).toThrow(/no paired table/);
  });
});

describe('outcomeOf', () => {
  it('keeps the baseline outcome of a draw at every drop, so larger drops only break more samples', () => {
    const none = pairedCellProbabilities({ recall: 0.9, churn: 0.04, drop: 0 });
    const big = pairedCellProbabilities({ recall: 0.9, churn: 0.04, drop: 0.1 });
    expect([0.5, 0.87, 0.89, 0.9, 0.91, 0.99].map((u) => outcomeOf(u, none))).toEqual([
      BOTH_RIGHT,
      BOTH_RIGHT,
      BASELINE_ONLY,
      CANDIDATE_ONLY,
      CANDIDATE_ONLY,
      BOTH_WRONG,
    ]);
    expect([0.5, 0.87, 0.89, 0.9, 0.91, 0.99].map((u) => outcomeOf(u, big))).toEqual([
      BOTH_RIGHT,
      BASELINE_ONLY,
      BASELINE_ONLY,
      CANDIDATE_ONLY,
      CANDIDATE_ONLY,
      BOTH_WRONG,
    ]);
  });
});

describe('simulateRun', () => {
  it('with no real change, gives both models the intended recall and flips the intended share both ways', () => {
    const { baseline, candidates } = simulate(7, { recall: 0.9, churn: 0.04, drops: [0] });
    for (const label of [0, 1]) {
      const s = shares(baseline, candidates[0]!, label);
      expect(Math.abs(s.baselineRecall - 0.9)).toBeLessThan(0.01);
      expect(Math.abs(s.candidateRecall - 0.9)).toBeLessThan(0.01);
      expect(Math.abs(s.baselineOnly + s.candidateOnly - 0.04)).toBeLessThan(0.005);
      expect(Math.abs(s.baselineOnly - s.candidateOnly)).toBeLessThan(0.005);
    }
  });

  it('drops the studied class by the intended amount and leaves the other classes as they were', () => {
    const { baseline, candidates } = simulate(11, { recall: 0.97, churn: 0.03, drops: [0, 0.05] });
    const studied = shares(baseline, candidates[1]!, 0);
    expect(Math.abs(studied.baselineRecall - studied.candidateRecall - 0.05)).toBeLessThan(0.005);
    expect(Math.abs(studied.candidateOnly - 0.015)).toBeLessThan(0.005);
    expect(Math.abs(studied.baselineOnly - 0.065)).toBeLessThan(0.005);
    // The unchanged class is the same draw at both drop levels.
    expect(Buffer.compare(candidates[1]!.subarray(PER_CLASS), candidates[0]!.subarray(PER_CLASS))).toBe(0);
  });

  it('couples the drop levels: a sample the bigger drop gets right, the smaller one gets right too', () => {
    const { candidates } = simulate(3, { recall: 0.9, churn: 0.04, drops: [0, 0.02, 0.1] });
    let violations = 0;
    for (let i = 0; i < PER_CLASS; i++) {
      if (candidates[2]![i]! > candidates[1]![i]! || candidates[1]![i]! > candidates[0]![i]!) violations++;
    }
    expect(violations).toBe(0);
    // ...and the drops did move samples (the check above is not vacuous).
    expect(candidates[2]!.subarray(0, PER_CLASS)).not.toEqual(candidates[0]!.subarray(0, PER_CLASS));
  });

  it('gives the same runs for the same seed and different runs for another', () => {
    const options = { recall: 0.9, churn: 0.1, drops: [0] };
    expect(Buffer.compare(simulate(5, options).candidates[0]!, simulate(5, options).candidates[0]!)).toBe(0);
    expect(Buffer.compare(simulate(5, options).baseline, simulate(6, options).baseline)).not.toBe(0);
  });
});

describe('predictionsFrom', () => {
  it('predicts the true class when right and the next class when wrong', () => {
    expect(predictionsFrom(Uint8Array.from([1, 0, 1, 0, 0, 1]), 3, 2)).toEqual([0, 1, 1, 2, 0, 2]);
  });
});
