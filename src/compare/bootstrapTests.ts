/**
 * Bootstrap tests for the figures without a closed-form test: macro F1 and ECE. Both resample the
 * paired per-sample records (the same indices for both models; src/stats/bootstrap.ts), seeded by
 * the report's seed so a verdict is reproducible.
 *
 * - A change gate gets a two-sided p-value: twice the one-sided bootstrap p in the direction the
 *   figure moved (capped at 1), comparable with the two-sided exact tests of the other gates.
 * - A bound gate (macro-f1.min, ece.max) gets the one-sided p of H0 "the true figure respects the
 *   bound": the share of resamples in which it does (with the +1 correction).
 */
import { CALIBRATION_BIN_EDGES, CALIBRATION_BINS, cellIndex } from '../metrics/calibration.js';
import { pairedBootstrap } from '../stats/bootstrap.js';
import type { TestOutcome } from './gateResults.js';
import type { PairedSamples } from './pairing.js';

/** Resamples per bootstrap test: percentile intervals and p-values near 0.05 are stable to about ±0.005. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Fewest resamples on very large test sets (p-values near 0.05 then stable to about ±0.01). */
export const MIN_BOOTSTRAP_RESAMPLES = 500;
/** Sample visits a bootstrap may make (a few seconds): above 100,000 samples, fewer resamples. */
const BOOTSTRAP_WORK = 2e8;

/** Resamples for a test set of n samples: 2,000, down to 500 for the largest test sets. */
export function resamplesFor(n: number): number {
  const affordable = Math.floor(BOOTSTRAP_WORK / Math.max(1, n));
  return Math.max(MIN_BOOTSTRAP_RESAMPLES, Math.min(BOOTSTRAP_RESAMPLES, affordable));
}

type Statistic = (indices: Uint32Array) => readonly [number, number];

/**
 * Macro F1 of both models on a resample: the mean over the classes present in the resample of
 * F1 = 2·TP / (support + predicted), as the report's macro F1 (classes with support > 0).
 */
export function macroF1Statistic(paired: PairedSamples, numClasses: number): Statistic {
  const support = new Float64Array(numClasses);
  const tp = [new Float64Array(numClasses), new Float64Array(numClasses)];
  const predicted = [new Float64Array(numClasses), new Float64Array(numClasses)];
  const predictions = [paired.baselinePredictions, paired.candidatePredictions];
  return (indices) => {
    support.fill(0);
    for (let m = 0; m < 2; m++) {
      tp[m]!.fill(0);
      predicted[m]!.fill(0);
    }
    for (let i = 0; i < indices.length; i++) {
      const s = indices[i]!;
      const label = paired.labels[s]!;
      support[label]!++;
      for (let m = 0; m < 2; m++) {
        const p = predictions[m]![s]!;
        predicted[m]![p]!++;
        if (p === label) tp[m]![label]!++;
      }
    }
    const macro = [0, 0];
    let present = 0;
    for (let k = 0; k < numClasses; k++) {
      if (support[k] === 0) continue;
      present++;
      for (let m = 0; m < 2; m++) macro[m]! += (2 * tp[m]![k]!) / (support[k]! + predicted[m]![k]!);
    }
    return [macro[0]! / present, macro[1]! / present] as const;
  };
}

/**
 * Expected calibration error of both models on a resample: 15 equal-width right-closed bins of the
 * top-1 confidence (as src/metrics/calibration.ts), ECE = Σ_bins |Σ correct − Σ confidence| / n.
 * Confidences come from the per-sample records (6 decimals), so the full-sample value can differ
 * from the report's (computed at full precision) in the sixth decimal.
 */
export function eceStatistic(paired: PairedSamples): Statistic {
  const { n } = paired;
  const bin = [new Uint8Array(n), new Uint8Array(n)];
  const correct = [new Uint8Array(n), new Uint8Array(n)];
  const confidences = [paired.baselineConfidences, paired.candidateConfidences];
  const predictions = [paired.baselinePredictions, paired.candidatePredictions];
  for (let m = 0; m < 2; m++) {
    for (let i = 0; i < n; i++) {
      bin[m]![i] = cellIndex(CALIBRATION_BIN_EDGES, confidences[m]![i]!);
      correct[m]![i] = predictions[m]![i] === paired.labels[i] ? 1 : 0;
    }
  }
  const gap = [new Float64Array(CALIBRATION_BINS), new Float64Array(CALIBRATION_BINS)];
  return (indices) => {
    const ece = [0, 0];
    for (let m = 0; m < 2; m++) {
      const g = gap[m]!;
      g.fill(0);
      for (let i = 0; i < indices.length; i++) {
        const s = indices[i]!;
        g[bin[m]![s]!]! += correct[m]![s]! - confidences[m]![s]!;
      }
      let sum = 0;
      for (let b = 0; b < CALIBRATION_BINS; b++) sum += Math.abs(g[b]!);
      ece[m] = indices.length === 0 ? 0 : sum / indices.length;
    }
    return [ece[0]!, ece[1]!] as const;
  };
}

/** Whether every confidence of both models is a number in [0, 1] (records of older reports may lack them). */
export function hasConfidences(paired: PairedSamples): boolean {
  for (let i = 0; i < paired.n; i++) {
    const b = paired.baselineConfidences[i]!;
    const c = paired.candidateConfidences[i]!;
    if (!(b >= 0 && b <= 1 && c >= 0 && c <= 1)) return false;
  }
  return true;
}

export interface BootstrapSettings {
  seed: number;
  confidence: number;
  resamples?: number;
}

/**
 * Two-sided bootstrap test of a change: `direction` 'drop' when lower is worse (macro F1),
 * 'increase' when higher is worse (ECE). The interval is of candidate − baseline.
 */
export function bootstrapChange(
  n: number,
  statistic: Statistic,
  direction: 'drop' | 'increase',
  settings: BootstrapSettings,
): TestOutcome {
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const [b, c] = statistic(identity);
  const observed = c - b;
  // Test in the direction the figure moved: "decrease" when it fell, "increase" when it rose.
  const regression =
    observed < 0 ? 'decrease' : observed > 0 ? 'increase' : direction === 'drop' ? 'decrease' : 'increase';
  const result = pairedBootstrap({
    n,
    statistic,
    seed: settings.seed,
    confidence: settings.confidence,
    resamples: settings.resamples ?? resamplesFor(n),
    regression,
  });
  return {
    test: 'paired-bootstrap',
    pValue: observed === 0 ? 1 : Math.min(1, 2 * result.pOneSided),
    interval: result.interval,
  };
}

/**
 * One-sided bootstrap test of a bound on the candidate's figure: `kind` 'min' (H0: figure ≥ bound)
 * or 'max' (H0: figure ≤ bound). `statistic` gives [baseline, candidate]; only the candidate is used.
 * The interval is the percentile interval of the candidate's figure.
 */
export function bootstrapBound(
  n: number,
  statistic: Statistic,
  kind: 'min' | 'max',
  bound: number,
  settings: BootstrapSettings,
): TestOutcome {
  // Difference = candidate − bound on each resample: the bootstrap's one-sided p is the share of
  // resamples that respect the bound.
  const result = pairedBootstrap({
    n,
    statistic: (indices) => [bound, statistic(indices)[1]] as const,
    seed: settings.seed,
    confidence: settings.confidence,
    resamples: settings.resamples ?? resamplesFor(n),
    regression: kind === 'min' ? 'decrease' : 'increase',
  });
  const interval =
    result.interval === null
      ? null
      : { low: result.interval.low + bound, high: result.interval.high + bound };
  return { test: 'bootstrap', pValue: result.pOneSided, interval };
}
