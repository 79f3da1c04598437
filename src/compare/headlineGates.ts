/**
 * The accuracy and macro-F1 gates.
 * - accuracy.max-drop: McNemar's exact test when paired, Fisher's otherwise (compare.ts);
 * - accuracy.min: one-sided exact binomial test of H0 "true accuracy ≥ min" (scipy binomtest,
 *   alternative='less');
 * - macro-f1.max-drop: paired randomization test of the macro-F1 difference (randomizationTests.ts)
 *   with a basic bootstrap interval; without pairing no test is possible (a possible regression);
 * - macro-f1.min: one-sided basic bootstrap of the candidate's macro F1 against the minimum.
 */
import { binomialTestLess } from '../stats/exactTests.js';
import { BOOTSTRAP_NO_TEST, bootstrapBound, macroF1Statistic } from './bootstrapTests.js';
import { accuracyCounts, accuracyInterval } from './compare.js';
import { type GateContext, pairedSamples, unpairedReason } from './gateContext.js';
import { boundGate, changeGate, type TestOutcome } from './gateResults.js';
import { selfPaired } from './pairing.js';
import { macroF1Swaps, randomizationChange } from './randomizationTests.js';
import { samplesText } from './recallGate.js';
import type { GateResult } from './types.js';

export function accuracyGates(context: GateContext): GateResult[] {
  const gate = context.gates.accuracy;
  if (gate === undefined) return [];
  const { candidate, baseline, comparison, statistics } = context;
  const results: GateResult[] = [];
  const { correct, samples } = accuracyCounts(candidate);
  const common = {
    label: 'accuracy',
    evidence: gate,
    statistics,
    candidate: candidate.metrics.accuracy,
    figuresSuffix: `, ${samplesText(samples)}`,
  };
  if (gate.min !== undefined) {
    const min = gate.min;
    const test: TestOutcome | null =
      samples > 0
        ? {
            test: 'binomial-exact',
            pValue: binomialTestLess(correct, samples, min),
            interval: accuracyInterval(candidate, statistics.confidence),
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
        test: test === null ? null : { test: test.test, pValue: test.pValue, interval: test.interval },
      }),
    );
  }
  return results;
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
