/**
 * A stress cell's view of the test set: the stressed samples, each decoded as usual and then
 * perturbed, before the preprocessing (resize, scale, normalisation) that every batch gets. The
 * perturbation reads the decoded 8-bit image as floats in [0, 1] and is written back to 8 bits, as
 * ImageNet-C stores its corrupted images (docs/stress.md). Everything downstream of `decode` (the
 * batching, the preprocessing, the scoring) is the clean run's own code.
 */
import { sameBytes } from '../dataset/decodeWorker.js';
import type { DecodedImage, TestSet } from '../dataset/types.js';
import { toDecodedImage, toFloatImage } from '../modalities/image/perturbations/floatImage.js';
import { perturbationRandom } from '../modalities/image/perturbations/seed.js';
import { InternalError } from '../shared/errors.js';
import type { StressCell } from './suite.js';

/** `image` (sample `sampleId`'s decoded pixels) under `cell`, drawn from (seed, sample id, perturbation, severity). */
export function perturbDecoded(
  image: DecodedImage,
  cell: StressCell,
  seed: number,
  sampleId: string,
): DecodedImage {
  const { perturbation, severity } = cell;
  const random = perturbationRandom(seed, sampleId, perturbation.name, severity);
  const out = perturbation.apply(toFloatImage(image), severity, random);
  if (out.width !== image.width || out.height !== image.height) {
    throw new InternalError(
      `perturbation '${perturbation.name}' at severity ${severity} returned a ${out.width}×${out.height} image for a ${image.width}×${image.height} one`,
    );
  }
  return toDecodedImage(out);
}

/** Bytes of decoded pixels a stress run keeps between cells (see cleanDecoder). */
export const DECODED_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Decodes the stressed samples (k = position among them) for every cell, keeping the decoded
 * pixels of as many as fit in `budgetBytes` so that each is read and decoded once per run rather
 * than once per cell; the rest are decoded again in each cell. The cached images are never changed:
 * a perturbation returns a new image.
 */
export function cleanDecoder(
  testSet: TestSet,
  indices: readonly number[],
  budgetBytes = DECODED_CACHE_BYTES,
): (k: number) => DecodedImage {
  const kept: Array<DecodedImage | undefined> = new Array(indices.length);
  let bytes = 0;
  return (k) => {
    const cached = kept[k];
    if (cached) return cached;
    const image = testSet.decode(indices[k]!);
    if (bytes + image.data.byteLength <= budgetBytes) {
      kept[k] = image;
      bytes += image.data.byteLength;
    }
    return image;
  };
}

/**
 * The samples at `indices` of `testSet`, perturbed by `cell`, as a test set of their own (its
 * sample k is `testSet`'s sample indices[k], decoded by `decodeClean(k)`). It has no sample files,
 * so its batches are decoded on the calling thread, and no slice columns: a cell reports whole-set
 * and per-class figures.
 */
export function stressedTestSet(
  testSet: TestSet,
  indices: readonly number[],
  cell: StressCell,
  seed: number,
  view: {
    decodeClean?: (k: number) => DecodedImage;
    /** Called with k for each decoded sample the perturbation left byte for byte as it was (k may repeat). */
    onUnchanged?: (k: number) => void;
  } = {},
): TestSet {
  const decodeClean = view.decodeClean ?? ((k: number) => testSet.decode(indices[k]!));
  const samples = indices.map((i) => testSet.samples[i]!);
  const decode = (k: number) => {
    const clean = decodeClean(k);
    const stressed = perturbDecoded(clean, cell, seed, samples[k]!.id);
    if (view.onUnchanged && sameBytes(stressed.data, clean.data)) view.onUnchanged(k);
    return stressed;
  };
  return {
    format: testSet.format,
    root: testSet.root,
    files: testSet.files,
    ...(testSet.manifest !== undefined ? { manifest: testSet.manifest } : {}),
    samples,
    sliceColumns: [],
    decode,
    ...(testSet.valueType !== undefined ? { valueType: testSet.valueType } : {}),
  };
}
