import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/loadConfig.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/shared/errors.js';

const minimal = `version: 1
model: { path: models/model.onnx }
classes: [cat, dog]
test-set: { path: data/test }
`;

function writeConfig(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-config-'));
  for (const [name, content] of Object.entries(extra)) writeFileSync(path.join(dir, name), content);
  const file = path.join(dir, 'evalgate.yml');
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to a minimal config', () => {
    const config = loadConfig(writeConfig(minimal), { cwd: process.cwd() });
    expect(config.batchSize).toBe(32);
    expect(config.model.outputKind).toBe('logits');
    expect(config.preprocess).toMatchObject({ color: 'rgb', layout: 'NCHW', mean: [0], std: [1] });
    // No default scale in the config: it follows the test set's data type (dataset/preprocessForModel.ts).
    expect(config.preprocess.scale).toBeNull();
    expect(config.gates.perClassRecall).toEqual({
      maxDrop: 0.02,
      onMissingClass: 'fail',
      significance: true,
      onUnproven: 'warn',
    });
    expect(config.statistics).toEqual({
      confidence: 0.95,
      alpha: 0.05,
      correction: 'holm',
      power: 0.8,
      minClassSamples: 30,
    });
    expect(config.costs).toBeNull();
    expect(config.baselineModel).toBeNull();
    expect(config.gates.accuracy).toBeUndefined();
    expect(config.topK).toBeNull();
    expect(config.device).toBe('cpu');
    expect(config.baselineReport).toBeNull();
  });

  it('resolves relative paths against the config file folder, not the working directory', () => {
    const file = writeConfig(`${minimal}baseline: { report: base/report.json }\n`);
    const config = loadConfig(file, { cwd: process.cwd() });
    const dir = path.dirname(file);
    expect(config.model.source).toEqual({
      kind: 'path',
      path: path.join(dir, 'models/model.onnx'),
      sha256: undefined,
      // Where the path was set, so that a missing file is blamed on model.path at its line.
      origin: {
        name: 'model.path',
        where: `${path.relative(process.cwd(), file)}:2`,
        relativeTo: "the config file's folder",
      },
    });
    expect(config.testSet.source).toMatchObject({ kind: 'path', path: path.join(dir, 'data/test') });
    expect(config.baselineReport).toBe(path.join(dir, 'base/report.json'));
  });

  it('lets flags override the config', () => {
    const config = loadConfig(writeConfig(`${minimal}batch-size: 8\nbaseline: { report: b.json }\n`), {
      cwd: process.cwd(),
      model: 'other.onnx',
      batchSize: 4,
      baseline: null,
    });
    expect(config.model.source).toMatchObject({ kind: 'path', path: path.resolve('other.onnx') });
    expect(config.batchSize).toBe(4);
    expect(config.baselineReport).toBeNull();
  });

  it('names a misspelt key with its line and suggests the nearest valid key', () => {
    const error = errorOf(() =>
      loadConfig(writeConfig(`${minimal}gates:\n  per-class-recal: { max-drop: 0.05 }\n`), {
        cwd: process.cwd(),
      }),
    );
    expect(error.message).toContain("unknown key 'gates.per-class-recal'");
    expect(error.message).toContain("did you mean 'gates.per-class-recall'");
    expect(error.where).toMatch(/evalgate\.yml:6$/);
  });

  it('suggests a nested key inside preprocess', () => {
    const error = errorOf(() => parseConfigText(`${minimal}preprocess: { layuot: NHWC }\n`, 'x.yml'));
    expect(error.message).toContain("did you mean 'preprocess.layout'");
    expect(error.hint).toContain('center-crop');
  });

  it('names the allowed values of an enum and suggests the closest', () => {
    const error = errorOf(() => parseConfigText(`${minimal}preprocess: { color: rbg }\n`, 'x.yml'));
    expect(error.message).toContain("'preprocess.color' must be one of");
    expect(error.message).toContain("did you mean 'rgb'");
  });

  it('rejects a gate threshold outside 0..1 and names the key and value', () => {
    const error = errorOf(() =>
      parseConfigText(`${minimal}gates: { per-class-recall: { max-drop: 2 } }\n`, 'x.yml'),
    );
    expect(error.message).toContain("'gates.per-class-recall.max-drop'");
    expect(error.message).toContain('2');
  });

  it('reports YAML syntax errors with the line', () => {
    const error = errorOf(() => parseConfigText('version: 1\nmodel: [unclosed\n', 'bad.yml'));
    expect(error.message).toContain('invalid YAML');
    expect(error.where).toMatch(/^bad\.yml:\d+:\d+$/);
  });

  it('refuses plain http and unpinned URLs', () => {
    const http = errorOf(() =>
      loadConfig(
        writeConfig(
          minimal.replace(
            '{ path: models/model.onnx }',
            '{ url: "http://x.test/m.onnx", sha256: "' + 'a'.repeat(64) + '" }',
          ),
        ),
        { cwd: process.cwd() },
      ),
    );
    expect(http.message).toContain('must be an https URL');
    const unpinned = errorOf(() =>
      loadConfig(
        writeConfig(minimal.replace('{ path: models/model.onnx }', '{ url: "https://x.test/m.onnx" }')),
        { cwd: process.cwd() },
      ),
    );
    expect(unpinned.message).toContain("needs 'model.sha256'");
  });

  it('reads classes from a classes file, skipping blank lines', () => {
    const text = minimal.replace('classes: [cat, dog]', 'classes-file: labels.txt');
    const config = loadConfig(writeConfig(text, { 'labels.txt': 'cat\n\ndog\r\nbird\n' }), {
      cwd: process.cwd(),
    });
    expect(config.classes).toEqual(['cat', 'dog', 'bird']);
  });

  it('requires classes and refuses duplicates', () => {
    expect(
      errorOf(() =>
        loadConfig(writeConfig(minimal.replace('classes: [cat, dog]\n', '')), { cwd: process.cwd() }),
      ).message,
    ).toContain("'classes' is required");
    expect(
      errorOf(() =>
        loadConfig(writeConfig(minimal.replace('[cat, dog]', '[cat, cat]')), { cwd: process.cwd() }),
      ).message,
    ).toContain('listed twice');
  });

  it('treats lock: none as an explicitly unlocked test set', () => {
    const config = loadConfig(
      writeConfig(minimal.replace('{ path: data/test }', '{ path: data/test, lock: none }')),
      { cwd: process.cwd() },
    );
    expect(config.testSet.lock).toBeNull();
  });

  it('explains a section written as a plain value, listing its keys', () => {
    const error = errorOf(() => parseConfigText(`${minimal}baseline: baseline.json\n`, 'x.yml'));
    expect(error.message).toBe(
      `'baseline' must be a mapping with the keys report, model, got "baseline.json"`,
    );
    expect(error.hint).toBe('for example:  baseline: { report: ... }');
    expect(error.where).toBe('x.yml:5');
  });

  it('asks for quotes once when class names are unquoted numbers', () => {
    const error = errorOf(() => parseConfigText(minimal.replace('[cat, dog]', '[0, 1, 2]'), 'x.yml'));
    expect(error.message).toBe("'classes' must hold text, got the number 0");
    expect(error.hint).toContain("['0', '1', '2']");
  });

  it('says that the version must be a number, not text', () => {
    const error = errorOf(() => parseConfigText(minimal.replace('version: 1', "version: '1'"), 'x.yml'));
    expect(error.message).toBe(`'version' must be 1 (a number), not the text "1"`);
  });

  it('describes what a size takes, with both valid forms, instead of "Invalid input"', () => {
    const error = errorOf(() => parseConfigText(`${minimal}preprocess: { resize: [8, 8, 3] }\n`, 'x.yml'));
    expect(error.message).toBe(
      "'preprocess.resize' must be a whole number of pixels for a square (resize: 224) or [height, width] (resize: [224, 320]), got [8,8,3]",
    );
  });

  it('names the empty config file and what it needs', () => {
    const error = errorOf(() => parseConfigText('', 'empty.yml'));
    expect(error.message).toBe('the config file is empty');
    expect(error.hint).toContain('version: 1, model, classes and test-set');
  });

  it('says a missing required section is required', () => {
    const error = errorOf(() =>
      parseConfigText('version: 1\nclasses: [a]\ntest-set: { path: t }\n', 'x.yml'),
    );
    expect(error.message).toBe("'model' is required");
  });

  it('gives the line of values refused after validation (duplicate class, http URL)', () => {
    const dup = errorOf(() =>
      loadConfig(writeConfig(minimal.replace('[cat, dog]', '\n  - cat\n  - dog\n  - cat')), {
        cwd: process.cwd(),
      }),
    );
    expect(dup.where).toMatch(/evalgate\.yml:6$/); // the second cat
    const http = errorOf(() =>
      loadConfig(
        writeConfig(
          minimal.replace(
            '{ path: models/model.onnx }',
            `\n  url: "http://x.test/m.onnx"\n  sha256: "${'a'.repeat(64)}"`,
          ),
        ),
        { cwd: process.cwd() },
      ),
    );
    expect(http.where).toMatch(/evalgate\.yml:3$/);
  });

  it('gives a test set passed by flag its own default lock, keeping lock: none', () => {
    const file = writeConfig(
      minimal.replace('{ path: data/test }', '{ path: data/test, lock: data/test/my.lock.json }'),
    );
    expect(loadConfig(file, { cwd: process.cwd() }).testSet.lock).toBe(
      path.join(path.dirname(file), 'data/test/my.lock.json'),
    );
    expect(loadConfig(file, { cwd: process.cwd(), testSet: '/elsewhere' }).testSet.lock).toBeUndefined();
    const unlocked = writeConfig(minimal.replace('{ path: data/test }', '{ path: data/test, lock: none }'));
    expect(loadConfig(unlocked, { cwd: process.cwd(), testSet: '/elsewhere' }).testSet.lock).toBeNull();
  });

  it('says which file is missing, once and in a sentence, when the config cannot be read', () => {
    const error = errorOf(() => loadConfig('/nonexistent/evalgate.yml', { cwd: process.cwd() }));
    const shown = path.relative(process.cwd(), '/nonexistent/evalgate.yml');
    expect(error.message).toBe(`there is no config file ${shown} in /nonexistent`);
    expect(error.message).not.toContain('ENOENT');
    expect(error.where).toBeUndefined();
    expect(error.code).toBe('E_FILE_NOT_FOUND');
  });
});

describe('loadConfig: statistics, evidence, costs', () => {
  it('resolves statistics and each gate’s evidence settings', () => {
    const config = loadConfig(
      writeConfig(`${minimal}statistics: { confidence: 0.9, alpha: 0.1, correction: benjamini-hochberg, power: 0.9, min-class-samples: 50 }
gates:
  per-class-recall: { max-drop: 0.05, significance: off }
  accuracy: { min: 0.9, max-drop: 0.01, alpha: 0.01, on-unproven: fail }
  macro-f1: { max-drop: 0.02 }
  ece: { max: 0.05, max-increase: 0.01 }
`),
      { cwd: process.cwd() },
    );
    expect(config.statistics).toEqual({
      confidence: 0.9,
      alpha: 0.1,
      correction: 'benjamini-hochberg',
      power: 0.9,
      minClassSamples: 50,
    });
    expect(config.gates.perClassRecall).toMatchObject({
      maxDrop: 0.05,
      significance: false,
      onUnproven: 'warn',
    });
    expect(config.gates.accuracy).toEqual({
      min: 0.9,
      maxDrop: 0.01,
      significance: true,
      alpha: 0.01,
      onUnproven: 'fail',
    });
    expect(config.gates.macroF1).toMatchObject({ maxDrop: 0.02, significance: true, onUnproven: 'warn' });
    expect(config.gates.ece).toMatchObject({ max: 0.05, maxIncrease: 0.01, significance: true });
  });

  it('refuses a power below 0.5, where the sample size formulas stop making sense', () => {
    const error = errorOf(() => parseConfigText(`${minimal}statistics: { power: 0.3 }\n`, 'x.yml'));
    expect(error.message).toContain("'statistics.power'");
  });

  it('reads a cost matrix over the class list, and refuses a cost gate without one', () => {
    const config = loadConfig(
      writeConfig(
        `${minimal}costs: { matrix: [[0, 1], [10, 0]], unit: USD }\ngates: { cost: { max-increase: 0.1 } }\n`,
      ),
      { cwd: process.cwd() },
    );
    expect(config.costs).toEqual({
      matrix: [
        [0, 1],
        [10, 0],
      ],
      unit: 'USD',
    });
    expect(config.gates.cost).toMatchObject({ maxIncrease: 0.1, significance: true });
    const missing = errorOf(() =>
      loadConfig(writeConfig(`${minimal}gates: { cost: { max: 1 } }\n`), { cwd: process.cwd() }),
    );
    expect(missing.message).toBe('gates.cost needs a cost matrix, and costs.matrix is not set');
    expect(missing.where).toMatch(/evalgate\.yml:5$/);
    const wrong = errorOf(() =>
      loadConfig(writeConfig(`${minimal}costs: { matrix: [[0, 1, 1], [1, 0, 1]] }\n`), {
        cwd: process.cwd(),
      }),
    );
    expect(wrong.message).toBe("costs.matrix row 1 (true class 'cat') has 3 columns for 2 classes");
    const rows = errorOf(() =>
      loadConfig(writeConfig(`${minimal}costs: { matrix: [[0, 1]] }\n`), { cwd: process.cwd() }),
    );
    expect(rows.message).toBe('costs.matrix has 1 row for 2 classes');
  });
});

describe('schema/evalgate.schema.json', () => {
  it('is up to date with the config schema (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync(path.resolve('schema/evalgate.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('accepts the bundled example config', () => {
    const text = readFileSync(path.resolve('examples/digits/evalgate.yml'), 'utf8');
    const config = parseConfigText(text, 'examples/digits/evalgate.yml');
    expect(config.gates['per-class-recall']['max-drop']).toBe(0.02);
    expect(config.preprocess.color).toBe('gray');
  });
});
