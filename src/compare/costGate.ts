/**
 * The cost gates: expected misclassification cost per sample under the cost matrix the candidate
 * report was made with (`report.cost.matrix`; rows = true class, columns = predicted class).
 * - cost.max: one-sided one-sample t-test of H0 "true expected cost ≤ max";
 * - cost.max-increase: paired t-test on the per-sample cost differences when the samples pair
 *   (scipy ttest_rel), Welch's t-test from the two reports' sums otherwise (ttest_ind, equal_var=False).
 * The baseline's cost is recomputed from its confusion matrix under the candidate's cost matrix
 * (the confusion matrix is a sufficient statistic), so a baseline made without `costs` or with
 * another matrix is compared on the same terms.
 */
import { computeCost, perSampleCosts } from '../metrics/costs.js';
import type { CostSummary } from '../metrics/types.js';
import type { Report } from '../report/types.js';
import { pairedMeanDifference, welchMeanDifference } from '../stats/meanTests.js';
import type { MeanComparison } from '../stats/types.js';
import type { GateContext } from './gateContext.js';
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

/** A t comparison as a gate outcome; no test (threshold) when the variance cannot be estimated. */
function outcome(test: 'paired-t' | 'welch-t' | 't-test', comparison: MeanComparison): TestOutcome | null {
  if (comparison.pValue === null) return null;
  return { test, pValue: comparison.pValue, interval: comparison.interval };
}

/** Formats a cost with 3 decimals, more when needed to differ from `other` (as fractions are). */
function formatCost(value: number, other?: number): string {
  let digits = 3;
  if (other !== undefined && Math.abs(value - other) > 1e-12) {
    while (digits < 6 && value.toFixed(digits) === other.toFixed(digits)) digits++;
  }
  return value.toFixed(digits);
}

export function costGates(context: GateContext): GateResult[] {
  const gate = context.gates.cost;
  if (gate === undefined) return [];
  const { candidate, baseline, statistics } = context;
  const cost = candidate.cost;
  const results: GateResult[] = [];
  if (cost === undefined) {
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

  const label = `expected cost per sample${cost.unit ? ` (${cost.unit})` : ''}`;
  const common = {
    label,
    evidence: gate,
    statistics,
    candidate: cost.expected,
    figuresSuffix: `, ${samplesText(cost.samples)}`,
    format: formatCost,
  };
  const before = baseline === null ? null : baselineCost(baseline, cost, statistics.confidence);

  if (gate.max !== undefined) {
    const max = gate.max;
    let test: TestOutcome | null = null;
    if (cost.samples >= 2) {
      // One-sample t-test of the mean against max: shift every cost by −max (sums only).
      const n = cost.samples;
      const shifted = pairedMeanDifference(
        cost.sum - n * max,
        cost.sumOfSquares - 2 * max * cost.sum + n * max * max,
        n,
        statistics.confidence,
      );
      if (shifted.pValue !== null) {
        // One-sided p of H0 "mean ≤ max" from the two-sided p of "mean = max".
        const oneSided = shifted.mean > 0 ? shifted.pValue / 2 : 1 - shifted.pValue / 2;
        test = { test: 't-test', pValue: oneSided, interval: cost.interval };
      }
    }
    results.push(
      boundGate({
        ...common,
        gate: 'cost.max',
        kind: 'max',
        bound: max,
        baseline: before?.expected ?? null,
        test,
        noTestReason: 'fewer than 2 samples or no spread in the costs',
      }),
    );
  }

  if (gate.maxIncrease !== undefined) {
    let test: TestOutcome | null = null;
    const noTestReason = 'fewer than 2 samples or no spread in the costs';
    const paired = context.pairing !== null && 'paired' in context.pairing ? context.pairing.paired : null;
    if (before !== null && paired !== null) {
      const after = perSampleCosts(cost.matrix, paired.labels, paired.candidatePredictions);
      const previous = perSampleCosts(cost.matrix, paired.labels, paired.baselinePredictions);
      let sum = 0;
      let sumOfSquares = 0;
      for (let i = 0; i < paired.n; i++) {
        const d = after[i]! - previous[i]!;
        sum += d;
        sumOfSquares += d * d;
      }
      test = outcome('paired-t', pairedMeanDifference(sum, sumOfSquares, paired.n, statistics.confidence));
    } else if (before !== null) {
      test = outcome(
        'welch-t',
        welchMeanDifference(
          { sum: before.sum, sumOfSquares: before.sumOfSquares, n: before.samples },
          { sum: cost.sum, sumOfSquares: cost.sumOfSquares, n: cost.samples },
          statistics.confidence,
        ),
      );
    }
    results.push(
      changeGate({
        ...common,
        gate: 'cost.max-increase',
        direction: 'increase',
        tolerance: gate.maxIncrease,
        baseline: baseline === null ? undefined : (before?.expected ?? null),
        baselineMissingReason: "the baseline's confusion matrix does not match the cost matrix",
        test,
        noTestReason,
      }),
    );
  }
  return results;
}
