// rotate, translate, scale (src/modalities/image/perturbations/geometry.ts) and the bilinear
// sampling under them (sampling.ts): the identity warp keeps the image; a bright blob moves where
// the drawn rotation / shift / zoom sends it; a 90° turn of a checkerboard lands pixels where
// hand-computed; the border is the per-channel mean; severity is monotonic in mean |x' − x|;
// range, determinism, gray images.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import {
  drawRotation,
  drawTranslation,
  GEOMETRY_PERTURBATIONS,
  rotationInverse,
} from '../../../src/modalities/image/perturbations/geometry.js';
import {
  affineSourceMap,
  channelMeans,
  remap,
  sampleBilinear,
} from '../../../src/modalities/image/perturbations/sampling.js';
import type { FloatImage, Severity } from '../../../src/modalities/image/perturbations/types.js';
import { createRandom } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

const byName = (name: string) => GEOMETRY_PERTURBATIONS.find((p) => p.name === name)!;
const rotate = byName('rotate');
const translate = byName('translate');
const scale = byName('scale');
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];

const digitFile = path.join(repoRoot, 'examples/digits/test-set/7/digit-0081.png');

/** A gray image with a gaussian blob (σ = 2 px) at (bx, by) on a black background. */
function blob(width: number, height: number, bx: number, by: number): FloatImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / 8);
  return { width, height, channels: 1, data };
}

/** Intensity-weighted centroid of a gray image, above the background `floor`. */
function centroid(image: FloatImage, floor = 0): [number, number] {
  let s = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = Math.max(0, image.data[y * image.width + x]! - floor);
      s += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return [sx / s, sy / s];
}

function checkerboard(width: number, height: number, square: number, channels: 1 | 3 = 3): FloatImage {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = (Math.floor(x / square) + Math.floor(y / square)) % 2 === 0;
      for (let c = 0; c < channels; c++)
        data[(y * width + x) * channels + c] = on ? 0.9 - 0.2 * c : 0.1 + 0.1 * c;
    }
  }
  return { width, height, channels, data };
}

function meanAbsChange(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('bilinear sampling', () => {
  it('interpolates between pixel centres and applies each fill rule outside', () => {
    // 2×2 gray [[0, 1], [2, 3]].
    const image: FloatImage = { width: 2, height: 2, channels: 1, data: Float32Array.of(0, 1, 2, 3) };
    expect(sampleBilinear(image, 0, 0, 0, 'edge')).toBe(0);
    expect(sampleBilinear(image, 0.5, 0.5, 0, 'edge')).toBe(1.5);
    expect(sampleBilinear(image, 0.25, 1, 0, 'edge')).toBe(2.25);
    expect(sampleBilinear(image, -1, 0, 0, 'edge')).toBe(0);
    expect(sampleBilinear(image, -0.5, 0, 0, 'constant', 4)).toBe(2); // half 4, half 0
    expect(sampleBilinear(image, 2, 0, 0, 'reflect')).toBe(1); // d c | a b | b a: x = 2 reads b
    expect(sampleBilinear(image, 2, 0, 0, 'mirror')).toBe(0); // x = 2 reads a (edge not repeated)
    expect(sampleBilinear(image, 5, 5, 0, 'constant', 0.25)).toBe(0.25);
  });

  it('keeps the image under the identity map and at angle 0, scale 1', () => {
    const image = checkerboard(33, 20, 3);
    for (const inverse of [[1, 0, 0, 0, 1, 0], rotationInverse(33, 20, 0)] as const) {
      const { mapX, mapY } = affineSourceMap(
        33,
        20,
        inverse as [number, number, number, number, number, number],
      );
      const out = remap(image, mapX, mapY, 'constant', channelMeans(image));
      expect(Array.from(out.data)).toEqual(Array.from(image.data).map((v) => expect.closeTo(v, 6)));
    }
  });
});

describe('rotate', () => {
  it('turns a 9×9 image of distinct values by 90° counter-clockwise onto hand-computed pixels, centre fixed', () => {
    // Every pixel distinct (a checkerboard would look the same turned either way).
    const image: FloatImage = {
      width: 9,
      height: 9,
      channels: 1,
      data: new Float32Array(81).map((_, i) => i / 80),
    };
    const { mapX, mapY } = affineSourceMap(9, 9, rotationInverse(9, 9, 90));
    const out = remap(image, mapX, mapY, 'constant', 0.5);
    // Counter-clockwise on screen: source (x, y) lands at (y, 8 − x); the centre (4, 4) stays.
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 9; x++) expect(out.data[(8 - x) * 9 + y]).toBeCloseTo(image.data[y * 9 + x]!, 5);
    }
    expect(out.data[4 * 9 + 4]).toBeCloseTo(image.data[4 * 9 + 4]!, 6);
  });

  it('moves a blob right of the centre up (θ > 0) or down (θ < 0) by the drawn angle', () => {
    const image = blob(65, 65, 52, 32); // 20 px right of the centre (32, 32)
    for (const severity of SEVERITIES) {
      for (const seed of [1, 2, 3, 4]) {
        const theta = (drawRotation(severity, createRandom(seed)) * Math.PI) / 180;
        expect(Math.abs(theta)).toBeCloseTo(((3 * severity) / 180) * Math.PI, 12);
        const out = rotate.apply(image, severity, createRandom(seed));
        const [cx, cy] = centroid(out, channelMeans(image)[0]! + 1e-3);
        expect(cx).toBeCloseTo(32 + 20 * Math.cos(theta), 0);
        expect(cy).toBeCloseTo(32 - 20 * Math.sin(theta), 0);
      }
    }
  });

  it('draws both signs', () => {
    const signs = new Set<number>();
    for (let seed = 0; seed < 20; seed++) signs.add(Math.sign(drawRotation(2, createRandom(seed))));
    expect(signs).toEqual(new Set([-1, 1]));
  });

  it('fills the corners with the per-channel mean', () => {
    const image = checkerboard(32, 32, 4);
    const means = channelMeans(image);
    const out = rotate.apply(image, 5, createRandom(1));
    for (let c = 0; c < 3; c++) expect(out.data[c]).toBeCloseTo(means[c]!, 6);
  });
});

describe('translate', () => {
  it('shifts a bright blob by the drawn amount (2–10% of each side)', () => {
    const image = blob(64, 48, 30, 22);
    for (const severity of SEVERITIES) {
      for (const seed of [5, 6, 7]) {
        const { dx, dy } = drawTranslation(severity, image, createRandom(seed));
        expect(Math.abs(dx)).toBeCloseTo(0.02 * severity * 64, 10);
        expect(Math.abs(dy)).toBeCloseTo(0.02 * severity * 48, 10);
        const [cx, cy] = centroid(
          translate.apply(image, severity, createRandom(seed)),
          channelMeans(image)[0]! + 1e-3,
        );
        expect(cx).toBeCloseTo(30 + dx, 1);
        expect(cy).toBeCloseTo(22 + dy, 1);
      }
    }
    expect(translate.parameters(5, { width: 64, height: 48 })).toMatchObject({
      dx_px: 6.4,
      dy_px: 4.800000000000001,
    });
  });

  it('a whole-pixel shift moves pixels exactly and fills the gap with the mean', () => {
    // 50 × 2% = 1 px at severity 1.
    const image = checkerboard(50, 50, 5);
    const means = channelMeans(image);
    const { dx, dy } = drawTranslation(1, image, createRandom(8));
    const out = translate.apply(image, 1, createRandom(8));
    for (let y = 0; y < 50; y++) {
      for (let x = 0; x < 50; x++) {
        const sx = x - dx;
        const sy = y - dy;
        for (let c = 0; c < 3; c++) {
          const expected =
            sx < 0 || sx >= 50 || sy < 0 || sy >= 50 ? means[c]! : image.data[(sy * 50 + sx) * 3 + c]!;
          expect(out.data[(y * 50 + x) * 3 + c]).toBeCloseTo(expected, 6);
        }
      }
    }
  });
});

describe('scale', () => {
  it('zooms a blob toward the centre by the factor 0.95 … 0.6', () => {
    const factors = [0.95, 0.9, 0.8, 0.7, 0.6];
    const image = blob(65, 65, 52, 20);
    for (const severity of SEVERITIES) {
      const f = factors[severity - 1]!;
      expect(scale.parameters(severity, image)).toMatchObject({ factor: f });
      const [cx, cy] = centroid(
        scale.apply(image, severity, createRandom(0)),
        channelMeans(image)[0]! + 1e-3,
      );
      expect(cx).toBeCloseTo(32 + 20 * f, 0);
      expect(cy).toBeCloseTo(32 - 12 * f, 0);
    }
  });
});

describe('the geometric perturbations', () => {
  it('distort more at each severity (mean |x′ − x| over seeds, on a smooth image)', () => {
    // A fine checkerboard saturates (at 12° and 15° it is already uncorrelated with itself), so the
    // distortion is measured on smooth content, as a photo's.
    const image: FloatImage = { width: 64, height: 48, channels: 3, data: new Float32Array(64 * 48 * 3) };
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        for (let c = 0; c < 3; c++) {
          image.data[(y * 64 + x) * 3 + c] =
            0.5 + 0.4 * Math.sin((2 * Math.PI * (x + 7 * c)) / 40) * Math.cos((2 * Math.PI * y) / 30);
        }
      }
    }
    for (const p of GEOMETRY_PERTURBATIONS) {
      let last = 0;
      for (const s of SEVERITIES) {
        let d = 0;
        for (let seed = 0; seed < 4; seed++)
          d += meanAbsChange(p.apply(image, s, createRandom(seed)).data, image.data);
        expect(d, `${p.name} s${s}`).toBeGreaterThan(last);
        last = d;
      }
    }
  });

  it('keep size, channels and [0, 1], never change the input, repeat, and work on the 8×8 gray digit', () => {
    const digit = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));
    for (const image of [digit, checkerboard(64, 48, 6)]) {
      const before = image.data.slice();
      for (const p of GEOMETRY_PERTURBATIONS) {
        for (const s of SEVERITIES) {
          const a = p.apply(image, s, createRandom(s));
          const b = p.apply(image, s, createRandom(s));
          expect(a.data).toEqual(b.data);
          expect([a.width, a.height, a.channels]).toEqual([image.width, image.height, image.channels]);
          expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
          expect(meanAbsChange(a.data, image.data)).toBeGreaterThan(0);
        }
      }
      expect(image.data).toEqual(before);
    }
  });
});
