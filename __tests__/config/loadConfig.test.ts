import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/loadConfig.js';
import { configJsonSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';

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
    const config = loadConfig(writeConfig(minimal));
    expect(config.batchSize).toBe(32);
    expect(config.model.outputKind).toBe('logits');
    expect(config.preprocess).toMatchObject({ color: 'rgb', layout: 'NCHW', mean: [0], std: [1] });
    expect(config.preprocess.scale).toBeCloseTo(1 / 255, 15);
    expect(config.gates.perClassRecall).toEqual({ maxDrop: 0.02, onMissingClass: 'fail' });
    expect(config.gates.accuracy).toBeUndefined();
    expect(config.topK).toBeNull();
    expect(config.device).toBe('cpu');
    expect(config.baselineReport).toBeNull();
  });

  it('resolves relative paths against the config file folder, not the working directory', () => {
    const file = writeConfig(`${minimal}baseline: { report: base/report.json }\n`);
    const config = loadConfig(file);
    const dir = path.dirname(file);
    expect(config.model.source).toEqual({
      kind: 'path',
      path: path.join(dir, 'models/model.onnx'),
      sha256: undefined,
    });
    expect(config.testSet.source).toMatchObject({ kind: 'path', path: path.join(dir, 'data/test') });
    expect(config.baselineReport).toBe(path.join(dir, 'base/report.json'));
  });

  it('lets flags override the config', () => {
    const config = loadConfig(writeConfig(`${minimal}batch-size: 8\nbaseline: { report: b.json }\n`), {
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
      loadConfig(writeConfig(`${minimal}gates:\n  per-class-recal: { max-drop: 0.05 }\n`)),
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
      ),
    );
    expect(http.message).toContain('must be an https URL');
    const unpinned = errorOf(() =>
      loadConfig(
        writeConfig(minimal.replace('{ path: models/model.onnx }', '{ url: "https://x.test/m.onnx" }')),
      ),
    );
    expect(unpinned.message).toContain("needs 'model.sha256'");
  });

  it('reads classes from a classes file, skipping blank lines', () => {
    const text = minimal.replace('classes: [cat, dog]', 'classes-file: labels.txt');
    const config = loadConfig(writeConfig(text, { 'labels.txt': 'cat\n\ndog\r\nbird\n' }));
    expect(config.classes).toEqual(['cat', 'dog', 'bird']);
  });

  it('requires classes and refuses duplicates', () => {
    expect(
      errorOf(() => loadConfig(writeConfig(minimal.replace('classes: [cat, dog]\n', '')))).message,
    ).toContain("'classes' is required");
    expect(
      errorOf(() => loadConfig(writeConfig(minimal.replace('[cat, dog]', '[cat, cat]')))).message,
    ).toContain('listed twice');
  });

  it('treats lock: none as an explicitly unlocked test set', () => {
    const config = loadConfig(
      writeConfig(minimal.replace('{ path: data/test }', '{ path: data/test, lock: none }')),
    );
    expect(config.testSet.lock).toBeNull();
  });

  it('says which file is missing when the config cannot be read', () => {
    const error = errorOf(() => loadConfig('/nonexistent/evalgate.yml'));
    expect(error.where).toBe('/nonexistent/evalgate.yml');
  });
});

describe('schema/evalgate.schema.json', () => {
  it('is up to date with the config schema (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync(path.resolve('schema/evalgate.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('is accepted for the bundled example config keys', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    for (const key of ['version', 'model', 'classes', 'test-set', 'preprocess', 'baseline', 'gates']) {
      expect(schema.properties).toHaveProperty(key);
    }
  });
});
