/**
 * The blur corruptions of ImageNet-C / CIFAR-10-C: gaussian, defocus, motion, zoom and glass blur
 * (hendrycks/robustness ImageNet-C/create_c/make_imagenet_c.py and make_cifar_c.py; motion blur as
 * bethgelab/imagecorruptions corruptions.py re-implemented ImageMagick's). Parameters:
 * ../shared/design/reference.md §1; the filters are in ./filters.ts.
 *
 * Pixel lengths (every sigma, the defocus radius, the motion radius, the glass displacement) are
 * the table's values times parameterSet(size).pixelScale; zoom factors and iteration counts are
 * used as tabled.
 *
 * Deviations from the originals, all deliberate:
 * - Seeding: the originals draw from numpy's global, unseeded generator; here every draw comes from
 *   the cell's generator (./seed.ts). Distributions are the originals'; the streams are not numpy's.
 * - Sub-pixel lengths after scaling are honoured, not rounded up: on an 8×8 digit (pixelScale 0.25)
 *   the CIFAR sigmas become 0.1–0.25 px and the defocus disks 0.075–0.375 px, which are (nearly)
 *   the identity — as they should be for an image 4× coarser than CIFAR's. Integer lengths that
 *   cannot vanish without the corruption vanishing (the motion radius, i.e. the kernel's length,
 *   and the glass displacement) are rounded and kept at least 1 px.
 * - Zoom blur zooms about the exact image centre with our own bilinear resampling, where the
 *   original crops ceil(h/z) rows at integer offsets, zooms with scipy and trims: that shifts the
 *   centre by up to a pixel, and on an 8-px image makes every factor below 1.0625 an identity.
 * - Glass blur keeps floats between its steps; the original truncates to uint8 after the first blur
 *   (np.uint8(...·255)), which darkens by 0.5/255 on average.
 * - Defocus: the disk smoothed by cv2.GaussianBlur is renormalised to sum 1 (OpenCV's reflected
 *   border at the kernel's own edge leaves it off by a little when the disk reaches that edge).
 * - Motion blur renormalises its kernel over the taps it uses when the trail leaves the image (the
 *   original stops adding taps and darkens; with the tabled radii scaled that never happens).
 */
import type { Random } from '../../../stats/random.js';
import {
  type BoundaryMode,
  boundaryIndex,
  convolvePlane,
  gaussianBlur,
  MIN_SIGMA,
  mapPlanes,
  separableFilter,
} from './filters.js';
import { clipUnit } from './floatImage.js';
import { parameterSet, pickTable } from './parameterSets.js';
import type { FloatImage, ParameterValue, Perturbation, Severity } from './types.js';

type Size = { width: number; height: number };
type Tables<T> = { readonly imagenet: readonly T[]; readonly cifar: readonly T[] };

/** σ (px at the table's own size) of skimage.filters.gaussian. */
const GAUSSIAN_SIGMA = {
  imagenet: [1, 2, 3, 4, 6],
  cifar: [0.4, 0.6, 0.7, 0.8, 1],
} as const;

/** (disk radius px, alias-blur σ px) of make_*_c.py defocus_blur. */
const DEFOCUS: Tables<readonly [number, number]> = {
  imagenet: [
    [3, 0.1],
    [4, 0.5],
    [6, 0.5],
    [8, 0.5],
    [10, 0.5],
  ],
  cifar: [
    [0.3, 0.4],
    [0.4, 0.5],
    [0.5, 0.6],
    [1, 0.2],
    [1.5, 0.1],
  ],
} as const;

/** (radius px, σ px) of motion_blur: the kernel has 2·radius + 1 taps. */
const MOTION: Tables<readonly [number, number]> = {
  imagenet: [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15],
  ],
  cifar: [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5],
  ],
} as const;

/** motion_blur's angle of travel: U(−45°, 45°). */
const MOTION_MAX_ANGLE_DEG = 45;

/**
 * Zoom factors of zoom_blur, exactly as the originals' np.arange produced them (floating point makes
 * np.arange(1, 1.11, 0.01) end at 1.11 and np.arange(1, 1.06, 0.01) at 1.06, stop included).
 */
const ZOOM_FACTORS = {
  imagenet: [
    arange(1, 0.01, 12),
    arange(1, 0.01, 16),
    arange(1, 0.02, 11),
    arange(1, 0.02, 13),
    arange(1, 0.03, 11),
  ],
  cifar: [
    arange(1, 0.01, 7),
    arange(1, 0.01, 12),
    arange(1, 0.01, 16),
    arange(1, 0.01, 21),
    arange(1, 0.01, 26),
  ],
} as const;

/** (σ px, max displacement δ px, iterations) of glass_blur. */
const GLASS: Tables<readonly [number, number, number]> = {
  imagenet: [
    [0.7, 1, 2],
    [0.9, 2, 1],
    [1, 2, 3],
    [1.1, 3, 2],
    [1.5, 4, 2],
  ],
  cifar: [
    [0.05, 1, 1],
    [0.25, 1, 1],
    [0.4, 1, 1],
    [0.25, 1, 2],
    [0.4, 1, 2],
  ],
} as const;

/** skimage.filters.gaussian's default boundary, used by the originals' gaussian and glass blur. */
const SKIMAGE_MODE: BoundaryMode = 'nearest';
/** cv2.filter2D's and cv2.GaussianBlur's default border, BORDER_REFLECT_101. */
const OPENCV_MODE: BoundaryMode = 'mirror';

function arange(start: number, step: number, count: number): readonly number[] {
  return Array.from({ length: count }, (_, i) => start + i * step);
}

function sized(image: FloatImage): Size {
  return { width: image.width, height: image.height };
}

function scaled(value: number, size: Size): number {
  return value * parameterSet(size).pixelScale;
}

/** An integer pixel length that must not vanish: round(value · scale), at least 1. */
function scaledInteger(value: number, size: Size): number {
  return Math.max(1, Math.round(scaled(value, size)));
}

function finish(image: FloatImage, data: Float32Array): FloatImage {
  return { width: image.width, height: image.height, channels: image.channels, data: clipUnit(data) };
}

// ---------------------------------------------------------------- gaussian blur

function gaussianSigma(severity: Severity, size: Size): number {
  return scaled(pickTable(GAUSSIAN_SIGMA, severity, size), size);
}

/** skimage.filters.gaussian(x, σ, multichannel=True): each channel alone, 'nearest' border, truncate 4. */
function applyGaussianBlur(image: FloatImage, severity: Severity): FloatImage {
  const blurred = gaussianBlur(image, gaussianSigma(severity, sized(image)), SKIMAGE_MODE);
  return finish(image, blurred.data);
}

// ---------------------------------------------------------------- defocus blur

function defocusParameters(severity: Severity, size: Size): { radius: number; aliasSigma: number } {
  const [radius, alias] = pickTable(DEFOCUS, severity, size);
  return { radius: scaled(radius, size), aliasSigma: scaled(alias, size) };
}

/** A normalised 1-D gaussian of exactly `length` taps (cv2.getGaussianKernel for σ > 0). */
function fixedGaussian(length: number, sigma: number): Float32Array {
  const half = (length - 1) / 2;
  const weights = new Float32Array(length);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const w = Math.exp(-((i - half) ** 2) / (2 * sigma * sigma));
    weights[i] = w;
    sum += w;
  }
  for (let i = 0; i < length; i++) weights[i] = weights[i]! / sum;
  return weights;
}

/**
 * make_imagenet_c.py disk(radius, alias_blur): the point-sampled disk x² + y² ≤ r² on the grid
 * −L..L with L = 8 for r ≤ 8 (else L = ⌈r⌉; the original's arange(−r, r + 1) assumes an integer r),
 * normalised, then smoothed by cv2.GaussianBlur with a 3×3 (r ≤ 8) or 5×5 (r > 8) kernel of σ = α
 * and the reflect-101 border — the original's "supersample disk to antialias". A radius below 1 px
 * keeps only the centre tap, so the kernel is just the small gaussian of σ = α (CIFAR's first
 * three severities at 32 px are 3×3 gaussians of σ 0.4–0.6); with α tiny too it is the identity.
 * Renormalised to sum 1 after smoothing (see the module comment).
 */
export function defocusKernel(radius: number, aliasSigma: number): { kernel: Float32Array; side: number } {
  const half = radius <= 8 ? 8 : Math.ceil(radius);
  const smoothing = radius <= 8 ? 3 : 5;
  const side = 2 * half + 1;
  let disk: Float32Array = new Float32Array(side * side);
  let count = 0;
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * side + (x + half)] = 1;
        count++;
      }
    }
  }
  for (let i = 0; i < disk.length; i++) disk[i] = disk[i]! / count;
  if (aliasSigma >= MIN_SIGMA) {
    const g = fixedGaussian(smoothing, aliasSigma);
    disk = separableFilter(disk, side, side, g, g, OPENCV_MODE);
  }
  let sum = 0;
  for (let i = 0; i < disk.length; i++) sum += disk[i]!;
  for (let i = 0; i < disk.length; i++) disk[i] = disk[i]! / sum;
  return { kernel: disk, side };
}

/** cv2.filter2D of every channel with the smoothed disk, reflect-101 border. */
function applyDefocusBlur(image: FloatImage, severity: Severity): FloatImage {
  const { radius, aliasSigma } = defocusParameters(severity, sized(image));
  const { kernel, side } = defocusKernel(radius, aliasSigma);
  const blurred = mapPlanes(image, (plane) =>
    convolvePlane(plane, image.width, image.height, kernel, side, side, OPENCV_MODE),
  );
  return finish(image, blurred.data);
}

// ---------------------------------------------------------------- motion blur

function motionParameters(severity: Severity, size: Size): { radius: number; sigma: number } {
  const [radius, sigma] = pickTable(MOTION, severity, size);
  return { radius: scaledInteger(radius, size), sigma: scaled(sigma, size) };
}

/**
 * imagecorruptions _motion_blur: a one-sided trail of width = 2·radius + 1 taps with weights
 * exp(−i²/2σ²) (normalised), tap i taken from the image shifted by
 * (dy, dx) = (−⌈i·sin θ − ½⌉, −⌈i·cos θ − ½⌉) with edge replication (its shift()); θ ~ U(−45°, 45°).
 * Output pixel (y, x) = Σ wᵢ · image[clamp(y − dyᵢ), clamp(x − dxᵢ)].
 */
export function motionBlurImage(
  image: FloatImage,
  radius: number,
  sigma: number,
  angleDeg: number,
): FloatImage {
  const { width, height, channels, data } = image;
  const taps = 2 * radius + 1;
  const theta = (angleDeg * Math.PI) / 180;
  // As the original: point = (width·sin θ, width·cos θ), offsets i·point / hypot(point).
  const py = taps * Math.sin(theta);
  const px = taps * Math.cos(theta);
  const hypot = Math.hypot(py, px);
  const dys: number[] = [];
  const dxs: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = 0; i < taps; i++) {
    const dy = -Math.ceil((i * py) / hypot - 0.5);
    const dx = -Math.ceil((i * px) / hypot - 0.5);
    if (Math.abs(dy) >= height || Math.abs(dx) >= width) break; // the trail left the image
    // σ below MIN_SIGMA: only the first tap (the identity).
    const w = sigma >= MIN_SIGMA ? Math.exp(-(i * i) / (2 * sigma * sigma)) : i === 0 ? 1 : 0;
    dys.push(dy);
    dxs.push(dx);
    weights.push(w);
    total += w;
  }
  const out = new Float32Array(data.length);
  const rowIndex = new Int32Array(height);
  const colIndex = new Int32Array(width);
  for (let t = 0; t < weights.length; t++) {
    const w = weights[t]! / total;
    if (w === 0) continue;
    for (let y = 0; y < height; y++) rowIndex[y] = boundaryIndex(y - dys[t]!, height, 'nearest');
    for (let x = 0; x < width; x++) colIndex[x] = boundaryIndex(x - dxs[t]!, width, 'nearest');
    for (let y = 0; y < height; y++) {
      const srcRow = rowIndex[y]! * width;
      const dstRow = y * width;
      for (let x = 0; x < width; x++) {
        const src = (srcRow + colIndex[x]!) * channels;
        const dst = (dstRow + x) * channels;
        for (let c = 0; c < channels; c++) out[dst + c] = out[dst + c]! + w * data[src + c]!;
      }
    }
  }
  return { width, height, channels, data: out };
}

function applyMotionBlur(image: FloatImage, severity: Severity, random: Random): FloatImage {
  const { radius, sigma } = motionParameters(severity, sized(image));
  const angle = (2 * random.next() - 1) * MOTION_MAX_ANGLE_DEG;
  return finish(image, motionBlurImage(image, radius, sigma, angle).data);
}

// ---------------------------------------------------------------- zoom blur

/**
 * The image magnified by `factor` ≥ 1 about its centre ((w−1)/2, (h−1)/2), same size, bilinear:
 * output (y, x) samples the input at (c_y + (y − c_y)/z, c_x + (x − c_x)/z), which always lies
 * inside the image. Added into `into` with weight `weight`.
 */
export function addCentreZoom(image: FloatImage, factor: number, weight: number, into: Float32Array): void {
  const { width, height, channels, data } = image;
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const x0 = new Int32Array(width);
  const x1 = new Int32Array(width);
  const fx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(Math.max(cx + (x - cx) / factor, 0), width - 1);
    x0[x] = Math.floor(sx);
    x1[x] = Math.min(x0[x]! + 1, width - 1);
    fx[x] = sx - x0[x]!;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max(cy + (y - cy) / factor, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    const r0 = y0 * width;
    const r1 = y1 * width;
    for (let x = 0; x < width; x++) {
      const a = fx[x]!;
      const w00 = (1 - fy) * (1 - a);
      const w01 = (1 - fy) * a;
      const w10 = fy * (1 - a);
      const w11 = fy * a;
      const i00 = (r0 + x0[x]!) * channels;
      const i01 = (r0 + x1[x]!) * channels;
      const i10 = (r1 + x0[x]!) * channels;
      const i11 = (r1 + x1[x]!) * channels;
      const dst = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        const v = w00 * data[i00 + c]! + w01 * data[i01 + c]! + w10 * data[i10 + c]! + w11 * data[i11 + c]!;
        into[dst + c] = into[dst + c]! + weight * v;
      }
    }
  }
}

function zoomFactors(severity: Severity, size: Size): readonly number[] {
  return pickTable(ZOOM_FACTORS, severity, size);
}

/** (x + Σ_z zoom(x, z)) / (n + 1), as zoom_blur (whose factor list starts at 1, so x counts twice). */
function applyZoomBlur(image: FloatImage, severity: Severity): FloatImage {
  const factors = zoomFactors(severity, sized(image));
  const weight = 1 / (factors.length + 1);
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = weight * image.data[i]!;
  for (const factor of factors) addCentreZoom(image, factor, weight, out);
  return finish(image, out);
}

// ---------------------------------------------------------------- glass blur

function glassParameters(
  severity: Severity,
  size: Size,
): { sigma: number; maxDelta: number; iterations: number } {
  const [sigma, delta, iterations] = pickTable(GLASS, severity, size);
  return { sigma: scaled(sigma, size), maxDelta: scaledInteger(delta, size), iterations };
}

/**
 * glass_blur: blur σ; then `iterations` passes over rows h = H−δ down to δ+1 and, within each,
 * columns w = W−δ down to δ+1 (the original's scan order), each drawing dx then dy from
 * randint(−δ, δ) — i.e. −δ..δ−1, the original's half-open range — and swapping pixel (h, w) with
 * (h + dy, w + dx), all channels together; then blur σ again.
 */
function applyGlassBlur(image: FloatImage, severity: Severity, random: Random): FloatImage {
  const { sigma, maxDelta: d, iterations } = glassParameters(severity, sized(image));
  const { width, height, channels } = image;
  const x = gaussianBlur(image, sigma, SKIMAGE_MODE);
  const data = x.data;
  for (let pass = 0; pass < iterations; pass++) {
    for (let h = height - d; h > d; h--) {
      for (let w = width - d; w > d; w--) {
        const dx = random.int(2 * d) - d;
        const dy = random.int(2 * d) - d;
        const a = (h * width + w) * channels;
        const b = ((h + dy) * width + (w + dx)) * channels;
        for (let c = 0; c < channels; c++) {
          const t = data[a + c]!;
          data[a + c] = data[b + c]!;
          data[b + c] = t;
        }
      }
    }
  }
  return finish(image, gaussianBlur(x, sigma, SKIMAGE_MODE).data);
}

// ---------------------------------------------------------------- the list

function tableOf(size: Size): ParameterValue {
  return parameterSet(size).table;
}

export const BLUR_PERTURBATIONS: readonly Perturbation[] = [
  {
    name: 'gaussian_blur',
    family: 'blur',
    summary: 'blurs with a gaussian of standard deviation σ px (an out-of-focus or low-quality lens)',
    parameters: (severity, size) => ({ table: tableOf(size), sigma: gaussianSigma(severity, size) }),
    apply: (image, severity) => applyGaussianBlur(image, severity),
  },
  {
    name: 'defocus_blur',
    family: 'blur',
    summary:
      'convolves with a disk of radius r px, its edge softened by a gaussian of σ = α px (a lens focused elsewhere)',
    parameters: (severity, size) => {
      const { radius, aliasSigma } = defocusParameters(severity, size);
      return { table: tableOf(size), radius, aliasSigma };
    },
    apply: (image, severity) => applyDefocusBlur(image, severity),
  },
  {
    name: 'motion_blur',
    family: 'blur',
    summary:
      'smears along a random direction within ±45° of horizontal with a one-sided gaussian trail (camera shake)',
    parameters: (severity, size) => {
      const { radius, sigma } = motionParameters(severity, size);
      return {
        table: tableOf(size),
        radius,
        sigma,
        angleDegrees: `U(-${MOTION_MAX_ANGLE_DEG}, ${MOTION_MAX_ANGLE_DEG})`,
      };
    },
    apply: applyMotionBlur,
  },
  {
    name: 'zoom_blur',
    family: 'blur',
    summary:
      'averages the image with copies magnified about its centre (moving towards the subject during exposure)',
    parameters: (severity, size) => ({ table: tableOf(size), factors: zoomFactors(severity, size) }),
    apply: (image, severity) => applyZoomBlur(image, severity),
  },
  {
    name: 'glass_blur',
    family: 'blur',
    summary:
      'blurs, swaps pixels with random neighbours within δ px, and blurs again (looking through frosted glass)',
    parameters: (severity, size) => {
      const { sigma, maxDelta, iterations } = glassParameters(severity, size);
      return { table: tableOf(size), sigma, maxDelta, iterations };
    },
    apply: applyGlassBlur,
  },
];
