/**
 * Turns one decoded image into the model's input values, in the order a PIL/torchvision training
 * pipeline applies them:
 *
 *   colour conversion  -> resize [h, w]             -> centre crop [h, w]  -> x * scale -> (x - mean[c]) / std[c]
 *   (PIL convert)         (PIL BILINEAR, antialiased)   (torchvision)           (ToTensor)   (Normalize)
 *
 * and writes the result in the requested layout: NCHW ([C, H, W] per sample), NHWC ([H, W, C]) or flat
 * ([H * W * C], pixel-major, channels interleaved: numpy's `images.reshape(n, -1)` of HWC images).
 *
 * Colour: `gray` from a colour image uses ITU-R 601-2 luma exactly as PIL's `convert('L')` computes it on
 * 8-bit data: L = (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16, i.e. R * 299/1000 + G * 587/1000 +
 * B * 114/1000 rounded (libImaging/Convert.c); float array data uses the unrounded weights. `bgr` swaps
 * the channel order. A gray image with `rgb`/`bgr` is replicated into three channels (PIL
 * `convert('RGB')`), and `gray` with a 3-channel model replicates the gray channel. Alpha never reaches
 * the model. Pixels outside the image after a crop larger than the image are 0, as torchvision pads.
 */
import { InputError } from '../shared/errors.js';
import { resizePlane } from './resizeBilinear.js';
import type { DecodedImage, PreprocessOptions, ValueRange } from './types.js';

/** Output height and width after resize and crop, for a source of the given size. */
function outputSize(
  options: PreprocessOptions,
  source?: { height: number; width: number },
): [number, number] {
  if (options.centerCrop) return options.centerCrop;
  if (options.resize) return options.resize;
  if (!source) throw new Error('preprocessedShape needs the image size when neither resize nor crop is set');
  return [source.height, source.width];
}

/**
 * Per-sample tensor shape: [C, H, W] (NCHW), [H, W, C] (NHWC) or [C * H * W] (flat). `source` (the
 * decoded image size) is needed only when neither `resize` nor `centerCrop` fixes the size.
 */
export function preprocessedShape(
  options: PreprocessOptions,
  source?: { height: number; width: number },
): number[] {
  const [h, w] = outputSize(options, source);
  const c = options.channels;
  if (options.layout === 'NCHW') return [c, h, w];
  if (options.layout === 'NHWC') return [h, w, c];
  return [c * h * w];
}

/** Checks the options that do not depend on the image; throws InputError naming the config field. */
export function validatePreprocessOptions(options: PreprocessOptions): void {
  const { channels, color } = options;
  if (channels !== 1 && channels !== 3) {
    throw new InputError(
      `the model expects ${channels} channels; evalgate feeds images with 1 or 3 channels`,
      {
        code: 'E_CONFIG_INVALID',
        where: 'model input',
        hint: 'export the model with a 1-channel (gray) or 3-channel (RGB/BGR) image input',
      },
    );
  }
  if (channels === 1 && color !== 'gray') {
    throw new InputError(`the model expects 1 channel but preprocess.color is '${color}'`, {
      code: 'E_CONFIG_INVALID',
      where: 'preprocess.color',
      hint: 'set preprocess.color: gray',
    });
  }
  for (const field of ['mean', 'std'] as const) {
    const values = options[field];
    if (values.length !== 1 && values.length !== channels) {
      throw new InputError(
        `preprocess.${field} has ${values.length} values; it needs 1 or one per channel (${channels})`,
        {
          code: 'E_CONFIG_INVALID',
          where: `preprocess.${field}`,
          hint: `give ${channels === 1 ? '1 value' : '1 or 3 values'}`,
        },
      );
    }
  }
  if (options.std.some((s) => s === 0 || !Number.isFinite(s))) {
    throw new InputError('preprocess.std must be finite and non-zero', {
      code: 'E_CONFIG_INVALID',
      where: 'preprocess.std',
      hint: 'use 1 for no scaling',
    });
  }
  for (const field of ['resize', 'centerCrop'] as const) {
    const size = options[field];
    if (size && !(Number.isInteger(size[0]) && Number.isInteger(size[1]) && size[0] > 0 && size[1] > 0)) {
      throw new InputError(`preprocess.${field} must be two positive integers [height, width]`, {
        code: 'E_CONFIG_INVALID',
        where: `preprocess.${field === 'centerCrop' ? 'center-crop' : 'resize'}`,
      });
    }
  }
}

// Scratch planes reused across calls (preprocessing is synchronous, so one set suffices): the decoded
// image as float planes, the resized planes and the horizontal-pass buffer.
let planeScratch: Float32Array = new Float32Array(0);
let resizedScratch: Float32Array = new Float32Array(0);
let passScratch: Float32Array = new Float32Array(0);

function grow(buffer: Float32Array, length: number): Float32Array {
  return buffer.length >= length ? buffer : new Float32Array(Math.max(length, buffer.length * 2));
}

/**
 * Writes the float planes (planar, `planes` of them) of `image` after colour conversion into `target`.
 * Returns the number of planes: 1 (gray or a gray source kept for replication) or 3 (RGB order).
 */
function toPlanes(image: DecodedImage, gray: boolean, target: Float32Array): number {
  const { data, channels } = image;
  const n = image.width * image.height;
  if (channels === 1) {
    for (let i = 0; i < n; i++) target[i] = data[i];
    return 1;
  }
  if (gray) {
    if (data instanceof Uint8Array) {
      // PIL's fixed-point luma with rounding (libImaging/Convert.c, L24).
      for (let i = 0, j = 0; i < n; i++, j += channels) {
        target[i] = (data[j] * 19595 + data[j + 1] * 38470 + data[j + 2] * 7471 + 0x8000) >> 16;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++, j += channels) {
        target[i] = data[j] * 0.299 + data[j + 1] * 0.587 + data[j + 2] * 0.114;
      }
    }
    return 1;
  }
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    target[i] = data[j];
    target[n + i] = data[j + 1];
    target[2 * n + i] = data[j + 2];
  }
  return 3;
}

/** Python's round() on a multiple of 0.5 (round half to even), as torchvision's CenterCrop uses it. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision CenterCrop offset: round((size - crop) / 2), or -floor((crop - size) / 2) when it pads. */
function cropOffset(size: number, crop: number): number {
  return crop > size ? -Math.floor((crop - size) / 2) : roundHalfEven((size - crop) / 2);
}

/** An empty range (+Infinity to -Infinity), to be widened by the values it sees. */
export function emptyValueRange(): ValueRange {
  return {
    rawMin: Number.POSITIVE_INFINITY,
    rawMax: Number.NEGATIVE_INFINITY,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
}

/** Widens `range.rawMin`/`rawMax` to the values[start, end) (a NaN widens nothing). */
function widenRaw(values: ArrayLike<number>, start: number, end: number, range: ValueRange): void {
  let min = range.rawMin;
  let max = range.rawMax;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  range.rawMin = min;
  range.rawMax = max;
}

/**
 * Preprocesses `image` and writes prod(preprocessedShape(options, image)) values into `out` from
 * `offset`. `options` must have passed validatePreprocessOptions: this runs once per image, so it
 * does not check them again (planBatches validates once per run, before the first image). With
 * `range`, widens its raw extremes to the image's values after colour conversion (what `scale`
 * multiplies): one pass over the source pixels.
 */
export function preprocessInto(
  image: DecodedImage,
  options: PreprocessOptions,
  out: Float32Array,
  offset: number,
  range?: ValueRange,
): void {
  const { width, height } = image;
  const pixels = width * height;
  const gray = options.color === 'gray';

  planeScratch = grow(planeScratch, pixels * 3);
  const planeCount = toPlanes(image, gray, planeScratch);
  if (range) widenRaw(planeScratch, 0, pixels * planeCount, range);

  let planes = planeScratch;
  let h = height;
  let w = width;
  if (options.resize && (options.resize[0] !== height || options.resize[1] !== width)) {
    const [rh, rw] = options.resize;
    resizedScratch = grow(resizedScratch, rh * rw * planeCount);
    passScratch = grow(passScratch, height * rw);
    for (let p = 0; p < planeCount; p++) {
      resizePlane(
        { data: planeScratch.subarray(p * pixels, (p + 1) * pixels), height, width },
        { data: resizedScratch.subarray(p * rh * rw, (p + 1) * rh * rw), height: rh, width: rw },
        passScratch,
      );
    }
    planes = resizedScratch;
    h = rh;
    w = rw;
  }

  const [outH, outW] = options.centerCrop ?? [h, w];
  const top = cropOffset(h, outH);
  const left = cropOffset(w, outW);
  const channels = options.channels;
  const planeSize = h * w;
  const outPixels = outH * outW;
  if (offset + outPixels * channels > out.length) {
    throw new Error(
      `preprocessInto: output has ${out.length} values, needs ${offset + outPixels * channels}`,
    );
  }
  const nchw = options.layout === 'NCHW';
  for (let c = 0; c < channels; c++) {
    // Which plane feeds output channel c: a single plane feeds every channel (gray, or a gray source
    // replicated); BGR reads the RGB planes backwards.
    const plane = planeCount === 1 ? 0 : options.color === 'bgr' ? 2 - c : c;
    const base = plane * planeSize;
    const mean = options.mean.length === 1 ? options.mean[0] : options.mean[c];
    const std = options.std.length === 1 ? options.std[0] : options.std[c];
    // (v * scale - mean) / std folded into one multiply-add per value.
    const gain = options.scale / std;
    const bias = (0 - mean) / std; // also the value of a zero pixel (0 - mean rather than -mean: no -0)
    // NCHW: channel-major; NHWC and flat: pixel-major with channels interleaved.
    const stride = nchw ? 1 : channels;
    let o = nchw ? offset + c * outPixels : offset + c;
    // Columns inside the image; outside them (a crop larger than the image) a zero pixel, as torchvision
    // pads before ToTensor/Normalize.
    const xStart = Math.min(Math.max(-left, 0), outW);
    const xEnd = Math.max(Math.min(w - left, outW), xStart);
    for (let y = 0; y < outH; y++) {
      const sy = y + top;
      if (sy < 0 || sy >= h) {
        for (let x = 0; x < outW; x++, o += stride) out[o] = bias;
        continue;
      }
      const row = base + sy * w + left;
      let x = 0;
      for (; x < xStart; x++, o += stride) out[o] = bias;
      for (; x < xEnd; x++, o += stride) out[o] = planes[row + x] * gain + bias;
      for (; x < outW; x++, o += stride) out[o] = bias;
    }
  }
}

/**
 * Feature vectors ([N, D] arrays): only scale, mean and std apply (mean/std of length 1 or D, per
 * feature), written as [D]. Throws InputError when the options ask for image operations.
 */
export function validateFeatureOptions(options: PreprocessOptions, featureLength: number): void {
  const problems: string[] = [];
  if (options.resize) problems.push('preprocess.resize');
  if (options.centerCrop) problems.push('preprocess.center-crop');
  if (options.layout !== 'flat') problems.push(`preprocess.layout (${options.layout})`);
  if (problems.length > 0) {
    throw new InputError(
      `the test set holds feature vectors of length ${featureLength}, not images, but the config sets ${problems.join(', ')}`,
      {
        code: 'E_CONFIG_INVALID',
        where: problems[0].split(' ')[0],
        hint: 'remove resize and center-crop and set preprocess.layout: flat',
      },
    );
  }
  for (const field of ['mean', 'std'] as const) {
    const n = options[field].length;
    if (n !== 1 && n !== featureLength) {
      throw new InputError(
        `preprocess.${field} has ${n} values; feature vectors need 1 or one per feature (${featureLength})`,
        { code: 'E_CONFIG_INVALID', where: `preprocess.${field}` },
      );
    }
  }
  if (options.std.some((s) => s === 0 || !Number.isFinite(s))) {
    throw new InputError('preprocess.std must be finite and non-zero', {
      code: 'E_CONFIG_INVALID',
      where: 'preprocess.std',
    });
  }
}

/**
 * Writes (v * scale - mean[i]) / std[i] for each of the D values of a feature vector; with `range`,
 * widens its raw extremes to the values.
 */
export function preprocessFeaturesInto(
  values: Uint8Array | Float32Array,
  options: PreprocessOptions,
  out: Float32Array,
  offset: number,
  range?: ValueRange,
): void {
  const n = values.length;
  if (range) widenRaw(values, 0, n, range);
  const { mean, std, scale } = options;
  const perMean = mean.length > 1;
  const perStd = std.length > 1;
  for (let i = 0; i < n; i++) {
    out[offset + i] = (values[i] * scale - (perMean ? mean[i] : mean[0])) / (perStd ? std[i] : std[0]);
  }
}
