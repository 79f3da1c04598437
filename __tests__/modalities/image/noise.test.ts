// The noise corruptions (src/modalities/image/perturbations/noise.ts) and the Poisson draw they use
// (draws.ts): each noise has the configured distribution (variance, mean, share of replaced
// elements), grows with severity, stays in range, repeats with the same seed, and matches
// hand-computed outputs for fixed uniforms.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import {
  logGamma,
  POISSON_PTRS_MIN_LAMBDA,
  poisson,
} from '../../../src/modalities/image/perturbations/draws.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import { NOISE_PERTURBATIONS } from '../../../src/modalities/image/perturbations/noise.js';
import { perturbationRandom } from '../../../src/modalities/image/perturbations/seed.js';
import {
  type FloatImage,
  type Perturbation,
  SEVERITIES,
} from '../../../src/modalities/image/perturbations/types.js';
import { createRandom, type Random } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

function named(name: string): Perturbation {
  const found = NOISE_PERTURBATIONS.find((p) => p.name === name);
  if (!found) throw new Error(`no perturbation ${name}`);
  return found;
}

const gaussian = named('gaussian_noise');
const shot = named('shot_noise');
const impulse = named('impulse_noise');
const speckle = named('speckle_noise');

function constant(width: number, height: number, channels: 1 | 3, value: number): FloatImage {
  return { width, height, channels, data: new Float32Array(width * height * channels).fill(value) };
}

/** RGB gradients: red along x, green along y, blue a checkerboard. */
function gradient(width: number, height: number): FloatImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x / (width - 1);
      data[i + 1] = y / (height - 1);
      data[i + 2] = (x + y) % 2 === 0 ? 0.85 : 0.15;
    }
  }
  return { width, height, channels: 3, data };
}

function digit(label: number, file: string): FloatImage {
  const where = path.join(repoRoot, 'examples/digits/test-set', String(label), file);
  return toFloatImage(decodeImage(readFileSync(where), where));
}

/** A generator whose next() cycles through `values` (for hand-computed cases). */
function scripted(values: readonly number[]): Random {
  let i = 0;
  const next = () => values[i++ % values.length]!;
  return { next, nextUint32: () => Math.floor(next() * 4294967296), int: (n) => Math.floor(next() * n) };
}

function mean(data: Float32Array): number {
  let sum = 0;
  for (const v of data) sum += v;
  return sum / data.length;
}

function variance(data: Float32Array): number {
  const m = mean(data);
  let sum = 0;
  for (const v of data) sum += (v - m) ** 2;
  return sum / (data.length - 1);
}

const cell = (name: string, severity: number, seed = 11) =>
  perturbationRandom(seed, 'sample-7', name, severity);

// 64×64 is on the CIFAR-10-C table (shorter side ≤ 96), 128×128 on the ImageNet-C one.
const MID_GRAY_RGB = constant(64, 64, 3, 0.5);
const MID_GRAY_LARGE = constant(128, 128, 1, 0.5);

describe('poisson (draws.ts)', () => {
  it('computes log Γ to 1e-12 against log k! and log Γ(1/2) = log √π', () => {
    let logFactorial = 0;
    for (let k = 0; k <= 170; k++) {
      if (k > 0) logFactorial += Math.log(k);
      expect(Math.abs(logGamma(k + 1) - logFactorial), `k = ${k}`).toBeLessThan(
        1e-12 * Math.max(1, logFactorial),
      );
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('counts uniforms until their product falls to e^−λ below λ = 10 (hand-computed: λ = 1.5, u = 0.5 → 2)', () => {
    // 0.5 > e^−1.5 = 0.223, 0.25 > 0.223, 0.125 ≤ 0.223: two factors stay above the limit.
    expect(poisson(scripted([0.5]), 1.5)).toBe(2);
    expect(poisson(scripted([0.1]), 1.5)).toBe(0);
    expect(poisson(scripted([0.5]), 0)).toBe(0);
  });

  for (const lambda of [0.3, 3, 9.99, POISSON_PTRS_MIN_LAMBDA, 37.5, 250, 500]) {
    it(`has mean λ, variance λ and the Poisson pmf (χ² test), λ = ${lambda}`, () => {
      const random = createRandom(1000 + Math.round(lambda * 100));
      const n = 40000;
      const draws = new Float64Array(n);
      const counts = new Map<number, number>();
      let notCounts = 0;
      for (let i = 0; i < n; i++) {
        const k = poisson(random, lambda);
        if (!(Number.isInteger(k) && k >= 0)) notCounts++;
        draws[i] = k;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      expect(notCounts).toBe(0);
      let m = 0;
      for (const k of draws) m += k;
      m /= n;
      let v = 0;
      for (const k of draws) v += (k - m) ** 2;
      v /= n - 1;
      // 5 standard errors: SE(mean) = √(λ/n), SE(var) = √((λ + 2λ²)/n).
      expect(Math.abs(m - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(Math.abs(v - lambda)).toBeLessThan(5 * Math.sqrt((lambda + 2 * lambda * lambda) / n));

      // χ² over bins of expected count ≥ 20, both tails pooled into the end bins.
      const pmf = (k: number) => Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));
      const top = Math.ceil(lambda + 12 * Math.sqrt(lambda) + 12);
      const observed: number[] = [];
      const expected: number[] = [];
      let obs = 0;
      let exp = 0;
      for (let k = 0; k <= top; k++) {
        obs += counts.get(k) ?? 0;
        exp += n * pmf(k);
        if (exp >= 20) {
          observed.push(obs);
          expected.push(exp);
          obs = 0;
          exp = 0;
        }
      }
      // The last bin takes the rest of the mass (and of the draws): k ≥ its first value.
      expected[expected.length - 1] = n - expected.slice(0, -1).reduce((a, b) => a + b, 0);
      observed[observed.length - 1] = n - observed.slice(0, -1).reduce((a, b) => a + b, 0);
      let chi2 = 0;
      for (let b = 0; b < observed.length; b++) chi2 += (observed[b]! - expected[b]!) ** 2 / expected[b]!;
      const df = Math.max(1, observed.length - 1);
      // Far tail of χ²(df) (≈ p < 1e-6): a wrong distribution with 40,000 draws lands far beyond.
      expect(chi2, `χ² = ${chi2.toFixed(1)} on ${df} df`).toBeLessThan(df + 7 * Math.sqrt(2 * df) + 10);
    });
  }

  it('refuses a negative or non-finite λ', () => {
    expect(() => poisson(createRandom(1), -1)).toThrow(RangeError);
    expect(() => poisson(createRandom(1), Number.NaN)).toThrow(RangeError);
    expect(() => poisson(createRandom(1), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('gaussian_noise', () => {
  it('reports the tabled σ: CIFAR-10-C up to a 96-px side, ImageNet-C above', () => {
    expect(gaussian.parameters(1, { width: 32, height: 32 })).toEqual({ table: 'cifar', sigma: 0.04 });
    expect(gaussian.parameters(5, { width: 8, height: 8 })).toEqual({ table: 'cifar', sigma: 0.1 });
    expect(gaussian.parameters(3, { width: 224, height: 224 })).toEqual({ table: 'imagenet', sigma: 0.18 });
    expect(gaussian.parameters(5, { width: 500, height: 97 })).toEqual({ table: 'imagenet', sigma: 0.38 });
  });

  it('adds σ·z to each element (hand-computed: z = 1 from u = e^−½, v = 0 gives 0.5 + 0.04)', () => {
    const out = gaussian.apply(constant(8, 8, 1, 0.5), 1, scripted([Math.exp(-0.5), 0]));
    for (const v of out.data) expect(v).toBeCloseTo(0.54, 6);
  });

  it('has the configured variance σ² and mean 0 on a mid-gray 64×64 image, at every severity', () => {
    const n = MID_GRAY_RGB.data.length;
    for (const severity of SEVERITIES) {
      const sigma = gaussian.parameters(severity, MID_GRAY_RGB).sigma as number;
      const out = gaussian.apply(MID_GRAY_RGB, severity, cell('gaussian_noise', severity));
      // At 0.5 ± 5σ (σ ≤ 0.1) clipping touches about one element in 10⁶: the variance is unclipped.
      // SE of a sample variance of n normals: σ²·√(2/(n−1)); SE of the mean: σ/√n. Five of each.
      expect(Math.abs(variance(out.data) / sigma ** 2 - 1), `s${severity}`).toBeLessThan(
        5 * Math.sqrt(2 / (n - 1)),
      );
      expect(Math.abs(mean(out.data) - 0.5), `s${severity}`).toBeLessThan((5 * sigma) / Math.sqrt(n));
    }
  });

  it('has variance 0.08² on a 128×128 image at ImageNet-C severity 1', () => {
    const out = gaussian.apply(MID_GRAY_LARGE, 1, cell('gaussian_noise', 1));
    expect(Math.abs(variance(out.data) / 0.08 ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / out.data.length));
  });

  it('grows with severity (measured standard deviation, both tables)', () => {
    for (const image of [MID_GRAY_RGB, MID_GRAY_LARGE]) {
      const spread = SEVERITIES.map((s) =>
        variance(gaussian.apply(image, s, cell('gaussian_noise', s)).data),
      );
      for (let s = 1; s < 5; s++) expect(spread[s]!, `s${s + 1} vs s${s}`).toBeGreaterThan(spread[s - 1]!);
    }
  });
});

describe('shot_noise', () => {
  it('reports the tabled rate c', () => {
    expect(shot.parameters(1, { width: 64, height: 48 })).toEqual({ table: 'cifar', rate: 500 });
    expect(shot.parameters(5, { width: 224, height: 300 })).toEqual({ table: 'imagenet', rate: 3 });
  });

  it('keeps its mean and has variance x/c on a mid-gray image, at every severity', () => {
    const n = MID_GRAY_RGB.data.length;
    for (const severity of SEVERITIES) {
      const rate = shot.parameters(severity, MID_GRAY_RGB).rate as number;
      const out = shot.apply(MID_GRAY_RGB, severity, cell('shot_noise', severity));
      const expectedVariance = 0.5 / rate; // Var(Poisson(xc)/c) = xc/c² = x/c; sd ≤ 0.1, no clipping at 5 sd
      expect(Math.abs(mean(out.data) - 0.5), `s${severity}`).toBeLessThan(
        5 * Math.sqrt(expectedVariance / n),
      );
      expect(Math.abs(variance(out.data) / expectedVariance - 1), `s${severity}`).toBeLessThan(
        5 * Math.sqrt(2 / (n - 1) + 1 / (n * 0.5 * rate)),
      );
      // Values are counts over c: multiples of 1/c.
      for (let i = 0; i < 50; i++) {
        expect(Math.abs(out.data[i]! * rate - Math.round(out.data[i]! * rate))).toBeLessThan(1e-3);
      }
    }
  });

  it('has variance x/c = 0.5/60 on a 128×128 image at ImageNet-C severity 1, and noise that grows with brightness', () => {
    const out = shot.apply(MID_GRAY_LARGE, 1, cell('shot_noise', 1));
    expect(Math.abs(variance(out.data) / (0.5 / 60) - 1)).toBeLessThan(0.06);
    const dim = shot.apply(constant(128, 128, 1, 0.1), 1, cell('shot_noise', 1));
    expect(Math.abs(variance(dim.data) / (0.1 / 60) - 1)).toBeLessThan(0.08);
  });

  it('leaves black black and matches a hand-computed draw (x = 0.5, c = 3, u = 0.5 → Poisson 2 → 2/3)', () => {
    const black = shot.apply(constant(32, 32, 3, 0), 5, cell('shot_noise', 5));
    expect(black.data.every((v) => v === 0)).toBe(true);
    const out = shot.apply(constant(100, 100, 1, 0.5), 5, scripted([0.5]));
    for (const v of out.data) expect(v).toBeCloseTo(2 / 3, 6);
  });

  it('grows with severity (measured variance; c falls with severity in both tables)', () => {
    for (const image of [MID_GRAY_RGB, MID_GRAY_LARGE]) {
      const spread = SEVERITIES.map((s) => variance(shot.apply(image, s, cell('shot_noise', s)).data));
      for (let s = 1; s < 5; s++) expect(spread[s]!, `s${s + 1} vs s${s}`).toBeGreaterThan(spread[s - 1]!);
    }
  });
});

describe('impulse_noise', () => {
  it('reports the tabled amount and the even salt/pepper split', () => {
    expect(impulse.parameters(4, { width: 32, height: 32 })).toEqual({
      table: 'cifar',
      amount: 0.05,
      saltVsPepper: 0.5,
    });
    expect(impulse.parameters(5, { width: 224, height: 224 })).toEqual({
      table: 'imagenet',
      amount: 0.27,
      saltVsPepper: 0.5,
    });
  });

  it('replaces a share c of the elements, half by 1 and half by 0, at every severity', () => {
    const n = MID_GRAY_RGB.data.length;
    for (const severity of SEVERITIES) {
      const amount = impulse.parameters(severity, MID_GRAY_RGB).amount as number;
      const out = impulse.apply(MID_GRAY_RGB, severity, cell('impulse_noise', severity));
      let salt = 0;
      let pepper = 0;
      let other = 0;
      for (const v of out.data) {
        if (v === 1) salt++;
        else if (v === 0) pepper++;
        else if (v !== 0.5) other++;
      }
      expect(other, 'values neither kept nor 0 or 1').toBe(0);
      const changed = salt + pepper;
      expect(Math.abs(changed / n - amount), `s${severity}`).toBeLessThan(
        5 * Math.sqrt((amount * (1 - amount)) / n),
      );
      expect(Math.abs(salt / changed - 0.5), `s${severity}`).toBeLessThan(5 * Math.sqrt(0.25 / changed));
    }
  });

  it('draws per element: channels of one pixel are replaced independently', () => {
    const out = impulse.apply(constant(128, 128, 3, 0.5), 5, cell('impulse_noise', 5));
    let pixelsPartlyChanged = 0;
    for (let p = 0; p < out.data.length; p += 3) {
      const changed = [0, 1, 2].filter((c) => out.data[p + c] !== 0.5).length;
      if (changed === 1 || changed === 2) pixelsPartlyChanged++;
    }
    // P(1 or 2 of 3 changed) = 1 − 0.73³ − 0.27³ ≈ 0.591 per pixel at amount 0.27.
    expect(pixelsPartlyChanged / (128 * 128)).toBeGreaterThan(0.55);
  });

  it('matches hand-computed outputs for fixed uniforms (u < c/2 salt, c/2 ≤ u < c pepper, else kept)', () => {
    const image = digit(3, 'digit-0045.png');
    const out = impulse.apply(image, 1, scripted([0.004, 0.007, 0.5])); // CIFAR s1: c = 0.01
    for (let i = 0; i < out.data.length; i++) {
      expect(out.data[i]).toBe([1, 0, image.data[i]!][i % 3]);
    }
  });

  it('grows with severity (share of replaced elements)', () => {
    for (const image of [MID_GRAY_RGB, MID_GRAY_LARGE]) {
      const share = SEVERITIES.map(
        (s) => impulse.apply(image, s, cell('impulse_noise', s)).data.filter((v) => v !== 0.5).length,
      );
      for (let s = 1; s < 5; s++) expect(share[s]!, `s${s + 1} vs s${s}`).toBeGreaterThan(share[s - 1]!);
    }
  });
});

describe('speckle_noise', () => {
  it('reports the tabled σ', () => {
    expect(speckle.parameters(2, { width: 16, height: 96 })).toEqual({ table: 'cifar', sigma: 0.1 });
    expect(speckle.parameters(3, { width: 97, height: 400 })).toEqual({ table: 'imagenet', sigma: 0.35 });
  });

  it('multiplies by 1 + σz (hand-computed: z = 1 gives 0.5 + 0.5·0.06), and leaves black black', () => {
    const out = speckle.apply(constant(8, 8, 3, 0.5), 1, scripted([Math.exp(-0.5), 0]));
    for (const v of out.data) expect(v).toBeCloseTo(0.53, 6);
    const black = speckle.apply(constant(32, 32, 1, 0), 5, cell('speckle_noise', 5));
    expect(black.data.every((v) => v === 0)).toBe(true);
  });

  it('has variance (xσ)² and mean x on a mid-gray image, at every severity', () => {
    const n = MID_GRAY_RGB.data.length;
    for (const severity of SEVERITIES) {
      const sigma = speckle.parameters(severity, MID_GRAY_RGB).sigma as number;
      const out = speckle.apply(MID_GRAY_RGB, severity, cell('speckle_noise', severity));
      const sd = 0.5 * sigma; // ≤ 0.1: no clipping within 5 sd of 0.5
      expect(Math.abs(variance(out.data) / sd ** 2 - 1), `s${severity}`).toBeLessThan(
        5 * Math.sqrt(2 / (n - 1)),
      );
      expect(Math.abs(mean(out.data) - 0.5), `s${severity}`).toBeLessThan((5 * sd) / Math.sqrt(n));
    }
  });

  it('scales with the intensity: a 0.2 image gets 0.4 × the standard deviation of a 0.5 one', () => {
    const bright = speckle.apply(MID_GRAY_RGB, 3, cell('speckle_noise', 3));
    const dark = speckle.apply(constant(64, 64, 3, 0.2), 3, cell('speckle_noise', 3));
    expect(Math.sqrt(variance(dark.data) / variance(bright.data))).toBeCloseTo(0.4, 2);
  });

  it('grows with severity (measured variance, both tables)', () => {
    for (const image of [MID_GRAY_RGB, MID_GRAY_LARGE]) {
      const spread = SEVERITIES.map((s) => variance(speckle.apply(image, s, cell('speckle_noise', s)).data));
      for (let s = 1; s < 5; s++) expect(spread[s]!, `s${s + 1} vs s${s}`).toBeGreaterThan(spread[s - 1]!);
    }
  });
});

describe('every noise corruption', () => {
  const images: Array<[string, FloatImage]> = [
    ['an 8×8 gray digit', digit(8, 'digit-0129.png')],
    ['a 32×32 RGB gradient', gradient(32, 32)],
    ['a 64×48 RGB gradient', gradient(64, 48)],
    ['a 300×200 RGB gradient', gradient(300, 200)],
    ['a white 16×16 RGB image', constant(16, 16, 3, 1)],
    [
      'a 512×512 gray gradient',
      { ...constant(512, 512, 1, 0), data: gradient(512, 512).data.filter((_, i) => i % 3 === 0) },
    ],
  ];

  for (const [label, image] of images) {
    it(`keeps size and channels, stays in [0, 1], leaves the input alone and repeats per seed, on ${label}`, () => {
      const before = Float32Array.from(image.data);
      for (const perturbation of NOISE_PERTURBATIONS) {
        for (const severity of SEVERITIES) {
          const where = `${perturbation.name} s${severity}`;
          const out = perturbation.apply(image, severity, cell(perturbation.name, severity));
          expect([out.width, out.height, out.channels], where).toEqual([
            image.width,
            image.height,
            image.channels,
          ]);
          expect(out.data.length, where).toBe(image.data.length);
          expect(
            out.data.every((v) => v >= 0 && v <= 1),
            where,
          ).toBe(true);
          const again = perturbation.apply(image, severity, cell(perturbation.name, severity));
          expect(Buffer.from(again.data.buffer).equals(Buffer.from(out.data.buffer)), where).toBe(true);
          if (image.width * image.height <= 64 * 64) {
            const other = perturbation.apply(image, severity, cell(perturbation.name, severity, 12));
            expect(Buffer.from(other.data.buffer).equals(Buffer.from(out.data.buffer)), where).toBe(false);
          }
        }
      }
      expect(image.data).toEqual(before);
    });
  }

  it('refuses a severity outside 1..5', () => {
    for (const perturbation of NOISE_PERTURBATIONS) {
      expect(() => perturbation.apply(MID_GRAY_RGB, 6 as never, createRandom(1))).toThrow(RangeError);
      expect(() => perturbation.parameters(0 as never, MID_GRAY_RGB)).toThrow(RangeError);
    }
  });
});
