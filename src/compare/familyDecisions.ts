/**
 * One correction family decided at once, for the gates that test many things together (slice
 * gates, stress gates): the p-values corrected together by `statistics.correction`, and each
 * interval's level from familyLevels (the function the per-class gate's intervals use), at the
 * test's own gate α, so that every interval shown excludes the null exactly when its corrected
 * test rejects.
 */
import { binomialBoundInterval } from '../stats/exactIntervals.js';
import { familyLevels } from '../stats/familyLevels.js';
import type { GateContext } from './gateContext.js';
import { minimumIntervalInfo } from './headlineGates.js';
import type { IntervalInfo, TestOutcome } from './gateResults.js';
import { agreeingChangeInterval, changeIntervalMethod } from './proportionTests.js';
import type { GateResult, ProportionTest } from './types.js';

/** How a tested result is decided: its corrected p and the family-adjusted level of its interval. */
export interface Decision {
  pValue: number;
  /** α′ of familyLevels: the interval at 1 − α′ excludes the null exactly when pValue < α. */
  intervalAlpha: number;
  correction: GateContext['statistics']['correction'];
  /** Tests in the family. */
  family: number;
}

/** A result waiting for its family's decision (raw null: no test, built with null). */
export interface Planned {
  raw: number | null;
  /** The gate's α (the level its corrected p is compared with). */
  alpha: number;
  build: (decision: Decision | null) => GateResult;
}

/** The decisions of the family `planned`, in its order (null where there was no test). */
export function decideFamily(
  planned: Planned[],
  method: GateContext['statistics']['correction'],
): Array<Decision | null> {
  const tested = planned.map((_, i) => i).filter((i) => planned[i]!.raw !== null);
  const raw = tested.map((i) => planned[i]!.raw!);
  const correction = tested.length > 1 ? method : 'none';
  const out: Array<Decision | null> = planned.map(() => null);
  const byAlpha = new Map<number, ReturnType<typeof familyLevels>>();
  tested.forEach((at, k) => {
    const alpha = planned[at]!.alpha;
    let levels = byAlpha.get(alpha);
    if (levels === undefined) {
      levels = familyLevels(raw, alpha, correction);
      byAlpha.set(alpha, levels);
    }
    out[at] = {
      pValue: levels.adjusted[k]!,
      intervalAlpha: levels.alphas[k]!,
      correction,
      family: tested.length,
    };
  });
  return out;
}

/** The family adjustment of a decided interval, recorded in the result and named in its message ("slice tests"). */
export function familyFields(
  decision: Decision,
  unit: string,
): Pick<IntervalInfo, 'intervalCorrection' | 'familyUnit'> {
  return decision.correction === 'none'
    ? {}
    : { intervalCorrection: { correction: decision.correction, family: decision.family }, familyUnit: unit };
}

/**
 * A change test as the gate shows it: the corrected p, and the test's own inverted interval at the
 * family-adjusted level (agreeingChangeInterval, as the per-class gate), so that it excludes 0
 * exactly when the corrected test rejects. Without a decision (significance off) the raw figures.
 */
export function decidedTest(test: ProportionTest, decision: Decision | null, unit: string): TestOutcome {
  if (decision === null) return { test: test.test, pValue: test.pValue, interval: test.interval };
  return {
    test: test.test,
    pValue: decision.pValue,
    interval: agreeingChangeInterval(test, decision.intervalAlpha),
    intervalInfo: {
      intervalLevel: 1 - decision.intervalAlpha,
      intervalMethod: changeIntervalMethod(test),
      intervalMatchesTest: true,
      ...familyFields(decision, unit),
    },
  };
}

/**
 * The one-sided exact test of an accuracy minimum (`correct` of `samples` against `min`) as a gate
 * shows it: the corrected p, and the upper bound inverted at the family level beside a decision,
 * at the table's one-sided level without one (significance off); null without samples.
 */
export function minimumTest(
  counts: { correct: number; samples: number },
  min: number,
  decision: Decision | null,
  family: { confidence: number; unit: string },
): TestOutcome | null {
  if (counts.samples === 0) return null;
  const level = decision?.intervalAlpha ?? (1 - family.confidence) / 2;
  return {
    test: 'binomial-exact',
    pValue: decision?.pValue ?? null,
    interval: binomialBoundInterval(counts.correct, counts.samples, min, level),
    intervalInfo: { ...minimumIntervalInfo(level), ...(decision ? familyFields(decision, family.unit) : {}) },
  };
}
