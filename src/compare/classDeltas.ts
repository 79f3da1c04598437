/**
 * Per-class deltas between two runs: recall and F1 with their change, Wilson intervals and the test
 * of the recall change (paired when `tables` exist). One function for the whole test set and for
 * each slice, so both are judged by the same tests.
 */
import type { ClassMetrics } from '../metrics/types.js';
import { wilsonInterval } from '../stats/proportionIntervals.js';
import { type PairedTables, pairedProportionTest, unpairedProportionTest } from './proportionTests.js';
import type { ClassDelta, Interval, ProportionTest } from './types.js';

/** candidate - baseline, or null when either is missing. */
export function difference(candidate: number | null, baseline: number | null): number | null {
  return candidate === null || baseline === null ? null : candidate - baseline;
}

/** Wilson interval of a class's recall (TP of support) at `confidence`; null without samples. */
export function recallInterval(cls: ClassMetrics | undefined, confidence: number): Interval | null {
  if (cls === undefined || !(cls.support > 0)) return null;
  return wilsonInterval(cls.truePositives, cls.support, confidence);
}

/**
 * One delta per candidate class, matched to the baseline's class of the same name; `tables` are
 * the paired tables of these samples (byClass in candidate class order), or null to test unpaired.
 */
export function classDeltas(
  baselineClasses: readonly ClassMetrics[],
  candidateClasses: readonly ClassMetrics[],
  tables: PairedTables | null,
  confidence: number,
): ClassDelta[] {
  const byName = new Map<string, ClassMetrics>(baselineClasses.map((c) => [c.name, c]));
  return candidateClasses.map((c, index) => {
    const before = byName.get(c.name);
    const baselineRecall = before?.recall ?? null;
    const baselineF1 = before?.f1 ?? null;
    let recallTest: ProportionTest | null = null;
    if (before !== undefined && before.support > 0 && c.support > 0) {
      recallTest =
        tables !== null
          ? pairedProportionTest(tables.byClass[index]!, confidence, 'paired-exact-recall')
          : unpairedProportionTest(
              {
                baselineSuccesses: before.truePositives,
                baselineTrials: before.support,
                candidateSuccesses: c.truePositives,
                candidateTrials: c.support,
              },
              confidence,
            );
    }
    return {
      name: c.name,
      support: c.support,
      baselineRecall,
      candidateRecall: c.recall,
      recallDelta: difference(c.recall, baselineRecall),
      baselineRecallInterval: recallInterval(before, confidence),
      candidateRecallInterval: recallInterval(c, confidence),
      recallTest,
      baselinePrecision: before?.precision ?? null,
      candidatePrecision: c.precision,
      baselineF1,
      candidateF1: c.f1,
      f1Delta: difference(c.f1, baselineF1),
    };
  });
}
