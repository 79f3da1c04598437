/**
 * Separable antialiased bilinear resize of one float plane, computed exactly as PIL's
 * `Image.resize(size, Image.BILINEAR)` on a mode 'F' image (libImaging/Resample.c: `precompute_coeffs`,
 * `ImagingResampleHorizontal_32bpc`, `ImagingResampleVertical_32bpc`), which is also what torchvision's
 * `Resize(antialias=True)` computes on tensors.
 *
 * The triangle filter's support is widened by the downscale factor (support = max(in/out, 1)), so a
 * downscale averages every input pixel it covers instead of sampling two (no aliasing). Weights are
 * doubles, sums are doubles, and the horizontal pass is stored as float32 before the vertical pass, as
 * PIL does; the result matches PIL's float output to float32 rounding.
 */

interface Coefficients {
  /** Per output index: first input index and number of taps. */
  first: Int32Array;
  count: Int32Array;
  /** `taps` weights per output index, normalised to sum 1. */
  weights: Float64Array;
  taps: number;
}

/** PIL's bilinear (triangle) filter, support 1. */
function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

const coefficientCache = new Map<string, Coefficients>();
const CACHE_LIMIT = 64;

/** PIL `precompute_coeffs` for resizing `inSize` samples to `outSize` over the whole input. */
function coefficients(inSize: number, outSize: number): Coefficients {
  const key = `${inSize}>${outSize}`;
  const cached = coefficientCache.get(key);
  if (cached) return cached;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const inverse = 1 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C casts truncate toward zero; the clamp to 0 makes the sign case irrelevant.
    let lo = Math.trunc(center - support + 0.5);
    if (lo < 0) lo = 0;
    let hi = Math.trunc(center + support + 0.5);
    if (hi > inSize) hi = inSize;
    const n = hi - lo;
    let sum = 0;
    const base = i * taps;
    for (let k = 0; k < n; k++) {
      const w = triangle((k + lo - center + 0.5) * inverse);
      weights[base + k] = w;
      sum += w;
    }
    if (sum !== 0) for (let k = 0; k < n; k++) weights[base + k] /= sum;
    first[i] = lo;
    count[i] = n;
  }
  const result = { first, count, weights, taps };
  if (coefficientCache.size >= CACHE_LIMIT) coefficientCache.clear();
  coefficientCache.set(key, result);
  return result;
}

let rowAccumulator = new Float64Array(0);

/** One image plane: `height` x `width` values, row-major, at the start of `data`. */
export interface Plane {
  data: Float32Array;
  height: number;
  width: number;
}

/**
 * Resizes plane `from` into plane `to` using `tmp` (at least from.height * to.width) for the
 * horizontal pass. A dimension whose size does not change is copied, as in PIL. Called once per
 * plane: nothing is allocated per pixel.
 */
export function resizePlane(from: Plane, to: Plane, tmp: Float32Array): void {
  const { data: src, height: inH, width: inW } = from;
  const { data: dst, height: outH, width: outW } = to;
  // Horizontal pass: src (inH x inW) -> tmp (inH x outW).
  let horizontal: Float32Array = src;
  if (outW !== inW) {
    const { first, count, weights, taps } = coefficients(inW, outW);
    for (let y = 0; y < inH; y++) {
      const row = y * inW;
      const outRow = y * outW;
      for (let x = 0; x < outW; x++) {
        const lo = row + first[x];
        const n = count[x];
        const wBase = x * taps;
        let sum = 0;
        for (let k = 0; k < n; k++) sum += src[lo + k] * weights[wBase + k];
        tmp[outRow + x] = sum;
      }
    }
    horizontal = tmp;
  }
  // Vertical pass: horizontal (inH x outW) -> dst (outH x outW), accumulating a whole row in doubles.
  if (outH === inH) {
    if (horizontal !== dst) dst.set(horizontal.subarray(0, outH * outW));
    return;
  }
  const { first, count, weights, taps } = coefficients(inH, outH);
  if (rowAccumulator.length < outW) rowAccumulator = new Float64Array(outW);
  const acc = rowAccumulator;
  for (let y = 0; y < outH; y++) {
    acc.fill(0, 0, outW);
    const lo = first[y];
    const n = count[y];
    const wBase = y * taps;
    for (let k = 0; k < n; k++) {
      const w = weights[wBase + k];
      const row = (lo + k) * outW;
      for (let x = 0; x < outW; x++) acc[x] += horizontal[row + x] * w;
    }
    const outRow = y * outW;
    for (let x = 0; x < outW; x++) dst[outRow + x] = acc[x];
  }
}
