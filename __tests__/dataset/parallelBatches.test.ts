/**
 * The decode-worker pool (parallelBatches.ts + decodeWorker.ts). Workers need a JavaScript script, so
 * these tests start the committed CLI bundle (dist/cli/index.js), which runs a decode worker when
 * started as one: run `npm run package` after changing the worker code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashFile } from '../../src/shared/hashFile.js';
import { batchTestSet } from '../../src/dataset/batches.js';
import { serialiseError } from '../../src/dataset/decodeWorker.js';
import { type OpenTestSetOptions, openTestSet } from '../../src/dataset/openTestSet.js';
import { type DecodePool, startDecodePool, toError } from '../../src/dataset/parallelBatches.js';
import type { Batch, PreprocessOptions } from '../../src/dataset/types.js';
import { describeError, EvalgateError, ExitCode, exitCodeOf, InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet, IMAGES, identityOptions, TESTSETS } from '../helpers/datasetFixtures.js';

const BUNDLE = new URL('../../dist/cli/index.js', import.meta.url);

/** Resize fixes the shape, so every fixture image (whatever its size) fits one batch layout. */
const OPTIONS: PreprocessOptions = identityOptions({ resize: [6, 6] });

const pools: DecodePool[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

async function pool(source: OpenTestSetOptions, script: URL = BUNDLE) {
  const testSet = await openTestSet(source);
  const started = startDecodePool(testSet, { script, count: 2 });
  pools.push(started);
  return { testSet, pool: started };
}

/** Copies each batch: the pool reuses a batch's buffer once the next one is asked for. */
async function collect(batches: AsyncIterable<Batch>): Promise<Array<{ indices: number[]; data: number[] }>> {
  const out = [];
  for await (const batch of batches) out.push({ indices: batch.indices, data: Array.from(batch.data) });
  return out;
}

describe('decode worker pool', () => {
  it('yields the same batches as the single-thread path, in order, when the batch size does not divide the set', async () => {
    const source = { root: join(TESTSETS, 'folder'), classNames: CLASSES };
    const { testSet, pool: decodePool } = await pool(source);
    const expected = await collect(batchTestSet(testSet, OPTIONS, 3));
    expect(expected.map((b) => b.indices)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
    expect(await collect(decodePool.batches(OPTIONS, 3))).toEqual(expected);
  });

  it('refuses, as an internal error, a test set without sample files (arrays decode on the main thread)', async () => {
    const arrays = await openTestSet({ root: join(TESTSETS, 'arrays.npz'), classNames: CLASSES });
    let error: unknown;
    try {
      pools.push(startDecodePool(arrays, { script: BUNDLE, count: 2 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(EvalgateError);
    expect((error as Error).message).toMatch(/arrays test set has no sample files/);
  });

  it('reports a corrupt PNG decoded in a worker as an input error naming the file', async () => {
    const root = copyTestSet('folder');
    writeFileSync(join(root, 'square', 'sq01.png'), readFileSync(join(IMAGES, 'truncated.png')));
    const { pool: decodePool } = await pool({ root, classNames: CLASSES });
    const error = await collect(decodePool.batches(OPTIONS, 3)).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.where).toBe(join(root, 'square', 'sq01.png'));
    expect(error.message).toMatch(/truncated PNG/);
  });

  it('hashes files across the workers and this thread, in order, like sequential hashing', async () => {
    const root = join(TESTSETS, 'folder');
    const { testSet, pool: decodePool } = await pool({ root, classNames: CLASSES });
    const files = testSet.files.map((file) => join(root, file));
    const sequential = [];
    for (const file of files) sequential.push(await hashFile(file));
    expect(await decodePool.hashFiles(files)).toEqual(sequential);
  });

  it('names an unreadable file hashed in a worker', async () => {
    const root = join(TESTSETS, 'folder');
    const { testSet, pool: decodePool } = await pool({ root, classNames: CLASSES });
    const files = testSet.files.map((file) => join(root, file));
    files[files.length - 1] = join(root, 'square', 'vanished.png');
    const error = await decodePool.hashFiles(files).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.where).toBe(join(root, 'square', 'vanished.png'));
  });

  it('rejects with an evalgate error, instead of hanging, when a worker exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalgate-worker-'));
    const script = join(dir, 'exits.mjs');
    writeFileSync(script, 'process.exit(1);\n');
    const { pool: decodePool } = await pool(
      { root: join(TESTSETS, 'folder'), classNames: CLASSES },
      new URL(`file://${script}`),
    );
    const error = await collect(decodePool.batches(OPTIONS, 3)).catch((e) => e);
    expect(error).toBeInstanceOf(EvalgateError);
    expect(error.message).toMatch(/decode worker exited early \(code 1\)/);
  });

  it('terminates its workers on close, and refuses work afterwards instead of waiting', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const root = join(TESTSETS, 'folder');
    const { testSet, pool: decodePool } = await pool({ root, classNames: CLASSES });
    const files = testSet.files.map((file) => join(root, file));
    await decodePool.hashFiles(files); // the workers are up and have answered
    await decodePool.close();
    expect(terminate).toHaveBeenCalledTimes(2);
    for (const worker of terminate.mock.instances as unknown as Worker[]) expect(worker.threadId).toBe(-1);
    await expect(decodePool.hashFiles(files)).rejects.toThrow(/decode workers were stopped/);
  });
});

describe('errors crossing from a decode worker', () => {
  // structuredClone is what postMessage applies between threads.
  const cross = (error: unknown) => toError(structuredClone(serialiseError(error)));

  it('rebuilds an unexpected error as an internal error whose message holds no stack', () => {
    const original = new TypeError('cannot read properties of undefined');
    const rebuilt = cross(original);
    expect(rebuilt).not.toBeInstanceOf(EvalgateError);
    expect(rebuilt.message).toBe('cannot read properties of undefined');
    expect(exitCodeOf(rebuilt)).toBe(ExitCode.internal);
    const text = describeError(rebuilt);
    expect(text).toMatch(/^internal error: cannot read properties of undefined\nThis is a bug in evalgate/);
    expect(text).not.toMatch(/\n\s+at /);
    // The worker's stack is kept for EVALGATE_DEBUG.
    expect(rebuilt.stack).toBe(original.stack);
  });

  it('keeps an input error an input error, with where and hint', () => {
    const rebuilt = cross(new InputError('truncated PNG', { where: '/t/a.png', hint: 'replace it' }));
    expect(rebuilt).toBeInstanceOf(InputError);
    expect(rebuilt).toMatchObject({ message: 'truncated PNG', where: '/t/a.png', hint: 'replace it' });
  });

  it('keeps the exit code of other evalgate errors', () => {
    const rebuilt = cross(new EvalgateError('worker protocol', ExitCode.internal, { where: 'x' }));
    expect(rebuilt).toBeInstanceOf(EvalgateError);
    expect(rebuilt).not.toBeInstanceOf(InputError);
    expect(exitCodeOf(rebuilt)).toBe(ExitCode.internal);
  });

  it('carries a thrown non-Error value as its text', () => {
    const rebuilt = cross('plain string');
    expect(rebuilt.message).toBe('plain string');
    expect(exitCodeOf(rebuilt)).toBe(ExitCode.internal);
  });
});
