/**
 * Bootstrap figures for macro F1 and ECE, which have no closed-form interval. Both resample the
 * per-sample records (for a comparison, the same indices for both models; src/stats/bootstrap.ts),
 * seeded by the report's seed so a verdict is reproducible. Every interval is the basic
 * (reverse-percentile) bootstrap interval, which corrects the upward bias of ECE that a percentile
 * interval would carry.
 *
 * - A bound gate (macro-f1.min, ece.max) gets the one-sided basic-bootstrap p of H0 "the true
 *   figure respects the bound" and the interval of the candidate's figure.
 * - A change gate (macro-f1.max-drop, ece.max-increase) is decided by the paired randomization
 *   test (randomizationTests.ts); the bootstrap only gives the interval of the change shown beside
 *   it.
 */
import { CALIBRATION_BINS, calibrationBin } from '../metrics/calibration.js';
import { basicBootstrap, basicBootstrapPValue } from '../stats/bootstrap.js';
import type { Interval } from '../stats/types.js';
import type { TestOutcome } from './gateResults.js';
import type { PairedSamples } from './pairing.js';

/** Resamples per bootstrap: interval ends and p-values near 0.05 are stable to about ±0.005. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Fewest resamples on very large test sets (p-values near 0.05 then stable to about ±0.01). */
export const MIN_RESAMPLES = 500;
/** Sample visits a bootstrap may make (a few seconds): above 100,000 samples, fewer resamples. */
const BOOTSTRAP_WORK = 2e8;

/** Resamples for a test set of n samples: 2,000, down to 500 for the largest test sets. */
export function resamplesFor(n: number): number {
  const affordable = Math.floor(BOOTSTRAP_WORK / Math.max(1, n));
  return Math.max(MIN_RESAMPLES, Math.min(BOOTSTRAP_RESAMPLES, affordable));
}

export type Statistic = (indices: Uint32Array) => readonly [number, number];

/**
 * Macro F1 of both models on a resample: the mean over the classes present in the resample of
 * F1 = 2·TP / (support + predicted), as the report's macro F1 (classes with support > 0).
 */
export function macroF1Statistic(paired: PairedSamples, numClasses: number): Statistic {
  const { labels } = paired;
  const baseline = macroF1Figure(labels, paired.baselinePredictions, numClasses);
  const candidate =
    paired.candidatePredictions === paired.baselinePredictions
      ? null
      : macroF1Figure(labels, paired.candidatePredictions, numClasses);
  return bothModels(baseline, candidate);
}

/** One model's macro F1 on a resample (see macroF1Statistic). */
function macroF1Figure(labels: Int32Array, predictions: Int32Array, numClasses: number): Figure {
  const support = new Float64Array(numClasses);
  const tp = new Float64Array(numClasses);
  const predicted = new Float64Array(numClasses);
  return (indices) => {
    support.fill(0);
    tp.fill(0);
    predicted.fill(0);
    for (let i = 0; i < indices.length; i++) {
      const s = indices[i]!;
      const label = labels[s]!;
      const p = predictions[s]!;
      support[label]!++;
      predicted[p]!++;
      if (p === label) tp[label]!++;
    }
    let macro = 0;
    let present = 0;
    for (let k = 0; k < numClasses; k++) {
      if (support[k] === 0) continue;
      present++;
      macro += (2 * tp[k]!) / (support[k]! + predicted[k]!);
    }
    return macro / present;
  };
}

/**
 * Expected calibration error of both models on a resample: 15 equal-width right-closed bins of the
 * top-1 confidence (as src/metrics/calibration.ts), ECE = Σ_bins |Σ correct − Σ confidence| / n.
 * Confidences come from the per-sample records (6 decimals), so the full-sample value can differ
 * from the report's (computed at full precision) in the sixth decimal.
 */
export function eceStatistic(paired: PairedSamples): Statistic {
  const { labels } = paired;
  const baseline = eceFigure(labels, paired.baselinePredictions, paired.baselineConfidences);
  const same =
    paired.candidatePredictions === paired.baselinePredictions &&
    paired.candidateConfidences === paired.baselineConfidences;
  const candidate = same ? null : eceFigure(labels, paired.candidatePredictions, paired.candidateConfidences);
  return bothModels(baseline, candidate);
}

/** One model's ECE on a resample (see eceStatistic); each sample's bin and correctness found once. */
function eceFigure(labels: Int32Array, predictions: Int32Array, confidences: Float64Array): Figure {
  const n = labels.length;
  const bin = new Uint8Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    bin[i] = calibrationBin(confidences[i]!);
    correct[i] = predictions[i] === labels[i] ? 1 : 0;
  }
  const gap = new Float64Array(CALIBRATION_BINS);
  return (indices) => {
    if (indices.length === 0) return 0;
    gap.fill(0);
    for (let i = 0; i < indices.length; i++) {
      const s = indices[i]!;
      gap[bin[s]!]! += correct[s]! - confidences[s]!;
    }
    let sum = 0;
    for (let b = 0; b < CALIBRATION_BINS; b++) sum += Math.abs(gap[b]!);
    return sum / indices.length;
  };
}

/** A figure of one model on a resample. */
type Figure = (indices: Uint32Array) => number;

/**
 * [baseline, candidate] on a resample. `candidate` null: both sides are the same records
 * (`selfPaired`, a bound test of the candidate alone), so the figure is computed once.
 */
function bothModels(baseline: Figure, candidate: Figure | null): Statistic {
  return (indices) => {
    const before = baseline(indices);
    return [before, candidate === null ? before : candidate(indices)] as const;
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
 * Basic bootstrap interval of the change, candidate − baseline (clipped to [−1, 1]); null when
 * n = 0. For display beside a randomization test: the verdict does not rest on it.
 */
export function bootstrapChangeInterval(
  n: number,
  statistic: Statistic,
  settings: BootstrapSettings,
): Interval | null {
  return basicBootstrap({
    n,
    statistic: (indices) => {
      const [b, c] = statistic(indices);
      return c - b;
    },
    seed: settings.seed,
    confidence: settings.confidence,
    resamples: settings.resamples ?? resamplesFor(n),
    range: { low: -1, high: 1 },
  }).interval;
}

/**
 * Fewest samples a bootstrap bound test reads a 5% tail from. Below it the resampling
 * distribution is too coarse (one sample resamples to itself: every replicate equal, p = 1/(B + 1)
 * whatever the truth), so no test is made. A judgement call, the size of the smallest class the
 * per-class gate judges without a note (min-class-samples defaults to 30).
 */
export const MIN_BOOTSTRAP_SAMPLES = 20;

/** Why a bootstrap bound test was not made (its outcome has pValue null). */
export const BOOTSTRAP_NO_TEST = `the bootstrap needs at least ${MIN_BOOTSTRAP_SAMPLES} per-sample records whose figure varies across resamples`;

export interface BootstrapBoundInput {
  /** Paired samples the statistic resamples. */
  n: number;
  statistic: Statistic;
  kind: 'min' | 'max';
  bound: number;
  settings: BootstrapSettings;
}

/**
 * One-sided basic-bootstrap test of a bound on the candidate's figure: `kind` 'min' (H0: figure ≥
 * bound) or 'max' (H0: figure ≤ bound). `statistic` gives [baseline, candidate]; only the candidate
 * is used. The interval is the basic interval of the candidate's figure, clipped to [0, 1].
 * No test (p and interval null; BOOTSTRAP_NO_TEST says why) with fewer than MIN_BOOTSTRAP_SAMPLES
 * samples or when every resample gives the same figure: the bootstrap then sees no variability, and
 * its smallest possible p would "prove" a breach from no evidence.
 */
export function bootstrapBound(input: BootstrapBoundInput): TestOutcome {
  const { n, statistic, kind, bound, settings } = input;
  if (n < MIN_BOOTSTRAP_SAMPLES) return { test: 'bootstrap', pValue: null, interval: null };
  const result = basicBootstrap({
    n,
    statistic: (indices) => statistic(indices)[1],
    seed: settings.seed,
    confidence: settings.confidence,
    resamples: settings.resamples ?? resamplesFor(n),
    range: { low: 0, high: 1 },
  });
  const { replicates } = result;
  if (replicates[0] === replicates[replicates.length - 1]) {
    return { test: 'bootstrap', pValue: null, interval: null };
  }
  return {
    test: 'bootstrap',
    pValue: basicBootstrapPValue(result, bound, kind === 'min' ? 'at-least' : 'at-most'),
    interval: result.interval,
    intervalInfo: bootstrapIntervalInfo(settings.confidence),
  };
}

/**
 * A basic bootstrap interval beside a bootstrap or randomization test: a description of the
 * figure's spread, not the test inverted, so it may exclude 0 (the bound) while the test does not
 * reject, or the reverse (docs/statistics.md, "Intervals that agree with the corrected decision").
 */
export function bootstrapIntervalInfo(confidence: number): NonNullable<TestOutcome['intervalInfo']> {
  return { intervalLevel: confidence, intervalMethod: 'basic-bootstrap', intervalMatchesTest: false };
}
