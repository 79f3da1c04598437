// fog (src/modalities/image/perturbations/weather.ts): the plasma fractal of make_imagenet_c.py,
// hand-computed on a 2×2 map; fog raises the mean and lowers the contrast, exactly as
// x' = (x + t·P)·max / (max + t); severity is monotonic in distortion on the CIFAR table; range,
// determinism and gray images.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import type { FloatImage, Severity } from '../../../src/modalities/image/perturbations/types.js';
import {
  nextPowerOfTwo,
  plasmaFractal,
  WEATHER_PERTURBATIONS,
} from '../../../src/modalities/image/perturbations/weather.js';
import { createRandom, type Random } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

const fog = WEATHER_PERTURBATIONS.find((p) => p.name === 'fog')!;
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];

const digitFile = path.join(repoRoot, 'examples/digits/test-set/3/digit-0045.png');

function sequence(values: number[]): Random {
  let i = 0;
  return {
    next: () => values[i++ % values.length]!,
    int: (n) => Math.floor(values[i++ % values.length]! * n),
    nextUint32: () => Math.floor(values[i++ % values.length]! * 2 ** 32),
  };
}

/** width × height RGB: checkerboard of 4-px squares (0.1 / 0.8) in R and G, a gradient in B. */
function texture(width: number, height: number): FloatImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const on = (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 0;
      data[i] = on ? 0.8 : 0.1;
      data[i + 1] = on ? 0.1 : 0.8;
      data[i + 2] = (x + y) / (width + height);
    }
  }
  return { width, height, channels: 3, data };
}

function mean(data: Float32Array): number {
  let s = 0;
  for (const v of data) s += v;
  return s / data.length;
}

function std(data: Float32Array): number {
  const m = mean(data);
  let s = 0;
  for (const v of data) s += (v - m) ** 2;
  return Math.sqrt(s / data.length);
}

function meanAbsChange(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe('plasmaFractal (diamond-square, make_imagenet_c.py plasma_fractal)', () => {
  it('matches a hand-computed 2×2 map', () => {
    // step 2: centre = 0/4 + 100·(−100 + 200·0.75) = 5000; corner-row diamond = (5000 + 5000 + 0 + 0)/4
    // + 100·(−100 + 200·0.5) = 2500; corner-column diamond = 2500 + 100·(−100 + 200·0.25) = −2500.
    // Map [[0, 2500], [−2500, 5000]] normalised: [[1/3, 2/3], [0, 1]].
    const map = plasmaFractal(2, 3, sequence([0.75, 0.5, 0.25]));
    expect(Array.from(map)).toEqual([1 / 3, 2 / 3, 0, 1].map((v) => expect.closeTo(v, 12)));
  });

  it('spans exactly [0, 1], repeats for the same generator state and refuses sizes that are not powers of two', () => {
    const a = plasmaFractal(64, 2, createRandom(5));
    const b = plasmaFractal(64, 2, createRandom(5));
    expect(a).toEqual(b);
    expect(Math.min(...a)).toBe(0);
    expect(Math.max(...a)).toBe(1);
    expect(plasmaFractal(64, 2, createRandom(6))).not.toEqual(a);
    expect(() => plasmaFractal(48, 2, createRandom(5))).toThrow(/power of two/);
  });

  it('is smoother with a larger wibble decay (less energy between neighbours)', () => {
    const roughness = (decay: number): number => {
      let s = 0;
      for (let seed = 0; seed < 5; seed++) {
        const m = plasmaFractal(64, decay, createRandom(seed));
        for (let y = 0; y < 64; y++)
          for (let x = 0; x < 63; x++) s += Math.abs(m[y * 64 + x + 1]! - m[y * 64 + x]!);
      }
      return s;
    };
    expect(roughness(3)).toBeLessThan(roughness(1.75));
  });

  it('uses the next power of two of the longer side (32 for CIFAR, 256 for a 224 crop)', () => {
    expect([8, 32, 33, 224, 512].map(nextPowerOfTwo)).toEqual([8, 32, 64, 256, 512]);
    expect(fog.parameters(1, { width: 224, height: 224 })).toEqual({
      thickness: 1.5,
      wibble_decay: 2,
      map_size: 256,
    });
    expect(fog.parameters(5, { width: 32, height: 32 })).toEqual({
      thickness: 1.5,
      wibble_decay: 1.75,
      map_size: 32,
    });
    expect(fog.parameters(3, { width: 64, height: 48 })).toEqual({
      thickness: 0.75,
      wibble_decay: 2.5,
      map_size: 64,
    });
  });
});

describe('fog', () => {
  it('is (x + t·P)·max / (max + t), the fractal drawn from the same generator (hand-computed)', () => {
    const image = texture(32, 32);
    const t = 0.75;
    const plasma = plasmaFractal(32, 2.5, createRandom(11));
    const out = fog.apply(image, 3, createRandom(11));
    const max = Math.max(...image.data);
    for (let p = 0; p < 32 * 32; p++) {
      for (let c = 0; c < 3; c++) {
        const expected = Math.min(1, ((image.data[p * 3 + c]! + t * plasma[p]!) * max) / (max + t));
        expect(out.data[p * 3 + c]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('raises the mean of a dark image and lowers the contrast, more at each severity (CIFAR table)', () => {
    const image = texture(32, 32);
    let lastDistortion = 0;
    for (const s of SEVERITIES) {
      let distortion = 0;
      for (let seed = 0; seed < 8; seed++) {
        const out = fog.apply(image, s, createRandom(seed));
        expect(std(out.data)).toBeLessThan(std(image.data));
        distortion += meanAbsChange(out.data, image.data) / 8;
      }
      expect(distortion, `s${s}`).toBeGreaterThan(lastDistortion);
      lastDistortion = distortion;
    }
    const dark: FloatImage = { ...image, data: image.data.map((v) => v * 0.3) };
    for (const s of SEVERITIES)
      expect(mean(fog.apply(dark, s, createRandom(1)).data)).toBeGreaterThan(mean(dark.data));
  });

  it('on the ImageNet table (224 px) lowers the contrast more at severity 5 than at 1', () => {
    const image = texture(224, 224);
    const s1 = fog.apply(image, 1, createRandom(2));
    const s5 = fog.apply(image, 5, createRandom(2));
    expect(std(s5.data)).toBeLessThan(std(s1.data));
    expect(std(s1.data)).toBeLessThan(std(image.data));
  });

  it('puts the same haze on every channel, keeps [0, 1], never changes the input and repeats', () => {
    const image = texture(64, 48);
    const before = image.data.slice();
    for (const s of SEVERITIES) {
      const a = fog.apply(image, s, createRandom(3));
      const b = fog.apply(image, s, createRandom(3));
      expect(a.data).toEqual(b.data);
      expect(a.width).toBe(64);
      expect(a.height).toBe(48);
      expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(image.data).toEqual(before);
    // A gray constant image: every pixel gets (c + t·P)·c/(c + t); the RGB copy gets the same per channel.
    const flat: FloatImage = { width: 16, height: 16, channels: 1, data: new Float32Array(256).fill(0.5) };
    const flatRgb: FloatImage = { width: 16, height: 16, channels: 3, data: new Float32Array(768).fill(0.5) };
    const g = fog.apply(flat, 4, createRandom(9));
    const rgb = fog.apply(flatRgb, 4, createRandom(9));
    for (let p = 0; p < 256; p++) for (let c = 0; c < 3; c++) expect(rgb.data[p * 3 + c]).toBe(g.data[p]);
  });

  it('fogs the 8×8 gray digit: brighter background, lower contrast', () => {
    const digit = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));
    const out = fog.apply(digit, 5, createRandom(4));
    expect(out.channels).toBe(1);
    expect(std(out.data)).toBeLessThan(std(digit.data));
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(Math.min(...digit.data));
  });
});
