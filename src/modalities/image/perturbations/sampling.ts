/**
 * Bilinear sampling of a FloatImage at real coordinates, and remapping an image through a map of
 * source coordinates: the resampling step of the geometric perturbations (rotate, translate,
 * scale) and of the elastic transform.
 *
 * Coordinates are in pixels with pixel centres at integers: (0, 0) is the centre of the top-left
 * pixel, (width − 1, height − 1) that of the bottom-right one (the convention of scipy.ndimage's
 * map_coordinates and of OpenCV's remap / warpAffine).
 *
 * Outside the image a sample is taken by one of these rules, applied to each of the four
 * neighbouring taps separately (as OpenCV's border modes and scipy's order-1 map_coordinates do):
 * - 'edge'     the nearest edge pixel (OpenCV BORDER_REPLICATE, scipy 'nearest');
 * - 'constant' a given value, per channel (OpenCV BORDER_CONSTANT), so the image fades into it over
 *              one pixel;
 * - 'reflect'  d c b a | a b c d | d c b a, edge repeated (scipy 'reflect', OpenCV BORDER_REFLECT),
 *              which the original elastic transform's map_coordinates uses;
 * - 'mirror'   d c b | a b c d | c b a, edge not repeated (OpenCV BORDER_REFLECT_101), which the
 *              original elastic transform's cv2.warpAffine uses.
 */
import { boundaryIndex } from './filters.js';
import type { FloatImage } from './types.js';

export type SampleFill = 'edge' | 'constant' | 'reflect' | 'mirror';

/**
 * The bilinear interpolation of `channel` of `image` at (x, y) px. `constant` is the value outside
 * the image when `fill` is 'constant' (ignored otherwise).
 */
export function sampleBilinear(
  image: FloatImage,
  x: number,
  y: number,
  channel: number,
  fill: SampleFill,
  constant = 0,
): number {
  const { width, height, channels, data } = image;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return fill === 'constant' ? constant : 0;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const v00 = tap(data, width, height, channels, x0, y0, channel, fill, constant);
  const v10 = tap(data, width, height, channels, x0 + 1, y0, channel, fill, constant);
  const v01 = tap(data, width, height, channels, x0, y0 + 1, channel, fill, constant);
  const v11 = tap(data, width, height, channels, x0 + 1, y0 + 1, channel, fill, constant);
  const top = v00 + (v10 - v00) * fx;
  const bottom = v01 + (v11 - v01) * fx;
  return top + (bottom - top) * fy;
}

/** One pixel value at integer (x, y), mapped inside the image by the fill rule. */
function tap(
  data: Float32Array,
  width: number,
  height: number,
  channels: number,
  x: number,
  y: number,
  channel: number,
  fill: SampleFill,
  constant: number,
): number {
  if (x < 0 || x >= width || y < 0 || y >= height) {
    if (fill === 'constant') return constant;
    const mode = fill === 'edge' ? 'nearest' : fill;
    x = boundaryIndex(x, width, mode);
    y = boundaryIndex(y, height, mode);
  }
  return data[(y * width + x) * channels + channel]!;
}

/**
 * A new image whose pixel (x, y) is `image` sampled bilinearly at (mapX[p], mapY[p]), p = y·width + x
 * (cv2.remap with INTER_LINEAR; scipy map_coordinates with order 1). The maps have one entry per
 * output pixel and the output has the input's size and channels. `constant` is the fill value for
 * 'constant', one number for every channel or one per channel. Not clipped: a bilinear sample is a
 * convex combination of pixel values (and of the constant), so values in [0, 1] stay there.
 */
export function remap(
  image: FloatImage,
  mapX: Float32Array,
  mapY: Float32Array,
  fill: SampleFill,
  constant: number | readonly number[] = 0,
): FloatImage {
  const { width, height, channels } = image;
  const pixels = width * height;
  if (mapX.length !== pixels || mapY.length !== pixels) {
    throw new RangeError(
      `remap needs one source coordinate per pixel (${width} × ${height} = ${pixels}), got ${mapX.length} and ${mapY.length}`,
    );
  }
  const constants = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    constants[c] = typeof constant === 'number' ? constant : (constant[c] ?? constant[0] ?? 0);
  }
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const sx = mapX[p]!;
    const sy = mapY[p]!;
    for (let c = 0; c < channels; c++) {
      out[p * channels + c] = sampleBilinear(image, sx, sy, c, fill, constants[c]!);
    }
  }
  return { width, height, channels, data: out };
}

/**
 * The map of source coordinates of an affine warp: output pixel (x, y) samples the source at
 * (a·x + b·y + c, d·x + e·y + f), i.e. `inverse` is the output→source matrix [a b c; d e f] (what
 * cv2.warpAffine computes from the forward matrix when WARP_INVERSE_MAP is not set).
 */
export function affineSourceMap(
  width: number,
  height: number,
  inverse: readonly [number, number, number, number, number, number],
): { mapX: Float32Array; mapY: Float32Array } {
  const [a, b, c, d, e, f] = inverse;
  const mapX = new Float32Array(width * height);
  const mapY = new Float32Array(width * height);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      mapX[p] = a * x + b * y + c;
      mapY[p] = d * x + e * y + f;
    }
  }
  return { mapX, mapY };
}

/** The per-channel mean of an image (float64 sums), the fill of the geometric and occlusion stresses. */
export function channelMeans(image: FloatImage): number[] {
  const { channels, data } = image;
  const sums = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) sums[i % channels] += data[i]!;
  const pixels = data.length / channels;
  return Array.from(sums, (s) => (pixels > 0 ? s / pixels : 0));
}
