/**
 * Tests of a change in a proportion (accuracy, one class's recall) between baseline and candidate:
 * paired when the samples could be paired, unpaired otherwise. Formulas: docs/statistics.md,
 * "Formulas: tests and intervals".
 * - paired: McNemar's exact test on the discordant pairs, p = min(1, 2·BinomCDF(min(b, c); b + c, ½)),
 *   and Newcombe's (1998) score interval for a paired difference;
 * - unpaired: Fisher's exact test and Newcombe's hybrid score interval (method 10). On the same test
 *   set this is conservative (it ignores the positive correlation of the two models' errors).
 */
import { fisherExact, mcnemarExact } from '../stats/exactTests.js';
import { pairedDifferenceInterval, unpairedDifferenceInterval } from '../stats/proportionIntervals.js';
import type { PairedCounts, UnpairedCounts } from '../stats/types.js';
import type { ProportionTest } from './types.js';
import type { PairedSamples } from './pairing.js';

/** McNemar counts over all samples (accuracy) and per true class (recall), in one pass. */
export interface PairedTables {
  overall: PairedCounts;
  /** Indexed by class; a class without samples has all four counts 0. */
  byClass: PairedCounts[];
}

function emptyCounts(): PairedCounts {
  return { bothRight: 0, baselineOnly: 0, candidateOnly: 0, bothWrong: 0 };
}

function add(counts: PairedCounts, baselineRight: boolean, candidateRight: boolean): void {
  if (baselineRight && candidateRight) counts.bothRight++;
  else if (baselineRight) counts.baselineOnly++;
  else if (candidateRight) counts.candidateOnly++;
  else counts.bothWrong++;
}

export function pairedTables(paired: PairedSamples, numClasses: number): PairedTables {
  const overall = emptyCounts();
  const byClass = Array.from({ length: numClasses }, emptyCounts);
  for (let i = 0; i < paired.n; i++) {
    const label = paired.labels[i]!;
    const baselineRight = paired.baselinePredictions[i] === label;
    const candidateRight = paired.candidatePredictions[i] === label;
    add(overall, baselineRight, candidateRight);
    add(byClass[label]!, baselineRight, candidateRight);
  }
  return { overall, byClass };
}

/**
 * The paired test of a proportion: for recall, `counts` are among the class's samples, and the
 * exact test on its discordant pairs is McNemar's restricted to them.
 */
export function pairedProportionTest(
  counts: PairedCounts,
  confidence: number,
  test: 'mcnemar-exact' | 'paired-exact-recall',
): ProportionTest {
  return {
    test,
    pValue: mcnemarExact(counts.baselineOnly, counts.candidateOnly),
    interval: pairedDifferenceInterval(counts, confidence),
    counts: { ...counts },
  };
}

/** Fisher's exact test and the Newcombe hybrid interval for candidate − baseline. */
export function unpairedProportionTest(counts: UnpairedCounts, confidence: number): ProportionTest {
  const { baselineSuccesses, baselineTrials, candidateSuccesses, candidateTrials } = counts;
  return {
    test: 'fisher-exact',
    pValue: fisherExact(baselineSuccesses, baselineTrials, candidateSuccesses, candidateTrials),
    interval: unpairedDifferenceInterval(counts, confidence),
    counts: { baselineSuccesses, baselineTrials, candidateSuccesses, candidateTrials },
  };
}
