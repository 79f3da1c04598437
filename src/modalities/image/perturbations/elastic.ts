/**
 * elastic_transform of ImageNet-C / CIFAR-10-C (hendrycks/robustness make_imagenet_c.py and
 * make_cifar_c.py `elastic_transform`, a modification of the erniejunior gist after Simard et al.
 * 2003), in two resamplings, as the original:
 *
 * 1. random affine: three points around the centre, (cx + s, cy + s), (cx + s, cy − s),
 *    (cx − s, cy − s) with s = side / 3, are each moved by U(−a, a) in x and y; the image is warped by
 *    the affine map that takes the old points to the new ones (bilinear, OpenCV BORDER_REFLECT_101 =
 *    our 'mirror');
 * 2. elastic field: dx, dy = α · G_σ * U(−1, 1) (white uniform noise per pixel, smoothed by a
 *    gaussian of σ px, truncate 3, boundary 'reflect'); out(x, y) = warped(x + dx, y + dy)
 *    (bilinear, scipy map_coordinates mode 'reflect').
 *
 * Parameters (α, σ, a) per severity are the original tables, in pixels of the table's reference
 * size (32 for CIFAR, 224 for ImageNet; the ImageNet table is written with 244, a typo the authors
 * kept: "ultimately nothing is incorrect", and so do we).
 *
 * Scaling to other sizes (deviation, documented): σ and a are lengths and scale by k = pixelScale
 * (side / 32 or side / 224). α is not a length: the field's amplitude is α·std(G_σ * U) ∝ α / σ,
 * so α has the dimension of an area, and scaling α and σ both by k would leave the displacement
 * the same number of pixels (relatively k times weaker on a larger image, k times stronger on an
 * 8-px digit, and for σ·k < 1 px no longer smooth at all). Instead the field is drawn on the
 * table's reference grid (side = 32 or 224, the other side in proportion) exactly as the original
 * draws it, resampled bilinearly to the image and its vectors multiplied by k: the warp of a k
 * times larger image is the same warp magnified k times. At the reference size (32×32, 224×224)
 * this is the original computation. `parameters()` reports σ·k, a·k and the equivalent α·k².
 *
 * Other deviations: s = side / 3 rather than ⌊side / 3⌋ (the floor is 25% off on an 8-px image);
 * the centre is (⌊w / 2⌋, ⌊h / 2⌋) in (x, y) (the original passes (⌊h / 2⌋, ⌊w / 2⌋) to OpenCV,
 * which reads (x, y): the same for square images); OpenCV's fixed-point (1/32 px) bilinear weights
 * are exact floats here; all draws come from the given generator (the original's are unseeded).
 */
import type { Random } from '../../../stats/random.js';
import { gaussianKernel, MIN_SIGMA, separableFilter } from './filters.js';
import { clipUnit } from './floatImage.js';
import { parameterSet, pickTable } from './parameterSets.js';
import { affineSourceMap, remap, sampleBilinear } from './sampling.js';
import type { FloatImage, Perturbation, Severity } from './types.js';

/** (α, σ, affine jitter a), px of a 224-px image (written with the original's 244). */
const ELASTIC_IMAGENET: readonly (readonly [number, number, number])[] = [
  [244 * 2, 244 * 0.7, 244 * 0.1],
  [244 * 2, 244 * 0.08, 244 * 0.2],
  [244 * 0.05, 244 * 0.01, 244 * 0.02],
  [244 * 0.07, 244 * 0.01, 244 * 0.02],
  [244 * 0.12, 244 * 0.01, 244 * 0.02],
];
/** (α, σ, affine jitter a), px of a 32-px image. */
const ELASTIC_CIFAR: readonly (readonly [number, number, number])[] = [
  [32 * 0, 32 * 0, 32 * 0.08],
  [32 * 0.05, 32 * 0.2, 32 * 0.07],
  [32 * 0.08, 32 * 0.06, 32 * 0.06],
  [32 * 0.1, 32 * 0.04, 32 * 0.05],
  [32 * 0.1, 32 * 0.03, 32 * 0.03],
];

/** The original smooths the displacement noise with truncate = 3 (not scipy's default 4). */
const FIELD_TRUNCATE = 3;

export interface ElasticPlan {
  /** Scaled parameters in image px: affine jitter a·k, σ·k, the equivalent α·k². */
  affineJitter: number;
  sigma: number;
  alpha: number;
  /** Output → source matrix [a b c; d e f] of the affine step. */
  inverseAffine: [number, number, number, number, number, number];
  /** Displacement per output pixel (px), row-major; null when α = 0 (CIFAR severity 1). */
  dx: Float32Array | null;
  dy: Float32Array | null;
  /** Size of the reference grid the field was drawn on. */
  gridWidth: number;
  gridHeight: number;
}

function tableEntry(severity: Severity, size: { width: number; height: number }) {
  const [alpha, sigma, jitter] = pickTable(
    { cifar: ELASTIC_CIFAR, imagenet: ELASTIC_IMAGENET },
    severity,
    size,
  );
  const k = parameterSet(size).pixelScale;
  return { alpha, sigma, jitter, k };
}

/**
 * The affine map taking (x, y) of `from[i]` to `to[i]` for three points, as [a b c; d e f]
 * (cv2.getAffineTransform). Collinear points (a zero determinant) give the identity.
 */
export function affineFromPoints(
  from: readonly (readonly [number, number])[],
  to: readonly (readonly [number, number])[],
): [number, number, number, number, number, number] {
  const [[x0, y0], [x1, y1], [x2, y2]] = from as [[number, number], [number, number], [number, number]];
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  if (Math.abs(det) < 1e-9) return [1, 0, 0, 0, 1, 0];
  const solve = (v0: number, v1: number, v2: number): [number, number, number] => {
    // Cramer's rule for [x y 1]·[p q r]ᵀ = v at the three points.
    const p = (v0 * (y1 - y2) - y0 * (v1 - v2) + (v1 * y2 - v2 * y1)) / det;
    const q = (x0 * (v1 - v2) - v0 * (x1 - x2) + (x1 * v2 - x2 * v1)) / det;
    const r = (x0 * (y1 * v2 - y2 * v1) - y0 * (x1 * v2 - x2 * v1) + v0 * (x1 * y2 - x2 * y1)) / det;
    return [p, q, r];
  };
  const [a, b, c] = solve(to[0]![0], to[1]![0], to[2]![0]);
  const [d, e, f] = solve(to[0]![1], to[1]![1], to[2]![1]);
  return [a, b, c, d, e, f];
}

/**
 * Every random draw of elastic_transform for an image of `size`, in the original's order (the six
 * affine offsets, then the dx noise, then the dy noise, row-major), and the displacement field
 * resampled to the image. Exported for the tests.
 */
export function elasticPlan(
  severity: Severity,
  size: { width: number; height: number },
  random: Random,
): ElasticPlan {
  const { width, height } = size;
  const { alpha, sigma, jitter, k } = tableEntry(severity, size);
  const a = jitter * k;
  const cx = Math.floor(width / 2);
  const cy = Math.floor(height / 2);
  const s = Math.min(width, height) / 3;
  const from: [number, number][] = [
    [cx + s, cy + s],
    [cx + s, cy - s],
    [cx - s, cy - s],
  ];
  const to = from.map(([x, y]): [number, number] => [
    x + (2 * random.next() - 1) * a,
    y + (2 * random.next() - 1) * a,
  ]);
  // The warp samples the source at M⁻¹(p): the affine taking the moved points back to the old ones.
  const inverseAffine = affineFromPoints(to, from);

  const gridWidth = Math.max(1, Math.round(width / k));
  const gridHeight = Math.max(1, Math.round(height / k));
  const plan: ElasticPlan = {
    affineJitter: a,
    sigma: sigma * k,
    alpha: alpha * k * k,
    inverseAffine,
    dx: null,
    dy: null,
    gridWidth,
    gridHeight,
  };
  if (alpha === 0) return plan;

  const cells = gridWidth * gridHeight;
  const sameGrid = gridWidth === width && gridHeight === height;
  // Resampled to a smaller image, the smoothed field is read at two grid columns and rows per image
  // column and row: only those points are smoothed (the costliest step), with the same values.
  const only = sameGrid ? undefined : readPoints(size, gridWidth, gridHeight);
  const field = (): Float32Array => {
    const noise = new Float32Array(cells);
    for (let i = 0; i < cells; i++) noise[i] = 2 * random.next() - 1;
    const smooth =
      sigma >= MIN_SIGMA
        ? separableFilter(
            noise,
            gridWidth,
            gridHeight,
            gaussianKernel(sigma, FIELD_TRUNCATE),
            gaussianKernel(sigma, FIELD_TRUNCATE),
            'reflect',
            only,
          )
        : noise;
    for (let i = 0; i < cells; i++) smooth[i] = smooth[i]! * alpha;
    return smooth;
  };
  const gridDx = field();
  const gridDy = field();
  if (sameGrid) {
    plan.dx = gridDx;
    plan.dy = gridDy;
    return plan;
  }
  // Resample the reference-grid field to the image (pixel centres aligned) and scale its vectors
  // from grid px to image px.
  const scaleX = width / gridWidth;
  const scaleY = height / gridHeight;
  const planeX: FloatImage = { width: gridWidth, height: gridHeight, channels: 1, data: gridDx };
  const planeY: FloatImage = { width: gridWidth, height: gridHeight, channels: 1, data: gridDy };
  const dx = new Float32Array(width * height);
  const dy = new Float32Array(width * height);
  for (let y = 0, p = 0; y < height; y++) {
    const gy = (y + 0.5) / scaleY - 0.5;
    for (let x = 0; x < width; x++, p++) {
      const gx = (x + 0.5) / scaleX - 0.5;
      dx[p] = sampleBilinear(planeX, gx, gy, 0, 'edge') * scaleX;
      dy[p] = sampleBilinear(planeY, gx, gy, 0, 'edge') * scaleY;
    }
  }
  plan.dx = dx;
  plan.dy = dy;
  return plan;
}

/**
 * The grid points the bilinear resampling below reads: for image column x, grid columns
 * ⌊gx⌋ and ⌊gx⌋ + 1 of gx = (x + ½)·gridWidth/width − ½, clamped to the grid ('edge'); the same for rows.
 */
function readPoints(size: { width: number; height: number }, gridWidth: number, gridHeight: number) {
  const mark = (n: number, grid: number): Uint8Array => {
    const wanted = new Uint8Array(grid);
    const scale = n / grid;
    for (let i = 0; i < n; i++) {
      const g = Math.floor((i + 0.5) / scale - 0.5);
      wanted[Math.min(grid - 1, Math.max(0, g))] = 1;
      wanted[Math.min(grid - 1, Math.max(0, g + 1))] = 1;
    }
    return wanted;
  };
  return { columns: mark(size.width, gridWidth), rows: mark(size.height, gridHeight) };
}

const elasticTransform: Perturbation = {
  name: 'elastic_transform',
  family: 'digital',
  summary: 'a random affine jitter, then a smooth random displacement field (local rubber-sheet warping)',
  parameters(severity, size) {
    const { alpha, sigma, jitter, k } = tableEntry(severity, size);
    return {
      alpha: alpha * k * k,
      sigma: sigma * k,
      affine_jitter: jitter * k,
      field_grid: `${Math.max(1, Math.round(size.width / k))}x${Math.max(1, Math.round(size.height / k))}`,
    };
  },
  apply(image: FloatImage, severity: Severity, random: Random): FloatImage {
    const { width, height } = image;
    const plan = elasticPlan(severity, image, random);
    const affine = affineSourceMap(width, height, plan.inverseAffine);
    const warped = remap(image, affine.mapX, affine.mapY, 'mirror');
    if (plan.dx === null || plan.dy === null) return { ...warped, data: clipUnit(warped.data) };
    const mapX = new Float32Array(width * height);
    const mapY = new Float32Array(width * height);
    for (let y = 0, p = 0; y < height; y++) {
      for (let x = 0; x < width; x++, p++) {
        mapX[p] = x + plan.dx[p]!;
        mapY[p] = y + plan.dy[p]!;
      }
    }
    const out = remap(warped, mapX, mapY, 'reflect');
    return { ...out, data: clipUnit(out.data) };
  },
};

export const ELASTIC_PERTURBATIONS: readonly Perturbation[] = [elasticTransform];
