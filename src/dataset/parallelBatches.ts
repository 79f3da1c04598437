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
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExecutionProvider } from '../runtime/types.js';
import { EvalgateError, ExitCode, InputError, InternalError, isErrorCode } from '../shared/errors.js';
import { batchIndices, planBatchesOfSize } from './batches.js';
import {
  DECODE_WORKER_KIND,
  type DecodeRequest,
  type DecodeResponse,
  type DecodeWorkerData,
  type SerialisedError,
  type TransformRequest,
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
   * Yields the batches in order, after the lock check. A batch's data is valid until the next batch
   * is asked for (its buffer is then reused). Call it again for another pass (a stress cell), once
   * the previous one has ended.
   */
  batches(preprocess: PreprocessOptions, batchSize: number, pass?: PoolPass): AsyncGenerator<Batch>;
  /** Stops the workers (also when batches() was never called). */
  close(): Promise<void>;
}

/** A pass over part of the test set, its images transformed in the workers (a stress cell). */
export interface PoolPass {
  /** The test-set positions of the pass's samples, in the order of its batches (batch index k = subset[k]). */
  subset: readonly number[];
  transform: TransformRequest;
  /** Told, batch by batch, how many images the transform left byte for byte as they were. */
  onUnchanged?: (count: number) => void;
}

type Answer = Exclude<DecodeResponse, { ready: true } | { error: unknown }>;
/** Files per hashing chunk: small enough to balance the threads, large enough to amortise a message. */
const HASH_CHUNK_FILES = 256;

type Pending = { resolve: (answer: Answer) => void; reject: (error: Error) => void };

/**
 * The workers and the requests in flight. Requests carry ids; each worker answers its own in order.
 * The first failure (a worker error or early exit, or close()) rejects everything pending and every
 * later request.
 */
interface WorkerChannel {
  workers: Worker[];
  /** Settles when every worker has said it is ready. */
  ready: Promise<unknown>;
  /** Sends a request to worker `w`; the answer comes back in order with that worker's others. */
  ask(w: number, request: (id: number) => DecodeRequest, transfer?: ArrayBuffer[]): Promise<Answer>;
  /** Throws the failure that stopped the pool, if any. */
  throwIfFailed(): void;
  /** Stops the workers; anything asked from now on fails at once. */
  close(): Promise<void>;
}

/**
 * Starts the pool for a file-based test set (image folder, manifest): workers read the files that
 * `testSet.sampleFile` names. Array test sets are decoded on the main thread, never here.
 */
export function startDecodePool(testSet: TestSet, options: DecodeWorkerOptions): DecodePool {
  if (!testSet.sampleFile) {
    throw new Error(`startDecodePool: a ${testSet.format} test set has no sample files to decode in workers`);
  }
  const channel = startWorkers(options.script, Math.max(1, options.count));
  return {
    hashFiles: (files) => hashFilesInPool(channel, files),
    batches: (preprocess, batchSize, pass) => decodeInPool(channel, testSet, { preprocess, batchSize, pass }),
    close: () => channel.close(),
  };
}

function startWorkers(script: string | URL, count: number): WorkerChannel {
  const workerData: DecodeWorkerData = { kind: DECODE_WORKER_KIND };
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
  const answer = (message: DecodeResponse) => {
    if ('ready' in message) return;
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if ('error' in message) entry.reject(toError(message.error));
    else entry.resolve(message);
  };

  const ready: Promise<void>[] = [];
  for (let w = 0; w < count; w++) {
    const worker = new Worker(script, { workerData });
    workers.push(worker);
    ready.push(handled(watchWorker(worker, { answer, failAll, closing: () => closing })));
  }

  return {
    workers,
    ready: handled(Promise.all(ready)),
    ask(w, request, transfer = []) {
      const id = nextId++;
      const reply = handled(
        new Promise<Answer>((resolve, reject) => {
          if (failure) reject(failure);
          else pending.set(id, { resolve, reject });
        }),
      );
      if (!failure) workers[w].postMessage(request(id), transfer);
      return reply;
    },
    throwIfFailed() {
      if (failure) throw failure;
    },
    async close() {
      closing = true;
      // Anything asked of the pool from now on fails at once instead of waiting for a stopped worker.
      failAll(new InternalError('the decode workers were stopped (close() was called)'));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

interface WorkerEvents {
  /** Settles the request a message answers. */
  answer(message: DecodeResponse): void;
  /** Stops the pool with the first failure. */
  failAll(error: Error): void;
  /** Whether the pool is being closed (then an exit is expected). */
  closing(): boolean;
}

/** Routes a worker's messages and failures; the promise settles when the worker is ready or fails. */
function watchWorker(worker: Worker, events: WorkerEvents): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    worker.on('message', (message: DecodeResponse) => {
      if ('ready' in message) resolve();
      else events.answer(message);
    });
    worker.on('error', (error) => {
      const wrapped = new InternalError(`a decode worker failed: ${error.message}`, { cause: error });
      reject(wrapped);
      events.failAll(wrapped);
    });
    worker.on('exit', (code) => {
      if (events.closing()) return;
      const error = new InternalError(`a decode worker exited early (code ${code})`);
      reject(error);
      events.failAll(error);
    });
  });
}

/**
 * Hashes `files` with a shared queue of small chunks: each worker takes a chunk at a time and this
 * thread hashes chunks between turns of the event loop, so a worker still starting up, or a slow
 * one, holds up no more than one chunk.
 */
async function hashFilesInPool(channel: WorkerChannel, files: string[]): Promise<FileHash[]> {
  channel.throwIfFailed(); // a stopped or failed pool does no more work, even on this thread
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
      const answer = await channel.ask(w, (id) => ({ id, hash: files.slice(start, end) }));
      if (!('hashes' in answer))
        throw new InternalError('a decode worker answered a hash request with no hashes');
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
  await Promise.all([here(), ...channel.workers.map((_, w) => byWorker(w))]);
  return results;
}

/**
 * Yields the batches in order, each decoded by a worker (round-robin), up to two per worker ahead:
 * of the whole test set, or of a pass's subset with its transform.
 */
async function* decodeInPool(
  channel: WorkerChannel,
  testSet: TestSet,
  run: { preprocess: PreprocessOptions; batchSize: number; pass: PoolPass | undefined },
): AsyncGenerator<Batch> {
  const { preprocess, batchSize, pass } = run;
  // Planned on the whole test set: a transform keeps each image's size (the stress suite checks it).
  const plan = planBatchesOfSize(testSet, preprocess, batchSize);
  await channel.ready;
  const position = pass ? (k: number) => pass.subset[k]! : (k: number) => k;
  const sampleFile = (k: number) => testSet.sampleFile!(position(k));
  const sampleId = (k: number) => testSet.samples[position(k)]!.id;
  const transform = pass?.transform;
  const total = pass ? pass.subset.length : testSet.samples.length;
  const count = channel.workers.length;
  const batchCount = Math.ceil(total / batchSize);
  const sampleLength = product(plan.sampleShape);
  const requested: Array<Promise<Answer> | undefined> = [];
  // The batch handed out last: once the consumer asks for the next one, its buffer goes back to
  // a worker to be filled again, so memory stays at the batches in flight however long the run.
  let handedOut: ArrayBuffer | undefined;
  const request = (k: number) => {
    const indices = batchIndices(k * batchSize, Math.min(batchSize, total - k * batchSize));
    const files = indices.map(sampleFile);
    const ids = indices.map(sampleId);
    const recycle = handedOut;
    handedOut = undefined;
    // Round-robin: each worker answers its requests in order.
    requested[k] = channel.ask(
      k % count,
      (id) => ({ id, files, ids, preprocess, plan, recycle, ...(transform ? { transform } : {}) }),
      recycle ? [recycle] : [],
    );
  };
  const ahead = count * 2;
  for (let k = 0; k < Math.min(ahead, batchCount); k++) request(k);
  for (let k = 0; k < batchCount; k++) {
    const answer = await requested[k]!;
    requested[k] = undefined; // the consumer holds the batch now
    if (k + ahead < batchCount) request(k + ahead);
    if (!('data' in answer)) throw new InternalError('a decode worker answered a batch with no data');
    if (pass?.onUnchanged && answer.unchanged !== undefined) pass.onUnchanged(answer.unchanged);
    const indices = batchIndices(k * batchSize, answer.data.length / sampleLength);
    handedOut = answer.data.buffer as ArrayBuffer;
    yield {
      indices,
      data: answer.data,
      size: indices.length,
      sampleShape: plan.sampleShape,
      range: answer.range,
    };
  }
}

/**
 * Decode workers by default. On the CPU, onnxruntime keeps every core (its idle threads sleep: the session
 * is opened without spinning when workers run) and one decode worker per four cores keeps ahead of it, at most four: on 16 cores, 1 and
 * 2 workers left the model waiting 1.9 s and 1.4 s for batches over 50,000 32x32 PNGs, 4 workers
 * 0.3 s and 8 workers 0.2 s (runs of 4.5, 3.7, 2.4 and 2.4 s). On a GPU the CPU only decodes, so
 * every core but this one does, up to 8.
 */
export function defaultDecodeWorkerCount(device: ExecutionProvider, cores = availableParallelism()): number {
  if (device === 'cuda') return Math.max(1, Math.min(8, cores - 1));
  return Math.max(1, Math.min(4, Math.floor(cores / 4)));
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
  const details = {
    where: error.where,
    hint: error.hint,
    code: isErrorCode(error.code) ? error.code : undefined,
  };
  return error.exitCode === ExitCode.badInput
    ? new InputError(error.message, details)
    : new EvalgateError(error.message, error.exitCode as ExitCode, details);
}
