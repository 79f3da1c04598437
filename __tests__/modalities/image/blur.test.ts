// The blur corruptions (src/modalities/image/perturbations/blur.ts) and the shared filters
// (filters.ts): scipy goldens for the kernels and boundary modes (scripts/golden/make_blur_goldens.py
// prints every literal below), hand-computed cases for each blur, and the properties of the issue:
// blur lowers high-frequency energy, severity is monotonic where the tables are, the mean is kept,
// values stay in range, and the random blurs repeat with the same seed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/dataset/decodeImage.js';
import {
  addCentreZoom,
  BLUR_PERTURBATIONS,
  defocusKernel,
  motionBlurImage,
} from '../../../src/modalities/image/perturbations/blur.js';
import {
  blurPlane,
  convolvePlane,
  gaussianBlur,
  gaussianKernel,
} from '../../../src/modalities/image/perturbations/filters.js';
import { toFloatImage } from '../../../src/modalities/image/perturbations/floatImage.js';
import { perturbationRandom } from '../../../src/modalities/image/perturbations/seed.js';
import {
  type FloatImage,
  type Perturbation,
  SEVERITIES,
} from '../../../src/modalities/image/perturbations/types.js';
import { createRandom, type Random } from '../../../src/stats/random.js';
import { repoRoot } from '../../helpers/cli.js';

const digitFile = path.join(repoRoot, 'examples/digits/test-set/8/digit-0129.png');
const digit = toFloatImage(decodeImage(readFileSync(digitFile), digitFile));

function blur(name: string): Perturbation {
  const found = BLUR_PERTURBATIONS.find((p) => p.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

/** Sum of squared differences between horizontal and vertical neighbours, all channels. */
function highFrequencyEnergy(image: FloatImage): number {
  const { width, height, channels, data } = image;
  let sum = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        if (x + 1 < width) sum += (data[i + channels]! - data[i]!) ** 2;
        if (y + 1 < height) sum += (data[i + width * channels]! - data[i]!) ** 2;
      }
    }
  }
  return sum;
}

function mean(image: FloatImage): number {
  let sum = 0;
  for (const v of image.data) sum += v;
  return sum / image.data.length;
}

/** Squares of `period` px alternating between `low` and `high`, phase shifted per channel. */
function checkerboard(
  width: number,
  height: number,
  channels: 1 | 3,
  period = 2,
  low = 0.2,
  high = 0.8,
): FloatImage {
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const on = (Math.floor(x / period) + Math.floor(y / period) + c) % 2 === 0;
        data[(y * width + x) * channels + c] = on ? high : low;
      }
    }
  }
  return { width, height, channels, data };
}

/** Uniform white noise in [0.2, 0.8]: every frequency present, so any wider blur removes more. */
function whiteNoise(width: number, height: number, channels: 1 | 3, seed: number): FloatImage {
  const random = createRandom(seed);
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = 0.2 + 0.6 * random.next();
  return { width, height, channels, data };
}

/** A generator whose every draw is 0 (int(n) = 0, next() = 0). */
const zeroRandom: Random = { next: () => 0, int: () => 0, nextUint32: () => 0 };

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `index ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThan(
      tolerance,
    );
  }
}

// ------------------------------------------------------------------ scipy goldens

const TINY = [
  0.1, 0.9, 0.3, 0.0, 0.5, 0.7, 0.2, 0.8, 0.4, 1.0, 0.0, 0.6, 0.25, 0.75, 0.35, 1.0, 0.05, 0.45, 0.55, 0.15,
];

describe('filters against scipy.ndimage', () => {
  it('gaussianKernel matches scipy (truncate 4, radius int(4σ + 0.5))', () => {
    expectClose(
      gaussianKernel(0.5),
      [
        0.00026386508273735414, 0.10645077197359151, 0.7865707258873423, 0.10645077197359151,
        0.00026386508273735414,
      ],
      1e-7,
    );
    expectClose(
      gaussianKernel(1),
      [
        0.00013383062461474175, 0.004431861620031266, 0.053991127420704395, 0.24197144565660073,
        0.39894346935609776, 0.24197144565660073, 0.053991127420704395, 0.004431861620031266,
        0.00013383062461474175,
      ],
      1e-7,
    );
    const k15 = gaussianKernel(1.5);
    expect(k15.length).toBe(13);
    expect(k15[6]).toBeCloseTo(0.2659642571610709, 7);
    expect(k15[0]).toBeCloseTo(8.92210686353923e-5, 9);
  });

  it('σ = 0 or below 1e-3 is the identity and returns a copy', () => {
    expect(Array.from(gaussianKernel(0))).toEqual([1]);
    const plane = Float32Array.from(TINY);
    const out = blurPlane(plane, 5, 4, 1e-4);
    expect(out).not.toBe(plane);
    expect(Array.from(out)).toEqual(Array.from(plane));
    const image: FloatImage = { width: 5, height: 4, channels: 1, data: plane };
    const copy = gaussianBlur(image, 0);
    expect(copy.data).not.toBe(plane);
    expect(Array.from(copy.data)).toEqual(Array.from(plane));
  });

  it("blurPlane matches gaussian_filter in 'reflect' (scipy's default) and 'nearest' (skimage's) modes", () => {
    const plane = Float32Array.from(TINY);
    expectClose(
      blurPlane(plane, 5, 4, 1),
      [
        0.40243165115502383, 0.47219308516127423, 0.43362888936674787, 0.40059530665643434,
        0.4865456672018764, 0.41488901431781716, 0.4532638206514755, 0.46887010378623717, 0.4912822347542166,
        0.5557878236540458, 0.4366666778195363, 0.4241183736972777, 0.45465836470712695, 0.4913363344094476,
        0.48702242797541606, 0.530784720149596, 0.42576998191514126, 0.4182114578833224, 0.432941559579256,
        0.3690025282555308,
      ],
      1e-6,
    );
    expectClose(
      blurPlane(plane, 5, 4, 0.7, 'nearest'),
      [
        0.3331110223581482, 0.5605869867017907, 0.4102662244503651, 0.27013621228291484, 0.4942013929982871,
        0.43172273327283633, 0.460353842081901, 0.5078524947738827, 0.5046764094750232, 0.6743821158025652,
        0.36904440555057116, 0.3962786247087094, 0.4510045174318944, 0.5402033266579777, 0.4797842814319503,
        0.6591743221156675, 0.35435134827439024, 0.39940975438889315, 0.4651537114548061, 0.28149663541040526,
      ],
      1e-6,
    );
  });

  it('blurPlane repeats the reflection like scipy when the kernel is wider than the image', () => {
    const small = Float32Array.from([0.0, 1.0, 0.5, 0.25, 0.75, 0.0]);
    expectClose(
      blurPlane(small, 3, 2, 2),
      [
        0.4101103114483324, 0.4173301820061716, 0.4243578791711452, 0.40921241229504174, 0.4161311831954937,
        0.4228580318838153,
      ],
      1e-6,
    );
  });

  it("convolvePlane matches ndimage.correlate in 'reflect' and 'mirror' (OpenCV reflect-101) modes", () => {
    const plane = Float32Array.from(TINY);
    const kernel = Float32Array.from([0.0, 0.1, 0.05, 0.2, 0.3, 0.1, 0.05, 0.1, 0.1]);
    expectClose(
      convolvePlane(plane, 5, 4, kernel, 3, 3),
      [
        0.32000000134110446, 0.5600000084936616, 0.43000001057982457, 0.3150000082701445, 0.4950000113993883,
        0.4850000081211327, 0.47000000879168513, 0.4800000202655794, 0.5275000144168736, 0.6625000173225999,
        0.2950000058114529, 0.3650000168383124, 0.4725000151991845, 0.49250001411885025, 0.4975000094249844,
        0.6900000190734863, 0.43250000711530445, 0.3650000065937637, 0.4550000135600568, 0.2800000109523536,
      ],
      1e-6,
    );
    expectClose(
      convolvePlane(plane, 5, 4, kernel, 3, 3, 'mirror'),
      [
        0.47999999940395344, 0.5150000105053184, 0.5000000119209291, 0.38000000983476645, 0.4300000113248825,
        0.4150000112503766, 0.47000000879168513, 0.4800000202655794, 0.5275000144168736, 0.6175000178441405,
        0.36750001169741164, 0.3650000168383124, 0.4725000151991845, 0.49250001411885025, 0.5475000116601586,
        0.4350000189244748, 0.41750001039356, 0.39250000815838565, 0.4850000122189523, 0.43000001169741164,
      ],
      1e-6,
    );
  });

  it('convolvePlane rejects a kernel that does not match its sides', () => {
    expect(() => convolvePlane(Float32Array.from(TINY), 5, 4, new Float32Array(6), 3, 2)).toThrow(
      /odd sides/,
    );
  });
});

// ------------------------------------------------------------------ hand-computed and golden cases

describe('each blur on a case computed by hand or by the original', () => {
  it('gaussian_blur equals an independent skimage-style blur (nearest border, per channel)', () => {
    const image = checkerboard(12, 10, 3);
    const sigma = blur('gaussian_blur').parameters(3, image).sigma as number;
    expect(sigma).toBeCloseTo(0.7 * (10 / 32), 12);
    const out = blur('gaussian_blur').apply(image, 3, zeroRandom);
    // Direct 2-D sum with the 1-D kernel's outer product and clamped indices.
    const k = gaussianKernel(sigma);
    const r = (k.length - 1) / 2;
    for (const [y, x, c] of [
      [0, 0, 0],
      [4, 7, 1],
      [9, 11, 2],
    ] as const) {
      let expected = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const yy = Math.min(Math.max(y + dy, 0), 9);
          const xx = Math.min(Math.max(x + dx, 0), 11);
          expected += k[dy + r]! * k[dx + r]! * image.data[(yy * 12 + xx) * 3 + c]!;
        }
      }
      expect(out.data[(y * 12 + x) * 3 + c]).toBeCloseTo(expected, 6);
    }
  });

  it('defocusKernel: radius 3 is the 29-pixel disk (α = 0.1 leaves it unsmoothed)', () => {
    const { kernel, side } = defocusKernel(3, 0.1);
    expect(side).toBe(17);
    let taps = 0;
    let sum = 0;
    for (const w of kernel) {
      sum += w;
      if (w > 1e-6) {
        taps++;
        expect(w).toBeCloseTo(1 / 29, 6);
      }
    }
    expect(taps).toBe(29);
    expect(sum).toBeCloseTo(1, 6);
  });

  it('defocusKernel: a radius below 1 px keeps only the centre, leaving the 3×3 gaussian of σ = α', () => {
    // CIFAR severity 1 at 32 px: r = 0.3, α = 0.4. e = exp(-1 / (2·0.16)).
    const { kernel, side } = defocusKernel(0.3, 0.4);
    const e = Math.exp(-1 / (2 * 0.16));
    const g = [e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)];
    const c = (side - 1) / 2;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        expect(kernel[(c + dy) * side + c + dx]).toBeCloseTo(g[dy + 1]! * g[dx + 1]!, 6);
      }
    }
    expect(kernel[(c + 2) * side + c]).toBe(0);
    // The 8×8 digit's severity 1 (r = 0.075, α = 0.1): the identity to float32 precision.
    const tiny = defocusKernel(0.075, 0.1);
    expect(tiny.kernel[8 * 17 + 8]).toBeCloseTo(1, 12);
  });

  it('motion blur matches imagecorruptions _motion_blur (one-sided trail, edge replication)', () => {
    const ramp: number[] = [];
    for (let i = 0; i < 30; i++) ramp.push(i ** 1.5 / 29 ** 1.5);
    const image: FloatImage = { width: 6, height: 5, channels: 1, data: Float32Array.from(ramp) };
    expectClose(
      motionBlurImage(image, 2, 1, 30).data,
      [
        0.014565539505237276, 0.02462381364787688, 0.03903572525748564, 0.05629592961462295,
        0.07358072703490556, 0.08519568733916964, 0.1230652352098754, 0.1491973674072935, 0.17705759746451294,
        0.2062781854623255, 0.23392677596908454, 0.2516763955641468, 0.30392704349670274, 0.3391501183508833,
        0.37566487890097017, 0.4131215675563362, 0.44818447048100796, 0.4704360479700986, 0.5337470418712239,
        0.5761262162785042, 0.6195827043591271, 0.6637497180103643, 0.7049108914803475, 0.7308955955298208,
        0.777678953610579, 0.8257177178614952, 0.8747074702702295, 0.9242895698752852, 0.9707549537280243,
        0.9999999999999999,
      ],
      1e-6,
    );
    expectClose(
      motionBlurImage(image, 3, 2, -40).data,
      [
        0.010008025872848925, 0.021385269894713028, 0.03621920430807884, 0.05285289865457974,
        0.06481189776827267, 0.07159093090839651, 0.04133519101263349, 0.05873046625386981,
        0.07842161450301798, 0.09932875046201631, 0.11516487610056401, 0.1255243828321836,
        0.15716870530598778, 0.1845963184271734, 0.21340279110071453, 0.24275720588923697, 0.2644867359376551,
        0.27747379549421686, 0.33684583279610464, 0.37248100533839157, 0.40909449697648625,
        0.44591913953267015, 0.4722051868766709, 0.4873710733948556, 0.5693072443270273, 0.6121138367346101,
        0.6555146704260053, 0.6984714939781327, 0.7286219743196473, 0.745690748785402,
      ],
      1e-6,
    );
  });

  it('motion_blur draws its angle from U(-45°, 45°): a zero draw is -45°', () => {
    const image = whiteNoise(16, 16, 1, 3);
    const { radius, sigma } = blur('motion_blur').parameters(2, image) as { radius: number; sigma: number };
    expect(radius).toBe(3); // round(6 · 16/32)
    expect(sigma).toBeCloseTo(0.75, 12);
    const out = blur('motion_blur').apply(image, 2, zeroRandom);
    expect(Array.from(out.data)).toEqual(Array.from(motionBlurImage(image, radius, sigma, -45).data));
  });

  it('zoom: factor 1 is the identity; factor 2 on 3×3 averages each corner 2×2 block', () => {
    const data = Float32Array.from([0, 0.2, 0.4, 0.6, 0.8, 1, 0.1, 0.3, 0.5]);
    const image: FloatImage = { width: 3, height: 3, channels: 1, data };
    const same = new Float32Array(9);
    addCentreZoom(image, 1, 1, same);
    expectClose(same, Array.from(data), 1e-7);
    const zoomed = new Float32Array(9);
    addCentreZoom(image, 2, 1, zoomed);
    expect(zoomed[0]).toBeCloseTo((0 + 0.2 + 0.6 + 0.8) / 4, 6); // samples (0.5, 0.5)
    expect(zoomed[4]).toBeCloseTo(0.8, 6); // the centre stays
    expect(zoomed[8]).toBeCloseTo((0.8 + 1 + 0.3 + 0.5) / 4, 6);
  });

  it('zoom_blur uses the original np.arange factors (CIFAR severity 1: 1.00 … 1.06, 7 of them)', () => {
    const factors = blur('zoom_blur').parameters(1, { width: 32, height: 32 }).factors as number[];
    expect(factors.length).toBe(7);
    expect(factors[6]).toBeCloseTo(1.06, 12);
    expect((blur('zoom_blur').parameters(5, { width: 224, height: 224 }).factors as number[]).length).toBe(
      11,
    );
    // A constant image is unchanged by any zoom.
    const flat: FloatImage = { width: 20, height: 14, channels: 3, data: new Float32Array(840).fill(0.37) };
    expectClose(blur('zoom_blur').apply(flat, 5, zeroRandom).data, Array.from(flat.data), 1e-6);
  });

  it('glass_blur swaps in the original scan order: with every draw -1, the diagonal shifts down by one', () => {
    // CIFAR severity 1 at 32 px: σ 0.05 (radius 0, the identity, as in skimage), δ 1, one pass. int(n) = 0
    // gives dx = dy = -1, so (h, w) swaps with (h-1, w-1) for h, w = 31 … 2: the value at (31, 31) walks
    // up the diagonal to (1, 1) and every (k, k), k = 1 … 30, moves to (k+1, k+1); row 0 is untouched.
    const image = whiteNoise(32, 32, 1, 11);
    const out = blur('glass_blur').apply(image, 1, zeroRandom);
    const at = (img: FloatImage, y: number, x: number) => img.data[y * 32 + x]!;
    expect(at(out, 1, 1)).toBe(at(image, 31, 31));
    for (let k = 1; k <= 30; k++) expect(at(out, k + 1, k + 1)).toBe(at(image, k, k));
    for (let x = 0; x < 32; x++) expect(at(out, 0, x)).toBe(at(image, 0, x));
    expect(at(out, 0, 0)).toBe(at(image, 0, 0));
  });
});

// ------------------------------------------------------------------ properties

const checker32 = checkerboard(32, 32, 3);
const checker64x48 = checkerboard(64, 48, 3);
const noise40 = whiteNoise(40, 40, 3, 5);
const noise128x112 = whiteNoise(128, 112, 3, 6); // shorter side 112 > 96: the ImageNet-C table

describe('blur lowers high-frequency energy', () => {
  for (const name of ['gaussian_blur', 'defocus_blur', 'motion_blur', 'zoom_blur']) {
    it(`${name} lowers it at every severity on 32×32 and 64×48 checkerboards and ImageNet-sized noise`, () => {
      for (const image of [checker32, checker64x48, noise128x112]) {
        const before = highFrequencyEnergy(image);
        for (const severity of SEVERITIES) {
          const after = highFrequencyEnergy(
            blur(name).apply(image, severity, perturbationRandom(1, 's', name, severity)),
          );
          expect(after, `${image.width}×${image.height} s${severity}`).toBeLessThan(0.8 * before);
        }
      }
    });
  }

  it('on the 8×8 digit: zoom and motion blur lower it at every severity, gaussian at severity 5 only barely', () => {
    const before = highFrequencyEnergy(digit);
    const at = (name: string, severity: 1 | 2 | 3 | 4 | 5) =>
      highFrequencyEnergy(blur(name).apply(digit, severity, perturbationRandom(1, 'd', name, severity))) /
      before;
    for (const severity of SEVERITIES) {
      expect(at('zoom_blur', severity)).toBeLessThan(0.95);
      expect(at('motion_blur', severity)).toBeLessThanOrEqual(1);
      expect(at('gaussian_blur', severity)).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(at('motion_blur', 5)).toBeLessThan(0.8);
    // The CIFAR lengths scaled by 8/32 are sub-pixel: σ 0.25 px at severity 5 is nearly the identity,
    // and defocus disks of 0.075–0.375 px with α 0.025–0.15 px are exactly the identity at 8 px.
    expect(at('gaussian_blur', 5)).toBeLessThan(1);
    expect(at('gaussian_blur', 5)).toBeGreaterThan(0.99);
    for (const severity of SEVERITIES) expect(at('defocus_blur', severity)).toBeCloseTo(1, 5);
  });

  it('glass_blur lowers it once its σ reaches ~0.35 px, and raises it when σ is too small to undo the swaps', () => {
    const ratio = (image: FloatImage, severity: 1 | 2 | 3 | 4 | 5) =>
      highFrequencyEnergy(
        blur('glass_blur').apply(image, severity, perturbationRandom(1, 'g', 'glass_blur', severity)),
      ) / highFrequencyEnergy(image);
    // ImageNet table (σ 0.35–0.75 px at 112 px): lower at every severity but the first.
    for (const severity of [2, 3, 4, 5] as const) expect(ratio(noise128x112, severity)).toBeLessThan(0.8);
    // 64×48, CIFAR table scaled by 1.5: σ 0.375–0.6 px at severities 2–5.
    for (const severity of [2, 3, 4, 5] as const) expect(ratio(checker64x48, severity)).toBeLessThan(0.8);
    // CIFAR severity 1 at 32 px has σ 0.05 (radius 0): a pure pixel shuffle, as in the original; so is
    // every severity on the 8×8 digit. Shuffling adds high frequencies.
    expect(ratio(checker32, 1)).toBeGreaterThan(1);
    for (const severity of SEVERITIES) expect(ratio(digit, severity)).toBeGreaterThan(1);
  });
});

describe('severity is monotonic in distortion', () => {
  function energies(name: string, image: FloatImage): number[] {
    // The same generator state at every severity, so motion blur's angle is the same.
    return SEVERITIES.map((s) =>
      highFrequencyEnergy(blur(name).apply(image, s, perturbationRandom(2, 'm', name, 1))),
    );
  }

  function expectStrictlyFalling(e: number[], label: string): void {
    for (let s = 1; s < 5; s++) expect(e[s], `${label} s${s + 1}`).toBeLessThan(e[s - 1]!);
  }

  it('gaussian_blur: strictly less high-frequency energy at each higher severity (both tables)', () => {
    expectStrictlyFalling(energies('gaussian_blur', noise40), 'CIFAR 40px');
    expectStrictlyFalling(energies('gaussian_blur', noise128x112), 'ImageNet 128px');
  });

  it('defocus_blur: strictly falling on the ImageNet table and on CIFAR at 32 px; CIFAR s3 → s4 is not ordered everywhere', () => {
    expectStrictlyFalling(energies('defocus_blur', noise128x112), 'ImageNet 128px');
    expectStrictlyFalling(energies('defocus_blur', whiteNoise(32, 32, 3, 8)), 'CIFAR 32px');
    // CIFAR s3 (r 0.5, α 0.6) is a 3×3 gaussian and s4 (r 1, α 0.2) a 5-pixel plus; scaled by 40/32 the
    // gaussian (σ 0.75) removes more high frequency than the plus. The table, not the code, is unordered.
    const e = energies('defocus_blur', noise40);
    expect(e[3]!).toBeGreaterThan(e[2]!);
    expect(e[4]!).toBeLessThan(e[2]!);
  });

  it('zoom_blur: strictly falling on the CIFAR table (nested factor ranges) and on a smooth ImageNet-sized image', () => {
    expectStrictlyFalling(energies('zoom_blur', noise40), 'CIFAR 40px');
    const smooth: FloatImage = {
      width: 128,
      height: 112,
      channels: 3,
      data: new Float32Array(128 * 112 * 3),
    };
    for (let y = 0; y < 112; y++) {
      for (let x = 0; x < 128; x++) {
        for (let c = 0; c < 3; c++)
          smooth.data[(y * 128 + x) * 3 + c] = 0.5 + 0.3 * Math.sin(x * 0.7 + c) * Math.cos(y * 0.45);
      }
    }
    expectStrictlyFalling(energies('zoom_blur', smooth), 'ImageNet smooth 128px');
    // Not asserted on white noise: there the ImageNet table is not ordered (s3 and s5 average 11 zoomed
    // copies, s2 16 and s4 13, and averaging more nearly independent copies removes more noise than
    // zooming further); which pair inverts depends on the image (s4 → s5 at 128 and 224 px in our runs).
  });

  it('motion_blur: non-increasing at a fixed angle; CIFAR severities 3 and 4 are the same blur', () => {
    for (const image of [noise40, noise128x112]) {
      const e = energies('motion_blur', image);
      for (let s = 1; s < 5; s++) expect(e[s]!).toBeLessThanOrEqual(e[s - 1]! * (1 + 1e-6));
    }
    // CIFAR (6, 2) → (8, 2): only taps of weight ≤ exp(-169/8) are added.
    const e = energies('motion_blur', noise40);
    expect(Math.abs(e[3]! - e[2]!) / e[2]!).toBeLessThan(1e-5);
    expect(e[4]!).toBeLessThan(e[3]!);
  });

  it('glass_blur: not monotonic — the CIFAR table alternates σ (0.25 at s4 after 0.4 at s3)', () => {
    const e = energies('glass_blur', noise40);
    expect(e[2]!).toBeLessThan(e[1]!);
    expect(e[3]!).toBeGreaterThan(e[2]!);
    // On the ImageNet table (σ 0.7 … 1.5 rising, δ rising) it is monotonic here.
    const big = energies('glass_blur', noise128x112);
    for (let s = 1; s < 5; s++) expect(big[s]!).toBeLessThan(big[s - 1]!);
  });
});

describe('mean, range, input and determinism', () => {
  it('keeps the mean (values away from 0 and 1, so nothing is clipped)', () => {
    for (const perturbation of BLUR_PERTURBATIONS) {
      for (const image of [checker32, checker64x48, noise40]) {
        for (const severity of SEVERITIES) {
          const out = perturbation.apply(
            image,
            severity,
            perturbationRandom(3, 'mean', perturbation.name, severity),
          );
          expect(
            Math.abs(mean(out) - mean(image)),
            `${perturbation.name} s${severity} ${image.width}px`,
          ).toBeLessThan(0.01);
        }
      }
    }
  });

  it('stays in [0, 1] on a 0/1 checkerboard, gray and RGB, and never changes its input', () => {
    for (const image of [checkerboard(9, 8, 1, 1, 0, 1), checkerboard(33, 20, 3, 1, 0, 1)]) {
      const before = Float32Array.from(image.data);
      for (const perturbation of BLUR_PERTURBATIONS) {
        for (const severity of SEVERITIES) {
          const out = perturbation.apply(
            image,
            severity,
            perturbationRandom(4, 'r', perturbation.name, severity),
          );
          expect(out.width).toBe(image.width);
          expect(out.height).toBe(image.height);
          expect(out.channels).toBe(image.channels);
          for (const v of out.data) expect(v >= 0 && v <= 1).toBe(true);
        }
      }
      expect(image.data).toEqual(before);
    }
  });

  for (const name of ['motion_blur', 'glass_blur']) {
    it(`${name} repeats with the same seed and changes with another`, () => {
      const a = blur(name).apply(noise40, 4, perturbationRandom(5, 'x', name, 4));
      const b = blur(name).apply(noise40, 4, perturbationRandom(5, 'x', name, 4));
      const c = blur(name).apply(noise40, 4, perturbationRandom(6, 'x', name, 4));
      expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
      expect(Buffer.from(a.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(false);
    });
  }

  it('parameters are the tabled values times the pixel scale (integer lengths rounded, at least 1)', () => {
    expect(blur('gaussian_blur').parameters(5, { width: 8, height: 8 })).toEqual({
      table: 'cifar',
      sigma: 0.25,
    });
    expect(blur('gaussian_blur').parameters(5, { width: 224, height: 300 })).toEqual({
      table: 'imagenet',
      sigma: 6,
    });
    expect(blur('defocus_blur').parameters(4, { width: 112, height: 112 })).toEqual({
      table: 'imagenet',
      radius: 4,
      aliasSigma: 0.25,
    });
    expect(blur('motion_blur').parameters(1, { width: 8, height: 8 })).toMatchObject({
      radius: 2,
      sigma: 0.25,
    });
    expect(blur('glass_blur').parameters(5, { width: 8, height: 8 })).toEqual({
      table: 'cifar',
      sigma: 0.1,
      maxDelta: 1,
      iterations: 2,
    });
    expect(blur('glass_blur').parameters(5, { width: 448, height: 448 })).toEqual({
      table: 'imagenet',
      sigma: 3,
      maxDelta: 8,
      iterations: 2,
    });
  });
});
