/**
 * Shared linear filters over float planes (one channel, row-major) and FloatImages, used by the
 * blur perturbations (./blur.ts) and the elastic transform.
 *
 * Boundary modes follow scipy.ndimage's names, since the originals (hendrycks/robustness
 * make_imagenet_c.py, bethgelab/imagecorruptions) filter with scipy / skimage / OpenCV:
 * - 'reflect'  (scipy's default): d c b a | a b c d | d c b a — the edge sample is repeated
 *              (numpy 'symmetric'; OpenCV BORDER_REFLECT).
 * - 'mirror'   d c b | a b c d | c b a — the edge sample is not repeated (OpenCV BORDER_REFLECT_101,
 *              cv2.filter2D's default, which the original defocus blur uses).
 * - 'nearest'  a a a | a b c d | d d d — edge replication (skimage.filters.gaussian's default,
 *              which the original gaussian and glass blur use).
 * Reflection is repeated for kernels wider than the image (a radius-12 kernel on an 8-px digit),
 * exactly as scipy does.
 */
import type { FloatImage } from './types.js';

export type BoundaryMode = 'reflect' | 'mirror' | 'nearest';

/** Below this sigma (px) a gaussian is the identity to float32 precision; blurs return a copy. */
export const MIN_SIGMA = 1e-3;

/** scipy.ndimage.gaussian_filter's default truncate: the kernel reaches 4 σ either side. */
export const GAUSSIAN_TRUNCATE = 4;

/**
 * Radius (px) of the gaussian kernel for `sigma`, as scipy.ndimage computes it:
 * int(truncate · σ + 0.5), i.e. 4σ rounded to the nearest integer (not its ceiling).
 */
export function gaussianRadius(sigma: number, truncate = GAUSSIAN_TRUNCATE): number {
  if (!(sigma >= MIN_SIGMA)) return 0;
  return Math.floor(truncate * sigma + 0.5);
}

/**
 * Normalised 1-D gaussian kernel of length 2r + 1, r = gaussianRadius(σ), weights
 * exp(-x² / 2σ²) / Σ (scipy.ndimage._gaussian_kernel1d, order 0). σ = 0 or below MIN_SIGMA gives [1].
 */
export function gaussianKernel(sigma: number, truncate = GAUSSIAN_TRUNCATE): Float32Array {
  const radius = gaussianRadius(sigma, truncate);
  if (radius === 0) return Float32Array.of(1);
  const weights = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const w = Math.exp((-0.5 * x * x) / (sigma * sigma));
    weights[x + radius] = w;
    sum += w;
  }
  const out = new Float32Array(weights.length);
  for (let i = 0; i < weights.length; i++) out[i] = weights[i]! / sum;
  return out;
}

/** Index `i` of a line of `n` samples mapped inside [0, n) by the boundary mode. */
export function boundaryIndex(i: number, n: number, mode: BoundaryMode): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (mode === 'nearest') return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * n;
    let m = i % period;
    if (m < 0) m += period;
    return m < n ? m : period - 1 - m;
  }
  // mirror: period 2n - 2, edges not repeated.
  const period = 2 * n - 2;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/** Table of boundary indices for offsets -radius..n-1+radius. */
function indexTable(n: number, radius: number, mode: BoundaryMode): Int32Array {
  const table = new Int32Array(n + 2 * radius);
  for (let i = 0; i < table.length; i++) table[i] = boundaryIndex(i - radius, n, mode);
  return table;
}

/**
 * The output points a caller reads (1 = wanted), by column and by row: the filter computes those
 * and leaves the others 0. Each wanted value is computed exactly as without the selection.
 */
export interface FilterPoints {
  columns: Uint8Array;
  rows: Uint8Array;
}

/**
 * Correlates `plane` (width × height, row-major) with a symmetric or general 1-D kernel of odd
 * length along x and then along y (the separable 2-D filter), accumulating in float64.
 */
export function separableFilter(
  plane: Float32Array,
  width: number,
  height: number,
  kernelX: Float32Array,
  kernelY: Float32Array,
  mode: BoundaryMode = 'reflect',
  only?: FilterPoints,
): Float32Array {
  checkPlane(plane, width, height);
  const rx = (kernelX.length - 1) >> 1;
  const ry = (kernelY.length - 1) >> 1;
  const tmp = new Float32Array(width * height);
  const xs = indexTable(width, rx, mode);
  const column = only?.columns;
  const wanted = only?.rows;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (column && column[x] === 0) continue;
      let acc = 0;
      for (let k = 0; k < kernelX.length; k++) acc += kernelX[k]! * plane[row + xs[x + k]!]!;
      tmp[row + x] = acc;
    }
  }
  const out = new Float32Array(width * height);
  const ys = indexTable(height, ry, mode);
  for (let y = 0; y < height; y++) {
    if (wanted && wanted[y] === 0) continue;
    for (let x = 0; x < width; x++) {
      if (column && column[x] === 0) continue;
      let acc = 0;
      for (let k = 0; k < kernelY.length; k++) acc += kernelY[k]! * tmp[ys[y + k]! * width + x]!;
      out[y * width + x] = acc;
    }
  }
  return out;
}

/**
 * Gaussian blur of one plane, σ in px, kernel radius int(4σ + 0.5) (scipy.ndimage.gaussian_filter,
 * truncate 4.0). Boundary 'reflect' by default (scipy's default); skimage.filters.gaussian, which
 * the original gaussian / glass blur call, defaults to 'nearest' — pass it for those. σ below
 * MIN_SIGMA returns a copy.
 */
export function blurPlane(
  plane: Float32Array,
  width: number,
  height: number,
  sigma: number,
  mode: BoundaryMode = 'reflect',
): Float32Array {
  checkPlane(plane, width, height);
  if (!(sigma >= MIN_SIGMA)) return plane.slice();
  const kernel = gaussianKernel(sigma);
  return separableFilter(plane, width, height, kernel, kernel, mode);
}

/**
 * 2-D correlation of `plane` with a kw × kh kernel (row-major, odd sides, anchored at its centre),
 * as cv2.filter2D computes it (correlation, not convolution: for the symmetric kernels here the two
 * agree). Boundary 'reflect' by default; cv2.filter2D's own default is 'mirror'.
 */
export function convolvePlane(
  plane: Float32Array,
  width: number,
  height: number,
  kernel: Float32Array,
  kw: number,
  kh: number,
  mode: BoundaryMode = 'reflect',
): Float32Array {
  checkPlane(plane, width, height);
  if (kw % 2 !== 1 || kh % 2 !== 1 || kernel.length !== kw * kh) {
    throw new RangeError(
      `kernel must be kw × kh with odd sides, got ${kw} × ${kh} for ${kernel.length} weights`,
    );
  }
  const rx = (kw - 1) >> 1;
  const ry = (kh - 1) >> 1;
  const xs = indexTable(width, rx, mode);
  const ys = indexTable(height, ry, mode);
  // Each kernel row is split into runs of one identical non-zero weight (a disk kernel's interior is
  // one run per row): a run costs one difference of row prefix sums per pixel, not one tap per
  // weight, so a radius-23 disk costs ~50 runs a pixel instead of ~1,800 taps. Exact up to float64
  // rounding of the prefix sums.
  const runRow: number[] = [];
  const runStart: number[] = [];
  const runEnd: number[] = [];
  const runWeight: number[] = [];
  for (let ky = 0; ky < kh; ky++) {
    let kx = 0;
    while (kx < kw) {
      const w = kernel[ky * kw + kx]!;
      let end = kx;
      while (end + 1 < kw && kernel[ky * kw + end + 1] === w) end++;
      if (w !== 0) {
        runRow.push(ky);
        runStart.push(kx);
        runEnd.push(end + 1);
        runWeight.push(w);
      }
      kx = end + 1;
    }
  }
  // Prefix sums of every source row over the boundary-extended columns: prefix[r][j] = Σ_{k<j}.
  const extended = width + 2 * rx;
  const stride = extended + 1;
  const prefix = new Float64Array(height * stride);
  for (let r = 0; r < height; r++) {
    const base = r * stride;
    const row = r * width;
    let acc = 0;
    for (let j = 0; j < extended; j++) {
      acc += plane[row + xs[j]!]!;
      prefix[base + j + 1] = acc;
    }
  }
  const out = new Float32Array(width * height);
  const runs = runWeight.length;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let t = 0; t < runs; t++) {
        const base = ys[y + runRow[t]!]! * stride + x;
        acc += runWeight[t]! * (prefix[base + runEnd[t]!]! - prefix[base + runStart[t]!]!);
      }
      out[y * width + x] = acc;
    }
  }
  return out;
}

/** Channel `c` of an HWC image as its own plane. */
export function extractPlane(image: FloatImage, c: number): Float32Array {
  const { width, height, channels, data } = image;
  const plane = new Float32Array(width * height);
  for (let p = 0, i = c; p < plane.length; p++, i += channels) plane[p] = data[i]!;
  return plane;
}

/** Writes `plane` into channel `c` of `data` (HWC, `channels` interleaved). */
export function insertPlane(data: Float32Array, channels: number, c: number, plane: Float32Array): void {
  for (let p = 0, i = c; p < plane.length; p++, i += channels) data[i] = plane[p]!;
}

/** Applies a plane filter to every channel of an image; returns a new image (not clipped). */
export function mapPlanes(image: FloatImage, filter: (plane: Float32Array) => Float32Array): FloatImage {
  const data = new Float32Array(image.data.length);
  for (let c = 0; c < image.channels; c++)
    insertPlane(data, image.channels, c, filter(extractPlane(image, c)));
  return { width: image.width, height: image.height, channels: image.channels, data };
}

/**
 * Gaussian blur of every channel with the same σ (px) and none across channels (skimage's
 * multichannel=True). Not clipped: a convex combination of values in [0, 1] stays there. σ below
 * MIN_SIGMA returns a copy.
 */
export function gaussianBlur(image: FloatImage, sigma: number, mode: BoundaryMode = 'reflect'): FloatImage {
  if (!(sigma >= MIN_SIGMA)) return { ...image, data: image.data.slice() };
  return mapPlanes(image, (plane) => blurPlane(plane, image.width, image.height, sigma, mode));
}

function checkPlane(plane: Float32Array, width: number, height: number): void {
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    plane.length !== width * height
  ) {
    throw new RangeError(`plane must hold width × height = ${width} × ${height} values, got ${plane.length}`);
  }
}
