/**
 * The accuracy and macro-F1 gates.
 * - accuracy.max-drop: McNemar's exact test when paired, Fisher's otherwise (compare.ts);
 * - accuracy.min: one-sided exact binomial test of H0 "true accuracy ≥ min" (scipy binomtest,
 *   alternative='less');
 * - macro-f1.max-drop: paired randomization test of the macro-F1 difference (randomizationTests.ts)
 *   with a basic bootstrap interval; without pairing no test is possible (a possible regression);
 * - macro-f1.min: one-sided basic bootstrap of the candidate's macro F1 against the minimum.
 */
import { binomialBoundInterval } from '../stats/exactIntervals.js';
import { binomialTestLess } from '../stats/exactTests.js';
import { BOOTSTRAP_NO_TEST, bootstrapBound, macroF1Statistic } from './bootstrapTests.js';
import { accuracyCounts } from './compare.js';
import { levelText } from './evidenceText.js';
import { type GateContext, pairedSamples, unpairedReason } from './gateContext.js';
import { boundGate, changeGate, type TestOutcome } from './gateResults.js';
import { selfPaired } from './pairing.js';
import { agreeingChangeInterval, changeIntervalMethod } from './proportionTests.js';
import { macroF1Swaps, randomizationChange } from './randomizationTests.js';
import { samplesText } from './recallGate.js';
import type { GateResult, ProportionTest } from './types.js';

export function accuracyGates(context: GateContext): GateResult[] {
  const gate = context.gates.accuracy;
  if (gate === undefined) return [];
  const { candidate, baseline, comparison, statistics } = context;
  const results: GateResult[] = [];
  const { correct, samples } = accuracyCounts(candidate);
  const common = {
    label: 'accuracy',
    scale: 'rate' as const,
    evidence: gate,
    statistics,
    candidate: candidate.metrics.accuracy,
    figuresSuffix: `, ${samplesText(samples)}`,
  };
  if (gate.min !== undefined) {
    const min = gate.min;
    const alpha = gate.alpha ?? statistics.alpha;
    // The one-sided test inverted: the interval's upper end (the one-sided 1 − α bound) is below
    // `min` exactly when the test rejects; shown as the two-sided interval at 1 − 2α.
    const test: TestOutcome | null =
      samples > 0
        ? {
            test: 'binomial-exact',
            pValue: binomialTestLess(correct, samples, min),
            interval: binomialBoundInterval(correct, samples, min, alpha),
            intervalInfo: minimumIntervalInfo(alpha),
          }
        : null;
    results.push(
      boundGate({
        ...common,
        gate: 'accuracy.min',
        kind: 'min',
        bound: min,
        baseline: baseline?.metrics.accuracy ?? null,
        test,
      }),
    );
  }
  if (gate.maxDrop !== undefined) {
    const test = comparison?.accuracyTest ?? null;
    results.push(
      changeGate({
        ...common,
        gate: 'accuracy.max-drop',
        direction: 'drop',
        tolerance: gate.maxDrop,
        baseline: baseline ? baseline.metrics.accuracy : undefined,
        test: test === null ? null : accuracyChangeOutcome(test, gate.alpha ?? statistics.alpha),
      }),
    );
  }
  return results;
}

/**
 * The accuracy change's test with the interval that agrees with it at the gate's α (one test, not
 * corrected): the exact McNemar (Fisher, unpaired) test inverted, as for a class's recall.
 */
function accuracyChangeOutcome(test: ProportionTest, alpha: number): TestOutcome {
  return {
    test: test.test,
    pValue: test.pValue,
    interval: agreeingChangeInterval(test, alpha),
    intervalInfo: {
      intervalLevel: 1 - alpha,
      intervalMethod: changeIntervalMethod(test),
      intervalMatchesTest: true,
    },
  };
}

export function macroF1Gates(context: GateContext): GateResult[] {
  const gate = context.gates.macroF1;
  if (gate === undefined) return [];
  const { candidate, baseline, statistics } = context;
  const numClasses = candidate.classes.length;
  const settings = { seed: context.seed, confidence: statistics.confidence };
  const results: GateResult[] = [];
  const common = {
    label: 'macro F1',
    scale: 'rate' as const,
    evidence: gate,
    statistics,
    candidate: candidate.metrics.macroF1,
  };
  if (gate.min !== undefined) {
    const own = gate.significance ? selfPaired(candidate) : null;
    const test =
      own !== null && own.n > 0
        ? bootstrapBound({
            n: own.n,
            statistic: macroF1Statistic(own, numClasses),
            kind: 'min',
            bound: gate.min,
            settings,
          })
        : null;
    results.push(
      boundGate({
        ...common,
        gate: 'macro-f1.min',
        kind: 'min',
        bound: gate.min,
        baseline: baseline?.metrics.macroF1 ?? null,
        test,
        noTestReason: test === null ? 'the report carries no per-sample records' : BOOTSTRAP_NO_TEST,
        figuresSuffix: own ? `, ${samplesText(own.n)}` : '',
      }),
    );
  }
  if (gate.maxDrop !== undefined) {
    const paired = pairedSamples(context);
    const test =
      gate.significance && paired !== null && baseline !== null
        ? randomizationChange(
            paired.n,
            macroF1Swaps(paired, numClasses),
            macroF1Statistic(paired, numClasses),
            settings,
          )
        : null;
    results.push(
      changeGate({
        ...common,
        gate: 'macro-f1.max-drop',
        direction: 'drop',
        tolerance: gate.maxDrop,
        baseline: baseline ? baseline.metrics.macroF1 : undefined,
        test,
        noTestReason: unpairedReason(context),
      }),
    );
  }
  return results;
}

/**
 * How the interval beside a one-sided minimum (`accuracy.min`, a slice's `accuracy.min`) is read:
 * the Clopper–Pearson interval at 1 − 2α, whose upper end is the one-sided 1 − α bound that the
 * exact test inverts, so it lies below the minimum exactly when the test rejects.
 */
export function minimumIntervalInfo(alpha: number): NonNullable<TestOutcome['intervalInfo']> {
  return {
    intervalLevel: 1 - 2 * alpha,
    intervalMethod: 'clopper-pearson',
    intervalMatchesTest: true,
    note: `its upper end the one-sided ${levelText(1 - alpha)} bound`,
  };
}
