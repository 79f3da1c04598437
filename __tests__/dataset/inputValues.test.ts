/**
 * Issue 9, item 4: defaults follow the data (the scale comes from the test set's value type unless
 * preprocess.scale is set), the value range that reaches the model is measured while batching, and
 * a range that cannot be right gives a warning naming `preprocess`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchTestSet, decodeBatch, planBatches } from '../../src/dataset/batches.js';
import { inputRangeWarnings } from '../../src/dataset/inputRangeWarnings.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { emptyValueRange } from '../../src/dataset/preprocess.js';
import { defaultScale, resolvePreprocess, resolveScale } from '../../src/dataset/preprocessForModel.js';
import type { ConfiguredPreprocess, ValueRange, ValueType } from '../../src/dataset/types.js';
import { InputError } from '../../src/shared/errors.js';
import { CLASSES, identityOptions, TESTSETS } from '../helpers/datasetFixtures.js';
import { int64Bytes, npyBytes } from '../helpers/npyWriter.js';

const GRAY_MODEL = {
  sampleShape: [1, 2, 2],
  input: { name: 'x', isTensor: true, type: 'float32', shape: [] },
};

function configured(scale: number | null): ConfiguredPreprocess {
  const { channels: _channels, ...rest } = identityOptions();
  return { ...rest, scale };
}

/** An x.npy + y.npy folder with 2 gray 2x2 samples of `descr` built from `values`. */
function arrayFolder(descr: string, bytes: Uint8Array): string {
  const root = mkdtempSync(join(tmpdir(), 'evalgate-values-'));
  writeFileSync(join(root, 'x.npy'), npyBytes(descr, [2, 2, 2], bytes));
  writeFileSync(join(root, 'y.npy'), npyBytes('<i8', [2], int64Bytes([0, 1])));
  return root;
}

describe('the default scale follows the data type', () => {
  it('is 1/255 for 8-bit images, 1/65535 for uint16, 1/127 for int8, 1/32767 for int16, 1 for floats and bools', () => {
    const expected: Array<[ValueType, number | null]> = [
      ['uint8', 1 / 255],
      ['uint16', 1 / 65535],
      ['int8', 1 / 127],
      ['int16', 1 / 32767],
      ['float16', 1],
      ['float32', 1],
      ['float64', 1],
      ['bool', 1],
      ['int32', null],
      ['uint32', null],
      ['int64', null],
      ['uint64', null],
    ];
    for (const [type, scale] of expected) expect(defaultScale(type), type).toBe(scale);
  });

  it('reads the value type of array test sets from the dtype, and PNG folders as uint8', async () => {
    const cases: Array<[string, Uint8Array, ValueType]> = [
      ['|u1', new Uint8Array(8), 'uint8'],
      ['<u2', new Uint8Array(16), 'uint16'],
      ['<i2', new Uint8Array(16), 'int16'],
      ['<f4', new Uint8Array(32), 'float32'],
      ['<f8', new Uint8Array(64), 'float64'],
      ['<i8', new Uint8Array(64), 'int64'],
    ];
    for (const [descr, bytes, type] of cases) {
      const testSet = await openTestSet({ root: arrayFolder(descr, bytes), classNames: CLASSES });
      expect(testSet.valueType, descr).toBe(type);
    }
    expect((await openTestSet({ root: join(TESTSETS, 'arrays.npz'), classNames: CLASSES })).valueType).toBe(
      'float32',
    );
    const folder = await openTestSet({ root: join(TESTSETS, 'folder'), classNames: CLASSES });
    expect(folder.valueType ?? 'uint8').toBe('uint8');
  });

  it('takes float arrays as they are by default, and an explicit preprocess.scale always wins', async () => {
    const float = await openTestSet({ root: join(TESTSETS, 'arrays.npz'), classNames: CLASSES });
    expect(resolveScale(null, float)).toBe(1);
    expect(resolveScale(1 / 255, float)).toBe(1 / 255);
    const uint8 = await openTestSet({ root: join(TESTSETS, 'arrays'), classNames: CLASSES });
    expect(resolveScale(null, uint8)).toBe(1 / 255);
    expect(resolveScale(2, uint8)).toBe(2);
    const model = { ...GRAY_MODEL, sampleShape: [1, 8, 8] };
    expect(resolvePreprocess(configured(null), model, float).scale).toBe(1);
    expect(resolvePreprocess(configured(null), model, uint8).scale).toBe(1 / 255);
    expect(resolvePreprocess(configured(0.5), model, uint8).scale).toBe(0.5);
  });

  it('refuses to guess the scale of 32- and 64-bit integer arrays, naming preprocess.scale', async () => {
    const testSet = await openTestSet({ root: arrayFolder('<i8', new Uint8Array(64)), classNames: CLASSES });
    let error: unknown;
    try {
      resolveScale(null, testSet);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe('preprocess.scale');
    expect((error as InputError).message).toContain('holds int64 values');
    expect((error as InputError).hint).toContain('set preprocess.scale: 0.00392156862745098 (1/255)');
    expect(resolveScale(1, testSet)).toBe(1);
  });
});

describe('the value range of the batches', () => {
  it('is measured raw (before scale, mean, std) and as fed, per batch, and merges to the whole set', async () => {
    // x.npy of the fixtures: uint8 8x8 images; scale 1/255, then (x - 0.5) / 0.5.
    const testSet = await openTestSet({ root: join(TESTSETS, 'arrays'), classNames: CLASSES });
    const preprocess = { ...identityOptions(), scale: 1 / 255, mean: [0.5], std: [0.5] };
    let rawMin = Infinity;
    let rawMax = -Infinity;
    const plan = planBatches(testSet, preprocess);
    for (let i = 0; i < testSet.samples.length; i++) {
      const data = testSet.decode(i).data;
      for (const v of data) {
        rawMin = Math.min(rawMin, v);
        rawMax = Math.max(rawMax, v);
      }
    }
    const merged = emptyValueRange();
    let fedMin = Infinity;
    let fedMax = -Infinity;
    for await (const batch of batchTestSet(testSet, preprocess, 3)) {
      const range = batch.range!;
      for (const v of batch.data) {
        fedMin = Math.min(fedMin, v);
        fedMax = Math.max(fedMax, v);
      }
      merged.rawMin = Math.min(merged.rawMin, range.rawMin);
      merged.rawMax = Math.max(merged.rawMax, range.rawMax);
      merged.min = Math.min(merged.min, range.min);
      merged.max = Math.max(merged.max, range.max);
    }
    expect(merged).toEqual({ rawMin, rawMax, min: fedMin, max: fedMax });
    expect(merged.min).toBeCloseTo((rawMin / 255 - 0.5) / 0.5, 6);
    // decodeBatch widens a range it is given, and leaves it alone otherwise.
    const one = emptyValueRange();
    decodeBatch(testSet, { preprocess, indices: [0], plan, range: one });
    expect(one.rawMin).toBeGreaterThanOrEqual(rawMin);
    expect(one.max).toBeLessThanOrEqual(fedMax);
  });

  it('covers feature vectors too', async () => {
    const testSet = await openTestSet({ root: join(TESTSETS, 'features.npz'), classNames: CLASSES });
    const preprocess = identityOptions({ layout: 'flat', scale: 2 });
    const batches = [];
    for await (const batch of batchTestSet(testSet, preprocess, 10)) batches.push(batch);
    const values = Array.from({ length: testSet.samples.length }, (_, i) =>
      Array.from(testSet.decode(i).data),
    ).flat();
    expect(batches[0].range).toEqual({
      rawMin: Math.min(...values),
      rawMax: Math.max(...values),
      min: Math.min(...batches[0].data),
      max: Math.max(...batches[0].data),
    });
  });
});

describe('inputRangeWarnings', () => {
  const range = (rawMin: number, rawMax: number, min: number, max: number): ValueRange => ({
    rawMin,
    rawMax,
    min,
    max,
  });

  it('says values already in [0, 1] were scaled again by an explicit 1/255, and what to set', () => {
    const warnings = inputRangeWarnings({
      range: range(0, 1, -1, -0.9843),
      scale: 1 / 255,
      scaleConfigured: true,
      valueType: 'float32',
    });
    expect(warnings).toEqual([
      "preprocess: the test set's values are already in [0, 1] (raw values from 0 to 1), but preprocess.scale is 0.00392156862745098 (1/255): " +
        'every value was at most 1/255 after scaling (the model saw values from -1 to -0.9843); remove preprocess.scale or set it to 1.',
    ]);
  });

  it('warns of a constant input', () => {
    const [warning] = inputRangeWarnings({
      range: range(7, 7, 0.5, 0.5),
      scale: 1,
      scaleConfigured: false,
      valueType: 'float32',
    });
    expect(warning).toMatch(
      /^preprocess: every value fed to the model was 0\.5 \(every raw value is 7\): the model saw a constant input/,
    );
  });

  it('warns of 8-bit pixels in a 16-bit array and of float pixels of 0..255 fed as they are by default', () => {
    expect(
      inputRangeWarnings({
        range: range(0, 255, 0, 255 / 65535),
        scale: 1 / 65535,
        scaleConfigured: false,
        valueType: 'uint16',
      })[0],
    ).toContain('8-bit pixels in a 16-bit array? If so, set preprocess.scale: 0.00392156862745098 (1/255)');
    expect(
      inputRangeWarnings({
        range: range(0, 255, 0, 255),
        scale: 1,
        scaleConfigured: false,
        valueType: 'float32',
      })[0],
    ).toContain(
      "the test set's float values run from 0 to 255, and float data is fed as it is when preprocess.scale is not set",
    );
  });

  it('is silent for plausible ranges: 8-bit images scaled by 1/255, float [0, 1] data as it is, explicit scale 1 on 0..255 floats, feature vectors', () => {
    expect(
      inputRangeWarnings({ range: range(0, 255, -1, 1), scale: 1 / 255, scaleConfigured: true }),
    ).toEqual([]);
    expect(
      inputRangeWarnings({ range: range(0, 255, 0, 1), scale: 1 / 255, scaleConfigured: false }),
    ).toEqual([]);
    expect(
      inputRangeWarnings({
        range: range(0, 1, 0, 1),
        scale: 1,
        scaleConfigured: false,
        valueType: 'float32',
      }),
    ).toEqual([]);
    expect(
      inputRangeWarnings({
        range: range(0, 255, 0, 255),
        scale: 1,
        scaleConfigured: true,
        valueType: 'float32',
      }),
    ).toEqual([]);
    expect(
      inputRangeWarnings({
        range: range(0, 40, 0, 40),
        scale: 1,
        scaleConfigured: false,
        valueType: 'float64',
        featureLength: 6,
      }),
    ).toEqual([]);
  });
});
