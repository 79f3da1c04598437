/**
 * The digital corruptions of ImageNet-C / CIFAR-10-C: brightness, contrast, saturate, pixelate and
 * JPEG compression (hendrycks/robustness ImageNet-C/create_c/make_imagenet_c.py, make_cifar_c.py;
 * bethgelab/imagecorruptions corruptions.py). Parameters: ../shared/design/reference.md §1. None of
 * them draws a random number; `random` is accepted for the common contract and left untouched.
 *
 * Deviations from the originals, all deliberate:
 * - pixelate works in float, without the 8-bit rounding PIL applies after each resampling pass
 *   (a difference of at most half a grey level before the final rounding).
 * - jpeg_compression encodes with jpeg-js's encoder (baseline JPEG, IJG quality scaling of the standard
 *   tables, 4:4:4: no chroma subsampling) where the originals use PIL/libjpeg (4:2:0 by default),
 *   so colour images lose a little less chroma detail at the same quality than ImageNet-C's.
 * - Gray images: see each perturbation's grayBehaviour.
 */
import jpeg from 'jpeg-js';
import type { Random } from '../../../stats/random.js';
import { hsvToRgb, rgbToHsv } from './color.js';
import { clipUnit } from './floatImage.js';
import { encodeJpeg } from './jpegEncoder.js';
import { parameterSet, pickTable } from './parameterSets.js';
import type { FloatImage, Perturbation, Severity } from './types.js';

/** One value a severity, for images on the ImageNet-C and on the CIFAR-10-C table (./parameterSets.ts). */
interface SeverityTables<T = number> {
  readonly imagenet: readonly T[];
  readonly cifar: readonly T[];
}

/** Added to the HSV value (V = max(R, G, B)), in units of the [0, 1] range. */
const BRIGHTNESS_DELTA: SeverityTables = {
  imagenet: [0.1, 0.2, 0.3, 0.4, 0.5],
  cifar: [0.05, 0.1, 0.15, 0.2, 0.3],
};

/** Factor on the deviation from the per-channel mean; smaller is flatter. */
const CONTRAST_FACTOR: SeverityTables = {
  imagenet: [0.4, 0.3, 0.2, 0.1, 0.05],
  cifar: [0.75, 0.5, 0.4, 0.3, 0.15],
};

/**
 * (a, b) in S' = clip(S·a + b, 0, 1) on the HSV saturation. Not monotonic in severity by design:
 * s1–s2 desaturate (s2 more), s3–s5 oversaturate (more with severity).
 */
const SATURATE_SCALE_OFFSET: SeverityTables<readonly [number, number]> = {
  imagenet: [
    [0.3, 0],
    [0.1, 0],
    [2, 0],
    [5, 0.1],
    [20, 0.2],
  ],
  cifar: [
    [0.3, 0],
    [0.1, 0],
    [1.5, 0],
    [2, 0.1],
    [2.5, 0.2],
  ],
};

/** Side of the downscaled image as a fraction of the original side. */
const PIXELATE_FRACTION: SeverityTables = {
  imagenet: [0.6, 0.5, 0.4, 0.3, 0.25],
  cifar: [0.95, 0.9, 0.85, 0.75, 0.65],
};

/** JPEG quality (1–100, IJG scale). */
const JPEG_QUALITY: SeverityTables = {
  imagenet: [25, 18, 15, 10, 7],
  cifar: [80, 65, 58, 50, 40],
};

function sized(image: FloatImage): { width: number; height: number } {
  return { width: image.width, height: image.height };
}

function withData(image: FloatImage, data: Float32Array): FloatImage {
  return { width: image.width, height: image.height, channels: image.channels, data: clipUnit(data) };
}

/**
 * V' = clip(V + c) in HSV, back to RGB (make_imagenet_c.py brightness via skimage rgb2hsv/hsv2rgb):
 * every pixel keeps its hue and saturation and its channels scale by V'/V. On gray, V is the gray
 * value, so this is clip(x + c) (what imagecorruptions does for 2-D arrays).
 */
function brightness(image: FloatImage, severity: Severity, _random: Random): FloatImage {
  const delta = pickTable(BRIGHTNESS_DELTA, severity, sized(image));
  const src = image.data;
  if (image.channels === 1) {
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = src[i]! + delta;
    return withData(image, out);
  }
  const hsv = rgbToHsv(src);
  for (let i = 2; i < hsv.length; i += 3) {
    hsv[i] = Math.min(1, hsv[i]! + delta);
  }
  return withData(image, hsvToRgb(hsv));
}

/** (x − m)·c + m with m the per-channel mean over the image (make_imagenet_c.py contrast). */
function contrast(image: FloatImage, severity: Severity, _random: Random): FloatImage {
  const factor = pickTable(CONTRAST_FACTOR, severity, sized(image));
  const { channels } = image;
  const src = image.data;
  const pixels = image.width * image.height;
  const out = new Float32Array(src.length);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = c; i < src.length; i += channels) sum += src[i]!;
    const mean = sum / pixels;
    for (let i = c; i < src.length; i += channels) out[i] = (src[i]! - mean) * factor + mean;
  }
  return withData(image, out);
}

/**
 * S' = clip(S·a + b) in HSV, back to RGB (make_imagenet_c.py saturate). A gray image has no
 * saturation to change: it is returned unchanged (a copy). imagecorruptions gets the same result the
 * long way — it replicates the gray to RGB, where H = 0 and S becomes b, and keeps channel R = V.
 */
function saturate(image: FloatImage, severity: Severity, _random: Random): FloatImage {
  const [scale, offset] = pickTable(SATURATE_SCALE_OFFSET, severity, sized(image));
  if (image.channels === 1) return withData(image, Float32Array.from(image.data));
  const hsv = rgbToHsv(image.data);
  for (let i = 1; i < hsv.length; i += 3) {
    hsv[i] = Math.min(1, Math.max(0, hsv[i]! * scale + offset));
  }
  return withData(image, hsvToRgb(hsv));
}

/** The downscaled size of pixelate: ⌊side·c⌋ per axis (imagecorruptions), at least 1 px. */
function pixelateSize(
  size: { width: number; height: number },
  fraction: number,
): { width: number; height: number } {
  return {
    width: Math.max(1, Math.floor(size.width * fraction)),
    height: Math.max(1, Math.floor(size.height * fraction)),
  };
}

/**
 * For each output index o of a PIL BOX downscale from `inSize` to `outSize`: the first source index
 * and the count. PIL (Resample.c precompute_coeffs, box_filter) averages, with equal weights, the
 * source pixels whose centres i + 0.5 fall in (o·s, (o+1)·s], s = inSize/outSize, which are
 * i ∈ [⌊o·s + 0.5⌋, ⌊(o+1)·s + 0.5⌋).
 */
function boxWindows(inSize: number, outSize: number): { start: Int32Array; count: Int32Array } {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const first = Math.max(0, Math.floor(o * scale + 0.5));
    const end = Math.min(inSize, Math.floor((o + 1) * scale + 0.5));
    start[o] = first;
    count[o] = Math.max(1, end - first);
  }
  return { start, count };
}

/**
 * Source index of each output index of a PIL NEAREST upscale: ⌊(o + 0.5)·inSize/outSize⌋ (PIL's
 * affine nearest-neighbour sampling at pixel centres).
 */
function nearestIndices(inSize: number, outSize: number): Int32Array {
  const scale = inSize / outSize;
  const index = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) index[o] = Math.min(inSize - 1, Math.floor((o + 0.5) * scale));
  return index;
}

/**
 * Box-downscale to ⌊w·c⌋ × ⌊h·c⌋ and upscale back by nearest neighbour, as imagecorruptions'
 * pixelate (PIL resize BOX, then NEAREST). ImageNet-C resizes a 224 crop to ⌊224c⌋ square; on
 * non-square images we scale each axis, as imagecorruptions does.
 */
function pixelate(image: FloatImage, severity: Severity, _random: Random): FloatImage {
  const fraction = pickTable(PIXELATE_FRACTION, severity, sized(image));
  const { width, height, channels } = image;
  const small = pixelateSize(image, fraction);
  const cols = boxWindows(width, small.width);
  const rows = boxWindows(height, small.height);
  const src = image.data;
  const reduced = new Float32Array(small.width * small.height * channels);
  for (let oy = 0; oy < small.height; oy++) {
    const y0 = rows.start[oy]!;
    const ny = rows.count[oy]!;
    for (let ox = 0; ox < small.width; ox++) {
      const x0 = cols.start[ox]!;
      const nx = cols.count[ox]!;
      const weight = 1 / (nx * ny);
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let y = y0; y < y0 + ny; y++) {
          for (let x = x0; x < x0 + nx; x++) sum += src[(y * width + x) * channels + c]!;
        }
        reduced[(oy * small.width + ox) * channels + c] = sum * weight;
      }
    }
  }
  const fromX = nearestIndices(small.width, width);
  const fromY = nearestIndices(small.height, height);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const sy = fromY[y]!;
    for (let x = 0; x < width; x++) {
      const s = (sy * small.width + fromX[x]!) * channels;
      const d = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = reduced[s + c]!;
    }
  }
  return withData(image, out);
}

function toByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value * 255)));
}

/**
 * Encodes the image as a JPEG at quality c with jpeg-js's encoder (ported to ./jpegEncoder.ts, the
 * same bytes without jpeg-js's table set-up on every call) and decodes it back with jpeg-js (make_imagenet_c.py
 * jpeg_compression: PIL save at quality c, reopen). The image is quantised to 8 bits first, as the
 * originals' PIL images are. A gray image is encoded as gray replicated to R, G and B (PIL's
 * convert('RGB') in imagecorruptions) and brought back by PIL's convert('L') luma,
 * L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16 — which on a decoded gray is its Y channel.
 */
function jpegCompression(image: FloatImage, severity: Severity, _random: Random): FloatImage {
  const quality = pickTable(JPEG_QUALITY, severity, sized(image));
  const { width, height, channels } = image;
  const pixels = width * height;
  const src = image.data;
  const rgba = new Uint8Array(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const d = p * 4;
    if (channels === 1) {
      const v = toByte(src[p]!);
      rgba[d] = v;
      rgba[d + 1] = v;
      rgba[d + 2] = v;
    } else {
      rgba[d] = toByte(src[p * 3]!);
      rgba[d + 1] = toByte(src[p * 3 + 1]!);
      rgba[d + 2] = toByte(src[p * 3 + 2]!);
    }
    rgba[d + 3] = 255;
  }
  const encoded = encodeJpeg(rgba, width, height, quality);
  const decoded = jpeg.decode(encoded, { useTArray: true, formatAsRGBA: false });
  if (decoded.width !== width || decoded.height !== height || decoded.data.length !== pixels * 3) {
    throw new Error(
      `jpeg_compression: jpeg-js decoded a ${decoded.width}×${decoded.height} image from a ${width}×${height} one; this is a bug`,
    );
  }
  const rgb = decoded.data;
  const out = new Float32Array(src.length);
  if (channels === 1) {
    for (let p = 0; p < pixels; p++) {
      const luma = (rgb[p * 3]! * 19595 + rgb[p * 3 + 1]! * 38470 + rgb[p * 3 + 2]! * 7471 + 0x8000) >> 16;
      out[p] = luma / 255;
    }
  } else {
    for (let i = 0; i < out.length; i++) out[i] = rgb[i]! / 255;
  }
  return withData(image, out);
}

export const DIGITAL_PERTURBATIONS: readonly Perturbation[] = [
  {
    name: 'brightness',
    family: 'digital',
    summary: 'raises the HSV value of every pixel by c, keeping hue and saturation (over-exposure)',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      delta: pickTable(BRIGHTNESS_DELTA, severity, size),
    }),
    apply: brightness,
    grayBehaviour: 'the HSV value of a gray pixel is its gray value, so c is added to it (clipped at 1)',
  },
  {
    name: 'contrast',
    family: 'digital',
    summary: 'shrinks every channel towards its mean by a factor c (flat, hazy or under-exposed scene)',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      factor: pickTable(CONTRAST_FACTOR, severity, size),
    }),
    apply: contrast,
  },
  {
    name: 'saturate',
    family: 'digital',
    summary:
      'maps the HSV saturation S to S·a + b: washed-out colours at severities 1–2, oversaturated at 3–5',
    parameters: (severity, size) => {
      const [scale, offset] = pickTable(SATURATE_SCALE_OFFSET, severity, size);
      return { table: parameterSet(size).table, scale, offset };
    },
    apply: saturate,
    grayBehaviour:
      'a gray image has no saturation: it is returned unchanged at every severity (as imagecorruptions)',
  },
  {
    name: 'pixelate',
    family: 'digital',
    summary:
      'box-downscales each side to ⌊side·c⌋ and enlarges back by nearest neighbour (low-resolution camera, digital zoom)',
    parameters: (severity, size) => {
      const fraction = pickTable(PIXELATE_FRACTION, severity, size);
      const small = pixelateSize(size, fraction);
      return { table: parameterSet(size).table, fraction, width: small.width, height: small.height };
    },
    apply: pixelate,
  },
  {
    name: 'jpeg_compression',
    family: 'digital',
    summary: 'encodes as JPEG at quality c and decodes (blocking and ringing of a heavily compressed upload)',
    parameters: (severity, size) => ({
      table: parameterSet(size).table,
      quality: pickTable(JPEG_QUALITY, severity, size),
      encoder: 'jpeg-js, baseline, 4:4:4',
    }),
    apply: jpegCompression,
    grayBehaviour:
      'encoded as gray replicated to RGB (its chroma is flat), decoded and brought back to one channel by the luma of PIL convert("L")',
  },
];
