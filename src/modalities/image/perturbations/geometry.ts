/**
 * Geometric stresses: rotate, translate, scale. Not part of ImageNet-C; the ranges follow
 * ImageNet-P (Hendrycks & Dietterich 2019: rotate ±15°, translate ±20 px on 224 ≈ ±9%, scale
 * 0.40–1.15; reference.md section 3), so that severity 5 is about ImageNet-P's extreme:
 *
 * - rotate:    |θ| = 3, 6, 9, 12, 15° at severities 1–5, sign drawn (±, p = ½); about the image
 *              centre ((w − 1) / 2, (h − 1) / 2); positive θ turns the picture counter-clockwise
 *              as displayed (y pointing down).
 * - translate: 2, 4, 6, 8, 10% of the width in x and of the height in y, each sign drawn: a diagonal
 *              shift of that size (s5 is just past ImageNet-P's ±9% on each axis). Fractional pixel
 *              shifts are kept (bilinear), so an 8-px digit's 0.16–0.8 px shifts stay monotonic
 *              instead of rounding to 0, 0, 0, 1, 1.
 * - scale:     zoom out by 0.95, 0.9, 0.8, 0.7, 0.6 about the centre. Zoom out rather than in: the
 *              ImageNet-P range is mostly below 1 (0.40–1.15), zooming out keeps the whole object in
 *              view (a camera farther away) while zooming in crops it, which overlaps with translate
 *              and the occlusion stresses; and 1.15 leaves too little room for five steps.
 *
 * Fill: where the source falls outside the image, the image's own per-channel mean (a neutral value
 * that adds no edges of its own, as torchvision's fill would with the dataset mean; black borders
 * would also test darkness). Sampling is bilinear, without an anti-aliasing prefilter when zooming
 * out (as torchvision's affine / OpenCV warpAffine): at 0.6 a checkerboard of 1-px squares aliases.
 */
import type { Random } from '../../../stats/random.js';
import { atSeverity } from './parameterSets.js';
import { affineSourceMap, channelMeans, remap } from './sampling.js';
import type { FloatImage, Perturbation, Severity } from './types.js';

/** |rotation| in degrees per severity. */
const ROTATE_DEGREES: readonly number[] = [3, 6, 9, 12, 15];
/** |translation| as a share of the side (x of the width, y of the height) per severity. */
const TRANSLATE_SHARE: readonly number[] = [0.02, 0.04, 0.06, 0.08, 0.1];
/** Zoom-out factor per severity. */
const SCALE_FACTOR: readonly number[] = [0.95, 0.9, 0.8, 0.7, 0.6];

type Inverse = [number, number, number, number, number, number];

/** The signed rotation (degrees) of one application: one draw, the sign. */
export function drawRotation(severity: Severity, random: Random): number {
  const degrees = atSeverity(ROTATE_DEGREES, severity);
  return random.next() < 0.5 ? -degrees : degrees;
}

/** The shift (px) of one application: two draws, the sign in x then in y. */
export function drawTranslation(
  severity: Severity,
  size: { width: number; height: number },
  random: Random,
): { dx: number; dy: number } {
  const share = atSeverity(TRANSLATE_SHARE, severity);
  const sx = random.next() < 0.5 ? -1 : 1;
  const sy = random.next() < 0.5 ? -1 : 1;
  return { dx: sx * share * size.width, dy: sy * share * size.height };
}

/**
 * Output → source matrix of a rotation by `degrees` (counter-clockwise on screen) about the centre.
 * On screen (y down) a counter-clockwise turn by θ sends (u, v) from the centre to
 * (u cos θ + v sin θ, −u sin θ + v cos θ); the source of an output point is the inverse turn.
 */
export function rotationInverse(width: number, height: number, degrees: number): Inverse {
  const theta = (degrees * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // source = R(−θ)_screen · (p − c) + c, with R(−θ)_screen (u, v) = (u cos θ − v sin θ, u sin θ + v cos θ).
  return [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy];
}

function warp(image: FloatImage, inverse: Inverse): FloatImage {
  const { mapX, mapY } = affineSourceMap(image.width, image.height, inverse);
  // Bilinear combinations of values in [0, 1] and the mean stay in [0, 1]; no clipping is needed.
  return remap(image, mapX, mapY, 'constant', channelMeans(image));
}

const rotate: Perturbation = {
  name: 'rotate',
  family: 'geometry',
  summary: 'rotated about the centre by ±3° to ±15° (ImageNet-P range), corners filled with the mean colour',
  parameters(severity) {
    return { degrees: atSeverity(ROTATE_DEGREES, severity), sign: 'random ±', fill: 'per-channel mean' };
  },
  apply(image, severity, random) {
    return warp(image, rotationInverse(image.width, image.height, drawRotation(severity, random)));
  },
};

const translate: Perturbation = {
  name: 'translate',
  family: 'geometry',
  summary:
    'shifted by 2% to 10% of the side in x and y (ImageNet-P ±9%), the gap filled with the mean colour',
  parameters(severity, size) {
    const share = atSeverity(TRANSLATE_SHARE, severity);
    return {
      share,
      dx_px: share * size.width,
      dy_px: share * size.height,
      sign: 'random ± per axis',
      fill: 'per-channel mean',
    };
  },
  apply(image, severity, random) {
    const { dx, dy } = drawTranslation(severity, image, random);
    // Output (x, y) shows source (x − dx, y − dy): content moves by (+dx, +dy).
    return warp(image, [1, 0, -dx, 0, 1, -dy]);
  },
};

const scale: Perturbation = {
  name: 'scale',
  family: 'geometry',
  summary:
    'zoomed out about the centre to 95% … 60% (ImageNet-P 0.40–1.15), the border filled with the mean colour',
  parameters(severity) {
    return { factor: atSeverity(SCALE_FACTOR, severity), fill: 'per-channel mean' };
  },
  apply(image, severity, _random) {
    // No draw: the factor is fixed by the severity.
    const f = atSeverity(SCALE_FACTOR, severity);
    const cx = (image.width - 1) / 2;
    const cy = (image.height - 1) / 2;
    // Output p shows source c + (p − c) / f.
    return warp(image, [1 / f, 0, cx - cx / f, 0, 1 / f, cy - cy / f]);
  },
};

export const GEOMETRY_PERTURBATIONS: readonly Perturbation[] = [rotate, translate, scale];
