/**
 * Issue 9, item 4, end to end: a float .npz holding values in [0, 1] was scaled by the default
 * 1/255 again, and accuracy read 0.25 with no warning. Now the default follows the data (floats as
 * they are, 8-bit images by 1/255), the report records the range that reached the model, and an
 * explicit 1/255 on such data warns, naming preprocess.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { openTestSet } from '../../src/dataset/openTestSet.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import type { Report } from '../../src/report/types.js';
import { copyExample, exampleDir, withoutStress, writeConfig } from '../helpers/cli.js';
import { int64Bytes, npyBytes } from '../helpers/npyWriter.js';

const baseline = JSON.parse(readFileSync(path.join(exampleDir, 'baseline.json'), 'utf8')) as Report;
const SCALE_LINE = '  scale: 0.00392156862745098 # 1/255\n';

/** The example's PNG test set as float32 x in [0, 1] (decoded pixels / 255) and int64 y, in one .npz. */
async function floatNpz(dir: string): Promise<string> {
  const testSet = await openTestSet({
    root: path.join(exampleDir, 'test-set'),
    classNames: baseline.classNames,
  });
  const n = testSet.samples.length;
  const x = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const image = testSet.decode(i);
    expect([image.width, image.height, image.channels]).toEqual([8, 8, 1]);
    for (let p = 0; p < 64; p++) x[i * 64 + p] = image.data[p] / 255;
  }
  const y = testSet.samples.map((s) => s.label);
  const file = path.join(dir, 'test-set-float.npz');
  writeFileSync(
    file,
    zipSync({
      'x.npy': npyBytes('<f4', [n, 8, 8], new Uint8Array(x.buffer)),
      'y.npy': npyBytes('<i8', [n], int64Bytes(y)),
    }),
  );
  return file;
}

/** Runs the example with the float .npz as its test set; `keepScale` keeps the example's explicit 1/255. */
async function runFloat(keepScale: boolean): Promise<Report> {
  const dir = copyExample();
  await floatNpz(dir);
  const file = writeConfig(dir, (text) => {
    // The whole test-set section (whatever the example's holds: manifest, lock) becomes the .npz;
    // the stress suite perturbs 8-bit images only, so the float test set runs without it.
    const edited = withoutStress(text).replace(
      /^test-set:\n(?: {2}.*\n)+/m,
      'test-set:\n  path: test-set-float.npz\n  lock: none\n',
    );
    expect(edited).toContain('path: test-set-float.npz');
    return keepScale ? edited : edited.replace(SCALE_LINE, '');
  });
  return evaluateModel(loadConfig(file, { cwd: dir }));
}

const preprocessWarnings = (report: Report) => report.warnings.filter((w) => w.startsWith('preprocess:'));

let floatDefault: Report;
/** The example as it is (PNG test set, explicit scale 1/255): the demo's figures. */
let png: Report;
beforeAll(async () => {
  const dir = copyExample();
  png = await evaluateModel(loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir }));
  expect(png.metrics.accuracy).toBe(baseline.metrics.accuracy);
  floatDefault = await runFloat(false);
}, 60_000);

describe('the scale follows the data, and the report records the range that reached the model', () => {
  it('a float .npz of values in [0, 1] scores, by default, exactly what the PNG test set scores', () => {
    expect(floatDefault.metrics.accuracy).toBe(png.metrics.accuracy);
    expect(floatDefault.confusionMatrix).toEqual(png.confusionMatrix);
    expect(floatDefault.settings.preprocess).toMatchObject({ scale: 1 });
    expect(floatDefault.inputRange).toEqual({
      valueType: 'float32',
      scaleSource: 'default',
      rawMin: 0,
      rawMax: 1,
      min: -1,
      max: 1,
    });
    expect(preprocessWarnings(floatDefault)).toEqual([]);
  });

  it('the same .npz with an explicit preprocess.scale of 1/255 warns that it is scaled twice', async () => {
    const report = await runFloat(true);
    expect(report.settings.preprocess).toMatchObject({ scale: 1 / 255 });
    expect(report.inputRange).toMatchObject({ scaleSource: 'config', rawMin: 0, rawMax: 1, min: -1 });
    expect(report.inputRange!.max).toBeCloseTo(2 / 255 - 1, 6);
    expect(preprocessWarnings(report)).toEqual([
      "preprocess: the test set's values are already in [0, 1] (raw values from 0 to 1), but preprocess.scale is 0.00392156862745098 (1/255): " +
        'every value was at most 1/255 after scaling (the model saw values from -1 to -0.9922); remove preprocess.scale or set it to 1.',
    ]);
    // Explicit wins: the figures are those of the doubly scaled input, far below the real ones.
    expect(report.metrics.accuracy!).toBeLessThan(png.metrics.accuracy! - 0.3);
  });

  it('the PNG test set without preprocess.scale gets 1/255 (8-bit images) and the demo figures', async () => {
    const dir = copyExample();
    const file = writeConfig(dir, (text) => text.replace(SCALE_LINE, ''));
    const report = await evaluateModel(loadConfig(file, { cwd: dir }));
    expect(report.settings.preprocess).toEqual(png.settings.preprocess);
    expect(report.metrics).toEqual(png.metrics);
    expect(png.inputRange).toMatchObject({ valueType: 'uint8', scaleSource: 'config' });
    expect(report.inputRange).toEqual({
      valueType: 'uint8',
      scaleSource: 'default',
      rawMin: 0,
      rawMax: 255,
      min: -1,
      max: 1,
    });
    expect(preprocessWarnings(report)).toEqual([]);
  });
});
