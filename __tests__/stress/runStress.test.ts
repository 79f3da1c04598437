/** runStress: one scored state per cell, in order, on the same stressed samples; errors name the cell. */
import { describe, expect, it } from 'vitest';
import type { StressConfig } from '../../src/config/types.js';
import type { DecodedImage, TestSet } from '../../src/dataset/types.js';
import { compute, create, update } from '../../src/evaluation/evalState.js';
import type { EvalResult } from '../../src/evaluation/types.js';
import { perturbationNamed } from '../../src/modalities/image/perturbations/registry.js';
import { InputError } from '../../src/shared/errors.js';
import { runStress, type StressPass } from '../../src/stress/runStress.js';

function testSet(n: number): TestSet {
  return {
    format: 'image-folder',
    root: '/nowhere',
    files: [],
    samples: Array.from({ length: n }, (_, i) => ({ id: `${i % 2}/${i}.png`, label: i % 2, slices: {} })),
    sliceColumns: [],
    decode: (): DecodedImage => ({ width: 8, height: 8, channels: 1, data: new Uint8Array(64).fill(128) }),
  };
}

/** Predicts class 1 when the image's mean brightness is above mid-gray, else class 0. */
async function scoreByBrightness({ testSet: cellSet }: StressPass): Promise<EvalResult> {
  const n = cellSet.samples.length;
  const probabilities = new Float32Array(n * 2);
  for (let k = 0; k < n; k++) {
    const image = cellSet.decode(k);
    let sum = 0;
    for (const value of image.data) sum += value;
    const mean = sum / image.data.length;
    probabilities[k * 2 + (mean > 128 ? 1 : 0)] = 1;
  }
  const state = create({ classNames: ['0', '1'], topK: 0, samples: n, sliceColumns: [], sumBlock: 32 });
  update(state, {
    probabilities,
    size: n,
    labels: Int32Array.from(cellSet.samples, (s) => s.label),
    indices: cellSet.samples.map((_, k) => k),
  });
  return compute(state);
}

const stress = (extra: Partial<StressConfig> = {}): StressConfig => ({
  perturbations: ['brightness', 'contrast'],
  severities: [1, 5],
  samples: 'all',
  seed: 0,
  where: 'evalgate.yml:20',
  ...extra,
});

describe('runStress', () => {
  it('writes one cell per perturbation × severity with its parameters, figures and predictions', async () => {
    const report = await runStress({
      stress: stress(),
      testSet: testSet(10),
      numClasses: 2,
      score: scoreByBrightness,
    });
    expect(report.seed).toBe(0);
    expect(report.subset).toBe('all');
    expect(report.sampleIndices).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(report.cells.map((c) => [c.perturbation, c.family, c.severity])).toEqual([
      ['brightness', 'digital', 1],
      ['brightness', 'digital', 5],
      ['contrast', 'digital', 1],
      ['contrast', 'digital', 5],
    ]);
    const bright = report.cells[0]!;
    expect(bright.parameters).toEqual(
      perturbationNamed('brightness')!.parameters(1, { width: 8, height: 8 }),
    );
    expect(bright.samples).toBe(10);
    // Brightness raises mid-gray above the threshold: every sample is predicted 1, half are right.
    expect(bright.predictions).toEqual(Array(10).fill(1));
    expect(bright.metrics.accuracy).toBe(0.5);
    expect(bright.classes.map((c) => c.recall)).toEqual([0, 1]);
  });

  it('counts the samples a perturbation left byte for byte as they were, here or in a worker', async () => {
    // The fixture's images are uniform mid-gray: brightness changes them, contrast (which scales
    // the distance from the image's mean) cannot.
    const here = await runStress({
      stress: stress(),
      testSet: testSet(10),
      numClasses: 2,
      score: scoreByBrightness,
    });
    expect(here.cells.map((c) => [c.perturbation, c.severity, c.unchanged])).toEqual([
      ['brightness', 1, 0],
      ['brightness', 5, 0],
      ['contrast', 1, 10],
      ['contrast', 5, 10],
    ]);
    // A scorer that perturbs in decode workers reports the counts batch by batch.
    const elsewhere = await runStress({
      stress: stress({ perturbations: ['brightness'], severities: [1] }),
      testSet: testSet(10),
      numClasses: 2,
      score: async (pass) => {
        expect(pass.subset).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(pass.spec).toEqual({ perturbation: 'brightness', severity: 1, seed: 0 });
        pass.onUnchanged(3);
        pass.onUnchanged(4);
        return scoreByBrightness({ ...pass, testSet: testSet(10) });
      },
    });
    expect(elsewhere.cells[0]!.unchanged).toBe(7);
  });

  it('stresses the seeded stratified subset when stress.samples is a number', async () => {
    const report = await runStress({
      stress: stress({ samples: 4, perturbations: ['brightness'], severities: [1], seed: 2 }),
      testSet: testSet(10),
      numClasses: 2,
      score: scoreByBrightness,
    });
    expect(report.subset).toBe('stratified');
    expect(report.seed).toBe(2);
    expect(report.sampleIndices).toHaveLength(4);
    expect(report.sampleIndices.filter((i) => i % 2 === 0)).toHaveLength(2);
    expect(report.cells[0]!.samples).toBe(4);
    expect(report.cells[0]!.predictions).toHaveLength(4);
  });

  it('names the cell in a bad-input error raised while scoring it', async () => {
    const failing = async () => {
      throw new InputError('the model produced NaN or infinite outputs for 1 of 10 samples', {
        where: 'model',
      });
    };
    const run = runStress({ stress: stress(), testSet: testSet(10), numClasses: 2, score: failing });
    await expect(run).rejects.toThrow(/^under stress \(brightness at severity 1\): the model produced NaN/);
    await expect(run).rejects.toBeInstanceOf(InputError);
  });
});
