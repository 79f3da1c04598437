// cutout and random_erasing (src/modalities/image/perturbations/occlusion.ts): the occluded pixels
// are exactly the drawn rectangle (side² for an interior cutout, clipped at the borders), filled
// with the per-channel mean; the erased share follows U(0.02, a_hi) with aspect 0.3–3.3; severity
// is monotonic in occluded share and in mean |x′ − x|; range, determinism, gray images.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import {
  cutoutSide,
  drawCutout,
  drawErasing,
  OCCLUSION_PERTURBATIONS,
  type PixelRect,
} from '../../../src/modalities/image/perturbations/occlusion.js';
import { channelMeans } from '../../../src/modalities/image/perturbations/sampling.js';
import type { FloatImage, Severity } from '../../../src/modalities/image/perturbations/types.js';
import { createRandom, type Random } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

const cutout = OCCLUSION_PERTURBATIONS.find((p) => p.name === 'cutout')!;
const erasing = OCCLUSION_PERTURBATIONS.find((p) => p.name === 'random_erasing')!;
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];

const digitDir = path.join(repoRoot, 'examples/digits/test-set/5');

/** 0.1 / 0.9 checkerboard with a channel offset: no pixel equals its channel mean. */
function checkerboard(width: number, height: number, channels: 1 | 3 = 3): FloatImage {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++)
        data[(y * width + x) * channels + c] = (x + y) % 2 === 0 ? 0.9 - 0.1 * c : 0.1;
    }
  }
  return { width, height, channels, data };
}

/** The pixels whose value changed in any channel. */
function changedPixels(a: FloatImage, b: FloatImage): Set<number> {
  const changed = new Set<number>();
  for (let i = 0; i < a.data.length; i++)
    if (a.data[i] !== b.data[i]) changed.add(Math.floor(i / a.channels));
  return changed;
}

function rectPixels(rect: PixelRect, width: number): Set<number> {
  const set = new Set<number>();
  for (let y = rect.y0; y < rect.y1; y++) for (let x = rect.x0; x < rect.x1; x++) set.add(y * width + x);
  return set;
}

/** A generator whose int(n) returns the given values in turn (next() is unused by cutout). */
function ints(values: number[]): Random {
  let i = 0;
  return { next: () => 0.5, int: () => values[i++]!, nextUint32: () => 0 };
}

describe('cutout', () => {
  it('hides exactly side² pixels for an interior centre: 16 px on 32 at severity 3 (DeVries & Taylor)', () => {
    const image = checkerboard(32, 32);
    expect([1, 2, 3, 4, 5].map((s) => cutoutSide(s as Severity, image))).toEqual([8, 12, 16, 20, 24]);
    const out = cutout.apply(image, 3, ints([16, 15])); // centre row 16, column 15
    const changed = changedPixels(image, out);
    expect(changed.size).toBe(256);
    expect(changed).toEqual(rectPixels({ x0: 7, y0: 8, x1: 23, y1: 24 }, 32));
    const means = channelMeans(image);
    for (const p of changed)
      for (let c = 0; c < 3; c++) expect(out.data[p * 3 + c]).toBeCloseTo(means[c]!, 6);
  });

  it('clips the hole at the borders (a corner centre keeps a quarter of it)', () => {
    const image = checkerboard(32, 32);
    const out = cutout.apply(image, 3, ints([0, 0]));
    expect(changedPixels(image, out)).toEqual(rectPixels({ x0: 0, y0: 0, x1: 8, y1: 8 }, 32));
    const corner = cutout.apply(image, 5, ints([31, 31])); // side 24: rows and columns 19..31
    expect(changedPixels(image, corner).size).toBe(13 * 13);
  });

  it('matches the drawn rectangle for random centres, with the side of the shorter image side', () => {
    const image = checkerboard(64, 48);
    for (const s of SEVERITIES) {
      expect(cutout.parameters(s, image)).toMatchObject({
        side_px: Math.round([0.25, 0.375, 0.5, 0.625, 0.75][s - 1]! * 48),
      });
      for (let seed = 0; seed < 5; seed++) {
        const rect = drawCutout(s, image, createRandom(seed));
        const out = cutout.apply(image, s, createRandom(seed));
        expect(changedPixels(image, out)).toEqual(rectPixels(rect, 64));
        expect(rect.x1 - rect.x0).toBeLessThanOrEqual(cutoutSide(s, image));
      }
    }
  });
});

describe('random_erasing', () => {
  it('erases exactly the drawn rectangle, its share in [0.02, a_hi] and aspect in [0.3, 3.3] up to rounding', () => {
    const image = checkerboard(40, 40);
    for (const s of SEVERITIES) {
      const high = 0.08 * s;
      expect(erasing.parameters(s, image)).toMatchObject({ area_share: [0.02, expect.closeTo(high, 12)] });
      for (let seed = 0; seed < 40; seed++) {
        const rect = drawErasing(s, image, createRandom(seed));
        const h = rect.y1 - rect.y0;
        const w = rect.x1 - rect.x0;
        // Rounding each side to whole pixels moves the area by at most ±(h + w)/2 + ¼ px².
        const slack = (h + w) / 2 + 0.25;
        expect(h * w).toBeGreaterThanOrEqual(0.02 * 1600 - slack);
        expect(h * w).toBeLessThanOrEqual(high * 1600 + slack);
        expect(h / w).toBeGreaterThanOrEqual(0.3 * 0.8);
        expect(h / w).toBeLessThanOrEqual((1 / 0.3) * 1.25);
        expect(h < 40 && w < 40 && rect.x0 >= 0 && rect.y0 >= 0 && rect.x1 <= 40 && rect.y1 <= 40).toBe(true);
        if (seed < 5)
          expect(changedPixels(image, erasing.apply(image, s, createRandom(seed)))).toEqual(
            rectPixels(rect, 40),
          );
      }
    }
    expect(erasing.parameters(5, image)).toMatchObject({ area_share: [0.02, 0.4] }); // Zhong et al.'s range
  });

  it('erases a mean share near the uniform mean, growing with severity', () => {
    const size = { width: 64, height: 64 };
    let last = 0;
    for (const s of SEVERITIES) {
      let share = 0;
      const n = 400;
      for (let seed = 0; seed < n; seed++) {
        const r = drawErasing(s, size, createRandom(1000 * s + seed));
        share += ((r.x1 - r.x0) * (r.y1 - r.y0)) / (64 * 64) / n;
      }
      // E U(0.02, a_hi) = (0.02 + a_hi) / 2; rejection of rectangles that do not fit lowers it a little.
      const uniformMean = (0.02 + 0.08 * s) / 2;
      expect(share, `s${s}`).toBeGreaterThan(uniformMean * 0.85);
      expect(share, `s${s}`).toBeLessThan(uniformMean * 1.08);
      expect(share).toBeGreaterThan(last);
      last = share;
    }
  });

  it('fills with the per-channel mean of a gray digit', () => {
    const file = path.join(digitDir, 'digit-0025.png');
    const digit = toFloatImage(decodeImage(readFileSync(file), file));
    const [mean] = channelMeans(digit);
    const rect = drawErasing(4, digit, createRandom(3));
    const out = erasing.apply(digit, 4, createRandom(3));
    for (const p of rectPixels(rect, 8)) expect(out.data[p]).toBeCloseTo(mean!, 6);
    expect(out.channels).toBe(1);
  });
});

describe('the occlusion perturbations', () => {
  it('distort more at each severity (mean |x′ − x| over seeds)', () => {
    const image = checkerboard(48, 48);
    for (const p of OCCLUSION_PERTURBATIONS) {
      let last = 0;
      for (const s of SEVERITIES) {
        let d = 0;
        for (let seed = 0; seed < 100; seed++) {
          const out = p.apply(image, s, createRandom(seed));
          for (let i = 0; i < out.data.length; i++) d += Math.abs(out.data[i]! - image.data[i]!);
        }
        expect(d, `${p.name} s${s}`).toBeGreaterThan(last);
        last = d;
      }
    }
  });

  it('keep size, channels and [0, 1], never change the input and repeat with the same seed', () => {
    const images = [checkerboard(64, 48), checkerboard(8, 8, 1)];
    for (const image of images) {
      const before = image.data.slice();
      for (const p of OCCLUSION_PERTURBATIONS) {
        for (const s of SEVERITIES) {
          const a = p.apply(image, s, createRandom(s));
          expect(a.data).toEqual(p.apply(image, s, createRandom(s)).data);
          expect([a.width, a.height, a.channels]).toEqual([image.width, image.height, image.channels]);
          expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
        }
      }
      expect(image.data).toEqual(before);
    }
  });
});
