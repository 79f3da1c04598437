/**
 * Decodes PNG (pngjs) and JPEG (jpeg-js) bytes into 8-bit interleaved pixels.
 *
 * What comes out, and why (documented in docs/config.md, "Test sets and the lock file"):
 * - The format is detected from the magic bytes, never from the file name.
 * - Gray sources (PNG colour types 0 and 4, one-component JPEG) give 1 channel; colour sources (PNG colour
 *   types 2, 3 and 6, three-component JPEG) give 3 channels (RGB). Alpha is dropped without compositing, the
 *   colour under a transparent pixel is kept: the same as PIL's `convert('RGB')` / `convert('L')`, which is
 *   what most training pipelines do before `ToTensor()`.
 * - Sub-8-bit samples are expanded like PIL (1-bit: 0/255, 2-bit: *85, 4-bit: *17). 16-bit samples are
 *   scaled to 8 bits as round(v * 255 / 65535) (pngjs's default rescale). PIL instead keeps the high byte of
 *   16-bit RGB and clips 16-bit gray at 255 in `convert('L')`, so a 16-bit source may differ from a PIL
 *   pipeline by at most one level (RGB); scaling is the faithful reading of the data.
 * - A tRNS colour key on a gray or RGB PNG is ignored (pngjs would zero the pixels it matches; PIL keeps
 *   their colour), so the chunk is left out before pngjs parses the file.
 * - A corrupt, truncated or unknown file is an InputError naming the file and what was wrong.
 * - So every decoded image is uint8 (0..255), whatever its bit depth: the default preprocess.scale
 *   of image test sets is 1/255 (preprocessForModel.ts, defaultScale).
 */
import jpeg from 'jpeg-js';
import { PNG, type PNGWithMetadata } from 'pngjs';
import { errorMessage, InputError } from '../shared/errors.js';
import type { DecodedImage } from './types.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Guards against decompression bombs: jpeg-js refuses images whose decoding would need more than this
 * (it counts the component planes and the output buffer), and more than JPEG_MAX_MEGAPIXELS pixels.
 * 1 GiB admits any photo up to 100 megapixels; classification test images are far smaller.
 */
const JPEG_MAX_MEMORY_MB = 1024;
const JPEG_MAX_MEGAPIXELS = 100;

/** Decodes one image file's bytes. `file` names the file in error messages. */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  if (isPng(bytes)) return decodePng(bytes, file);
  if (isJpeg(bytes)) return decodeJpeg(bytes, file);
  throw new InputError('not a PNG or JPEG file (unrecognised leading bytes)', {
    code: 'E_TEST_SET_INVALID',
    where: file,
    hint: 'test-set images must be PNG or JPEG; convert or remove this file',
  });
}

function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

function isJpeg(bytes: Uint8Array): boolean {
  // SOI marker FFD8 followed by the next marker's FF.
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function readUint32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function chunkName(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/**
 * Walks the chunk list once (headers only) to report truncation clearly, and returns the bytes to hand
 * to pngjs: the input itself, or a copy without a gray/RGB tRNS chunk.
 */
function checkPngChunks(bytes: Uint8Array, file: string): Uint8Array {
  let at = PNG_SIGNATURE.length;
  let colorType = -1;
  let trnsStart = -1;
  let trnsEnd = -1;
  let sawIend = false;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) {
      throw truncatedPng(file, `a chunk header at byte ${at} is cut off (file has ${bytes.length} bytes)`);
    }
    const length = readUint32BE(bytes, at);
    const name = chunkName(bytes, at + 4);
    const end = at + 12 + length;
    if (end > bytes.length) {
      throw truncatedPng(
        file,
        `chunk ${JSON.stringify(name)} at byte ${at} needs ${length + 12} bytes, only ${bytes.length - at} remain`,
      );
    }
    if (name === 'IHDR' && length >= 13) colorType = bytes[at + 8 + 9];
    if (name === 'tRNS') {
      trnsStart = at;
      trnsEnd = end;
    }
    at = end;
    if (name === 'IEND') {
      sawIend = true;
      break;
    }
  }
  if (!sawIend) throw truncatedPng(file, 'the file ends before the IEND chunk');
  // Colour types 0 (gray) and 2 (RGB) use tRNS as a colour key; for palettes (3) it carries the alpha of
  // each entry, which pngjs turns into alpha only, so it can stay.
  if (trnsStart >= 0 && (colorType === 0 || colorType === 2)) {
    const out = new Uint8Array(bytes.length - (trnsEnd - trnsStart));
    out.set(bytes.subarray(0, trnsStart), 0);
    out.set(bytes.subarray(trnsEnd), trnsStart);
    return out;
  }
  return bytes;
}

function truncatedPng(file: string, detail: string): InputError {
  return new InputError(`truncated PNG: ${detail}`, {
    code: 'E_TEST_SET_INVALID',
    where: file,
    hint: 'the file is incomplete (an interrupted copy or download?); restore it from its source',
  });
}

function decodePng(bytes: Uint8Array, file: string): DecodedImage {
  const input = checkPngChunks(bytes, file);
  let png: PNGWithMetadata;
  try {
    const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    png = PNG.sync.read(buffer, { checkCRC: true });
  } catch (error) {
    const detail = errorMessage(error);
    throw new InputError(`corrupt PNG: ${detail}`, {
      code: 'E_TEST_SET_INVALID',
      where: file,
      hint: 'the file cannot be decoded; restore it from its source or remove it from the test set',
      cause: error,
    });
  }
  const { width, height } = png;
  // pngjs always returns 8-bit RGBA (palette expanded, gray replicated, 16-bit rescaled).
  const rgba = png.data;
  // `color` is bit 1 of the IHDR colour type: set for RGB (2), palette (3) and RGBA (6).
  const isGray = !png.color;
  const pixels = width * height;
  if (isGray) {
    const data = new Uint8Array(pixels);
    for (let i = 0, j = 0; i < pixels; i++, j += 4) data[i] = rgba[j];
    return { width, height, channels: 1, data };
  }
  const data = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0, k = 0; i < pixels; i++, j += 4, k += 3) {
    data[k] = rgba[j];
    data[k + 1] = rgba[j + 1];
    data[k + 2] = rgba[j + 2];
  }
  return { width, height, channels: 3, data };
}

/** Number of components in the JPEG frame header (SOFn), or -1 when none is found. */
function jpegComponentCount(bytes: Uint8Array): number {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return -1;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). Layout: length(2) precision(1) height(2)
    // width(2) components(1).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return at + 9 < bytes.length ? bytes[at + 9] : -1;
    }
    if (marker === 0xda) return -1; // start of scan before any frame header
    at += 2 + length;
  }
  return -1;
}

function decodeJpeg(bytes: Uint8Array, file: string): DecodedImage {
  const components = jpegComponentCount(bytes);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      // Strict: a truncated or damaged entropy stream is an error, as in PIL, not a gray smear.
      tolerantDecoding: false,
      maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
      maxResolutionInMP: JPEG_MAX_MEGAPIXELS,
    });
  } catch (error) {
    const detail = errorMessage(error);
    if (!hasJpegEnd(bytes)) {
      throw new InputError(`truncated JPEG: the file has no end-of-image marker (decoder: ${detail})`, {
        code: 'E_TEST_SET_INVALID',
        where: file,
        hint: 'the file is incomplete (an interrupted copy or download?); restore it from its source',
        cause: error,
      });
    }
    throw new InputError(`corrupt or unsupported JPEG: ${detail}`, {
      code: 'E_TEST_SET_INVALID',
      where: file,
      hint: 'the file cannot be decoded; restore it from its source or re-save it as a baseline JPEG or PNG',
      cause: error,
    });
  }
  const { width, height, data: rgb } = decoded;
  if (components === 1) {
    // jpeg-js replicates the single component into R, G and B; keep one.
    const pixels = width * height;
    const data = new Uint8Array(pixels);
    for (let i = 0, j = 0; i < pixels; i++, j += 3) data[i] = rgb[j];
    return { width, height, channels: 1, data };
  }
  return { width, height, channels: 3, data: rgb };
}

/** True when the EOI marker FFD9 appears near the end (some writers append a few bytes of padding). */
function hasJpegEnd(bytes: Uint8Array): boolean {
  const stop = Math.max(1, bytes.length - 1024);
  for (let i = bytes.length - 1; i >= stop; i--) {
    if (bytes[i] === 0xd9 && bytes[i - 1] === 0xff) return true;
  }
  return false;
}
