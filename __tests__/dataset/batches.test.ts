import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchTestSet, testSetSampleShape } from '../../src/dataset/batches.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { preprocessedShape, preprocessInto } from '../../src/dataset/preprocess.js';
import type { Batch, PreprocessOptions } from '../../src/dataset/types.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, copyTestSet, IMAGES, identityOptions, TESTSETS } from '../helpers/datasetFixtures.js';

async function collect(batches: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

describe('batchTestSet', () => {
  const options: PreprocessOptions = identityOptions({
    color: 'gray',
    channels: 3,
    resize: [6, 5],
    scale: 1 / 255,
    mean: [0.1, 0.2, 0.3],
    std: [0.5, 0.6, 0.7],
  });

  it('yields batches whose concatenation equals preprocessing each sample alone, the last one smaller', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    const batches = await collect(batchTestSet(testSet, options, 3));
    expect(batches.map((b) => b.size)).toEqual([3, 3, 2]);
    expect(batches.flatMap((b) => b.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(batches.every((b) => b.sampleShape.join() === '3,6,5')).toBe(true);
    const sampleSize = 3 * 6 * 5;
    for (const b of batches) expect(b.data.length).toBe(b.size * sampleSize);
    const all = new Float32Array(8 * sampleSize);
    let at = 0;
    for (const b of batches) {
      all.set(b.data, at);
      at += b.data.length;
    }
    const alone = new Float32Array(8 * sampleSize);
    for (let i = 0; i < 8; i++) preprocessInto(testSet.decode(i), options, alone, i * sampleSize);
    expect(Array.from(all)).toEqual(Array.from(alone));
  });

  it('takes the sample shape from the first image when nothing fixes the size', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    const [first] = await collect(batchTestSet(testSet, identityOptions({ layout: 'NHWC' }), 100));
    expect(first.size).toBe(8);
    expect(first.sampleShape).toEqual([8, 8, 1]);
    expect(testSetSampleShape(testSet, identityOptions({ layout: 'NHWC' }))).toEqual([8, 8, 1]);
    expect(testSetSampleShape(testSet, options)).toEqual(preprocessedShape(options));
  });

  it('refuses images of different sizes without a resize, naming the file and both sizes', async () => {
    const root = copyTestSet('folder');
    cpSync(join(IMAGES, 'gray8.png'), join(root, 'square', 'sq99.png')); // 7 wide, 5 high
    const testSet = await openTestSet({ root, classNames: CLASSES });
    let error: unknown;
    try {
      await collect(batchTestSet(testSet, identityOptions(), 4));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe('square/sq99.png');
    expect((error as InputError).message).toBe(
      'image is [5, 7] ([height, width]) but dark/da00.png is [8, 8]; without preprocess.resize every image must have the same size',
    );
    expect((error as InputError).hint).toMatch(/set preprocess.resize: \[8, 8\]/);
    // With a resize every image comes out the same shape.
    const batches = await collect(batchTestSet(testSet, identityOptions({ resize: [8, 8] }), 4));
    expect(batches.map((b) => b.size)).toEqual([4, 4, 1]);
  });

  it('batches feature vectors as [D] with only scale, mean and std applied', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'features.npz'), classNames: CLASSES });
    const flat = identityOptions({ layout: 'flat', mean: [1], std: [2] });
    const batches = await collect(batchTestSet(testSet, flat, 2));
    expect(batches.map((b) => b.size)).toEqual([2, 2, 1]);
    expect(batches[0].sampleShape).toEqual([6]);
    const raw = testSet.decode(3).data;
    expect(Array.from(batches[1].data.subarray(6, 12))).toEqual(
      Array.from(raw, (v) => Math.fround((v - 1) / 2)),
    );
    await expect(collect(batchTestSet(testSet, identityOptions(), 2))).rejects.toThrow(
      /feature vectors of length 6/,
    );
  });

  it('refuses a batch size that is not a positive integer', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    await expect(collect(batchTestSet(testSet, options, 0))).rejects.toThrow(InputError);
  });
});
