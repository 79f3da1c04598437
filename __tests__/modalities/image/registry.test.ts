// The contract every image perturbation keeps (src/modalities/image/perturbations/types.ts), checked
// for all of them at every severity on a real 8×8 gray digit and a synthetic 32×32 RGB image: the
// size and channels are kept, values stay in [0, 1], the input is never changed, and the same seed
// gives the same bytes. The per-perturbation properties (variance, energy, monotonicity) are in
// the test file of each module.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import { toDecodedImage, toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import {
  IMAGE_PERTURBATIONS,
  perturbationNamed,
} from '../../../src/modalities/image/perturbations/registry.js';
import { perturbationRandom, perturbationSeed } from '../../../src/modalities/image/perturbations/seed.js';
import { type FloatImage, SEVERITIES } from '../../../src/modalities/image/perturbations/types.js';
import { repoRoot } from '../../helpers/cli.js';

const digitFile = path.join(repoRoot, 'examples/digits/test-set/8/digit-0129.png');
const digit = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));

/** 32×32 RGB: a diagonal gradient in red, a checkerboard in green, a constant in blue. */
function rgbImage(): FloatImage {
  const width = 32;
  const height = 32;
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x + y) / (width + height - 2);
      data[i + 1] = (x + y) % 2 === 0 ? 0.9 : 0.1;
      data[i + 2] = 0.4;
    }
  }
  return { width, height, channels: 3, data };
}

const IMAGES: Array<[string, FloatImage]> = [
  ['an 8×8 gray digit', digit],
  ['a 32×32 RGB image', rgbImage()],
];

describe('the image perturbations', () => {
  it('have unique names and the families of the issue', () => {
    const names = IMAGE_PERTURBATIONS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'gaussian_noise',
      'shot_noise',
      'impulse_noise',
      'speckle_noise',
      'gaussian_blur',
      'defocus_blur',
      'motion_blur',
      'zoom_blur',
      'glass_blur',
      'brightness',
      'contrast',
      'saturate',
      'pixelate',
      'jpeg_compression',
      'fog',
      'elastic_transform',
      'rotate',
      'translate',
      'scale',
      'cutout',
      'random_erasing',
    ]) {
      expect(perturbationNamed(name), name).toBeDefined();
    }
  });

  for (const [label, image] of IMAGES) {
    it(`keep size, channels and range, never change the input, and repeat with the same seed, on ${label}`, () => {
      const before = Float32Array.from(image.data);
      for (const perturbation of IMAGE_PERTURBATIONS) {
        for (const severity of SEVERITIES) {
          const where = `${perturbation.name} s${severity}`;
          const random = () => perturbationRandom(7, 'sample-1', perturbation.name, severity);
          const out = perturbation.apply(image, severity, random());
          expect([out.width, out.height, out.channels], where).toEqual([
            image.width,
            image.height,
            image.channels,
          ]);
          expect(out.data.length, where).toBe(image.data.length);
          expect(out.data, where).not.toBe(image.data);
          let outside = 0;
          for (const v of out.data) if (!(v >= 0 && v <= 1)) outside++;
          expect(outside, where).toBe(0);
          expect(perturbation.apply(image, severity, random()).data, where).toEqual(out.data);
          expect(Object.keys(perturbation.parameters(severity, image)).length, where).toBeGreaterThan(0);
        }
      }
      expect(image.data).toEqual(before);
    });
  }
});

describe('the seed of a stress cell', () => {
  it('depends on each coordinate, and not on how the strings split', () => {
    const base = perturbationSeed(1, 'a/b.png', 'fog', 3);
    expect(perturbationSeed(1, 'a/b.png', 'fog', 3)).toBe(base);
    expect(perturbationSeed(2, 'a/b.png', 'fog', 3)).not.toBe(base);
    expect(perturbationSeed(1, 'a/c.png', 'fog', 3)).not.toBe(base);
    expect(perturbationSeed(1, 'a/b.png', 'zoom_blur', 3)).not.toBe(base);
    expect(perturbationSeed(1, 'a/b.png', 'fog', 4)).not.toBe(base);
    expect(perturbationSeed(1, 'ab', 'c', 1)).not.toBe(perturbationSeed(1, 'a', 'bc', 1));
  });

  it('is a fixed function of its coordinates (a changed hash would change every stress image)', () => {
    // 32-bit FNV-1a over "1", "\0sample", "\0fog", "\0" + "3", computed by an independent Python
    // implementation of the definition.
    expect(perturbationSeed(1, 'sample', 'fog', 3)).toBe(1224901215);
    expect(perturbationSeed(0, 'x.png', 'rotate', 5)).toBe(430722962);
  });
});

describe('floatImage', () => {
  it('round-trips 8-bit images exactly and drops alpha', () => {
    const rgba = {
      width: 2,
      height: 1,
      channels: 4 as const,
      data: Uint8Array.from([0, 128, 255, 9, 1, 2, 3, 4]),
    };
    const float = toFloatImage(rgba);
    expect(float.channels).toBe(3);
    expect(Array.from(toDecodedImage(float).data)).toEqual([0, 128, 255, 1, 2, 3]);
  });
});
