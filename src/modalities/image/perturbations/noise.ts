/**
 * The noise corruptions of ImageNet-C / CIFAR-10-C: gaussian, shot (Poisson), impulse (salt and
 * pepper) and speckle noise, each drawn independently for every element (pixel × channel), as the
 * originals do (hendrycks/robustness ImageNet-C/create_c/make_imagenet_c.py and make_cifar_c.py;
 * bethgelab/imagecorruptions corruptions.py). Parameters: ../shared/design/reference.md §1.
 *
 * Deviations from the originals, all deliberate:
 * - Seeding: the originals draw from numpy's global, unseeded generator; every draw here comes from
 *   the cell's generator (./seed.ts), so the same (seed, sample, corruption, severity) gives the same
 *   bytes. The distributions are the originals'; the streams are not numpy's.
 * - Elements are visited in HWC order, one draw sequence per element, so the image's layout fixes
 *   which draw lands where.
 * - Gray images get the same per-element noise on their one channel (the originals do the same on a
 *   2-D array); nothing colour-specific happens here.
 */
import type { Random } from '../../../stats/random.js';
import { normal, poisson } from './draws.js';
import { clipUnit } from './floatImage.js';
import { parameterSet, pickTable } from './parameterSets.js';
import type { FloatImage, Perturbation, Severity } from './types.js';

/** One value a severity, for images on the ImageNet-C and on the CIFAR-10-C table (./parameterSets.ts). */
interface SeverityTables {
  readonly imagenet: readonly number[];
  readonly cifar: readonly number[];
}

/** Standard deviation σ of the additive noise, in units of the [0, 1] range. */
const GAUSSIAN_SIGMA: SeverityTables = {
  imagenet: [0.08, 0.12, 0.18, 0.26, 0.38],
  cifar: [0.04, 0.06, 0.08, 0.09, 0.1],
};

/** c in Poisson(x·c)/c: photons per unit of intensity; smaller is noisier (variance x/c). */
const SHOT_RATE: SeverityTables = {
  imagenet: [60, 25, 12, 5, 3],
  cifar: [500, 250, 100, 75, 50],
};

/** Share of elements replaced by salt (1) or pepper (0). */
const IMPULSE_AMOUNT: SeverityTables = {
  imagenet: [0.03, 0.06, 0.09, 0.17, 0.27],
  cifar: [0.01, 0.02, 0.03, 0.05, 0.07],
};

/** skimage.util.random_noise's default share of salt among the replaced elements. */
const SALT_VS_PEPPER = 0.5;

/** σ of the multiplicative noise: x + x·N(0, σ²). */
const SPECKLE_SIGMA: SeverityTables = {
  imagenet: [0.15, 0.2, 0.35, 0.45, 0.6],
  cifar: [0.06, 0.1, 0.12, 0.16, 0.2],
};

function sized(image: FloatImage): { width: number; height: number } {
  return { width: image.width, height: image.height };
}

function withData(image: FloatImage, data: Float32Array): FloatImage {
  return { width: image.width, height: image.height, channels: image.channels, data: clipUnit(data) };
}

/** x + N(0, σ²) per element, clipped (make_imagenet_c.py gaussian_noise). */
function gaussianNoise(image: FloatImage, severity: Severity, random: Random): FloatImage {
  const sigma = pickTable(GAUSSIAN_SIGMA, severity, sized(image));
  const src = image.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! + sigma * normal(random);
  return withData(image, out);
}

/**
 * Poisson(x·c)/c per element, clipped (make_imagenet_c.py shot_noise): photon-counting noise whose
 * variance x/c grows with the intensity. Values below 0 (none in a [0, 1] image) count as 0.
 */
function shotNoise(image: FloatImage, severity: Severity, random: Random): FloatImage {
  const rate = pickTable(SHOT_RATE, severity, sized(image));
  const src = image.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    out[i] = poisson(random, x > 0 ? x * rate : 0) / rate;
  }
  return withData(image, out);
}

/**
 * Salt and pepper, skimage.util.random_noise(mode='s&p', amount=c) (skimage ≥ 0.19): every element
 * is replaced with probability c, by 1 (salt) or 0 (pepper) with equal odds. One uniform u per
 * element decides both: u < c replaces (probability c), and then u < c/2 — an even split of the
 * replaced ones, since u is uniform on [0, c) given u < c — picks salt. Same distribution as
 * skimage's two independent choices, one draw instead of two. (The skimage of 2018 that made
 * ImageNet-C instead set ⌈c·N/2⌉ random coordinates, drawn with replacement, to salt and as many to
 * pepper: nearly the same share, c − O(c²); the per-element form is today's skimage and the brief's.)
 */
function impulseNoise(image: FloatImage, severity: Severity, random: Random): FloatImage {
  const amount = pickTable(IMPULSE_AMOUNT, severity, sized(image));
  const saltBelow = amount * SALT_VS_PEPPER;
  const src = image.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const u = random.next();
    out[i] = u < amount ? (u < saltBelow ? 1 : 0) : src[i]!;
  }
  return withData(image, out);
}

/** x + x·N(0, σ²) per element, clipped (make_imagenet_c.py speckle_noise). */
function speckleNoise(image: FloatImage, severity: Severity, random: Random): FloatImage {
  const sigma = pickTable(SPECKLE_SIGMA, severity, sized(image));
  const src = image.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    out[i] = x + x * sigma * normal(random);
  }
  return withData(image, out);
}

export const NOISE_PERTURBATIONS: readonly Perturbation[] = [
  {
    name: 'gaussian_noise',
    family: 'noise',
    summary: 'adds gaussian noise of standard deviation σ to every pixel and channel (sensor read noise)',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      sigma: pickTable(GAUSSIAN_SIGMA, severity, size),
    }),
    apply: gaussianNoise,
  },
  {
    name: 'shot_noise',
    family: 'noise',
    summary:
      'replaces every value x by Poisson(x·c)/c: photon noise of a dim exposure, stronger in bright areas',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      rate: pickTable(SHOT_RATE, severity, size),
    }),
    apply: shotNoise,
  },
  {
    name: 'impulse_noise',
    family: 'noise',
    summary:
      'sets a share of the pixel values to 0 or 1 (salt and pepper: dead and stuck sensor elements, bit errors)',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      amount: pickTable(IMPULSE_AMOUNT, severity, size),
      saltVsPepper: SALT_VS_PEPPER,
    }),
    apply: impulseNoise,
  },
  {
    name: 'speckle_noise',
    family: 'noise',
    summary: 'multiplies every value x by 1 + N(0, σ²): noise that grows with the intensity',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      sigma: pickTable(SPECKLE_SIGMA, severity, size),
    }),
    apply: speckleNoise,
  },
];
