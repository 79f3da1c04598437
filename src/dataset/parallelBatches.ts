/**
 * Batches decoded in worker threads. onnxruntime-node runs a model synchronously on the main thread,
 * so the only way for decoding to overlap inference is to decode elsewhere: a small pool of decode
 * workers (decodeWorker.ts) works ahead of the model by up to two batches per worker, and batches
 * are handed over in test-set order. Memory stays bounded by the batches in flight.
 *
 * The pool is started before the lock check: the workers' start-up overlaps the listing, and they
 * share the hashing of the lock check with the main thread. No sample is decoded until `batches()`
 * is called, after the check.
 */
import { Worker } from 'node:worker_threads';
import { EvalgateError, ExitCode, InputError } from '../shared/errors.js';
import { batchIndices, checkBatchSize, planBatches } from './batches.js';
import {
  DECODE_WORKER_KIND,
  type DecodeRequest,
  type DecodeResponse,
  type DecodeWorkerData,
  type SerialisedError,
} from './decodeWorker.js';
import { type FileHash, hashFiles as hashFilesHere } from './lock.js';
import { product } from '../shared/shape.js';
import type { Batch, PreprocessOptions, TestSet } from './types.js';

export interface DecodeWorkerOptions {
  /** Script that runs `runDecodeWorker()` when started as a decode worker (a bundled entry, or decodeWorkerEntry). */
  script: string | URL;
  /** Number of worker threads. */
  count: number;
}

export type { FileHash } from './lock.js';

export interface DecodePool {
  /** Hashes files (absolute paths), shared between the workers and this thread; results in order. */
  hashFiles(files: string[]): Promise<FileHash[]>;
  /**
   * Yields the batches in order; call once, after the lock check. A batch's data is valid until the
   * next batch is asked for (its buffer is then reused).
   */
  batches(preprocess: PreprocessOptions, batchSize: number): AsyncGenerator<Batch>;
  /** Stops the workers (also when batches() was never called). */
  close(): Promise<void>;
}

type Answer = Exclude<DecodeResponse, { ready: true } | { error: unknown }>;
/** Files per hashing chunk: small enough to balance the threads, large enough to amortise a message. */
const HASH_CHUNK_FILES = 256;

type Pending = { resolve: (answer: Answer) => void; reject: (error: Error) => void };

/**
 * Starts the pool for a file-based test set (image folder, manifest): workers read the files that
 * `testSet.sampleFile` names. Array test sets are decoded on the main thread, never here.
 */
export function startDecodePool(testSet: TestSet, options: DecodeWorkerOptions): DecodePool {
  if (!testSet.sampleFile) {
    throw new Error(`startDecodePool: a ${testSet.format} test set has no sample files to decode in workers`);
  }
  const sampleFile: (index: number) => string = testSet.sampleFile.bind(testSet);
  const total = testSet.samples.length;
  const workerData: DecodeWorkerData = { kind: DECODE_WORKER_KIND };
  const count = Math.max(1, options.count);
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  let closing = false;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const ready: Promise<void>[] = [];
  for (let w = 0; w < count; w++) {
    const worker = new Worker(options.script, { workerData });
    workers.push(worker);
    ready.push(
      handled(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (message: DecodeResponse) => {
            if ('ready' in message) {
              resolve();
              return;
            }
            const entry = pending.get(message.id);
            if (!entry) return;
            pending.delete(message.id);
            if ('error' in message) entry.reject(toError(message.error));
            else entry.resolve(message);
          });
          worker.on('error', (error) => {
            const wrapped = new EvalgateError(`a decode worker failed: ${error.message}`, ExitCode.internal, {
              cause: error,
            });
            reject(wrapped);
            failAll(wrapped);
          });
          worker.on('exit', (code) => {
            if (closing) return;
            const error = new EvalgateError(`a decode worker exited early (code ${code})`, ExitCode.internal);
            reject(error);
            failAll(error);
          });
        }),
      ),
    );
  }

  /** Sends a request to worker `w`; the answer comes back in order with that worker's others. */
  const ask = (
    w: number,
    request: (id: number) => DecodeRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<Answer> => {
    const id = nextId++;
    const answer = handled(
      new Promise<Answer>((resolve, reject) => {
        if (failure) reject(failure);
        else pending.set(id, { resolve, reject });
      }),
    );
    if (!failure) workers[w].postMessage(request(id), transfer);
    return answer;
  };

  /**
   * Hashes `files` with a shared queue of small chunks: each worker takes a chunk at a time and this
   * thread hashes chunks between turns of the event loop, so a worker still starting up, or a slow
   * one, holds up no more than one chunk.
   */
  async function hashFiles(files: string[]): Promise<FileHash[]> {
    if (failure) throw failure; // a stopped or failed pool does no more work, even on this thread
    const results: FileHash[] = new Array(files.length);
    let next = 0;
    const take = (): [number, number] | null => {
      if (next >= files.length) return null;
      const start = next;
      next = Math.min(files.length, next + HASH_CHUNK_FILES);
      return [start, next];
    };
    const store = (start: number, hashes: FileHash[]) => {
      for (let k = 0; k < hashes.length; k++) results[start + k] = hashes[k];
    };
    const byWorker = async (w: number) => {
      for (let range = take(); range; range = take()) {
        const [start, end] = range;
        const answer = await ask(w, (id) => ({ id, hash: files.slice(start, end) }));
        if (!('hashes' in answer))
          throw new EvalgateError('a decode worker answered a hash request with no hashes', 3);
        store(start, answer.hashes);
      }
    };
    const here = async () => {
      for (let range = take(); range; range = take()) {
        const [start, end] = range;
        store(start, await hashFilesHere(files.slice(start, end)));
        // Let the workers' answers in, so that they get their next chunk without waiting.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([here(), ...workers.map((_, w) => byWorker(w))]);
    return results;
  }

  async function* batches(preprocess: PreprocessOptions, batchSize: number): AsyncGenerator<Batch> {
    checkBatchSize(batchSize);
    const plan = planBatches(testSet, preprocess);
    await Promise.all(ready);
    const batchCount = Math.ceil(total / batchSize);
    const sampleLength = product(plan.sampleShape);
    const requested: Array<Promise<Answer> | undefined> = [];
    // The batch handed out last: once the consumer asks for the next one, its buffer goes back to
    // a worker to be filled again, so memory stays at the batches in flight however long the run.
    let handedOut: ArrayBuffer | undefined;
    const request = (k: number) => {
      const indices = batchIndices(k * batchSize, Math.min(batchSize, total - k * batchSize));
      const files = indices.map((i) => sampleFile(i));
      const ids = indices.map((i) => testSet.samples[i].id);
      const recycle = handedOut;
      handedOut = undefined;
      // Round-robin: each worker answers its requests in order.
      requested[k] = ask(
        k % count,
        (id) => ({ id, files, ids, preprocess, plan, recycle }),
        recycle ? [recycle] : [],
      );
    };
    const ahead = count * 2;
    for (let k = 0; k < Math.min(ahead, batchCount); k++) request(k);
    for (let k = 0; k < batchCount; k++) {
      const answer = await requested[k]!;
      requested[k] = undefined; // the consumer holds the batch now
      if (k + ahead < batchCount) request(k + ahead);
      if (!('data' in answer)) throw new EvalgateError('a decode worker answered a batch with no data', 3);
      const indices = batchIndices(k * batchSize, answer.data.length / sampleLength);
      handedOut = answer.data.buffer as ArrayBuffer;
      yield { indices, data: answer.data, size: indices.length, sampleShape: plan.sampleShape };
    }
  }

  return {
    hashFiles,
    batches,
    async close() {
      closing = true;
      // Anything asked of the pool from now on fails at once instead of waiting for a stopped worker.
      failAll(new EvalgateError('the decode workers were stopped (close() was called)', ExitCode.internal));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Marks a promise as handled so that a rejection arriving before anyone awaits it (a worker failing
 * while earlier batches are still in use) is not an unhandled rejection; awaiting it still throws.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Rebuilds a worker's error on this thread. Evalgate errors keep their class (exit code, where, hint);
 * anything else stays a plain Error, so describeError frames it as an internal error (exit 3), with
 * the worker's stack as its own for EVALGATE_DEBUG.
 */
export function toError(error: SerialisedError): Error {
  if (!error.known) {
    const rebuilt = new Error(error.message);
    if (error.stack) rebuilt.stack = error.stack;
    return rebuilt;
  }
  const details = { where: error.where, hint: error.hint };
  return error.exitCode === ExitCode.badInput
    ? new InputError(error.message, details)
    : new EvalgateError(error.message, error.exitCode as ExitCode, details);
}
