/**
 * The robustness figures of a report's stress section (report.stress), side by side with the
 * baseline's same cells (docs/stress.md; the formulas are reference.md section 2):
 * - per cell (perturbation × severity): accuracy and per-class recall with Wilson intervals and the
 *   test of each change against the baseline's same cell, and the flip rate (the share of stressed
 *   samples whose prediction differs from the same model's clean prediction of that sample) with
 *   its Wilson interval and its change;
 * - mean corruption accuracy: the mean accuracy over the cells of the ImageNet-C corruption
 *   families (noise, blur, weather, digital). Geometry and occlusion are not corruptions in
 *   ImageNet-C's sense (they move or hide the object rather than degrade the signal), so they are
 *   averaged apart (`meanGeometryOcclusionAccuracy`) and left out of mCE;
 * - corruption error CE_c = Σ_s E_{s,c}(candidate) / Σ_s E_{s,c}(baseline) over the severities both
 *   reports stressed, and relative CE_c = Σ_s (E_{s,c} − E_clean)(candidate) / Σ_s (E_{s,c} −
 *   E_clean)(baseline), the baseline model in the role of ImageNet-C's AlexNet (Hendrycks &
 *   Dietterich, ICLR 2019). E is top-1 error; E_clean is each model's clean error on its own
 *   stressed samples (the subset, when `stress.samples` chose one), so both terms are on the same
 *   images. CE is undefined (null, with the reason) when the baseline makes no error under c, and
 *   relative CE when the baseline's summed degradation is not positive (0 divides by nothing; a
 *   negative sum, the baseline better under c than clean, would flip the ratio's meaning);
 *   mCE and relative mCE are their means over the corruptions, undefined when any is;
 * - which class degrades first under each perturbation (types.ts, DegradesFirst).
 *
 * Tests are the rest of the verdict's (proportionTests.ts): when both reports stressed the very
 * same images (the same test set by digest, the same stress seed and the same stressed sample ids;
 * the perturbations are seeded per (seed, sample id, perturbation, severity)), McNemar's exact test
 * on a cell's samples paired by id and the paired exact test on a class's discordant pairs within
 * it; Fisher's exact test on each side's cell counts otherwise, and `reason` says why. p-values
 * here are raw: the stress gates correct them (stressGates.ts).
 */
import type { Report, StressCellReport, StressReport } from '../report/types.js';
import { wilsonInterval } from '../stats/proportionIntervals.js';
import { classDeltas, difference } from './classDeltas.js';
import { messageName } from './messageText.js';
import type { PairedSamples, PairingAttempt } from './pairing.js';
import { type PairedTables, pairedTables } from './proportionTests.js';
import { accuracyChangeTest, sliceAccuracyCounts } from './sliceComparison.js';
import type {
  DegradesFirst,
  FlipRate,
  Interval,
  RatioFigure,
  StressCellDelta,
  StressComparison,
  StressDesign,
  StressMean,
  StressPerturbationSummary,
} from './types.js';

/** The ImageNet-C corruption families; mean corruption accuracy and mCE run over their cells. */
export const CORRUPTION_FAMILIES: readonly string[] = ['noise', 'blur', 'weather', 'digital'];

export function isCorruption(family: string): boolean {
  return CORRUPTION_FAMILIES.includes(family);
}

/** The key of a cell: perturbation and severity. */
export function cellKey(perturbation: string, severity: number): string {
  return `${perturbation}\u0000${severity}`;
}

/** One report's stressed samples: labels and clean predictions aligned with `stress.sampleIndices`. */
export interface StressView {
  report: Report;
  stress: StressReport;
  ids: string[];
  labels: Int32Array;
  clean: Int32Array;
  cells: Map<string, StressCellReport>;
}

/** The stressed samples of a report; null without a stress section. */
export function stressView(report: Report): StressView | null {
  const stress = report.stress;
  if (stress === undefined) return null;
  const n = stress.sampleIndices.length;
  const ids: string[] = new Array(n);
  const labels = new Int32Array(n);
  const clean = new Int32Array(n);
  stress.sampleIndices.forEach((at, k) => {
    ids[k] = report.samples.ids[at]!;
    labels[k] = report.samples.labels[at]!;
    clean[k] = report.samples.predictions[at]!;
  });
  const cells = new Map<string, StressCellReport>();
  for (const cell of stress.cells) cells.set(cellKey(cell.perturbation, cell.severity), cell);
  return { report, stress, ids, labels, clean, cells };
}

/**
 * The stress pairing: `order[k]` is the baseline's stressed-sample position of the candidate's
 * k-th stressed sample. Needs the clean samples to pair, the same test set (digest), the same
 * stress seed and subset, and the same stressed ids; otherwise why not.
 */
export type StressPairing = { order: Int32Array } | { reason: string };

export function pairStress(
  baseline: StressView,
  candidate: StressView,
  attempt: PairingAttempt | null,
): StressPairing {
  if (attempt !== null && !('paired' in attempt)) return { reason: attempt.reason };
  if (baseline.report.testSet.digest !== candidate.report.testSet.digest) {
    return { reason: 'the two reports are on different test sets (their digests differ)' };
  }
  if (baseline.stress.seed !== candidate.stress.seed) {
    return {
      reason: `the baseline was stressed with seed ${baseline.stress.seed} and the candidate with seed ${candidate.stress.seed}, so their corrupted images differ`,
    };
  }
  if (baseline.stress.subset !== candidate.stress.subset || baseline.ids.length !== candidate.ids.length) {
    return {
      reason: `the baseline stressed ${baseline.ids.length} samples (${baseline.stress.subset}) and the candidate ${candidate.ids.length} (${candidate.stress.subset})`,
    };
  }
  const index = new Map<string, number>();
  baseline.ids.forEach((id, j) => {
    index.set(id, j);
  });
  const order = new Int32Array(candidate.ids.length);
  let missing = 0;
  candidate.ids.forEach((id, k) => {
    const j = index.get(id);
    if (j === undefined) missing++;
    else order[k] = j;
  });
  if (missing > 0) {
    return {
      reason: `the two reports stressed different samples (${missing} of the candidate's stressed samples are not stressed in the baseline)`,
    };
  }
  return { order };
}

/** Whether a cell's class table agrees with its per-sample predictions; what differs, or null. */
function cellDisagreement(view: StressView, cell: StressCellReport): string | null {
  const k = view.report.classes.length;
  if (cell.predictions.length !== view.labels.length) {
    return `cell ${cell.perturbation} at severity ${cell.severity} has ${cell.predictions.length} predictions for ${view.labels.length} stressed samples`;
  }
  const support = new Float64Array(k);
  const right = new Float64Array(k);
  for (let i = 0; i < view.labels.length; i++) {
    const label = view.labels[i]!;
    support[label]!++;
    if (cell.predictions[i] === label) right[label]!++;
  }
  for (let c = 0; c < k; c++) {
    const name = view.report.classes[c]!.name;
    const cls = cell.classes.find((x) => x.name === name);
    if ((cls?.support ?? 0) !== support[c] || (cls?.truePositives ?? 0) !== right[c]) {
      return `cell ${cell.perturbation} at severity ${cell.severity}, class '${messageName(name)}': ${support[c]} samples, ${right[c]} right by the samples; ${cls?.support ?? 0} and ${cls?.truePositives ?? 0} in the table`;
    }
  }
  return null;
}

/** The paired samples of one cell (candidate order), for pairedTables. */
function pairedCell(
  candidate: StressView,
  order: Int32Array,
  before: StressCellReport,
  after: StressCellReport,
): PairedSamples {
  const n = candidate.labels.length;
  const baselinePredictions = new Int32Array(n);
  for (let k = 0; k < n; k++) baselinePredictions[k] = before.predictions[order[k]!]!;
  return {
    n,
    labels: candidate.labels,
    baselinePredictions,
    candidatePredictions: Int32Array.from(after.predictions),
    baselineConfidences: new Float64Array(n).fill(Number.NaN),
    candidateConfidences: new Float64Array(n).fill(Number.NaN),
  };
}

/** Flips of one cell: stressed predictions that differ from the same model's clean ones. */
export function flipRate(view: StressView, cell: StressCellReport, confidence: number): FlipRate {
  const n = Math.min(view.clean.length, cell.predictions.length);
  let flips = 0;
  for (let k = 0; k < n; k++) if (cell.predictions[k] !== view.clean[k]) flips++;
  return {
    flips,
    samples: n,
    rate: n > 0 ? flips / n : null,
    interval: interval(flips, n, confidence),
  };
}

function interval(successes: number, trials: number, confidence: number): Interval | null {
  return trials > 0 ? wilsonInterval(successes, trials, confidence) : null;
}

function accuracyOf(cell: StressCellReport): number | null {
  const { correct, samples } = sliceAccuracyCounts(cell.classes);
  return samples > 0 ? correct / samples : null;
}

/** A model's clean accuracy on its stressed samples; null without any. */
export function cleanAccuracy(view: StressView): number | null {
  const n = view.labels.length;
  if (n === 0) return null;
  let right = 0;
  for (let k = 0; k < n; k++) if (view.clean[k] === view.labels[k]) right++;
  return right / n;
}

/** A model's clean recall per class (report class order) on its stressed samples; null for a class without any. */
function cleanRecalls(view: StressView): Array<number | null> {
  const k = view.report.classes.length;
  const support = new Float64Array(k);
  const right = new Float64Array(k);
  for (let i = 0; i < view.labels.length; i++) {
    support[view.labels[i]!]!++;
    if (view.clean[i] === view.labels[i]) right[view.labels[i]!]!++;
  }
  return Array.from({ length: k }, (_, c) => (support[c]! > 0 ? right[c]! / support[c]! : null));
}

/**
 * Which class degrades first under `perturbation` (types.ts, DegradesFirst): the lowest severity at
 * which some class's recall is below its clean recall on the same samples by more than
 * `tolerance`; there, the class beyond the tolerance with the largest drop relative to its clean
 * recall (ties: the larger absolute drop, then class order). null when no class ever drops by more.
 */
export function degradesFirst(
  view: StressView,
  perturbation: string,
  tolerance: number,
): DegradesFirst | null {
  const clean = cleanRecalls(view);
  const cells = view.stress.cells
    .filter((c) => c.perturbation === perturbation)
    .sort((a, b) => a.severity - b.severity);
  for (const cell of cells) {
    let best: DegradesFirst | null = null;
    view.report.classes.forEach((cls, c) => {
      const before = clean[c];
      const now = cell.classes.find((x) => x.name === cls.name);
      if (before === null || before === undefined || !(before > 0) || now === undefined || !(now.support > 0))
        return;
      const recall = now.truePositives / now.support;
      const drop = before - recall;
      // The same float tolerance as the gates (findings.ts EPSILON): a drop of exactly the tolerance is within it.
      if (!(drop > tolerance + 1e-12)) return;
      const relativeDrop = drop / before;
      if (
        best === null ||
        relativeDrop > best.relativeDrop + 1e-12 ||
        (Math.abs(relativeDrop - best.relativeDrop) <= 1e-12 && drop > best.drop + 1e-12)
      ) {
        best = { class: cls.name, severity: cell.severity, cleanRecall: before, recall, drop, relativeDrop };
      }
    });
    if (best !== null) return best;
  }
  return null;
}

export interface StressCompareOptions {
  confidence: number;
  /** The per-class tolerance of "which class degrades first" (the stress per-class gate's max-drop, else the per-class gate's). */
  classTolerance: number;
}

/**
 * The candidate's stress cells beside the baseline's; undefined when the candidate has no stress
 * section. `baseline` null (no baseline) or without a stress section: the candidate's own figures,
 * design 'not-compared'.
 */
export function compareStress(
  baseline: Report | null,
  candidate: Report,
  attempt: PairingAttempt | null,
  options: StressCompareOptions,
): StressComparison | undefined {
  const after = stressView(candidate);
  if (after === null) return undefined;
  const { confidence, classTolerance } = options;
  const before = baseline === null ? null : stressView(baseline);
  let design: StressDesign = 'not-compared';
  let reason: string | undefined =
    baseline === null
      ? 'no baseline (this run sets the first one)'
      : 'the baseline report has no stress section';
  let order: Int32Array | null = null;
  if (before !== null) {
    const pairing = pairStress(before, after, attempt);
    if ('order' in pairing) {
      const off = [
        ...after.stress.cells.map((c) => cellDisagreement(after, c)),
        ...before.stress.cells.map((c) => cellDisagreement(before, c)),
      ].find((x) => x !== null);
      if (off === undefined) {
        design = 'paired';
        reason = undefined;
        order = pairing.order;
      } else {
        design = 'unpaired';
        reason = `a stress cell's figures do not match its samples (${off})`;
      }
    } else {
      design = 'unpaired';
      reason = pairing.reason;
    }
  }
  const cells = after.stress.cells.map((cell) => cellDelta(cell, before, after, order, confidence));
  const perturbations = summaries(before, after, classTolerance);
  const corruptions = perturbations.filter((p) => p.corruption);
  return {
    design,
    ...(reason === undefined ? {} : { reason }),
    suitesDiffer: before === null ? null : suitesDiffer(before, after),
    samples: after.labels.length,
    cleanAccuracy: {
      baseline: before === null ? null : cleanAccuracy(before),
      candidate: cleanAccuracy(after),
    },
    meanCorruptionAccuracy: meanAccuracy(before, after, isCorruption),
    meanGeometryOcclusionAccuracy: meanAccuracy(before, after, (family) => !isCorruption(family)),
    mce: meanRatio(corruptions, (p) => p.ce, 'CE'),
    relativeMce: meanRatio(corruptions, (p) => p.relativeCe, 'relative CE'),
    cells,
    perturbations,
    classTolerance,
  };
}

function cellDelta(
  cell: StressCellReport,
  before: StressView | null,
  after: StressView,
  order: Int32Array | null,
  confidence: number,
): StressCellDelta {
  const earlier = before?.cells.get(cellKey(cell.perturbation, cell.severity));
  const now = sliceAccuracyCounts(cell.classes);
  const then = earlier === undefined ? null : sliceAccuracyCounts(earlier.classes);
  // Other parameters (another image size) are other images: such a cell cannot pair.
  const sameImages = earlier !== undefined && sameParameters(earlier, cell);
  const tables: PairedTables | null =
    order !== null && earlier !== undefined && sameImages
      ? pairedTables(pairedCell(after, order, earlier, cell), after.report.classes.length)
      : null;
  const accuracyTest = accuracyChangeTest(then, now, tables, confidence);
  const candidateAccuracy = now.samples > 0 ? now.correct / now.samples : null;
  const baselineAccuracy = then !== null && then.samples > 0 ? then.correct / then.samples : null;
  const candidateFlips = flipRate(after, cell, confidence);
  const baselineFlips =
    earlier === undefined || before === null ? null : flipRate(before, earlier, confidence);
  return {
    perturbation: cell.perturbation,
    family: cell.family,
    severity: cell.severity,
    corruption: isCorruption(cell.family),
    samples: now.samples,
    baselineSamples: then?.samples ?? null,
    baselineAccuracy,
    candidateAccuracy,
    accuracyDelta: difference(candidateAccuracy, baselineAccuracy),
    baselineAccuracyInterval: then === null ? null : interval(then.correct, then.samples, confidence),
    candidateAccuracyInterval: interval(now.correct, now.samples, confidence),
    accuracyTest,
    classes: classDeltas(earlier?.classes ?? [], cell.classes, tables, confidence),
    pairedCounts: tables?.overall ?? null,
    candidateFlips,
    baselineFlips,
    flipRateDelta: difference(candidateFlips.rate, baselineFlips?.rate ?? null),
  };
}

function sameParameters(a: StressCellReport, b: StressCellReport): boolean {
  return JSON.stringify(a.parameters) === JSON.stringify(b.parameters);
}

/** What differs between the two suites, as a sentence; null when every cell is in both with the same parameters. */
export function suitesDiffer(before: StressView, after: StressView): string | null {
  const names = (cells: StressCellReport[]) => cells.map((c) => `${c.perturbation} ${c.severity}`);
  const onlyCandidate = after.stress.cells.filter(
    (c) => !before.cells.has(cellKey(c.perturbation, c.severity)),
  );
  const onlyBaseline = before.stress.cells.filter(
    (c) => !after.cells.has(cellKey(c.perturbation, c.severity)),
  );
  const otherParameters = after.stress.cells.filter((c) => {
    const then = before.cells.get(cellKey(c.perturbation, c.severity));
    return then !== undefined && !sameParameters(then, c);
  });
  const parts: string[] = [];
  const list = (cells: StressCellReport[]) => {
    const shown = names(cells).slice(0, 5).join(', ');
    return cells.length > 5 ? `${shown} and ${cells.length - 5} more` : shown;
  };
  if (onlyCandidate.length > 0) parts.push(`only the candidate stressed ${list(onlyCandidate)}`);
  if (onlyBaseline.length > 0) parts.push(`only the baseline stressed ${list(onlyBaseline)}`);
  if (otherParameters.length > 0)
    parts.push(`other parameters (other images, not paired) for ${list(otherParameters)}`);
  return parts.length === 0 ? null : parts.join('; ');
}

/**
 * The mean accuracy over the cells of the families `pick` selects: over the cells both reports
 * have when the baseline has a stress section (so the change compares like with like), else over
 * all the candidate's.
 */
function meanAccuracy(
  before: StressView | null,
  after: StressView,
  pick: (family: string) => boolean,
): StressMean {
  const cells = after.stress.cells.filter(
    (c) => pick(c.family) && (before === null || before.cells.has(cellKey(c.perturbation, c.severity))),
  );
  const mean = (values: Array<number | null>): number | null =>
    values.length === 0 || values.some((v) => v === null)
      ? null
      : values.reduce<number>((s, v) => s + v!, 0) / values.length;
  const candidate = mean(cells.map(accuracyOf));
  const baseline =
    before === null
      ? null
      : mean(cells.map((c) => accuracyOf(before.cells.get(cellKey(c.perturbation, c.severity))!)));
  return { cells: cells.length, baseline, candidate, delta: difference(candidate, baseline) };
}

/** Severities of one perturbation in a view, ascending. */
function severitiesOf(view: StressView, perturbation: string): number[] {
  return view.stress.cells
    .filter((c) => c.perturbation === perturbation)
    .map((c) => c.severity)
    .sort((a, b) => a - b);
}

function summaries(
  before: StressView | null,
  after: StressView,
  tolerance: number,
): StressPerturbationSummary[] {
  const out: StressPerturbationSummary[] = [];
  const seen = new Set<string>();
  for (const cell of after.stress.cells) {
    if (seen.has(cell.perturbation)) continue;
    seen.add(cell.perturbation);
    const name = cell.perturbation;
    const severities = severitiesOf(after, name);
    const shared = before === null ? [] : severitiesOf(before, name).filter((s) => severities.includes(s));
    const noBaseline = before === null ? 'no baseline stress section' : `the baseline did not stress ${name}`;
    let ce: RatioFigure = { value: null, reason: noBaseline };
    let relativeCe: RatioFigure = { value: null, reason: noBaseline };
    if (before !== null && shared.length > 0) {
      const range = severityRange(shared);
      const error = (view: StressView, s: number) =>
        1 - (accuracyOf(view.cells.get(cellKey(name, s))!) ?? Number.NaN);
      let numerator = 0;
      let denominator = 0;
      let relativeNumerator = 0;
      let relativeDenominator = 0;
      const cleanCandidate = 1 - (cleanAccuracy(after) ?? Number.NaN);
      const cleanBaseline = 1 - (cleanAccuracy(before) ?? Number.NaN);
      for (const s of shared) {
        numerator += error(after, s);
        denominator += error(before, s);
        relativeNumerator += error(after, s) - cleanCandidate;
        relativeDenominator += error(before, s) - cleanBaseline;
      }
      ce = Number.isNaN(numerator + denominator)
        ? { value: null, reason: `a cell of ${name} has no samples` }
        : denominator > 0
          ? { value: numerator / denominator }
          : {
              value: null,
              reason: `the baseline makes no error under ${name} at ${range}, so CE divides by 0`,
            };
      relativeCe = Number.isNaN(relativeNumerator + relativeDenominator)
        ? { value: null, reason: `a cell of ${name} has no samples` }
        : relativeDenominator > 1e-12
          ? { value: relativeNumerator / relativeDenominator }
          : {
              value: null,
              reason: `the baseline's error does not rise above its clean error under ${name} at ${range} (summed change ${relativeDenominator <= 1e-12 && relativeDenominator >= -1e-12 ? '0' : relativeDenominator.toFixed(3)}), so relative CE is undefined`,
            };
    }
    out.push({
      perturbation: name,
      family: cell.family,
      corruption: isCorruption(cell.family),
      severities,
      sharedSeverities: shared,
      ce,
      relativeCe,
      candidateDegradesFirst: degradesFirst(after, name, tolerance),
      baselineDegradesFirst:
        before === null || !before.stress.cells.some((c) => c.perturbation === name)
          ? null
          : degradesFirst(before, name, tolerance),
    });
  }
  return out;
}

function severityRange(severities: number[]): string {
  if (severities.length === 1) return `severity ${severities[0]}`;
  const contiguous = severities.every((s, i) => i === 0 || s === severities[i - 1]! + 1);
  return contiguous
    ? `severities ${severities[0]}–${severities.at(-1)}`
    : `severities ${severities.join(', ')}`;
}

/** The mean of a ratio over the corruptions; undefined when there are none or any is undefined (named). */
function meanRatio(
  corruptions: StressPerturbationSummary[],
  of: (p: StressPerturbationSummary) => RatioFigure,
  what: string,
): RatioFigure {
  if (corruptions.length === 0) return { value: null, reason: 'no corruption was stressed' };
  const missing = corruptions.filter((p) => of(p).value === null);
  if (missing.length > 0) {
    return {
      value: null,
      reason: `${what} is undefined for ${missing.map((p) => p.perturbation).join(', ')} (${of(missing[0]!).reason})`,
    };
  }
  return { value: corruptions.reduce((s, p) => s + of(p).value!, 0) / corruptions.length };
}
