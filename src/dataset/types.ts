/** Contracts of the dataset stage: test-set readers, decoding, preprocessing and batching. */
import type { ValueRange } from '../evaluation/types.js';

export type { ValueRange } from '../evaluation/types.js';

export type TestSetFormat = 'image-folder' | 'manifest' | 'arrays';

/** One test sample's metadata. Pixel data is decoded lazily, one batch at a time. */
export interface TestSetSample {
  /** Stable id: the path relative to the test-set root (`cat/001.png`), or `x.npy#17` for arrays. */
  id: string;
  /** Index into the class list. */
  label: number;
  /** Slice column -> value, from a manifest's extra columns. Empty for other formats. */
  slices: Record<string, string>;
}

/** A decoded image: 8-bit interleaved pixels (`channels` of 1, 3 or 4 per pixel), or array data. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Row-major, channels interleaved (HWC). Uint8Array for images; Float32Array for array data. */
  data: Uint8Array | Float32Array;
}

/** A readable, verified test set: the sample list plus a way to decode each sample. */
export interface TestSet {
  format: TestSetFormat;
  /** Absolute path of the test-set folder (or array file). */
  root: string;
  /**
   * Files that make up the test set, '/'-separated, sorted by code unit; what the lock covers. Relative
   * to `root`, or to the folder holding it when `root` is a file (an .npz: `files` is its file name).
   */
  files: string[];
  /** Manifest file relative to `root` (also listed in `files`) when format is `manifest`. */
  manifest?: string;
  samples: TestSetSample[];
  /** Slice columns present (manifest extra columns), in manifest order. */
  sliceColumns: string[];
  /** Decode sample `index` (position in `samples`). Throws InputError naming the file on corrupt data. */
  decode(index: number): DecodedImage;
  /**
   * Absolute path of sample `index`'s image file, for file-based formats (image folder, manifest):
   * decode workers then read files directly instead of listing the test set again.
   */
  sampleFile?(index: number): string;
  /** For array test sets of feature vectors ([N, D]): each sample is D values, no image semantics. */
  featureLength?: number;
  /**
   * Data type of the raw values, which decides the default `preprocess.scale`: 'uint8' for decoded
   * PNG and JPEG images (16-bit PNGs are decoded to 8 bits), the NumPy dtype of an array's x
   * otherwise. Absent means 'uint8' (test sets made by hand).
   */
  valueType?: ValueType;
}

/** The raw value types of test sets: NumPy dtype names. */
export type ValueType =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'uint64'
  | 'int64'
  | 'float16'
  | 'float32'
  | 'float64';

export type ColorMode = 'gray' | 'rgb' | 'bgr';
export type Layout = 'NCHW' | 'NHWC' | 'flat';

/** Preprocessing, resolved: every field set. Mirrors `preprocess` in evalgate.yml. */
export interface PreprocessOptions {
  /** [height, width] to resize to (separable antialiased bilinear, like PIL/torchvision), or null. */
  resize: [number, number] | null;
  /** [height, width] central crop after resizing, or null. */
  centerCrop: [number, number] | null;
  color: ColorMode;
  /** Multiplies the raw values (e.g. 1/255 for 0..255 pixels) before mean/std. */
  scale: number;
  /** Per-channel mean subtracted after scaling (length 1 or the channel count). */
  mean: number[];
  /** Per-channel std divided after subtracting the mean (length 1 or the channel count). */
  std: number[];
  layout: Layout;
  /**
   * Channels the model expects. 3 with color `gray` replicates the gray channel (a 3-channel
   * model fed gray images); 1 with `rgb`/`bgr` is an input error.
   */
  channels: number;
}

/** The preprocessing as configured: the model gives the channels, the data the default scale. */
export type ConfiguredPreprocess = Omit<PreprocessOptions, 'channels' | 'scale'> & {
  /** `preprocess.scale`, or null to take the default for the test set's value type. */
  scale: number | null;
};

/** A batch ready for inference. */
export interface Batch {
  /** Positions in `TestSet.samples`. */
  indices: number[];
  /** n * prod(sampleShape) float32 values, sample-major. */
  data: Float32Array;
  /** Number of samples in the batch. */
  size: number;
  /** Per-sample tensor shape, e.g. [3, 224, 224] for NCHW, [224, 224, 3] for NHWC, [150528] for flat. */
  sampleShape: number[];
  /** The batch's value range before and after preprocessing (absent in batches made by hand). */
  range?: ValueRange;
}

/** `evalgate.lock.json` contents. */
export interface LockFile {
  schema: 'evalgate.lock/v1';
  /** sha256 over the sorted entries, `sha256:<hex>`: the test set's identity. */
  digest: string;
  format: TestSetFormat;
  /** Manifest file (relative to the test-set root) when format is `manifest`. */
  manifest?: string;
  files: LockEntry[];
  /**
   * The class list in model-output order, as locked. Array test sets store labels as indices into it,
   * so `verifyLock` refuses another order. Written by every lock; absent in locks made before it was.
   */
  classNames?: string[];
  /** Class name -> number of samples. */
  classCounts: Record<string, number>;
  samples: number;
  createdBy: string;
}

export interface LockEntry {
  path: string;
  sha256: string;
  size: number;
}
