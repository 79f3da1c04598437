/**
 * The decode worker: a worker thread that turns batches of samples into preprocessed float32 arrays,
 * so that decoding runs while the main thread is blocked in onnxruntime's synchronous `run`; it also
 * hashes files for the lock check. It speaks a small message protocol with parallelBatches.ts.
 *
 * Requests carry the batch's file paths, so a worker holds nothing per sample. Only file-based test
 * sets (image folder, manifest) are decoded here: array test sets are decoded on the main thread.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { EvalgateError } from '../shared/errors.js';
import { type BatchPlan, type BatchSource, decodeBatch } from './batches.js';
import { emptyValueRange } from './preprocess.js';
import { decodeImageFile } from './readImageFolder.js';
import { hashFiles } from './lock.js';
import type { DecodedImage, PreprocessOptions, ValueRange } from './types.js';

export const DECODE_WORKER_KIND = 'evalgate-decode-worker';

export interface DecodeWorkerData {
  kind: typeof DECODE_WORKER_KIND;
}

/** Main thread -> worker. */
export type DecodeRequest =
  | {
      id: number;
      /** The batch's image files, in batch order. */
      files: string[];
      /** The samples' ids, for messages (size mismatches). */
      ids: string[];
      /** Decided on the main thread after the lock check and the model's metadata. */
      preprocess: PreprocessOptions;
      plan: BatchPlan;
      /** A consumed batch's buffer, handed back to be filled again (bounds memory to the batches in flight). */
      recycle?: ArrayBuffer;
      /** Applied to each decoded image before the preprocessing (the stress suite's perturbations). */
      transform?: TransformRequest;
    }
  | { id: number; hash: string[] };

/**
 * A transform of decoded images that a worker applies between decoding and preprocessing: `kind`
 * names one of the transforms the worker was started with (runDecodeWorker's argument), `spec` is
 * its plain-data setting. Decoding layers below the transforms (the stress suite sits above), so
 * the entry that starts the worker wires them in.
 */
export interface TransformRequest {
  kind: string;
  spec: unknown;
  /**
   * Bytes of decoded images this worker may keep between requests, so that an image transformed
   * in several ways (one stress cell after another) is read and decoded once. Batch k of a run
   * always goes to the same worker, so each worker keeps the images of its own batches.
   */
  cacheBytes: number;
}

/** A transform of one decoded image (sample `sampleId`); it returns a new image and leaves `image` as it is. */
export type DecodedTransform = (image: DecodedImage, sampleId: string, spec: unknown) => DecodedImage;

/** The transforms a worker can apply, by kind. */
export type DecodedTransforms = Readonly<Record<string, DecodedTransform>>;

/**
 * An error crossing the thread boundary (structured clone keeps no class). `known` says it was an
 * EvalgateError, to be rebuilt as one; anything else is a bug, rebuilt as a plain Error so that the
 * adapters frame it as internal, with the worker's stack kept apart from the message.
 */
export type SerialisedError =
  | { known: true; message: string; where?: string; hint?: string; exitCode: number; code?: string }
  | { known: false; message: string; stack?: string };

/** Worker -> main thread: the batch's data or hashes, or the error that stopped it. */
export type DecodeResponse =
  | {
      id: number;
      data: Float32Array;
      range: ValueRange;
      /** With a transform: how many of the batch's images it left byte for byte as they were. */
      unchanged?: number;
    }
  | { id: number; hashes: Array<{ sha256: string; size: number }> }
  | { id: number; error: SerialisedError }
  | { ready: true };

/** True inside a thread started as a decode worker (the bundled entries check this first). */
export function isDecodeWorker(): boolean {
  return !isMainThread && (workerData as DecodeWorkerData | undefined)?.kind === DECODE_WORKER_KIND;
}

/** Runs the worker loop, with the decoded-image transforms that requests may name. */
export function runDecodeWorker(transforms: DecodedTransforms = {}): void {
  const port = parentPort;
  if (!port) throw new Error('runDecodeWorker() must run in a worker thread');
  const spare: ArrayBuffer[] = [];
  const kept = new DecodedImageCache();

  const handle = async (request: DecodeRequest): Promise<DecodeResponse> => {
    if ('hash' in request) return { id: request.id, hashes: await hashFiles(request.hash) };
    const { files, ids, transform } = request;
    let decode = (k: number) => decodeImageFile(files[k]);
    let unchanged = 0;
    if (transform) {
      const apply = transforms[transform.kind];
      if (!apply) throw new Error(`this decode worker was started without the transform '${transform.kind}'`);
      kept.limit(transform.cacheBytes);
      decode = (k) => {
        const image = kept.get(files[k]) ?? kept.keep(files[k], decodeImageFile(files[k]));
        const out = apply(image, ids[k], transform.spec);
        if (sameBytes(out.data, image.data)) unchanged++;
        return out;
      };
    }
    const source: BatchSource = { samples: ids.map((id) => ({ id, label: 0, slices: {} })), decode };
    const indices = files.map((_, k) => k);
    if (request.recycle) spare.push(request.recycle);
    const range = emptyValueRange();
    const data = decodeBatch(source, {
      preprocess: request.preprocess,
      indices,
      plan: request.plan,
      reuse: spare.pop(),
      range,
    });
    return transform ? { id: request.id, data, range, unchanged } : { id: request.id, data, range };
  };

  // Requests are handled one at a time, in order: the main thread relies on that order.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: DecodeRequest) => {
    queue = queue.then(async () => {
      let response: DecodeResponse;
      try {
        response = await handle(request);
      } catch (error) {
        response = { id: request.id, error: serialiseError(error) };
      }
      if ('data' in response) port.postMessage(response, [response.data.buffer as ArrayBuffer]);
      else port.postMessage(response);
    });
  });
  port.postMessage({ ready: true } satisfies DecodeResponse);
}

/** Decoded images by file, up to a number of bytes; once full it keeps what it has (no eviction). */
class DecodedImageCache {
  private readonly images = new Map<string, DecodedImage>();
  private bytes = 0;
  private budget = 0;

  limit(bytes: number): void {
    this.budget = bytes;
  }

  get(file: string): DecodedImage | undefined {
    return this.images.get(file);
  }

  /** Keeps `image` when it fits in the budget; returns it either way. */
  keep(file: string, image: DecodedImage): DecodedImage {
    if (this.bytes + image.data.byteLength <= this.budget) {
      this.images.set(file, image);
      this.bytes += image.data.byteLength;
    }
    return image;
  }
}

/** Whether two pixel arrays hold the same bytes. */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof EvalgateError) {
    return {
      known: true,
      message: error.message,
      where: error.where,
      hint: error.hint,
      exitCode: error.exitCode,
      code: error.code,
    };
  }
  if (error instanceof Error) return { known: false, message: error.message, stack: error.stack };
  return { known: false, message: String(error) };
}
