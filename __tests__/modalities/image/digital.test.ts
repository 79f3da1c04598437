// The digital corruptions (src/modalities/image/perturbations/digital.ts) and the RGB↔HSV helpers
// they use (color.ts): brightness raises the mean, contrast lowers the spread, saturate moves the
// HSV saturation the tabled way (not monotonic in severity, by design), pixelate lowers the
// high-frequency energy, JPEG really goes through a JPEG codec and loses more at lower quality; all
// stay in range, keep their input, and match hand-computed cases.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import { hsvToRgb, rgbToHsv } from '../../../src/modalities/image/perturbations/color.js';
import { DIGITAL_PERTURBATIONS } from '../../../src/modalities/image/perturbations/digital.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import { perturbationRandom } from '../../../src/modalities/image/perturbations/seed.js';
import {
  type FloatImage,
  type Perturbation,
  SEVERITIES,
} from '../../../src/modalities/image/perturbations/types.js';
import { createRandom } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

function named(name: string): Perturbation {
  const found = DIGITAL_PERTURBATIONS.find((p) => p.name === name);
  if (!found) throw new Error(`no perturbation ${name}`);
  return found;
}

const brightness = named('brightness');
const contrast = named('contrast');
const saturate = named('saturate');
const pixelate = named('pixelate');
const jpegCompression = named('jpeg_compression');

function image(
  width: number,
  height: number,
  channels: 1 | 3,
  value: (x: number, y: number, c: number) => number,
): FloatImage {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = value(x, y, c);
    }
  }
  return { width, height, channels, data };
}

/** RGB: red along x, green along y, blue a checkerboard — every hue and saturation in between. */
function gradient(width: number, height: number): FloatImage {
  return image(width, height, 3, (x, y, c) =>
    c === 0 ? x / (width - 1) : c === 1 ? y / (height - 1) : (x + y) % 2 === 0 ? 0.85 : 0.15,
  );
}

/** Seeded uniform noise in [0.1, 0.9]: energy at every spatial frequency. */
function texture(width: number, height: number, channels: 1 | 3, seed: number): FloatImage {
  const random = createRandom(seed);
  return image(width, height, channels, () => 0.1 + 0.8 * random.next());
}

function digit(label: number, file: string): FloatImage {
  const where = path.join(repoRoot, 'examples/digits/test-set', String(label), file);
  return toFloatImage(decodeImage(readFileSync(where), where));
}

const DIGIT = digit(8, 'digit-0129.png');

function mean(data: Float32Array): number {
  let sum = 0;
  for (const v of data) sum += v;
  return sum / data.length;
}

function channelStats(img: FloatImage, c: number): { mean: number; sd: number } {
  let sum = 0;
  let squares = 0;
  const n = img.width * img.height;
  for (let i = c; i < img.data.length; i += img.channels) {
    sum += img.data[i]!;
    squares += img.data[i]! ** 2;
  }
  const m = sum / n;
  return { mean: m, sd: Math.sqrt(Math.max(0, squares / n - m * m)) };
}

/** Mean squared difference between horizontally and vertically adjacent values, per channel. */
function highFrequencyEnergy(img: FloatImage): number {
  const { width, height, channels, data } = img;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        if (x + 1 < width) {
          sum += (data[i + channels]! - data[i]!) ** 2;
          count++;
        }
        if (y + 1 < height) {
          sum += (data[i + width * channels]! - data[i]!) ** 2;
          count++;
        }
      }
    }
  }
  return sum / count;
}

function meanAbsoluteDifference(a: FloatImage, b: FloatImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

function meanSaturation(img: FloatImage): number {
  const hsv = rgbToHsv(img.data);
  let sum = 0;
  for (let i = 1; i < hsv.length; i += 3) sum += hsv[i]!;
  return sum / (hsv.length / 3);
}

const random = (name: string, severity: number) => perturbationRandom(3, 'sample-2', name, severity);

describe('rgbToHsv / hsvToRgb (skimage rgb2hsv / hsv2rgb)', () => {
  it('gives the hand-computed HSV of known colours, blue winning ties over green over red', () => {
    const cases: Array<[[number, number, number], [number, number, number]]> = [
      [
        [1, 0, 0],
        [0, 1, 1],
      ],
      [
        [0, 1, 0],
        [1 / 3, 1, 1],
      ],
      [
        [0, 0, 1],
        [2 / 3, 1, 1],
      ],
      [
        [0.2, 0.4, 0.6],
        [(4 + (0.2 - 0.4) / 0.4) / 6, 0.4 / 0.6, 0.6],
      ],
      [
        [0.5, 0.2, 0.3],
        [1 + (0.2 - 0.3) / 0.3 / 6, 0.6, 0.5],
      ], // red max, g < b: hue wraps below 0 to near 1
      [
        [1, 1, 0],
        [1 / 6, 1, 1],
      ],
      [
        [0.4, 0.4, 0.4],
        [0, 0, 0.4],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    ];
    for (const [rgb, hsv] of cases) {
      const got = rgbToHsv(Float32Array.from(rgb));
      for (let k = 0; k < 3; k++) expect(got[k], `${rgb} component ${k}`).toBeCloseTo(hsv[k]!, 6);
    }
  });

  it('round-trips random colours to float32 precision', () => {
    const rgb = texture(50, 40, 3, 9).data;
    const back = hsvToRgb(rgbToHsv(rgb));
    for (let i = 0; i < rgb.length; i++) expect(Math.abs(back[i]! - rgb[i]!)).toBeLessThan(2e-6);
  });
});

describe('brightness', () => {
  it('reports the tabled c', () => {
    expect(brightness.parameters(1, { width: 32, height: 32 })).toEqual({ table: 'cifar', delta: 0.05 });
    expect(brightness.parameters(5, { width: 224, height: 224 })).toEqual({ table: 'imagenet', delta: 0.5 });
  });

  it('raises V by c keeping hue and saturation (hand-computed: (0.2, 0.4, 0.6) + 0.05 → ×0.65/0.6)', () => {
    const px = image(8, 8, 3, (_x, _y, c) => [0.2, 0.4, 0.6][c]!);
    const out = brightness.apply(px, 1, random('brightness', 1));
    const factor = 0.65 / 0.6;
    for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBeCloseTo(px.data[i]! * factor, 6);
  });

  it('keeps hue and saturation of every pixel whose value stays below 1', () => {
    const src = gradient(32, 32);
    const before = rgbToHsv(src.data);
    const after = rgbToHsv(brightness.apply(src, 3, random('brightness', 3)).data);
    let checked = 0;
    for (let i = 0; i < before.length; i += 3) {
      if (before[i + 2]! + 0.15 >= 1 || before[i + 1]! === 0) continue;
      checked++;
      expect(after[i + 2]).toBeCloseTo(before[i + 2]! + 0.15, 5);
      expect(after[i + 1]).toBeCloseTo(before[i + 1]!, 5);
      expect(Math.abs(after[i]! - before[i]!)).toBeLessThan(1e-5);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('adds c to a gray image, clipped at 1 (grayBehaviour)', () => {
    expect(brightness.grayBehaviour).toMatch(/gray value/);
    for (const severity of SEVERITIES) {
      const c = brightness.parameters(severity, DIGIT).delta as number;
      const out = brightness.apply(DIGIT, severity, random('brightness', severity));
      for (let i = 0; i < out.data.length; i++)
        expect(out.data[i]).toBe(Math.fround(Math.min(1, DIGIT.data[i]! + c)));
    }
  });

  it('raises the mean, more at each severity (gray digit, RGB on both tables)', () => {
    for (const img of [DIGIT, gradient(32, 32), gradient(64, 48), gradient(300, 200)]) {
      const means = [
        mean(img.data),
        ...SEVERITIES.map((s) => mean(brightness.apply(img, s, random('brightness', s)).data)),
      ];
      for (let s = 1; s <= 5; s++)
        expect(means[s]!, `${img.width}×${img.height} s${s}`).toBeGreaterThan(means[s - 1]!);
    }
  });
});

describe('contrast', () => {
  it('reports the tabled factor', () => {
    expect(contrast.parameters(2, { width: 8, height: 8 })).toEqual({ table: 'cifar', factor: 0.5 });
    expect(contrast.parameters(4, { width: 640, height: 480 })).toEqual({ table: 'imagenet', factor: 0.1 });
  });

  it('shrinks each channel towards its own mean (hand-computed: 0.2 / 0.6 at c = 0.75 → 0.25 / 0.55)', () => {
    const src = image(8, 8, 3, (x, _y, c) => (c === 2 ? 0.9 : x % 2 === 0 ? 0.2 : 0.6));
    const out = contrast.apply(src, 1, random('contrast', 1));
    for (let p = 0; p < 64; p++) {
      const expected = p % 2 === 0 ? 0.25 : 0.55;
      expect(out.data[p * 3]).toBeCloseTo(expected, 6);
      expect(out.data[p * 3 + 1]).toBeCloseTo(expected, 6);
      expect(out.data[p * 3 + 2]).toBeCloseTo(0.9, 6); // a constant channel is its own mean
    }
  });

  it('keeps the per-channel means and lowers the standard deviation, more at each severity', () => {
    for (const img of [DIGIT, gradient(32, 32), texture(64, 48, 3, 4), gradient(300, 200)]) {
      const sds = [channelStats(img, 0).sd];
      for (const severity of SEVERITIES) {
        const out = contrast.apply(img, severity, random('contrast', severity));
        for (let c = 0; c < img.channels; c++) {
          expect(channelStats(out, c).mean).toBeCloseTo(channelStats(img, c).mean, 5);
        }
        const factor = contrast.parameters(severity, img).factor as number;
        expect(channelStats(out, 0).sd).toBeCloseTo(channelStats(img, 0).sd * factor, 5);
        sds.push(channelStats(out, 0).sd);
      }
      for (let s = 1; s <= 5; s++)
        expect(sds[s]!, `${img.width}×${img.height} s${s}`).toBeLessThan(sds[s - 1]!);
    }
  });
});

describe('saturate', () => {
  it('reports the tabled (a, b)', () => {
    expect(saturate.parameters(4, { width: 32, height: 32 })).toEqual({
      table: 'cifar',
      scale: 2,
      offset: 0.1,
    });
    expect(saturate.parameters(5, { width: 224, height: 224 })).toEqual({
      table: 'imagenet',
      scale: 20,
      offset: 0.2,
    });
  });

  it('maps S to S·a + b (hand-computed: (0.2, 0.4, 0.6), S = 2/3, a = 0.3 → S = 0.2 → (0.48, 0.54, 0.6))', () => {
    const px = image(8, 8, 3, (_x, _y, c) => [0.2, 0.4, 0.6][c]!);
    const out = saturate.apply(px, 1, random('saturate', 1));
    for (let p = 0; p < 64; p++) {
      expect(out.data[p * 3]).toBeCloseTo(0.48, 6);
      expect(out.data[p * 3 + 1]).toBeCloseTo(0.54, 6);
      expect(out.data[p * 3 + 2]).toBeCloseTo(0.6, 6);
    }
  });

  it('adds the offset b at s4–s5: gray pixels of an RGB image turn red-tinted, S = b, H = 0, as in the original', () => {
    // CIFAR s4: a = 2, b = 0.1. Gray (0.5, 0.5, 0.5): S = 0 → 0.1, H = 0 → (V, V(1 − S), V(1 − S)).
    // (0.2, 0.4, 0.6): S = 2/3 → min(1, 4/3 + 0.1) = 1, H = 7/12 → (p, q, v) = (0, 0.3, 0.6).
    const px = image(8, 8, 3, (x, _y, c) => (x % 2 === 0 ? 0.5 : [0.2, 0.4, 0.6][c]!));
    const out = saturate.apply(px, 4, random('saturate', 4));
    for (let p = 0; p < 64; p++) {
      const expected = p % 2 === 0 ? [0.5, 0.45, 0.45] : [0, 0.3, 0.6];
      for (let c = 0; c < 3; c++) expect(out.data[p * 3 + c]).toBeCloseTo(expected[c]!, 6);
    }
  });

  it('desaturates at s1 and more at s2, then oversaturates more at each of s3–s5 (not monotonic by design)', () => {
    for (const img of [gradient(32, 32), gradient(300, 200)]) {
      const [s1, s2, s3, s4, s5] = SEVERITIES.map((s) =>
        meanSaturation(saturate.apply(img, s, random('saturate', s))),
      );
      const clean = meanSaturation(img);
      expect(s2!).toBeLessThan(s1!);
      expect(s1!).toBeLessThan(clean);
      expect(clean).toBeLessThan(s3!);
      expect(s3!).toBeLessThan(s4!);
      expect(s4!).toBeLessThan(s5!);
    }
  });

  it('keeps the value V = max(R, G, B) of every pixel', () => {
    const src = gradient(32, 32);
    const out = saturate.apply(src, 5, random('saturate', 5));
    for (let i = 0; i < src.data.length; i += 3) {
      const before = Math.max(src.data[i]!, src.data[i + 1]!, src.data[i + 2]!);
      expect(Math.max(out.data[i]!, out.data[i + 1]!, out.data[i + 2]!)).toBeCloseTo(before, 5);
    }
  });

  it('leaves a gray image unchanged at every severity, as a new array (grayBehaviour)', () => {
    expect(saturate.grayBehaviour).toMatch(/unchanged/);
    for (const severity of SEVERITIES) {
      const out = saturate.apply(DIGIT, severity, random('saturate', severity));
      expect(out.data).toEqual(DIGIT.data);
      expect(out.data).not.toBe(DIGIT.data);
    }
  });
});

describe('pixelate', () => {
  it('reports the tabled fraction and the downscaled size ⌊side·c⌋', () => {
    expect(pixelate.parameters(1, { width: 8, height: 8 })).toEqual({
      table: 'cifar',
      fraction: 0.95,
      width: 7,
      height: 7,
    });
    expect(pixelate.parameters(5, { width: 64, height: 48 })).toEqual({
      table: 'cifar',
      fraction: 0.65,
      width: 41,
      height: 31,
    });
    expect(pixelate.parameters(5, { width: 224, height: 224 })).toEqual({
      table: 'imagenet',
      fraction: 0.25,
      width: 56,
      height: 56,
    });
  });

  it('box-averages the pixels whose centres fall in each cell, then repeats by nearest (hand-computed 8 → 7 → 8)', () => {
    // Cells of 8/7 px: only output cell 3 holds two source centres (3.5 and 4.5); enlarging 7 → 8
    // samples cells ⌊(o + 0.5)·7/8⌋ = 0 1 2 3 3 4 5 6.
    const src = image(8, 8, 1, (x) => x / 7);
    const out = pixelate.apply(src, 1, random('pixelate', 1));
    const row = [0, 1, 2, 3.5, 3.5, 5, 6, 7].map((v) => v / 7);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) expect(out.data[y * 8 + x]).toBeCloseTo(row[x]!, 6);
  });

  it('downscales 8 → 5 in both axes (hand-computed: cells {0,1} {2} {3,4} {5} {6,7}, sampled 0 0 1 2 2 3 4 4)', () => {
    const src = image(8, 8, 3, (x, y, c) => (c === 0 ? x / 7 : c === 1 ? y / 7 : (x + 8 * y) / 63));
    const out = pixelate.apply(src, 5, random('pixelate', 5));
    const cell = [0.5, 0.5, 2, 3.5, 3.5, 5, 6.5, 6.5];
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const i = (y * 8 + x) * 3;
        expect(out.data[i]).toBeCloseTo(cell[x]! / 7, 6);
        expect(out.data[i + 1]).toBeCloseTo(cell[y]! / 7, 6);
        expect(out.data[i + 2]).toBeCloseTo((cell[x]! + 8 * cell[y]!) / 63, 6);
      }
    }
  });

  it('lowers the high-frequency energy, more at each severity (textures from 32 px up)', () => {
    for (const img of [texture(64, 48, 3, 5), texture(32, 32, 1, 6), texture(300, 200, 3, 7)]) {
      const energies = [highFrequencyEnergy(img)];
      for (const severity of SEVERITIES) {
        energies.push(highFrequencyEnergy(pixelate.apply(img, severity, random('pixelate', severity))));
      }
      for (let s = 1; s <= 5; s++) {
        expect(energies[s]!, `${img.width}×${img.height} s${s}`).toBeLessThan(energies[s - 1]!);
      }
    }
  });

  it('lowers the high-frequency energy of an 8×8 digit at every severity, though not monotonically', () => {
    // ⌊8c⌋ is 7, 7, 6, 6, 5 px: s1 = s2 and s3 = s4 exactly, and the 6-px grid merges other
    // columns (1–2, 5–6) than the 7-px one (3–4), so on one digit s3 can keep more edges than s2.
    // Severity on an 8-px image is coarse by nature; every level still blurs, and s5 most.
    const energies = SEVERITIES.map((s) =>
      highFrequencyEnergy(pixelate.apply(DIGIT, s, random('pixelate', s))),
    );
    for (const e of energies) expect(e).toBeLessThan(highFrequencyEnergy(DIGIT));
    expect(energies[1]).toBe(energies[0]);
    expect(energies[3]).toBe(energies[2]);
    expect(energies[4]!).toBeLessThan(Math.min(...energies.slice(0, 4)));
  });

  it('keeps a constant image and, roughly, the mean', () => {
    const flat = image(20, 13, 3, () => 0.3);
    for (const v of pixelate.apply(flat, 5, random('pixelate', 5)).data) expect(v).toBeCloseTo(0.3, 6);
    const img = texture(64, 48, 3, 8);
    expect(mean(pixelate.apply(img, 3, random('pixelate', 3)).data)).toBeCloseTo(mean(img.data), 2);
  });
});

describe('jpeg_compression', () => {
  it('reports the tabled quality and the encoder', () => {
    expect(jpegCompression.parameters(3, { width: 32, height: 32 })).toEqual({
      table: 'cifar',
      quality: 58,
      encoder: 'jpeg-js, baseline, 4:4:4',
    });
    expect(jpegCompression.parameters(5, { width: 224, height: 224 })).toMatchObject({
      table: 'imagenet',
      quality: 7,
    });
  });

  it('is exactly a JPEG encode at the tabled quality and decode (RGB), and the bytes are a valid JPEG', () => {
    const img = gradient(37, 29); // sides not multiples of 8: padded blocks
    const rgba = new Uint8Array(37 * 29 * 4);
    for (let p = 0; p < 37 * 29; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.round(img.data[p * 3 + c]! * 255);
      rgba[p * 4 + 3] = 255;
    }
    for (const severity of SEVERITIES) {
      const quality = jpegCompression.parameters(severity, img).quality as number;
      const bytes = jpeg.encode({ data: rgba, width: 37, height: 29 }, quality).data;
      expect([bytes[0], bytes[1], bytes[bytes.length - 2], bytes[bytes.length - 1]]).toEqual([
        0xff, 0xd8, 0xff, 0xd9,
      ]);
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
      const out = jpegCompression.apply(img, severity, random('jpeg_compression', severity));
      for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBe(Math.fround(decoded.data[i]! / 255));
    }
  });

  it('on gray: encodes the gray replicated to RGB and keeps the decoded luma (grayBehaviour)', () => {
    expect(jpegCompression.grayBehaviour).toMatch(/replicated/);
    const rgba = new Uint8Array(64 * 4);
    for (let p = 0; p < 64; p++) {
      const v = Math.round(DIGIT.data[p]! * 255);
      rgba.set([v, v, v, 255], p * 4);
    }
    const decoded = jpeg.decode(jpeg.encode({ data: rgba, width: 8, height: 8 }, 40).data, {
      useTArray: true,
      formatAsRGBA: false,
    });
    const out = jpegCompression.apply(DIGIT, 5, random('jpeg_compression', 5));
    expect(out.channels).toBe(1);
    for (let p = 0; p < 64; p++) {
      const [r, g, b] = [decoded.data[p * 3]!, decoded.data[p * 3 + 1]!, decoded.data[p * 3 + 2]!];
      expect(Math.abs(r - g) + Math.abs(g - b)).toBeLessThanOrEqual(2); // a gray stays (nearly) gray
      expect(out.data[p]! * 255).toBeCloseTo((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16, 3);
    }
  });

  it('moves a flat image by no more than the quantisation of its DC coefficients allows, on both tables', () => {
    // A flat 8×8 block keeps only its DC coefficient, 8 × (mean − 128), quantised with the scaled
    // DC step q (16 for Y, 17 for chroma at quality 50; IJG scaling): the block mean moves by at
    // most q/16 levels in Y, Cb and Cr. R, G, B get ΔY + k·ΔC with k = 1.402, 0.344 + 0.714, 1.772
    // (JFIF), plus ≤ 0.5 for the 8-bit input, ≤ 1 per component for the integer colour transform
    // and ≤ 0.5 for the output rounding.
    const k = [1.402, 0.344136 + 0.714136, 1.772];
    for (const [w, h] of [
      [24, 16],
      [240, 160],
    ] as const) {
      const flat = image(w, h, 3, (_x, _y, c) => [0.5, 0.25, 0.75][c]!);
      for (const severity of SEVERITIES) {
        const quality = jpegCompression.parameters(severity, flat).quality as number;
        const sf = quality < 50 ? Math.floor(5000 / quality) : Math.floor(200 - 2 * quality);
        const step = (base: number) => Math.min(255, Math.max(1, Math.floor((base * sf + 50) / 100)));
        const out = jpegCompression.apply(flat, severity, random('jpeg_compression', severity));
        for (let c = 0; c < 3; c++) {
          const bound = (step(16) + k[c]! * step(17)) / 16 + 0.5 + (1 + k[c]!) + 0.5;
          let worst = 0;
          for (let i = c; i < out.data.length; i += 3)
            worst = Math.max(worst, Math.abs(out.data[i]! - flat.data[i]!) * 255);
          expect(worst, `${w}×${h} s${severity} channel ${c}`).toBeLessThanOrEqual(bound);
        }
      }
    }
  });

  it('differs more from the input at each lower quality (both tables, RGB and gray)', () => {
    for (const img of [
      gradient(32, 32),
      texture(64, 48, 3, 10),
      texture(48, 48, 1, 11),
      gradient(300, 200),
    ]) {
      const errors = SEVERITIES.map((s) =>
        meanAbsoluteDifference(jpegCompression.apply(img, s, random('jpeg_compression', s)), img),
      );
      expect(errors[0]!).toBeGreaterThan(0.5 / 255);
      for (let s = 1; s < 5; s++)
        expect(errors[s]!, `${img.width}×${img.height} s${s + 1}`).toBeGreaterThan(errors[s - 1]!);
    }
  });
});

describe('every digital corruption', () => {
  const images: Array<[string, FloatImage]> = [
    ['an 8×8 gray digit', DIGIT],
    ['another 8×8 gray digit', digit(0, fileOf(0))],
    ['a 32×32 RGB gradient', gradient(32, 32)],
    ['a 64×48 RGB texture', texture(64, 48, 3, 12)],
    ['a white 9×11 RGB image', image(9, 11, 3, () => 1)],
    ['a black 10×10 gray image', image(10, 10, 1, () => 0)],
    ['a 512×512 RGB gradient', gradient(512, 512)],
  ];

  for (const [label, img] of images) {
    it(`keeps size and channels, stays in [0, 1], leaves the input alone and does not depend on the generator, on ${label}`, () => {
      const before = Float32Array.from(img.data);
      for (const perturbation of DIGITAL_PERTURBATIONS) {
        for (const severity of SEVERITIES) {
          const where = `${perturbation.name} s${severity}`;
          const out = perturbation.apply(img, severity, random(perturbation.name, severity));
          expect([out.width, out.height, out.channels], where).toEqual([img.width, img.height, img.channels]);
          expect(out.data.length, where).toBe(img.data.length);
          expect(
            out.data.every((v) => v >= 0 && v <= 1),
            where,
          ).toBe(true);
          const other = perturbation.apply(img, severity, createRandom(999));
          expect(Buffer.from(other.data.buffer).equals(Buffer.from(out.data.buffer)), where).toBe(true);
        }
      }
      expect(img.data).toEqual(before);
    });
  }

  it('refuses a severity outside 1..5', () => {
    for (const perturbation of DIGITAL_PERTURBATIONS) {
      expect(() => perturbation.apply(DIGIT, 0 as never, createRandom(1))).toThrow(RangeError);
      expect(() => perturbation.parameters(6 as never, DIGIT)).toThrow(RangeError);
    }
  });
});

function fileOf(label: number): string {
  const dir = path.join(repoRoot, 'examples/digits/test-set', String(label));
  return readdirSync(dir).find((f) => f.endsWith('.png'))!;
}
