/**
 * The robustness figures of the stress section (stressComparison.ts) against hand-computed values:
 * accuracy and flip rate per cell with their changes, mean corruption accuracy (geometry and
 * occlusion apart), CE, relative CE, mCE and relative mCE (undefined, with the reason, when the
 * baseline's denominator is 0), which class degrades first, and the paired design (same digest,
 * seed and stressed ids) with its unpaired fallback.
 */
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { compareStress, degradesFirst, stressView } from '../../src/compare/stressComparison.js';
import type { Report } from '../../src/report/types.js';
import { digestOf } from '../__fixtures__/reports.js';
import {
  balancedSamples,
  predictionsWithErrors,
  type StressedCell,
  stressedReport,
} from '../__fixtures__/stressedReports.js';

const CLASSES = ['a', 'b'];

/** One cell: perturbation, severity, wrong samples per class of the baseline and of the candidate. */
type CellSpec = [string, number, [number, number], [number, number]];

/**
 * 10 samples per class (20). The baseline is right on every clean sample; the candidate misses the
 * first clean sample of 'b' (clean error 1/20 = 0.05).
 */
function scenario(
  cells: CellSpec[],
  options: { perClass?: number; candidateSeed?: number; candidateDigest?: string } = {},
): { baseline: Report; candidate: Report } {
  const perClass = options.perClass ?? 10;
  const { ids, labels } = balancedSamples(CLASSES, perClass);
  const side = (which: 2 | 3): StressedCell[] =>
    cells.map(([perturbation, severity, before, after]) => ({
      perturbation,
      severity,
      predictions: predictionsWithErrors(labels, 2, which === 2 ? before : after),
    }));
  return {
    baseline: stressedReport(
      {
        classNames: CLASSES,
        ids,
        labels,
        predictions: predictionsWithErrors(labels, 2, [0, 0]),
        cells: side(2),
      },
      { modelSha256: 'a'.repeat(64) },
    ),
    candidate: stressedReport(
      {
        classNames: CLASSES,
        ids,
        labels,
        predictions: predictionsWithErrors(labels, 2, [0, 1]),
        cells: side(3),
        seed: options.candidateSeed ?? 0,
      },
      {
        modelSha256: 'b'.repeat(64),
        ...(options.candidateDigest ? { testSetDigest: options.candidateDigest } : {}),
      },
    ),
  };
}

const SUITE: CellSpec[] = [
  ['gaussian_noise', 1, [1, 1], [2, 3]],
  ['gaussian_noise', 2, [2, 2], [4, 4]],
  ['fog', 1, [0, 0], [1, 1]],
  ['rotate', 1, [1, 0], [2, 2]],
];

/** Wilson score interval, written out (reference.md section 8), z for 95%. */
function wilson(k: number, n: number): { low: number; high: number } {
  const z = 1.959963984540054;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return { low: centre - half, high: centre + half };
}

describe('stress comparison figures', () => {
  it('accuracy, flip rate and their changes per cell match the hand count', () => {
    const { baseline, candidate } = scenario(SUITE);
    const stress = compareReports(baseline, candidate).stress!;
    expect(stress.design).toBe('paired');
    const gn1 = stress.cells.find((c) => c.perturbation === 'gaussian_noise' && c.severity === 1)!;
    expect(gn1.candidateAccuracy).toBeCloseTo(15 / 20, 12);
    expect(gn1.baselineAccuracy).toBeCloseTo(18 / 20, 12);
    expect(gn1.accuracyDelta).toBeCloseTo(-3 / 20, 12);
    // Candidate: a0, a1 predicted b (clean a); b0 predicted a as clean; b1, b2 predicted a (clean b).
    expect(gn1.candidateFlips.flips).toBe(4);
    expect(gn1.candidateFlips.rate).toBeCloseTo(0.2, 12);
    const w = wilson(4, 20);
    expect(gn1.candidateFlips.interval!.low).toBeCloseTo(w.low, 10);
    expect(gn1.candidateFlips.interval!.high).toBeCloseTo(w.high, 10);
    expect(gn1.baselineFlips!.flips).toBe(2);
    expect(gn1.flipRateDelta).toBeCloseTo(0.1, 12);
    // Paired McNemar table: both wrong a0, b0; the baseline alone right on a1, b1, b2.
    expect(gn1.pairedCounts).toEqual({ bothRight: 15, baselineOnly: 3, candidateOnly: 0, bothWrong: 2 });
    expect(gn1.accuracyTest!.test).toBe('mcnemar-exact');
    expect(gn1.accuracyTest!.pValue).toBeCloseTo(0.25, 12); // 2·(½)³
    const b = gn1.classes.find((c) => c.name === 'b')!;
    expect(b.candidateRecall).toBeCloseTo(0.7, 12);
    expect(b.baselineRecall).toBeCloseTo(0.9, 12);
    expect(b.recallTest!.test).toBe('paired-exact-recall');
  });

  it('mean corruption accuracy averages the noise, blur, weather and digital cells; geometry and occlusion apart', () => {
    const { baseline, candidate } = scenario(SUITE);
    const stress = compareReports(baseline, candidate).stress!;
    expect(stress.meanCorruptionAccuracy.cells).toBe(3);
    expect(stress.meanCorruptionAccuracy.candidate).toBeCloseTo((0.75 + 0.6 + 0.9) / 3, 12);
    expect(stress.meanCorruptionAccuracy.baseline).toBeCloseTo((0.9 + 0.8 + 1) / 3, 12);
    expect(stress.meanCorruptionAccuracy.delta).toBeCloseTo(0.75 - 0.9, 12);
    expect(stress.meanGeometryOcclusionAccuracy).toMatchObject({ cells: 1 });
    expect(stress.meanGeometryOcclusionAccuracy.candidate).toBeCloseTo(0.8, 12);
    expect(stress.meanGeometryOcclusionAccuracy.baseline).toBeCloseTo(0.95, 12);
    expect(stress.cleanAccuracy.candidate).toBeCloseTo(0.95, 12);
    expect(stress.cleanAccuracy.baseline).toBe(1);
  });

  it('CE and relative CE per perturbation, and undefined with the reason when the baseline makes no error', () => {
    const { baseline, candidate } = scenario(SUITE);
    const stress = compareReports(baseline, candidate).stress!;
    const gn = stress.perturbations.find((p) => p.perturbation === 'gaussian_noise')!;
    expect(gn.sharedSeverities).toEqual([1, 2]);
    // CE = (0.25 + 0.4) / (0.1 + 0.2); relative CE = ((0.25 − 0.05) + (0.4 − 0.05)) / ((0.1 − 0) + (0.2 − 0)).
    expect(gn.ce.value).toBeCloseTo(0.65 / 0.3, 12);
    expect(gn.relativeCe.value).toBeCloseTo(0.55 / 0.3, 12);
    const fog = stress.perturbations.find((p) => p.perturbation === 'fog')!;
    expect(fog.ce.value).toBeNull();
    expect(fog.ce.reason).toMatch(/baseline makes no error under fog at severity 1, so CE divides by 0/);
    expect(fog.relativeCe.value).toBeNull();
    expect(fog.relativeCe.reason).toMatch(/does not rise above its clean error/);
    // mCE is undefined when any corruption's CE is, and says which.
    expect(stress.mce.value).toBeNull();
    expect(stress.mce.reason).toMatch(/CE is undefined for fog/);
    // Geometry has CE too, but is no part of mCE.
    const rotate = stress.perturbations.find((p) => p.perturbation === 'rotate')!;
    expect(rotate.corruption).toBe(false);
    expect(rotate.ce.value).toBeCloseTo(0.2 / 0.05, 12);
  });

  it('mCE and relative mCE are the means over the corruptions', () => {
    const { baseline, candidate } = scenario([
      ['gaussian_noise', 1, [1, 1], [2, 3]],
      ['gaussian_noise', 2, [2, 2], [4, 4]],
      ['brightness', 1, [1, 1], [1, 1]],
      ['rotate', 1, [1, 0], [2, 2]],
    ]);
    const stress = compareReports(baseline, candidate).stress!;
    const brightness = stress.perturbations.find((p) => p.perturbation === 'brightness')!;
    expect(brightness.ce.value).toBeCloseTo(1, 12);
    expect(brightness.relativeCe.value).toBeCloseTo((0.1 - 0.05) / 0.1, 12);
    expect(stress.mce.value).toBeCloseTo((0.65 / 0.3 + 1) / 2, 12);
    expect(stress.relativeMce.value).toBeCloseTo((0.55 / 0.3 + 0.5) / 2, 12);
  });

  it('relative CE is undefined when the baseline is better stressed than clean (a negative denominator)', () => {
    const { ids, labels } = balancedSamples(CLASSES, 10);
    const cells = (wrong: [number, number]) => [
      { perturbation: 'contrast', severity: 1, predictions: predictionsWithErrors(labels, 2, wrong) },
    ];
    const baseline = stressedReport({
      classNames: CLASSES,
      ids,
      labels,
      predictions: predictionsWithErrors(labels, 2, [2, 2]),
      cells: cells([1, 1]),
    });
    const candidate = stressedReport({
      classNames: CLASSES,
      ids,
      labels,
      predictions: predictionsWithErrors(labels, 2, [0, 0]),
      cells: cells([2, 2]),
    });
    const contrast = compareReports(baseline, candidate).stress!.perturbations[0]!;
    expect(contrast.ce.value).toBeCloseTo(0.2 / 0.1, 12);
    expect(contrast.relativeCe.value).toBeNull();
    expect(contrast.relativeCe.reason).toMatch(/summed change -0\.100/);
  });

  it('which class degrades first: the largest relative drop at the lowest severity beyond the tolerance', () => {
    const { baseline, candidate } = scenario(SUITE);
    const view = stressView(candidate)!;
    // Severity 1: 'a' 1.0 → 0.8 (drop 0.2, 20%), 'b' 0.9 → 0.7 (drop 0.2, 22%): 'b'.
    const first = degradesFirst(view, 'gaussian_noise', 0.02)!;
    expect(first.class).toBe('b');
    expect(first.severity).toBe(1);
    expect(first.cleanRecall).toBeCloseTo(0.9, 12);
    expect(first.recall).toBeCloseTo(0.7, 12);
    expect(first.relativeDrop).toBeCloseTo(0.2 / 0.9, 12);
    // With a tolerance of 0.25 nothing is beyond it at severity 1; at 2 'a' drops 0.4 (40%), 'b' 0.3 (33%).
    expect(degradesFirst(view, 'gaussian_noise', 0.25)).toMatchObject({ class: 'a', severity: 2 });
    // A drop of exactly the tolerance is within it.
    expect(degradesFirst(view, 'gaussian_noise', 0.4)).toBeNull();
    // Ties (the baseline: both 1.0 → 0.9) go to the larger absolute drop, then class order.
    const stress = compareReports(baseline, candidate).stress!;
    const gn = stress.perturbations.find((p) => p.perturbation === 'gaussian_noise')!;
    expect(gn.baselineDegradesFirst).toMatchObject({ class: 'a', severity: 1 });
    expect(gn.candidateDegradesFirst).toMatchObject({ class: 'b', severity: 1 });
    expect(stress.classTolerance).toBe(0.02);
  });

  it('another stress seed, or another test set, compares the cells unpaired (Fisher) and says why', () => {
    const seeded = scenario(SUITE, { candidateSeed: 7 });
    const bySeed = compareReports(seeded.baseline, seeded.candidate).stress!;
    expect(bySeed.design).toBe('unpaired');
    expect(bySeed.reason).toMatch(/seed 0 and the candidate with seed 7/);
    expect(bySeed.cells[0]!.accuracyTest!.test).toBe('fisher-exact');
    expect(bySeed.cells[0]!.pairedCounts).toBeNull();
    const moved = scenario(SUITE, { candidateDigest: digestOf('other-test-set') });
    const byDigest = compareStress(moved.baseline, moved.candidate, null, {
      confidence: 0.95,
      classTolerance: 0.02,
    })!;
    expect(byDigest.design).toBe('unpaired');
    expect(byDigest.reason).toMatch(/different test sets/);
  });

  it('a baseline without a stress section: not compared, the candidate figures still shown', () => {
    const { baseline, candidate } = scenario(SUITE);
    const { stress: _gone, ...plain } = baseline;
    const stress = compareReports(plain as Report, candidate).stress!;
    expect(stress.design).toBe('not-compared');
    expect(stress.reason).toBe('the baseline report has no stress section');
    expect(stress.cells[0]!.baselineAccuracy).toBeNull();
    expect(stress.cells[0]!.candidateFlips.rate).toBeCloseTo(0.2, 12);
    expect(stress.perturbations[0]!.ce.value).toBeNull();
    // Without a baseline stress section, the candidate's own means.
    expect(stress.meanCorruptionAccuracy.candidate).toBeCloseTo(0.75, 12);
  });

  it('suites that differ are named, and the means run over the shared cells', () => {
    const { baseline } = scenario(SUITE);
    const { candidate } = scenario([...SUITE, ['gaussian_noise', 3, [0, 0], [5, 5]]]);
    const stress = compareReports(baseline, candidate).stress!;
    expect(stress.suitesDiffer).toBe('only the candidate stressed gaussian_noise 3');
    expect(stress.meanCorruptionAccuracy.cells).toBe(3);
    expect(stress.perturbations[0]!.sharedSeverities).toEqual([1, 2]);
  });

  it('a report without a stress section gives no stress comparison', () => {
    const { baseline, candidate } = scenario(SUITE);
    const { stress: _gone, ...plain } = candidate;
    expect(compareReports(baseline, plain as Report).stress).toBeUndefined();
  });
});
