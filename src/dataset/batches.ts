/**
 * Streams a test set as batches of preprocessed float32 values, one batch decoded at a time, so memory
 * stays bounded by the batch size whatever the size of the test set.
 *
 * Overlap with inference: onnxruntime-node's `session.run` computes synchronously on the main thread
 * (its promise only defers the call), so decoding on the main thread cannot overlap it. The evaluation
 * therefore decodes in worker threads (`parallelBatches.ts`), which call `decodeBatch` below; this
 * module's `batchTestSet` is the single-thread path (tests, and runs where workers are unavailable).
 */
import { InputError } from '../shared/errors.js';
import {
  emptyValueRange,
  preprocessedShape,
  preprocessFeaturesInto,
  preprocessInto,
  validateFeatureOptions,
  validatePreprocessOptions,
} from './preprocess.js';
import { product } from '../shared/shape.js';
import type { Batch, DecodedImage, PreprocessOptions, TestSet, ValueRange } from './types.js';

/** Size of sample 0 when the preprocessing does not fix the output size (no resize, no crop). */
function needsSourceSize(options: PreprocessOptions): boolean {
  return options.resize === null && options.centerCrop === null;
}

/** What decodeBatch needs of a test set (a decode worker builds one from a list of files). */
export type BatchSource = Pick<TestSet, 'decode' | 'samples' | 'featureLength'>;

/** The image every other must match in size when no resize fixes the shape: the test set's first. */
export interface SizeReference {
  id: string;
  height: number;
  width: number;
}

/** What every batch of a test set shares: the per-sample shape, and the size reference if any. */
export interface BatchPlan {
  sampleShape: number[];
  reference: SizeReference | null;
}

/** The plan of a run's batches, once the batch size is checked: where both batch sources start. */
export function planBatchesOfSize(
  testSet: TestSet,
  options: PreprocessOptions,
  batchSize: number,
): BatchPlan {
  checkBatchSize(batchSize);
  return planBatches(testSet, options);
}

/**
 * Validates the options and works out the per-sample shape, decoding sample 0 only when neither
 * resize nor center-crop fixes the size (then every image must have sample 0's size).
 */
export function planBatches(testSet: TestSet, options: PreprocessOptions): BatchPlan {
  if (testSet.featureLength !== undefined) {
    validateFeatureOptions(options, testSet.featureLength);
    return { sampleShape: [testSet.featureLength], reference: null };
  }
  validatePreprocessOptions(options);
  if (!needsSourceSize(options)) return { sampleShape: preprocessedShape(options), reference: null };
  if (testSet.samples.length === 0)
    throw new InputError('the test set is empty: no samples found', { code: 'E_TEST_SET_INVALID' });
  const first = testSet.decode(0);
  return {
    sampleShape: preprocessedShape(options, first),
    reference: { id: testSet.samples[0].id, height: first.height, width: first.width },
  };
}

/**
 * The per-sample tensor shape the batches will have, e.g. [3, 224, 224]; decodes the first sample only
 * when neither resize nor center-crop fixes the size. Use it to check the model input before running.
 */
export function testSetSampleShape(testSet: TestSet, options: PreprocessOptions): number[] {
  return planBatches(testSet, options).sampleShape;
}

function sizeMismatch(id: string, image: DecodedImage, reference: SizeReference) {
  return new InputError(
    `image is [${image.height}, ${image.width}] ([height, width]) but ${reference.id} is ` +
      `[${reference.height}, ${reference.width}]; without preprocess.resize every image must have the same size`,
    {
      code: 'E_TEST_SET_INVALID',
      where: id,
      hint: `set preprocess.resize: [${reference.height}, ${reference.width}] (height, width), or the size the model was trained on`,
    },
  );
}

/** Which samples decodeBatch decodes, and how. */
export interface DecodeBatchRequest {
  preprocess: PreprocessOptions;
  /** Positions in the test set's samples. */
  indices: ArrayLike<number>;
  /** From planBatches with the same `preprocess`. */
  plan: BatchPlan;
  /** A buffer to fill instead of allocating one, when it is large enough (decode workers recycle). */
  reuse?: ArrayBuffer;
  /** Widened to the batch's values, raw and preprocessed (for the report's input range). */
  range?: ValueRange;
}

/**
 * Decodes and preprocesses the samples at `indices` into one sample-major float32 array of
 * `plan.sampleShape` per sample. Used on the main thread and in decode workers alike. `plan` must
 * come from planBatches with the same `preprocess`: that is where the options are validated, once,
 * so the per-image preprocessing does not check them again.
 */
export function decodeBatch(testSet: BatchSource, request: DecodeBatchRequest): Float32Array {
  const { preprocess, indices, plan, reuse, range } = request;
  const sampleSize = product(plan.sampleShape);
  const length = indices.length * sampleSize;
  const data =
    reuse && reuse.byteLength >= length * 4 ? new Float32Array(reuse, 0, length) : new Float32Array(length);
  const features = testSet.featureLength !== undefined;
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k];
    const image = testSet.decode(index);
    if (features) {
      preprocessFeaturesInto(image.data, preprocess, data, k * sampleSize, range);
      continue;
    }
    const { reference } = plan;
    if (reference && (image.width !== reference.width || image.height !== reference.height)) {
      throw sizeMismatch(testSet.samples[index].id, image, reference);
    }
    preprocessInto(image, preprocess, data, k * sampleSize, range);
  }
  if (range) widenFed(data, range);
  return data;
}

/** Widens `range.min`/`max` to the values fed to the model (one pass over the batch; NaN widens nothing). */
function widenFed(data: Float32Array, range: ValueRange): void {
  let min = range.min;
  let max = range.max;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  range.min = min;
  range.max = max;
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InputError(`batch size must be a positive integer, got ${batchSize}`, {
      code: 'E_CONFIG_INVALID',
      where: 'batch-size',
    });
  }
}

/**
 * Yields batches of `batchSize` samples in test-set order (the last one may be smaller), decoded on
 * this thread. Each batch owns a fresh `data` array, so a consumer may keep batch i while batch i + 1
 * is produced. (`startDecodePool` in parallelBatches.ts decodes in worker threads instead.)
 */
export async function* batchTestSet(
  testSet: TestSet,
  preprocess: PreprocessOptions,
  batchSize: number,
): AsyncGenerator<Batch> {
  const plan = planBatchesOfSize(testSet, preprocess, batchSize);
  const total = testSet.samples.length;
  for (let start = 0; start < total; start += batchSize) {
    const indices = batchIndices(start, Math.min(batchSize, total - start));
    const range = emptyValueRange();
    yield {
      indices,
      data: decodeBatch(testSet, { preprocess, indices, plan, range }),
      size: indices.length,
      sampleShape: plan.sampleShape,
      range,
    };
  }
}

export function batchIndices(start: number, size: number): number[] {
  return Array.from({ length: size }, (_, k) => start + k);
}
