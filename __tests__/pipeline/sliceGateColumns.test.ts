/** A gates.slices column the test set lacks is refused (exit 2) before the model is fetched or run. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { evaluateModel } from '../../src/pipeline/evaluateModel.js';
import { InputError } from '../../src/shared/errors.js';
import { copyExample, writeConfig } from '../helpers/cli.js';

describe('gates.slices columns', () => {
  it('names gates.slices.<column> and the columns the manifest has, before the model is read', async () => {
    const dir = copyExample();
    const file = writeConfig(dir, (t) =>
      t
        // A model that does not exist: the slice check must come first.
        .replace('path: model.onnx', 'path: no-such-model.onnx')
        .replace('gates:\n', 'gates:\n  slices:\n    light:\n      accuracy: { max-drop: 0.02 }\n'),
    );
    const config = loadConfig(file, { cwd: dir });
    const error = await evaluateModel(config).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).where).toBe('gates.slices.light');
    expect((error as InputError).message).toBe(
      "gates.slices.light names no slice column of the test set: the test set's slice columns are 'ink'",
    );
  });

  it('runs with a column the manifest has', async () => {
    const dir = copyExample();
    const file = writeConfig(dir, (t) =>
      t.replace('gates:\n', 'gates:\n  slices:\n    ink:\n      per-class-recall: { max-drop: 0.05 }\n'),
    );
    const report = await evaluateModel(loadConfig(file, { cwd: path.resolve(dir) }));
    expect(report.slices.map((s) => s.value)).toEqual(['heavy', 'light']);
  });
});
