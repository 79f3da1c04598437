/**
 * The ECE gates (15 equal-width bins; the report's `calibration.ece`).
 * - ece.max: one-sided basic bootstrap of the candidate's ECE against the maximum (the basic
 *   bootstrap corrects ECE's upward bias, which a percentile bootstrap would turn into false
 *   "proofs" that a well-calibrated model is above the maximum);
 * - ece.max-increase: paired randomization test of the ECE difference on the per-sample
 *   confidences and correctness (randomizationTests.ts), with a basic bootstrap interval; without
 *   pairing no test is possible (a possible regression). A baseline without calibration (made
 *   before evalgate computed it) skips the gate with a message; a candidate without it cannot be
 *   checked.
 */
import { BOOTSTRAP_NO_TEST, bootstrapBound, eceStatistic, hasConfidences } from './bootstrapTests.js';
import { type GateContext, pairedSamples, unpairedReason } from './gateContext.js';
import { boundGate, changeGate } from './gateResults.js';
import { type PairedSamples, selfPaired } from './pairing.js';
import { eceSwaps, randomizationChange } from './randomizationTests.js';
import { samplesText } from './recallGate.js';
import type { GateResult } from './types.js';

const NO_CALIBRATION =
  'the candidate report has no calibration figures (it was made by an evalgate without them); re-run the ' +
  'evaluation with this version';

export function eceGates(context: GateContext): GateResult[] {
  const gate = context.gates.ece;
  if (gate === undefined) return [];
  const { candidate, baseline, statistics } = context;
  const results: GateResult[] = [];
  const calibration = candidate.calibration;
  if (calibration === undefined) {
    const bounds: Array<[string, number | undefined]> = [
      ['ece.max', gate.max],
      ['ece.max-increase', gate.maxIncrease],
    ];
    for (const [name, threshold] of bounds) {
      if (threshold === undefined) continue;
      results.push({
        gate: name,
        status: 'not-evaluable',
        baseline: baseline?.calibration?.ece ?? null,
        candidate: null,
        threshold,
        message: `ECE cannot be checked: ${NO_CALIBRATION}`,
        blocking: true,
      });
    }
    return results;
  }

  const settings = { seed: context.seed, confidence: statistics.confidence };
  // ECE is a rate (a gap between confidence and accuracy): percent, and its changes in points.
  const common = {
    label: 'ECE',
    scale: 'rate' as const,
    evidence: gate,
    statistics,
    candidate: calibration.ece,
  };
  if (gate.max !== undefined) {
    const own = gate.significance ? selfPaired(candidate) : null;
    const usable = own !== null && own.n > 0 && hasConfidences(own);
    results.push(
      boundGate({
        ...common,
        gate: 'ece.max',
        kind: 'max',
        bound: gate.max,
        baseline: baseline?.calibration?.ece ?? null,
        test: usable
          ? bootstrapBound({ n: own.n, statistic: eceStatistic(own), kind: 'max', bound: gate.max, settings })
          : null,
        noTestReason: usable ? BOOTSTRAP_NO_TEST : confidencesProblem(own),
        figuresSuffix: own ? `, ${samplesText(own.n)}` : '',
      }),
    );
  }
  if (gate.maxIncrease !== undefined) {
    const paired = pairedSamples(context);
    const usable = gate.significance && paired !== null && hasConfidences(paired);
    results.push(
      changeGate({
        ...common,
        gate: 'ece.max-increase',
        direction: 'increase',
        tolerance: gate.maxIncrease,
        baseline: baseline === null ? undefined : (baseline.calibration?.ece ?? null),
        baselineMissingReason:
          baseline?.calibration === undefined
            ? 'the baseline report has no calibration figures (made before evalgate computed them); ' +
              'regenerate the baseline to compare ECE'
            : 'the baseline has no ECE (no test samples)',
        test:
          usable && paired !== null
            ? randomizationChange(paired.n, eceSwaps(paired), eceStatistic(paired), settings)
            : null,
        noTestReason: paired === null ? unpairedReason(context) : confidencesProblem(paired),
      }),
    );
  }
  return results;
}

/**
 * Why the per-sample confidences cannot be tested: no records, confidences missing (a report from
 * before they were recorded), or confidences that are no probabilities. Each reason only when it is
 * true: a report whose "confidences" exceed 1 does carry confidences, and saying it does not sent
 * users looking for the wrong problem.
 */
export function confidencesProblem(paired: PairedSamples | null): string {
  if (paired === null || paired.n === 0) return 'the report carries no per-sample records';
  const sides: Array<[string, Float64Array]> = [
    ['baseline', paired.baselineConfidences],
    ['candidate', paired.candidateConfidences],
  ];
  const self = paired.baselineConfidences === paired.candidateConfidences;
  for (const [side, confidences] of self ? sides.slice(1) : sides) {
    const owner = self ? 'the report' : `the ${side} report`;
    if (confidences.some((c) => Number.isNaN(c))) return `${owner} carries no per-sample confidences`;
    const outside = confidences.find((c) => !(c >= 0 && c <= 1));
    if (outside !== undefined) {
      return `${owner}'s per-sample confidences are not probabilities (one is ${outside}); check model.outputs`;
    }
  }
  return 'the per-sample confidences cannot be tested';
}
