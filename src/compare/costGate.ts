/**
 * The cost gates: expected misclassification cost per sample under the cost matrix the candidate
 * report was made with (`report.cost.matrix`; rows = true class, columns = predicted class).
 * - cost.max: one-sided one-sample t-test of H0 "true expected cost ≤ max";
 * - cost.max-increase: when the samples pair, the exact sign-flip (randomization) test on the
 *   per-sample cost differences (src/stats/randomization.ts): a paired t-test on a handful of
 *   nonzero differences is anti-conservative (4 harmful changes: t-test p = 0.045, exact
 *   p = 0.125) and has no answer when they are all equal; the paired t interval is shown beside it.
 *   Unpaired: Welch's t-test from the two reports' sums (scipy ttest_ind, equal_var=False).
 * The baseline's cost is recomputed from its confusion matrix under the candidate's cost matrix
 * (the confusion matrix is a sufficient statistic), so a baseline made without `costs` or with
 * another matrix is compared on the same terms.
 */
import { computeCost, perSampleCosts } from '../metrics/costs.js';
import type { CostSummary } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { pairedMeanDifference, welchMeanDifference } from '../stats/meanTests.js';
import { signFlipTest } from '../stats/randomization.js';
import type { MeanComparison } from '../stats/types.js';
import { type GateContext, pairedSamples } from './gateContext.js';
import { boundGate, changeGate, type TestOutcome } from './gateResults.js';
import { samplesText } from './recallGate.js';
import type { GateResult } from './types.js';

function isSquare(matrix: unknown, n: number): matrix is number[][] {
  return Array.isArray(matrix) && matrix.length === n && matrix.every((row) => row && row.length === n);
}

/** The baseline's cost under the candidate's cost matrix, or null when its confusion matrix is unusable. */
export function baselineCost(baseline: Report, cost: CostSummary, confidence: number): CostSummary | null {
  if (!isSquare(baseline.confusionMatrix, cost.matrix.length)) return null;
  return computeCost({ matrix: cost.matrix, unit: cost.unit }, baseline.confusionMatrix, confidence);
}

/** A t comparison as a gate outcome; no test when the t-test has no answer (meanTests.ts). */
function outcome(test: 'welch-t', comparison: MeanComparison, confidence: number): TestOutcome | null {
  if (comparison.pValue === null) return null;
  return {
    test,
    pValue: comparison.pValue,
    interval: comparison.interval,
    intervalInfo: { intervalLevel: confidence, intervalMethod: 'welch-t', intervalMatchesTest: false },
  };
}

export function costGates(context: GateContext): GateResult[] {
  const gate = context.gates.cost;
  if (gate === undefined) return [];
  const { candidate, baseline, statistics } = context;
  const cost = candidate.cost;
  if (cost === undefined) return noCostResults(gate);

  const common = {
    label: `expected cost per sample${cost.unit ? ` (${cost.unit})` : ''}`,
    evidence: gate,
    statistics,
    candidate: cost.expected,
    // Costs are formatted as fractions are (gateResults' default, formatFraction): 3 decimals, more
    // when needed to differ from the threshold.
    figuresSuffix: `, ${samplesText(cost.samples)}`,
  };
  const before = baseline === null ? null : baselineCost(baseline, cost, statistics.confidence);
  const results: GateResult[] = [];
  if (gate.max !== undefined) {
    results.push(
      boundGate({
        ...common,
        gate: 'cost.max',
        kind: 'max',
        bound: gate.max,
        baseline: before?.expected ?? null,
        test: costMaxTest(cost, gate.max, statistics.confidence),
        noTestReason: 'the t-test needs at least 2 samples and some spread in their costs',
      }),
    );
  }
  if (gate.maxIncrease !== undefined) {
    results.push(
      changeGate({
        ...common,
        gate: 'cost.max-increase',
        direction: 'increase',
        tolerance: gate.maxIncrease,
        baseline: baseline === null ? undefined : (before?.expected ?? null),
        baselineMissingReason: "the baseline's confusion matrix does not match the cost matrix",
        test: before === null ? null : costIncreaseTest(context, cost, before),
        noTestReason:
          'without paired samples the t-test needs at least 2 samples per report and some spread in their costs',
      }),
    );
  }
  return results;
}

/** Every configured cost gate, not evaluable: the candidate report has no cost figures. */
function noCostResults(gate: NonNullable<GateContext['gates']['cost']>): GateResult[] {
  const results: GateResult[] = [];
  for (const [name, threshold] of [
    ['cost.max', gate.max],
    ['cost.max-increase', gate.maxIncrease],
  ] as const) {
    if (threshold === undefined) continue;
    results.push({
      gate: name,
      status: 'not-evaluable',
      baseline: null,
      candidate: null,
      threshold,
      message:
        'the expected cost cannot be checked: the candidate report has no cost figures; set costs.matrix in ' +
        'evalgate.yml and re-run the evaluation',
      blocking: true,
    });
  }
  return results;
}

/** One-sided one-sample t-test of H0 "true expected cost ≤ max"; null below 2 samples or without spread. */
function costMaxTest(cost: CostSummary, max: number, confidence: number): TestOutcome | null {
  if (cost.samples < 2) return null;
  // One-sample t-test of the mean against max: shift every cost by −max (sums only).
  const n = cost.samples;
  const shifted = pairedMeanDifference(
    cost.sum - n * max,
    cost.sumOfSquares - 2 * max * cost.sum + n * max * max,
    n,
    confidence,
  );
  if (shifted.pValue === null) return null;
  // One-sided p of H0 "mean ≤ max" from the two-sided p of "mean = max".
  const oneSided = shifted.mean > 0 ? shifted.pValue / 2 : 1 - shifted.pValue / 2;
  // The report's t interval at `confidence`, a description beside the one-sided test.
  return {
    test: 't-test',
    pValue: oneSided,
    interval: cost.interval,
    intervalInfo: { intervalLevel: confidence, intervalMethod: 't', intervalMatchesTest: false },
  };
}

/**
 * The test of the cost change: the exact sign-flip test on the per-sample cost differences (with
 * the paired t interval) when the samples pair, else Welch's t-test from the two reports' sums.
 */
function costIncreaseTest(context: GateContext, cost: CostSummary, before: CostSummary): TestOutcome | null {
  const { confidence } = context.statistics;
  const paired = pairedSamples(context);
  if (paired === null) {
    return outcome(
      'welch-t',
      welchMeanDifference(
        { sum: before.sum, sumOfSquares: before.sumOfSquares, n: before.samples },
        { sum: cost.sum, sumOfSquares: cost.sumOfSquares, n: cost.samples },
        confidence,
      ),
      confidence,
    );
  }
  const after = perSampleCosts(cost.matrix, paired.labels, paired.candidatePredictions);
  const previous = perSampleCosts(cost.matrix, paired.labels, paired.baselinePredictions);
  const differences = new Float64Array(paired.n);
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < paired.n; i++) {
    const d = after[i]! - previous[i]!;
    differences[i] = d;
    sum += d;
    sumOfSquares += d * d;
  }
  return {
    test: 'sign-flip',
    pValue: signFlipTest(differences, { seed: context.seed }).pValue,
    interval: pairedMeanDifference(sum, sumOfSquares, paired.n, confidence).interval,
    intervalInfo: { intervalLevel: confidence, intervalMethod: 'paired-t', intervalMatchesTest: false },
  };
}
