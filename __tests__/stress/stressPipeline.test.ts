/**
 * The stress suite end to end on the bundled example: evaluateModel runs the cells after the clean
 * run with the same session and scoring, leaves the clean figures as they are, is deterministic,
 * and tells the brittle model from the robust one.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import { validateReport } from '../../src/report/reportFile.js';
import type { Report } from '../../src/report/types.js';
import { InputError } from '../../src/shared/errors.js';
import { copyExample, withoutStress, writeConfig } from '../helpers/cli.js';
import { CLASSES, TESTSETS } from '../helpers/datasetFixtures.js';

const STRESS = 'stress: { perturbations: [gaussian_noise, brightness], severities: [1, 3], samples: 100 }\n';

function configFor(dir: string, model: string, stress: string, name: string) {
  const file = writeConfig(
    dir,
    (t) => withoutStress(t).replace('path: model.onnx', `path: ${model}`) + stress,
    name,
  );
  return loadConfig(file, { cwd: dir });
}

/** The report without what differs between two runs of the same evaluation (the clock). */
function withoutClock(report: Report): Partial<Report> {
  const { createdAt: _c, timing: _t, ...rest } = report;
  return rest;
}

let dir: string;
let clean: Report;
let stressed: Report;
let brittle: Report;

beforeAll(async () => {
  dir = copyExample();
  clean = await evaluateModel(configFor(dir, 'model.onnx', '', 'clean.yml'));
  stressed = await evaluateModel(configFor(dir, 'model.onnx', STRESS, 'stressed.yml'));
  brittle = await evaluateModel(configFor(dir, 'model-brittle.onnx', STRESS, 'brittle.yml'));
});

const cell = (report: Report, perturbation: string, severity: number) =>
  report.stress!.cells.find((c) => c.perturbation === perturbation && c.severity === severity)!;

describe('the stress run', () => {
  it('leaves the clean figures of the report exactly as a run without stress', () => {
    expect(clean.stress).toBeUndefined();
    const { stress: _s, ...rest } = stressed;
    expect(withoutClock(rest as Report)).toEqual(withoutClock(clean));
  });

  it('writes every configured cell on the seeded stratified subset, in a report the schema accepts', () => {
    const stress = stressed.stress!;
    expect(stress.seed).toBe(0);
    expect(stress.subset).toBe('stratified');
    expect(stress.sampleIndices).toHaveLength(100);
    const classes = new Set(stress.sampleIndices.map((i) => stressed.samples.labels[i]));
    expect(classes.size).toBe(10);
    expect(stress.cells.map((c) => `${c.perturbation}@${c.severity}`)).toEqual([
      'gaussian_noise@1',
      'gaussian_noise@3',
      'brightness@1',
      'brightness@3',
    ]);
    for (const c of stress.cells) {
      expect(c.samples).toBe(100);
      expect(c.predictions).toHaveLength(100);
      expect(c.classes).toHaveLength(10);
      expect(c.classes.reduce((sum, k) => sum + k.support, 0)).toBe(100);
    }
    // 8×8 images take the CIFAR-10-C table (docs/stress.md, "Tiny images").
    expect(cell(stressed, 'gaussian_noise', 3).parameters).toEqual({ table: 'cifar', sigma: 0.08 });
    expect(() => validateReport(JSON.parse(JSON.stringify(stressed)), 'report.json', 'report')).not.toThrow();
  });

  it('gives identical cells for the same seed, and other corrupted images for another seed', async () => {
    const again = await evaluateModel(configFor(dir, 'model.onnx', STRESS, 'again.yml'));
    expect(again.stress).toEqual(stressed.stress);
    const other = await evaluateModel(
      configFor(dir, 'model.onnx', STRESS.replace('samples: 100', 'samples: all, seed: 5'), 'other.yml'),
    );
    expect(other.stress!.subset).toBe('all');
    expect(other.stress!.sampleIndices).toHaveLength(540);
    expect(other.metrics).toEqual(clean.metrics);
  });

  it('perturbs in decode workers while the model runs, with the very same cells as on one thread', async () => {
    // Workers need a JavaScript script: the committed CLI bundle, as in dataset/workerValueRange.test.ts
    // (so `npm run package` after a change to the worker code).
    const script = process.env.EVALGATE_TEST_WORKER_SCRIPT
      ? pathToFileURL(process.env.EVALGATE_TEST_WORKER_SCRIPT)
      : new URL('../../dist/cli/index.js', import.meta.url);
    const config = configFor(dir, 'model.onnx', STRESS, 'workers.yml');
    const inWorkers = await evaluateModel(config, { decodeWorkers: { script, count: 2 } });
    expect(inWorkers.settings.decodeWorkers).toBe(2);
    expect(inWorkers.stress).toEqual(stressed.stress);
    expect(inWorkers.metrics).toEqual(stressed.metrics);
  });

  it('says how many images a perturbation left as they were: on 8×8 digits, a blur of a quarter pixel changes none', async () => {
    const blur =
      'stress: { perturbations: [gaussian_blur, gaussian_noise], severities: [1, 5], samples: 50 }\n';
    const report = await evaluateModel(configFor(dir, 'model.onnx', blur, 'blur.yml'));
    expect(report.stress!.cells.map((c) => [c.perturbation, c.severity, c.unchanged])).toEqual([
      ['gaussian_noise', 1, 0],
      ['gaussian_noise', 5, 0],
      ['gaussian_blur', 1, 50],
      ['gaussian_blur', 5, 50],
    ]);
    for (const c of report.stress!.cells) expect(c.unchanged).toBeLessThanOrEqual(c.samples);
    expect(cell(stressed, 'gaussian_noise', 1).unchanged).toBe(0);
  });

  it('shows the brittle model failing under gaussian noise where the robust model holds, both good on clean images', () => {
    expect(clean.metrics.accuracy).toBeGreaterThan(0.97);
    expect(brittle.metrics.accuracy).toBeGreaterThan(0.97);
    // Measured on these 100 samples: the robust model keeps 0.98 at gaussian_noise severity 3, the
    // brittle one falls to 0.48; brightness breaks the brittle model too (0.12 at severity 1).
    expect(cell(stressed, 'gaussian_noise', 3).metrics.accuracy).toBeGreaterThan(0.9);
    expect(cell(brittle, 'gaussian_noise', 3).metrics.accuracy).toBeLessThan(0.8);
    expect(cell(stressed, 'brightness', 1).metrics.accuracy).toBeGreaterThan(0.9);
    expect(cell(brittle, 'brightness', 1).metrics.accuracy).toBeLessThan(0.5);
  });

  it('refuses a stress suite on a test set of feature vectors before the model is fetched', async () => {
    // The model file does not exist: the refusal has to come first to be the error seen.
    const file = path.join(dir, 'features.yml');
    writeFileSync(
      file,
      `version: 1\nmodel: { path: missing.onnx }\nclasses: [${CLASSES.join(', ')}]\n` +
        `test-set: { path: ${path.join(TESTSETS, 'features.npz')}, lock: none }\nstress: default\n`,
    );
    const run = evaluateModel(loadConfig(file, { cwd: dir }));
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(
      /the stress suite perturbs images, and this arrays test set holds feature vectors/,
    );
  });
});
