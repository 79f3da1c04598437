/**
 * Streams a test set as batches of preprocessed float32 values, one batch decoded at a time, so memory
 * stays bounded by the batch size whatever the size of the test set.
 *
 * Overlap with inference: the generator does all of a batch's work synchronously inside `next()` (files
 * are read with sync calls; decoding is CPU work anyway). onnxruntime runs a session on its own native
 * threads, so a consumer that starts inference on batch i and then asks for batch i + 1 gets both done at
 * once; `prefetch()` arranges exactly that for a plain `for await` loop.
 */
import { InputError } from '../errors.js';
import {
  preprocessedShape,
  preprocessFeaturesInto,
  preprocessInto,
  validateFeatureOptions,
  validatePreprocessOptions,
} from './preprocess.js';
import type { Batch, DecodedImage, PreprocessOptions, TestSet } from './types.js';

/** Size of sample 0 when the preprocessing does not fix the output size (no resize, no crop). */
function needsSourceSize(options: PreprocessOptions): boolean {
  return options.resize === null && options.centerCrop === null;
}

/**
 * The per-sample tensor shape the batches will have, e.g. [3, 224, 224]; decodes the first sample only
 * when neither resize nor center-crop fixes the size. Use it to check the model input before running.
 */
export function testSetSampleShape(testSet: TestSet, options: PreprocessOptions): number[] {
  if (testSet.featureLength !== undefined) {
    validateFeatureOptions(options, testSet.featureLength);
    return [testSet.featureLength];
  }
  validatePreprocessOptions(options);
  if (!needsSourceSize(options)) return preprocessedShape(options);
  if (testSet.samples.length === 0) throw new InputError('the test set is empty: no samples found');
  return preprocessedShape(options, testSet.decode(0));
}

function sizeMismatch(
  testSet: TestSet,
  index: number,
  image: DecodedImage,
  first: number,
  firstImage: DecodedImage,
) {
  const id = testSet.samples[index].id;
  return new InputError(
    `image is [${image.height}, ${image.width}] ([height, width]) but ${testSet.samples[first].id} is ` +
      `[${firstImage.height}, ${firstImage.width}]; without preprocess.resize every image must have the same size`,
    {
      where: id,
      hint: `set preprocess.resize: [${firstImage.height}, ${firstImage.width}] (height, width), or the size the model was trained on`,
    },
  );
}

/**
 * Yields batches of `batchSize` samples in test-set order (the last one may be smaller). Each batch owns
 * a fresh `data` array, so a consumer may keep batch i while batch i + 1 is produced.
 */
export async function* batchTestSet(
  testSet: TestSet,
  preprocess: PreprocessOptions,
  batchSize: number,
): AsyncGenerator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InputError(`batch size must be a positive integer, got ${batchSize}`, { where: 'batch-size' });
  }
  const total = testSet.samples.length;
  const features = testSet.featureLength !== undefined;
  if (features) validateFeatureOptions(preprocess, testSet.featureLength!);
  else validatePreprocessOptions(preprocess);

  // The shape is fixed by the options, or by the first image (and then every image must match it).
  let sampleShape: number[] | undefined = features
    ? [testSet.featureLength!]
    : needsSourceSize(preprocess)
      ? undefined
      : preprocessedShape(preprocess);
  let sampleSize = sampleShape ? sampleShape.reduce((a, b) => a * b, 1) : 0;
  let firstImage: DecodedImage | undefined;

  for (let start = 0; start < total; start += batchSize) {
    const size = Math.min(batchSize, total - start);
    const indices = new Array<number>(size);
    let data: Float32Array | undefined = sampleShape ? new Float32Array(size * sampleSize) : undefined;
    for (let k = 0; k < size; k++) {
      const index = start + k;
      indices[k] = index;
      const image = testSet.decode(index);
      if (!sampleShape) {
        firstImage = image;
        sampleShape = preprocessedShape(preprocess, image);
        sampleSize = sampleShape.reduce((a, b) => a * b, 1);
      } else if (
        !features &&
        firstImage &&
        (image.width !== firstImage.width || image.height !== firstImage.height)
      ) {
        throw sizeMismatch(testSet, index, image, 0, firstImage);
      }
      data ??= new Float32Array(size * sampleSize);
      if (features) preprocessFeaturesInto(image.data, preprocess, data, k * sampleSize);
      else preprocessInto(image, preprocess, data, k * sampleSize);
    }
    yield { indices, data: data!, size, sampleShape: sampleShape! };
  }
}

/**
 * Iterates `source` while keeping up to `depth` items in production ahead of the consumer. The next
 * item is requested from a macrotask (setImmediate) after the current one is handed over, so the
 * consumer's synchronous start of work (launching inference) runs before a synchronous producer (the
 * batch decoder) takes the main thread; the two then overlap. Errors surface in order, at the item
 * where they happened; leaving the loop early closes the source.
 */
export async function* prefetch<T>(source: AsyncIterable<T> | Iterable<T>, depth = 1): AsyncGenerator<T> {
  if (!Number.isInteger(depth) || depth < 1)
    throw new Error(`prefetch depth must be a positive integer, got ${depth}`);
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const pending: Promise<IteratorResult<T>>[] = [];
  let finished = false; // the source said done or threw: request nothing more
  let closed = false; // the consumer left: request nothing more

  const request = () => {
    let result: Promise<IteratorResult<T>>;
    try {
      result = Promise.resolve(iterator.next());
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (r) => {
        if (r.done) finished = true;
      },
      () => {
        finished = true;
      },
    );
    pending.push(result);
  };
  const refill = () => {
    while (!finished && !closed && pending.length < depth) request();
  };

  let completed = false;
  try {
    request();
    for (;;) {
      if (pending.length === 0) request();
      const result = await pending.shift()!;
      if (result.done) {
        completed = true;
        return;
      }
      setImmediate(refill);
      yield result.value;
    }
  } catch (error) {
    completed = true; // the source failed: nothing to close
    throw error;
  } finally {
    closed = true;
    if (!completed) {
      // The consumer stopped early: wait for requests in flight, then let the source clean up.
      await Promise.allSettled(pending);
      await iterator.return?.();
    }
  }
}
