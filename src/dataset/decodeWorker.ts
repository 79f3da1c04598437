/**
 * The decode worker: a worker thread that turns batches of samples into preprocessed float32 arrays,
 * so that decoding runs while the main thread is blocked in onnxruntime's synchronous `run`; it also
 * hashes files for the lock check. It speaks a small message protocol with parallelBatches.ts.
 *
 * File-based test sets send the batch's file paths, so a worker holds nothing per sample; array
 * test sets are opened once in the worker (their data lives in the .npy/.npz files).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { EvalgateError, InputError } from '../errors.js';
import { type BatchPlan, type BatchSource, decodeBatch } from './batches.js';
import { readImageBytes } from './readImageFolder.js';
import { decodeImage } from './decodeImage.js';
import { hashTestSetFile } from './lock.js';
import { type OpenTestSetOptions, openTestSet } from './openTestSet.js';
import type { PreprocessOptions, TestSet } from './types.js';

export const DECODE_WORKER_KIND = 'evalgate-decode-worker';

export interface DecodeWorkerData {
  kind: typeof DECODE_WORKER_KIND;
  /** How to open the test set, for formats without sample files (arrays). */
  testSet: OpenTestSetOptions;
  /** Samples the main thread listed; a worker that lists another number refuses to work. */
  expectedSamples: number;
}

/** Main thread -> worker. */
export type DecodeRequest =
  | {
      id: number;
      /** Positions in the test set. */
      indices: number[];
      /** The samples' image files (file-based formats); absent for arrays. */
      files?: string[];
      /** Sample ids, for messages, when files are given. */
      ids?: string[];
      /** Decided on the main thread after the lock check and the model's metadata. */
      preprocess: PreprocessOptions;
      plan: BatchPlan;
      /** A consumed batch's buffer, handed back to be filled again (bounds memory to the batches in flight). */
      recycle?: ArrayBuffer;
    }
  | { id: number; hash: string[] };

/**
 * An error crossing the thread boundary (structured clone keeps no class). `known` says it was an
 * EvalgateError, to be rebuilt as one; anything else is a bug, rebuilt as a plain Error so that the
 * adapters frame it as internal, with the worker's stack kept apart from the message.
 */
export type SerialisedError =
  | { known: true; message: string; where?: string; hint?: string; exitCode: number }
  | { known: false; message: string; stack?: string };

/** Worker -> main thread: the batch's data or hashes, or the error that stopped it. */
export type DecodeResponse =
  | { id: number; data: Float32Array }
  | { id: number; hashes: Array<{ sha256: string; size: number }> }
  | { id: number; error: SerialisedError }
  | { ready: true };

/** True inside a thread started as a decode worker (the bundled entries check this first). */
export function isDecodeWorker(): boolean {
  return !isMainThread && (workerData as DecodeWorkerData | undefined)?.kind === DECODE_WORKER_KIND;
}

/** Runs the worker loop. */
export function runDecodeWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runDecodeWorker() must run in a worker thread');
  const setup = workerData as DecodeWorkerData;
  let arrays: Promise<TestSet> | undefined;
  const spare: ArrayBuffer[] = [];

  const handle = async (request: DecodeRequest): Promise<DecodeResponse> => {
    if ('hash' in request) {
      const hashes = [];
      for (const file of request.hash) hashes.push(await hashTestSetFile(file));
      return { id: request.id, hashes };
    }
    let source: BatchSource;
    let indices: number[];
    if (request.files) {
      const files = request.files;
      const ids = request.ids ?? files;
      source = {
        samples: ids.map((id) => ({ id, label: 0, slices: {} })),
        decode: (k) => decodeImage(readImageBytes(files[k]), files[k]),
      };
      indices = files.map((_, k) => k);
    } else {
      arrays ??= openArrays(setup);
      source = await arrays;
      indices = request.indices;
    }
    if (request.recycle) spare.push(request.recycle);
    const data = decodeBatch(source, request.preprocess, indices, request.plan, spare.pop());
    return { id: request.id, data };
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

async function openArrays(setup: DecodeWorkerData): Promise<TestSet> {
  const testSet = await openTestSet(setup.testSet);
  if (testSet.samples.length !== setup.expectedSamples) {
    throw new InputError(
      `the test set changed while it was being read (${setup.expectedSamples} samples, then ${testSet.samples.length})`,
      { where: setup.testSet.root, hint: 'do not modify the test set while evalgate runs' },
    );
  }
  return testSet;
}

export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof EvalgateError) {
    return {
      known: true,
      message: error.message,
      where: error.where,
      hint: error.hint,
      exitCode: error.exitCode,
    };
  }
  if (error instanceof Error) return { known: false, message: error.message, stack: error.stack };
  return { known: false, message: String(error) };
}
