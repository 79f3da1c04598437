import { describe, expect, it } from 'vitest';
import {
  bootstrapBound,
  bootstrapChangeInterval,
  eceStatistic,
  MIN_BOOTSTRAP_SAMPLES,
} from '../../src/compare/bootstrapTests.js';
import type { PairedSamples } from '../../src/compare/pairing.js';
import { createRandom } from '../../src/stats/random.js';

/** One model's records as both sides, with the given correctness and confidences. */
function own(correct: boolean[], confidences: number[]): PairedSamples {
  const n = correct.length;
  const labels = new Int32Array(n);
  const predictions = Int32Array.from(correct, (right) => (right ? 0 : 1));
  const conf = Float64Array.from(confidences);
  return {
    n,
    labels,
    baselinePredictions: predictions,
    candidatePredictions: predictions,
    baselineConfidences: conf,
    candidateConfidences: conf,
  };
}

/** A perfectly calibrated model: confidence c, right with probability c. */
function calibrated(n: number, seed: number): PairedSamples {
  const random = createRandom(seed);
  const confidences = Array.from({ length: n }, () => Math.round((0.6 + 0.4 * random.next()) * 1e6) / 1e6);
  return own(
    confidences.map((c) => random.next() < c),
    confidences,
  );
}

const settings = { seed: 1, confidence: 0.95, resamples: 1000 };

describe('bootstrapBound (basic bootstrap)', () => {
  it('does not prove a perfectly calibrated model above ece.max although its ECE estimate is above it', () => {
    // ECE is biased upward: with 300 samples a calibrated model's estimate is about 0.04. A
    // percentile bootstrap called such a model "above 0.03" in most runs; the basic one must not.
    let proven = 0;
    let breached = 0;
    for (let run = 0; run < 40; run++) {
      const samples = calibrated(300, run);
      const statistic = eceStatistic(samples);
      const ece = statistic(Uint32Array.from({ length: 300 }, (_, i) => i))[1];
      if (ece <= 0.03) continue;
      breached++;
      const test = bootstrapBound({
        n: 300,
        statistic,
        kind: 'max',
        bound: 0.03,
        settings: { ...settings, seed: run, resamples: 500 },
      });
      if (test.pValue! < 0.05) proven++;
    }
    expect(breached).toBeGreaterThan(20);
    expect(proven).toBeLessThanOrEqual(2);
  });

  it('proves a clearly overconfident model above the maximum', () => {
    // Confidence 0.95, right 80% of the time: ECE 0.15 on 400 samples.
    const samples = own(
      Array.from({ length: 400 }, (_, i) => i % 5 !== 0),
      new Array<number>(400).fill(0.95),
    );
    const test = bootstrapBound({
      n: 400,
      statistic: eceStatistic(samples),
      kind: 'max',
      bound: 0.05,
      settings,
    });
    expect(test.pValue).toBeLessThan(0.01);
    expect(test.interval!.low).toBeGreaterThan(0.05);
  });

  it('makes no test from too few samples or from resamples that never vary', () => {
    const one = own([false], [0.9]);
    expect(bootstrapBound({ n: 1, statistic: eceStatistic(one), kind: 'max', bound: 0.5, settings })).toEqual(
      {
        test: 'bootstrap',
        pValue: null,
        interval: null,
      },
    );
    const few = MIN_BOOTSTRAP_SAMPLES - 1;
    const small = own(
      Array.from({ length: few }, (_, i) => i % 2 === 0),
      new Array<number>(few).fill(0.9),
    );
    expect(
      bootstrapBound({ n: few, statistic: eceStatistic(small), kind: 'max', bound: 0.1, settings }).pValue,
    ).toBeNull();
    // 100 samples, all right at 0.9: ECE is 0.1 in every resample.
    const constant = own(new Array<boolean>(100).fill(true), new Array<number>(100).fill(0.9));
    expect(
      bootstrapBound({ n: 100, statistic: eceStatistic(constant), kind: 'max', bound: 0.05, settings })
        .pValue,
    ).toBeNull();
  });
});

describe('bootstrapChangeInterval', () => {
  it('is a basic interval of candidate − baseline within [−1, 1], reproducible from the seed', () => {
    const statistic = (indices: Uint32Array) => {
      let right = 0;
      for (const i of indices) right += i % 4 === 0 ? 0 : 1;
      return [1, right / indices.length] as const;
    };
    const first = bootstrapChangeInterval(200, statistic, settings)!;
    expect(first).toEqual(bootstrapChangeInterval(200, statistic, settings));
    expect(first.low).toBeLessThan(-0.25);
    expect(first.high).toBeGreaterThan(-0.25);
    expect(first.low).toBeGreaterThanOrEqual(-1);
    expect(bootstrapChangeInterval(0, () => [0, 0] as const, settings)).toBeNull();
  });
});
