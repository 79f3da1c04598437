/**
 * Paired randomization tests of a change in macro F1 or ECE (src/stats/randomization.ts): under
 * H0 "the candidate is no different from the baseline" the two models' outputs on each sample are
 * exchangeable, so the test swaps them, each sample where they differ with probability ½, and asks
 * how often the change is at least as large as the one observed (two-sided). Unlike a paired
 * bootstrap it conditions on the samples that changed, as McNemar's test does for accuracy: four
 * broken samples out of 300 give p = 0.125 (all 16 assignments enumerated), never a "proof" from a
 * handful of changes or from one sample.
 *
 * Each statistic keeps the counts of both models and updates them per swap: a macro-F1 swap moves
 * one sample between two predicted classes of each model (at most three classes' F1 change), an
 * ECE swap moves one sample between calibration bins. The interval shown beside the p-value is the
 * basic bootstrap interval of the change (bootstrapTests.ts).
 */
import { CALIBRATION_BINS, calibrationBin } from '../metrics/calibration.js';
import { pairedRandomizationTest, type SwapStatistic } from '../stats/randomization.js';
import {
  type BootstrapSettings,
  bootstrapChangeInterval,
  bootstrapIntervalInfo,
  type Statistic,
} from './bootstrapTests.js';
import type { TestOutcome } from './gateResults.js';
import type { PairedSamples } from './pairing.js';

/**
 * Macro F1 difference (candidate − baseline) over the classes with test samples, F1 =
 * 2·TP/(support + predicted) as the report's macro F1. Units: samples whose two predictions differ.
 * Only classes a unit touches (its label or either prediction) can differ between the models, so
 * value() sums those classes' differences, in a fixed order (the same assignment gives the same
 * float, and every other class contributes exactly 0).
 */
export function macroF1Swaps(paired: PairedSamples, numClasses: number): SwapStatistic {
  const support = new Float64Array(numClasses);
  const tp = [new Float64Array(numClasses), new Float64Array(numClasses)] as const;
  const predicted = [new Float64Array(numClasses), new Float64Array(numClasses)] as const;
  const units: number[] = [];
  for (let i = 0; i < paired.n; i++) {
    const label = paired.labels[i]!;
    const b = paired.baselinePredictions[i]!;
    const c = paired.candidatePredictions[i]!;
    support[label]!++;
    predicted[0][b]!++;
    predicted[1][c]!++;
    if (b === label) tp[0][label]!++;
    if (c === label) tp[1][label]!++;
    if (b !== c) units.push(i);
  }
  let present = 0;
  for (let k = 0; k < numClasses; k++) if (support[k]! > 0) present++;
  const touchedSet = new Set<number>();
  const side = [new Int32Array(units.length), new Int32Array(units.length)] as const;
  const unitLabel = new Int32Array(units.length);
  units.forEach((i, j) => {
    unitLabel[j] = paired.labels[i]!;
    side[0][j] = paired.baselinePredictions[i]!;
    side[1][j] = paired.candidatePredictions[i]!;
    for (const k of [unitLabel[j]!, side[0][j]!, side[1][j]!]) if (support[k]! > 0) touchedSet.add(k);
  });
  const touched = Int32Array.from([...touchedSet].sort((x, y) => x - y));

  return {
    units: units.length,
    value: () => {
      if (present === 0) return 0;
      let sum = 0;
      for (let t = 0; t < touched.length; t++) {
        const k = touched[t]!;
        const s = support[k]!;
        sum += (2 * tp[1][k]!) / (s + predicted[1][k]!) - (2 * tp[0][k]!) / (s + predicted[0][k]!);
      }
      return sum / present;
    },
    toggle: (j) => {
      const y = unitLabel[j]!;
      const a = side[0][j]!; // the baseline side's prediction now
      const b = side[1][j]!;
      predicted[0][a]!--;
      predicted[0][b]!++;
      predicted[1][b]!--;
      predicted[1][a]!++;
      if (a === y) {
        tp[0][y]!--;
        tp[1][y]!++;
      }
      if (b === y) {
        tp[0][y]!++;
        tp[1][y]!--;
      }
      side[0][j] = b;
      side[1][j] = a;
    },
  };
}

/** Confidences are stored with 6 decimals; in millionths every bin sum is an exact integer. */
const MICRO = 1e6;

/**
 * ECE difference (candidate − baseline), 15 equal-width right-closed bins as
 * src/metrics/calibration.ts: ECE = Σ_bins |Σ (correct − confidence)| / n. Units: samples whose
 * (bin, correctness, confidence) differ between the models. Bin sums are kept in millionths as
 * integers (the records' confidences have 6 decimals), so they are exact however often samples are
 * swapped, and equal assignments give equal values.
 */
export function eceSwaps(paired: PairedSamples): SwapStatistic {
  const { n } = paired;
  const gap = [new Float64Array(CALIBRATION_BINS), new Float64Array(CALIBRATION_BINS)] as const;
  const units: Array<[number, number, number, number]> = [];
  for (let i = 0; i < n; i++) {
    const label = paired.labels[i]!;
    const b = calibrationBin(paired.baselineConfidences[i]!);
    const c = calibrationBin(paired.candidateConfidences[i]!);
    const x =
      (paired.baselinePredictions[i] === label ? MICRO : 0) -
      Math.round(paired.baselineConfidences[i]! * MICRO);
    const y =
      (paired.candidatePredictions[i] === label ? MICRO : 0) -
      Math.round(paired.candidateConfidences[i]! * MICRO);
    gap[0][b]! += x;
    gap[1][c]! += y;
    if (b !== c || x !== y) units.push([b, x, c, y]);
  }
  const bin = [Int32Array.from(units, (u) => u[0]), Int32Array.from(units, (u) => u[2])] as const;
  const amount = [Float64Array.from(units, (u) => u[1]), Float64Array.from(units, (u) => u[3])] as const;
  return {
    units: units.length,
    value: () => {
      if (n === 0) return 0;
      let before = 0;
      let after = 0;
      for (let k = 0; k < CALIBRATION_BINS; k++) {
        before += Math.abs(gap[0][k]!);
        after += Math.abs(gap[1][k]!);
      }
      return (after - before) / (MICRO * n);
    },
    toggle: (j) => {
      const a = bin[0][j]!;
      const x = amount[0][j]!;
      const b = bin[1][j]!;
      const y = amount[1][j]!;
      gap[0][a]! -= x;
      gap[0][b]! += y;
      gap[1][b]! -= y;
      gap[1][a]! += x;
      bin[0][j] = b;
      amount[0][j] = y;
      bin[1][j] = a;
      amount[1][j] = x;
    },
  };
}

/**
 * The two-sided paired randomization test of a change, with the basic bootstrap interval of the
 * change (from `intervalStatistic`, [baseline, candidate] on a resample) for display.
 */
export function randomizationChange(
  n: number,
  swaps: SwapStatistic,
  intervalStatistic: Statistic,
  settings: BootstrapSettings,
): TestOutcome {
  const result = pairedRandomizationTest(swaps, { seed: settings.seed });
  return {
    test: 'paired-randomization',
    pValue: result.pValue,
    interval: bootstrapChangeInterval(n, intervalStatistic, settings),
    intervalInfo: bootstrapIntervalInfo(settings.confidence),
  };
}
