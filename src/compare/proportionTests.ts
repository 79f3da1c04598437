/**
 * Tests of a change in a proportion (accuracy, one class's recall) between baseline and candidate:
 * paired when the samples could be paired, unpaired otherwise. Formulas: docs/statistics.md,
 * "Formulas: tests and intervals".
 * - paired: McNemar's exact test on the discordant pairs, p = min(1, 2·BinomCDF(min(b, c); b + c, ½));
 * - unpaired: Fisher's exact test. On the same test set this is conservative (it ignores the
 *   positive correlation of the two models' errors).
 * The interval shown beside the test is the test inverted (`agreeingChangeInterval`), at the level
 * the decision uses, so it excludes 0 exactly when the test rejects (docs/statistics.md, "Intervals
 * that agree with the corrected decision").
 */
import {
  fisherExactChangeInterval,
  keepNearEnd,
  pairedExactChangeInterval,
} from '../stats/exactIntervals.js';
import { fisherExact, mcnemarExact } from '../stats/exactTests.js';
import { familyLevels } from '../stats/familyLevels.js';
import { pairedDifferenceInterval, unpairedDifferenceInterval } from '../stats/proportionIntervals.js';
import type { Interval, PairedCounts, PValueAdjustment, UnpairedCounts } from '../stats/types.js';
import type { GateResult, IntervalMethod, ProportionTest } from './types.js';
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
    interval: agreeingChangeInterval({ counts }, 1 - confidence),
    counts: { ...counts },
  };
}

/** Fisher's exact test and its inverted interval for candidate − baseline. */
export function unpairedProportionTest(counts: UnpairedCounts, confidence: number): ProportionTest {
  const { baselineSuccesses, baselineTrials, candidateSuccesses, candidateTrials } = counts;
  const own = { baselineSuccesses, baselineTrials, candidateSuccesses, candidateTrials };
  return {
    test: 'fisher-exact',
    pValue: fisherExact(baselineSuccesses, baselineTrials, candidateSuccesses, candidateTrials),
    interval: agreeingChangeInterval({ counts: own }, 1 - confidence),
    counts: own,
  };
}

/** How `agreeingChangeInterval` makes the interval of a test with these counts. */
export function changeIntervalMethod(test: Pick<ProportionTest, 'counts'>): IntervalMethod {
  return 'bothRight' in test.counts ? 'exact-mcnemar' : 'exact-fisher';
}

/**
 * The interval of the change candidate − baseline at level `alpha` (confidence 1 − α) that agrees
 * with the test: it excludes 0 exactly when the test's raw p < α (docs/statistics.md, "Exact
 * paired interval", "Exact unpaired interval"). The end nearer 0 is the exact test's inversion
 * (conditional on the samples that changed, or on both margins); the far end is the farther of
 * that and Newcombe's score interval at the same level, so it does not understate how large the
 * change may be. Pass the family-adjusted α′ of the test (stats/familyLevels.ts) beside a corrected
 * decision. Null without samples.
 */
export function agreeingChangeInterval(test: Pick<ProportionTest, 'counts'>, alpha: number): Interval | null {
  const { counts } = test;
  if ('bothRight' in counts) {
    const exact = pairedExactChangeInterval(counts, alpha);
    return exact === null ? null : keepNearEnd(exact, pairedDifferenceInterval(counts, 1 - alpha));
  }
  const exact = fisherExactChangeInterval(counts, alpha);
  return exact === null ? null : keepNearEnd(exact, unpairedDifferenceInterval(counts, 1 - alpha));
}

/** What a gate records about the interval it shows (GateResult's interval fields). */
export type IntervalFields = Required<
  Pick<GateResult, 'intervalLevel' | 'intervalMethod' | 'intervalMatchesTest'>
> &
  Pick<GateResult, 'intervalCorrection'>;

/** One test of a family, after the correction: what a gate shows beside its decision. */
export interface FamilyOutcome {
  /** p after the correction across the family; null where the test is null. */
  pValue: number | null;
  /** Whether the corrected test rejects (adjusted p < α). */
  rejected: boolean;
  /** The level α′ of the interval (stats/familyLevels.ts). */
  intervalAlpha: number;
  /** The interval that agrees with the corrected decision; null where the test is null or has no samples. */
  interval: Interval | null;
  /** The interval fields of the gate result; null where there is no interval. */
  fields: IntervalFields | null;
}

/**
 * A family of proportion tests (the classes of the per-class gate, the slice × class cells of a
 * slice gate) corrected together: each test's adjusted p, its decision at `alpha`, and the
 * interval at its family-adjusted level α′, which excludes 0 exactly when the corrected test
 * rejects (docs/statistics.md, "Intervals that agree with the corrected decision"). A null test
 * counts in the family as p = 1 (it can reject nothing). A family of one is not corrected.
 */
export function familyProportionOutcomes(
  tests: readonly (ProportionTest | null)[],
  alpha: number,
  correction: PValueAdjustment,
): FamilyOutcome[] {
  const effective = tests.length > 1 ? correction : 'none';
  const levels = familyLevels(
    tests.map((t) => t?.pValue ?? 1),
    alpha,
    effective,
  );
  return tests.map((test, i) => {
    const intervalAlpha = levels.alphas[i]!;
    const interval = test === null ? null : agreeingChangeInterval(test, intervalAlpha);
    const fields: IntervalFields | null =
      test === null || interval === null
        ? null
        : {
            intervalLevel: 1 - intervalAlpha,
            intervalMethod: changeIntervalMethod(test),
            intervalMatchesTest: true,
            ...(effective === 'none'
              ? {}
              : { intervalCorrection: { correction: effective, family: tests.length } }),
          };
    return {
      pValue: test === null ? null : levels.adjusted[i]!,
      rejected: levels.rejected[i]!,
      intervalAlpha,
      interval,
      fields,
    };
  });
}
