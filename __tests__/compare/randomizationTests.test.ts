import { describe, expect, it } from 'vitest';
import { eceStatistic, macroF1Statistic } from '../../src/compare/bootstrapTests.js';
import type { PairedSamples } from '../../src/compare/pairing.js';
import { eceSwaps, macroF1Swaps, randomizationChange } from '../../src/compare/randomizationTests.js';
import { pairedRandomizationTest } from '../../src/stats/randomization.js';
import { expectClose, loadStatGoldens } from '../helpers/goldenStats.js';

const golden = loadStatGoldens().cases;

function paired(
  labels: number[],
  baseline: number[],
  candidate: number[],
  baselineConfidences?: number[],
  candidateConfidences?: number[],
): PairedSamples {
  const n = labels.length;
  return {
    n,
    labels: Int32Array.from(labels),
    baselinePredictions: Int32Array.from(baseline),
    candidatePredictions: Int32Array.from(candidate),
    baselineConfidences: Float64Array.from(baselineConfidences ?? new Array<number>(n).fill(0.9)),
    candidateConfidences: Float64Array.from(candidateConfidences ?? new Array<number>(n).fill(0.9)),
  };
}

function identity(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

describe('macroF1Swaps', () => {
  it.each(golden.randomizationMacroF1!.map((c, i) => [i, c.units, c.p, c] as const))(
    'case %i (%i samples changed): exact p = %f as a brute-force enumeration with sklearn’s macro F1',
    (_i, _units, _p, c) => {
      const samples = paired(c.labels, c.baseline, c.candidate);
      const swaps = macroF1Swaps(samples, c.classes);
      expect(swaps.units).toBe(c.units);
      expectClose(swaps.value(), c.observed, 1e-12);
      const [b, a] = macroF1Statistic(samples, c.classes)(identity(samples.n));
      expectClose(swaps.value(), a - b, 1e-12);
      expectClose(pairedRandomizationTest(swaps, { seed: 1 }).pValue, c.p, 1e-12);
    },
  );

  it('swaps predictions, not only correctness: a change between two wrong classes counts', () => {
    // Sample 3 (class 1) is wrong for both models, predicted 0 by one and 2 by the other: F1 of
    // class 0 rises by 1/7, that of class 2 falls by 1/5.
    const swaps = macroF1Swaps(
      paired([0, 0, 0, 1, 1, 2, 2], [0, 0, 0, 0, 1, 2, 2], [0, 0, 0, 2, 1, 2, 2]),
      3,
    );
    expect(swaps.units).toBe(1);
    expect(swaps.value()).toBeCloseTo((1 / 7 - 1 / 5) / 3, 15);
  });
});

describe('eceSwaps', () => {
  it.each(golden.randomizationEce!.map((c, i) => [i, c.units, c.p, c] as const))(
    'case %i (%i samples differ): exact p = %f as a brute-force enumeration with numpy',
    (_i, _units, _p, c) => {
      const samples = paired(
        c.labels,
        c.baseline,
        c.candidate,
        c.baselineConfidences,
        c.candidateConfidences,
      );
      const swaps = eceSwaps(samples);
      expect(swaps.units).toBe(c.units);
      expectClose(swaps.value(), c.observed, 1e-9);
      const [b, a] = eceStatistic(samples)(identity(samples.n));
      expectClose(swaps.value(), a - b, 1e-9);
      expectClose(pairedRandomizationTest(swaps, { seed: 1 }).pValue, c.p, 1e-12);
    },
  );

  it('keeps the bin sums exact however often samples are swapped', () => {
    const n = 2000;
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    const confidences = (shift: number) =>
      Array.from({ length: n }, (_, i) => Math.round((0.4 + ((i * 7919 + shift) % 600) / 1000) * 1e6) / 1e6);
    const samples = paired(
      labels,
      labels.map((y, i) => (i % 5 === 0 ? (y + 1) % 3 : y)),
      labels.map((y, i) => (i % 7 === 0 ? (y + 2) % 3 : y)),
      confidences(0),
      confidences(13),
    );
    const swaps = eceSwaps(samples);
    const before = swaps.value();
    for (let round = 0; round < 50; round++) for (let j = 0; j < swaps.units; j++) swaps.toggle(j);
    expect(swaps.value()).toBe(before);
  });
});

describe('randomizationChange', () => {
  it('decides with the randomization p and shows a bootstrap interval of the change', () => {
    // Four of 300 samples broken, none fixed (the case a paired bootstrap called significant).
    const labels = Array.from({ length: 300 }, (_, i) => i % 3);
    const candidate = labels.map((y, i) => (i < 12 && y === 0 ? 1 : y));
    const samples = paired(labels, labels, candidate);
    const outcome = randomizationChange(300, macroF1Swaps(samples, 3), macroF1Statistic(samples, 3), {
      seed: 0,
      confidence: 0.95,
    });
    expect(outcome.test).toBe('paired-randomization');
    expect(outcome.pValue).toBe(0.125);
    expect(outcome.interval!.low).toBeLessThan(0);
    expect(outcome.interval!.low).toBeGreaterThanOrEqual(-1);
  });

  it('gives p = 1 from a single sample', () => {
    const samples = paired([0], [0], [1], [0.9], [0.9]);
    const macro = randomizationChange(1, macroF1Swaps(samples, 2), macroF1Statistic(samples, 2), {
      seed: 0,
      confidence: 0.95,
    });
    const ece = randomizationChange(1, eceSwaps(samples), eceStatistic(samples), {
      seed: 0,
      confidence: 0.95,
    });
    expect(macro.pValue).toBe(1);
    expect(ece.pValue).toBe(1);
  });
});
