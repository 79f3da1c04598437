/**
 * Occlusion stresses (reference.md section 3): part of the picture hidden behind a flat patch of
 * the image's per-channel mean.
 *
 * cutout (DeVries & Taylor 2017, "Improved regularization of convolutional neural networks with
 * cutout"; their code uberkoan/Cutout util/cutout.py): one square hole whose centre is a uniformly
 * drawn pixel, clipped at the borders. Side = 0.25, 0.375, 0.5, 0.625, 0.75 of the shorter side at
 * severities 1–5 (8, 12, 16, 20, 24 px on 32), rounded to whole pixels (at least 1): severity 3 is
 * the paper's CIFAR-10 setting (16 px on 32) and severity 1 its CIFAR-100 one (8 px). The side is a
 * share of the image rather than the ImageNet-C-style table switch, since the paper only tabled
 * CIFAR sizes (equivalently: 16 px scaled by side / 32 at every size).
 *
 * random_erasing (Zhong et al. 2020, "Random erasing data augmentation"; their code
 * zhunzhong07/Random-Erasing transforms.py): target area U(0.02, a_hi)·HW with
 * a_hi = 0.08, 0.16, 0.24, 0.32, 0.4 at severities 1–5 (severity 5 is the paper's 0.02–0.4), aspect
 * ratio U(0.3, 1 / 0.3) (uniform, as the paper; torchvision draws it log-uniform), h = round(√(area·r)),
 * w = round(√(area / r)); up to 100 attempts until h < H and w < W, then a uniformly placed top-left
 * corner (randint over 0..H − h, 0..W − w, inclusive, as Python's random.randint).
 *
 * Deviations: the fill is this image's per-channel mean, not a dataset mean (the paper's cutout zeroes
 * the normalised image, i.e. fills the dataset mean; random erasing's code fills ImageNet's mean):
 * no dataset statistics are at hand per sample, and the image's own mean adds no colour cast. Both
 * always apply (the augmentations apply with probability ½; a stress test must stress every sample).
 * Cutout's hole is exactly `side` px (the paper's y ± side // 2 gives side − 1 for an odd side).
 * If random erasing finds no fitting rectangle in 100 attempts (possible only on very flat images),
 * the last one is clipped to fit instead of leaving the image untouched.
 */
import type { Random } from '../../../stats/random.js';
import { atSeverity } from './parameterSets.js';
import { channelMeans } from './sampling.js';
import type { FloatImage, Perturbation, Severity } from './types.js';

/** Cutout side as a share of the shorter image side, per severity. */
const CUTOUT_SIDE_SHARE: readonly number[] = [0.25, 0.375, 0.5, 0.625, 0.75];
/** Upper end of random erasing's area share U(ERASING_AREA_LOW, a_hi), per severity. */
const ERASING_AREA_HIGH: readonly number[] = [0.08, 0.16, 0.24, 0.32, 0.4];
const ERASING_AREA_LOW = 0.02;
/** Aspect ratio range U(r, 1 / r), r = 0.3 (Zhong et al.). */
const ERASING_ASPECT_LOW = 0.3;
const ERASING_ATTEMPTS = 100;

/** A rectangle of pixels [x0, x1) × [y0, y1). */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function cutoutSide(severity: Severity, size: { width: number; height: number }): number {
  return Math.max(1, Math.round(atSeverity(CUTOUT_SIDE_SHARE, severity) * Math.min(size.width, size.height)));
}

/** The hole of one cutout: two draws, the centre row then the centre column, each uniform over pixels. */
export function drawCutout(
  severity: Severity,
  size: { width: number; height: number },
  random: Random,
): PixelRect {
  const side = cutoutSide(severity, size);
  const cy = random.int(size.height);
  const cx = random.int(size.width);
  const y0 = cy - Math.floor(side / 2);
  const x0 = cx - Math.floor(side / 2);
  return {
    x0: Math.max(0, x0),
    y0: Math.max(0, y0),
    x1: Math.min(size.width, x0 + side),
    y1: Math.min(size.height, y0 + side),
  };
}

/** The rectangle of one random erasing: per attempt, the area share then the aspect, then the corner. */
export function drawErasing(
  severity: Severity,
  size: { width: number; height: number },
  random: Random,
): PixelRect {
  const { width, height } = size;
  const high = atSeverity(ERASING_AREA_HIGH, severity);
  const area = width * height;
  let h = 1;
  let w = 1;
  for (let attempt = 0; attempt < ERASING_ATTEMPTS; attempt++) {
    const target = (ERASING_AREA_LOW + (high - ERASING_AREA_LOW) * random.next()) * area;
    const aspect = ERASING_ASPECT_LOW + (1 / ERASING_ASPECT_LOW - ERASING_ASPECT_LOW) * random.next();
    h = Math.max(1, Math.round(Math.sqrt(target * aspect)));
    w = Math.max(1, Math.round(Math.sqrt(target / aspect)));
    if (h < height && w < width) break;
    if (attempt === ERASING_ATTEMPTS - 1) {
      h = Math.min(h, height);
      w = Math.min(w, width);
    }
  }
  const y0 = random.int(height - h + 1);
  const x0 = random.int(width - w + 1);
  return { x0, y0, x1: x0 + w, y1: y0 + h };
}

/** A copy of `image` with `rect` filled with the image's per-channel mean. */
function fillRect(image: FloatImage, rect: PixelRect): FloatImage {
  const { width, channels } = image;
  const means = channelMeans(image);
  const data = image.data.slice();
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let x = rect.x0; x < rect.x1; x++) {
      const p = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) data[p + c] = means[c]!;
    }
  }
  return { width: image.width, height: image.height, channels, data };
}

const cutout: Perturbation = {
  name: 'cutout',
  family: 'occlusion',
  summary:
    'one square hole (¼ to ¾ of the side; ½ at severity 3, as DeVries & Taylor) filled with the mean colour',
  parameters(severity, size) {
    return {
      side_share: atSeverity(CUTOUT_SIDE_SHARE, severity),
      side_px: cutoutSide(severity, size),
      centre: 'uniform pixel, hole clipped at the borders',
      fill: 'per-channel mean',
    };
  },
  apply(image, severity, random) {
    return fillRect(image, drawCutout(severity, image, random));
  },
};

const randomErasing: Perturbation = {
  name: 'random_erasing',
  family: 'occlusion',
  summary:
    'one rectangle of 2% up to 8–40% of the area, aspect 0.3–3.3 (Zhong et al.), filled with the mean colour',
  parameters(severity) {
    return {
      area_share: [ERASING_AREA_LOW, atSeverity(ERASING_AREA_HIGH, severity)],
      aspect: [ERASING_ASPECT_LOW, 1 / ERASING_ASPECT_LOW],
      fill: 'per-channel mean',
    };
  },
  apply(image, severity, random) {
    return fillRect(image, drawErasing(severity, image, random));
  },
};

export const OCCLUSION_PERTURBATIONS: readonly Perturbation[] = [cutout, randomErasing];
