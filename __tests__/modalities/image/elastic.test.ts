// elastic_transform (src/modalities/image/perturbations/elastic.ts): the three-point affine is
// solved exactly; on linear ramps (which bilinear sampling reproduces exactly) every interior pixel
// is moved to precisely warped(p + d(p)) of the drawn plan; the displacement field has the size
// α·std(G_σ * U(−1, 1)) the tables imply, and an 8-px image gets the 32-px field scaled by ¼;
// the value histogram is roughly kept; range, determinism, gray images. Severity: the tables are
// not monotonic in total displacement (CIFAR's affine jitter shrinks while its elastic field grows;
// ImageNet's severities 1–2 have a 10–20% affine jitter against 2% at 3–5), so what is checked is
// that the elastic field grows with severity on the CIFAR table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import {
  affineFromPoints,
  ELASTIC_PERTURBATIONS,
  elasticPlan,
} from '../../../src/modalities/image/perturbations/elastic.js';
import { gaussianKernel, separableFilter } from '../../../src/modalities/image/perturbations/filters.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import type { FloatImage, Severity } from '../../../src/modalities/image/perturbations/types.js';
import { createRandom } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

const elastic = ELASTIC_PERTURBATIONS[0]!;
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
const digitFile = path.join(repoRoot, 'examples/digits/test-set/2/digit-0050.png');

/** R = x / (w − 1), G = y / (h − 1), B = ½: linear in the position. */
function ramps(width: number, height: number): FloatImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x / (width - 1);
      data[i + 1] = y / (height - 1);
      data[i + 2] = 0.5;
    }
  }
  return { width, height, channels: 3, data };
}

function rms(field: Float32Array): number {
  let s = 0;
  for (const v of field) s += v * v;
  return Math.sqrt(s / field.length);
}

describe('affineFromPoints (cv2.getAffineTransform)', () => {
  it('maps the three points onto their targets', () => {
    const from: [number, number][] = [
      [3, 4],
      [10, 2],
      [5, 9],
    ];
    const to: [number, number][] = [
      [1, 1],
      [12, -3],
      [4, 8.5],
    ];
    const [a, b, c, d, e, f] = affineFromPoints(from, to);
    for (let i = 0; i < 3; i++) {
      expect(a * from[i]![0] + b * from[i]![1] + c).toBeCloseTo(to[i]![0], 10);
      expect(d * from[i]![0] + e * from[i]![1] + f).toBeCloseTo(to[i]![1], 10);
    }
    // Pure translation by (2, −1).
    expect(
      affineFromPoints(
        from,
        from.map(([x, y]) => [x + 2, y - 1]),
      ),
    ).toEqual([1, 0, 2, 0, 1, -1].map((v) => expect.closeTo(v, 10)));
  });
});

describe('elastic_transform', () => {
  it('moves every interior pixel of a ramp image to exactly warped(p + d(p)) of the drawn plan (64×48)', () => {
    const width = 64;
    const height = 48;
    const image = ramps(width, height);
    for (const severity of [2, 3, 5] as Severity[]) {
      const plan = elasticPlan(severity, image, createRandom(21));
      const out = elastic.apply(image, severity, createRandom(21));
      const [a, b, c, d, e, f] = plan.inverseAffine;
      let checked = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const p = y * width + x;
          const qx = x + plan.dx![p]!;
          const qy = y + plan.dy![p]!;
          const sx = a * qx + b * qy + c;
          const sy = d * qx + e * qy + f;
          // Only where neither resampling reaches a border (no reflection, no clipping).
          const inside = (u: number, v: number) => u > 2 && u < width - 3 && v > 2 && v < height - 3;
          if (!inside(qx, qy) || !inside(sx, sy)) continue;
          expect(out.data[p * 3]! * (width - 1)).toBeCloseTo(sx, 3);
          expect(out.data[p * 3 + 1]! * (height - 1)).toBeCloseTo(sy, 3);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(width * height * 0.5);
    }
  });

  it('has a displacement field of the size the tables imply: α·(1/√3)·Σ g² on the 32-px grid', () => {
    // CIFAR (α, σ) = (2.56, 1.92), (3.2, 1.28), (3.2, 0.96) at severities 3–5. The smoothed white
    // noise U(−1, 1) (variance 1/3) has variance (1/3)·(Σ_i g_i²)² for the separable kernel g.
    const table: Array<[Severity, number, number]> = [
      [3, 2.56, 1.92],
      [4, 3.2, 1.28],
      [5, 3.2, 0.96],
    ];
    for (const [severity, alpha, sigma] of table) {
      const g = gaussianKernel(sigma, 3);
      let g2 = 0;
      for (const w of g) g2 += w * w;
      const expected = alpha * Math.sqrt(1 / 3) * g2;
      let sum = 0;
      for (let seed = 0; seed < 6; seed++) {
        const plan = elasticPlan(severity, { width: 32, height: 32 }, createRandom(seed));
        sum += (rms(plan.dx!) + rms(plan.dy!)) / 2 / 6;
      }
      // Reflection at the borders reuses noise samples and adds a little variance there.
      expect(sum, `s${severity}`).toBeGreaterThan(expected * 0.85);
      expect(sum, `s${severity}`).toBeLessThan(expected * 1.3);
    }
  });

  it('grows the elastic field with severity on the CIFAR table (none at severity 1, α = 0)', () => {
    let last = -1;
    for (const s of SEVERITIES) {
      let size = 0;
      for (let seed = 0; seed < 4; seed++) {
        const plan = elasticPlan(s, { width: 32, height: 32 }, createRandom(seed));
        size += plan.dx ? rms(plan.dx) + rms(plan.dy!) : 0;
      }
      if (s === 1) expect(size).toBe(0);
      else expect(size, `s${s}`).toBeGreaterThan(last);
      last = size;
    }
  });

  it('gives an 8-px image the 32-px field magnified by ¼ (the same warp relative to the image)', () => {
    for (const s of [3, 5] as Severity[]) {
      const big = elasticPlan(s, { width: 32, height: 32 }, createRandom(4));
      const small = elasticPlan(s, { width: 8, height: 8 }, createRandom(4));
      expect(small.gridWidth).toBe(32);
      const ratio = rms(small.dx!) / rms(big.dx!);
      // Bilinear resampling to 8 px averages the 32-px field a little, so slightly below ¼.
      expect(ratio).toBeGreaterThan(0.15);
      expect(ratio).toBeLessThan(0.26);
      expect(small.affineJitter).toBeCloseTo(big.affineJitter / 4, 12);
    }
    expect(elastic.parameters(5, { width: 8, height: 8 })).toEqual({
      alpha: expect.closeTo(0.2, 12),
      sigma: expect.closeTo(0.24, 12),
      affine_jitter: expect.closeTo(0.24, 12),
      field_grid: '32x32',
    });
    expect(elastic.parameters(1, { width: 224, height: 224 })).toMatchObject({
      alpha: 488,
      field_grid: '224x224',
    });
  });

  it('keeps the value histogram roughly (a warp, not a tone change)', () => {
    const width = 64;
    const height = 64;
    const image: FloatImage = { width, height, channels: 1, data: new Float32Array(width * height) };
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        image.data[y * width + x] =
          0.5 + 0.45 * Math.sin((2 * Math.PI * x) / 23) * Math.cos((2 * Math.PI * y) / 17);
    const sortedIn = Float32Array.from(image.data).sort();
    for (const s of SEVERITIES) {
      const out = elastic.apply(image, s, createRandom(s));
      const sortedOut = Float32Array.from(out.data).sort();
      let d = 0;
      for (let i = 0; i < sortedIn.length; i++) d += Math.abs(sortedIn[i]! - sortedOut[i]!);
      expect(d / sortedIn.length, `s${s}`).toBeLessThan(0.05);
      let change = 0;
      for (let i = 0; i < sortedIn.length; i++) change += Math.abs(out.data[i]! - image.data[i]!);
      expect(change / sortedIn.length, `s${s} moves pixels`).toBeGreaterThan(0.01);
    }
  });

  it('keeps a constant image constant, [0, 1], size and channels; never changes the input; repeats', () => {
    const digit = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));
    const flat: FloatImage = { width: 20, height: 12, channels: 3, data: new Float32Array(720).fill(0.3) };
    for (const image of [digit, ramps(40, 30), flat]) {
      const before = image.data.slice();
      for (const s of SEVERITIES) {
        const a = elastic.apply(image, s, createRandom(s));
        expect(a.data).toEqual(elastic.apply(image, s, createRandom(s)).data);
        expect([a.width, a.height, a.channels]).toEqual([image.width, image.height, image.channels]);
        expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
        if (image === flat) expect(a.data.every((v) => Math.abs(v - 0.3) < 1e-6)).toBe(true);
      }
      expect(image.data).toEqual(before);
    }
  });
});

describe('separableFilter on selected points (elastic_transform smooths only the grid points it resamples)', () => {
  it('computes each wanted point exactly as the whole filter does, and leaves the rest 0', () => {
    const random = createRandom(11);
    const width = 32;
    const height = 24;
    const plane = Float32Array.from({ length: width * height }, () => 2 * random.next() - 1);
    const kernel = gaussianKernel(6.4, 3);
    const whole = separableFilter(plane, width, height, kernel, kernel, 'reflect');
    const columns = Uint8Array.from({ length: width }, (_, x) => (x % 4 === 1 || x % 4 === 2 ? 1 : 0));
    const rows = Uint8Array.from({ length: height }, (_, y) => (y % 3 === 0 ? 1 : 0));
    const part = separableFilter(plane, width, height, kernel, kernel, 'reflect', { columns, rows });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        expect(part[p]).toBe(columns[x] && rows[y] ? whole[p] : 0);
      }
    }
  });
});
