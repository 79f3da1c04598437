/** Conversions between decoded images and the FloatImage the perturbations read and write. */
import type { DecodedImage } from '../../../dataset/types.js';
import type { FloatImage } from './types.js';

/**
 * A decoded image as floats in [0, 1]: 8-bit data divided by 255; float data taken as it is (array
 * test sets, already in the range the preprocessing's scale maps from, see inputRange); alpha dropped.
 */
export function toFloatImage(
  image: DecodedImage,
  valueScale = image.data instanceof Uint8Array ? 1 / 255 : 1,
): FloatImage {
  const { width, height } = image;
  const channels: 1 | 3 = image.channels === 1 ? 1 : 3;
  const pixels = width * height;
  const out = new Float32Array(pixels * channels);
  const src = image.data;
  const step = image.channels;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = src[p * step + c]! * valueScale;
  }
  return { width, height, channels, data: out };
}

/** Back to 8 bits (rounded, clipped), as ImageNet-C stores its corrupted images. */
export function toDecodedImage(image: FloatImage): DecodedImage {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round(image.data[i]! * 255);
    out[i] = Math.min(Math.max(v, 0), 255);
  }
  return { width: image.width, height: image.height, channels: image.channels, data: out };
}

/** A new image of the same size and channels, zeroed. */
export function blankLike(image: FloatImage): FloatImage {
  return {
    width: image.width,
    height: image.height,
    channels: image.channels,
    data: new Float32Array(image.data.length),
  };
}

/** Clips every value of `data` to [0, 1] in place (NaN becomes 0) and returns it. */
export function clipUnit(data: Float32Array): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    data[i] = v > 0 ? Math.min(v, 1) : 0; // NaN > 0 is false: NaN becomes 0
  }
  return data;
}
