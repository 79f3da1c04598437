/** A stress cell's view of the test set: decoded as usual, then perturbed, seeded per sample. */
import { describe, expect, it } from 'vitest';
import type { DecodedImage, TestSet } from '../../src/dataset/types.js';
import { toDecodedImage, toFloatImage } from '../../src/modalities/image/perturbations/floatImage.js';
import { perturbationNamed } from '../../src/modalities/image/perturbations/registry.js';
import { perturbationRandom } from '../../src/modalities/image/perturbations/seed.js';
import { cleanDecoder, perturbDecoded, stressedTestSet } from '../../src/stress/stressedTestSet.js';
import { checkStressableTestSet, stressCells } from '../../src/stress/suite.js';
import { InputError } from '../../src/shared/errors.js';

function image(k: number): DecodedImage {
  const data = new Uint8Array(64);
  for (let i = 0; i < 64; i++) data[i] = (i * 4 + k * 13) % 256;
  return { width: 8, height: 8, channels: 1, data };
}

function fakeTestSet(n: number, decodes: number[] = []): TestSet {
  return {
    format: 'manifest',
    root: '/nowhere',
    files: [],
    samples: Array.from({ length: n }, (_, i) => ({
      id: `c${i % 2}/${i}.png`,
      label: i % 2,
      slices: { ink: 'light' },
    })),
    sliceColumns: ['ink'],
    decode: (i) => {
      decodes.push(i);
      return image(i);
    },
    sampleFile: (i) => `/nowhere/${i}.png`,
  };
}

const noise = { perturbation: perturbationNamed('gaussian_noise')!, severity: 3 as const };

describe('stressedTestSet', () => {
  it('holds the chosen samples, each decoded and then perturbed from (seed, sample id, perturbation, severity)', () => {
    const testSet = fakeTestSet(6);
    const view = stressedTestSet(testSet, [1, 4], noise, 9);
    expect(view.samples.map((s) => s.id)).toEqual(['c1/1.png', 'c0/4.png']);
    expect(view.sliceColumns).toEqual([]);
    // No sample files: its batches are decoded on the calling thread, never by the decode pool.
    expect(view.sampleFile).toBeUndefined();
    const expected = toDecodedImage(
      noise.perturbation.apply(
        toFloatImage(image(4)),
        3,
        perturbationRandom(9, 'c0/4.png', 'gaussian_noise', 3),
      ),
    );
    expect(view.decode(1)).toEqual(expected);
    expect(view.decode(1).data).not.toEqual(image(4).data);
  });

  it('gives the same bytes for the same seed and other bytes for another seed', () => {
    const a = perturbDecoded(image(2), noise, 1, 'x.png');
    expect(perturbDecoded(image(2), noise, 1, 'x.png')).toEqual(a);
    expect(perturbDecoded(image(2), noise, 2, 'x.png').data).not.toEqual(a.data);
    expect(perturbDecoded(image(2), noise, 1, 'y.png').data).not.toEqual(a.data);
  });

  it('decodes each stressed sample once per run while the decoded pixels fit the budget', () => {
    const decodes: number[] = [];
    const testSet = fakeTestSet(6, decodes);
    const decode = cleanDecoder(testSet, [0, 2, 5]);
    for (let pass = 0; pass < 3; pass++) for (const k of [0, 1, 2]) decode(k);
    expect(decodes).toEqual([0, 2, 5]);
    // A budget of one image (64 bytes) keeps the first only; the others are decoded again each time.
    const again: number[] = [];
    const small = cleanDecoder(fakeTestSet(6, again), [0, 2, 5], 64);
    for (let pass = 0; pass < 2; pass++) for (const k of [0, 1, 2]) small(k);
    expect(again).toEqual([0, 2, 5, 2, 5]);
  });
});

describe('stress suite', () => {
  it('lists the cells perturbation by perturbation, each at every severity', () => {
    const cells = stressCells({ perturbations: ['gaussian_noise', 'brightness'], severities: [1, 3] });
    expect(cells.map((c) => `${c.perturbation.name}@${c.severity}`)).toEqual([
      'gaussian_noise@1',
      'gaussian_noise@3',
      'brightness@1',
      'brightness@3',
    ]);
  });

  it('refuses feature vectors and float arrays, naming the stress key', () => {
    const features = { ...fakeTestSet(2), format: 'arrays' as const, featureLength: 16 };
    expect(() => checkStressableTestSet(features, 'evalgate.yml:9')).toThrow(InputError);
    expect(() => checkStressableTestSet(features, 'evalgate.yml:9')).toThrow(/feature vectors of 16 values/);
    const floats = { ...fakeTestSet(2), format: 'arrays' as const, valueType: 'float32' as const };
    try {
      checkStressableTestSet(floats, 'evalgate.yml:9');
      throw new Error('accepted');
    } catch (error) {
      expect((error as InputError).where).toBe('evalgate.yml:9');
      expect((error as InputError).message).toContain('float32 values');
    }
    expect(() => checkStressableTestSet({ ...fakeTestSet(2), valueType: 'uint8' }, 'x')).not.toThrow();
  });
});
