/**
 * Where each path came from, so that a message blames the flag or input that was used, not the
 * config key it overrode; and the paths of the test set: --lock, and test-set.manifest resolved
 * against the config's folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';

const minimal = `version: 1
model: { path: models/model.onnx }
classes: [cat, dog]
test-set: { path: data/test }
baseline: { report: base.json }
`;

function configIn(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-origin-'));
  const file = path.join(dir, 'evalgate.yml');
  writeFileSync(file, text);
  return { dir, file };
}

describe('setting origins', () => {
  it('a config path names its key and line; a flag names the flag', () => {
    const { dir, file } = configIn(minimal);
    const fromConfig = loadConfig(file, { cwd: dir });
    expect(fromConfig.model.source).toMatchObject({
      origin: { name: 'model.path', where: 'evalgate.yml:2' },
    });
    expect(fromConfig.testSet.source).toMatchObject({
      origin: { name: 'test-set.path', where: 'evalgate.yml:4' },
    });
    expect(fromConfig.baselineReportOrigin).toEqual({
      name: 'baseline.report',
      where: 'evalgate.yml:5',
      relativeTo: "the config file's folder",
    });
    const fromFlags = loadConfig(file, { cwd: dir, model: 'm.onnx', testSet: 't', baseline: 'b.json' });
    expect(fromFlags.model.source).toMatchObject({
      path: path.join(dir, 'm.onnx'),
      origin: { where: '--model' },
    });
    expect(fromFlags.testSet.source).toMatchObject({ origin: { where: '--test-set' } });
    expect(fromFlags.baselineReportOrigin).toEqual({
      name: '--baseline',
      where: '--baseline',
      relativeTo: 'the folder evalgate runs in',
    });
  });

  it("the action's inputs are named as inputs", () => {
    const { dir, file } = configIn(minimal);
    const config = loadConfig(file, {
      cwd: dir,
      model: 'm.onnx',
      baseline: 'b.json',
      overrideNames: { model: "input 'model'", baseline: "input 'baseline'" },
    });
    expect(config.model.source).toMatchObject({ origin: { where: "input 'model'" } });
    expect(config.baselineReportOrigin?.where).toBe("input 'baseline'");
  });

  it('--no-baseline leaves no baseline and no origin', () => {
    const { dir, file } = configIn(minimal);
    const config = loadConfig(file, { cwd: dir, baseline: null });
    expect(config.baselineReport).toBeNull();
    expect(config.baselineReportOrigin).toBeUndefined();
  });
});

describe('test-set paths in the config', () => {
  it('--lock wins over test-set.lock and over lock: none, relative to the working folder', () => {
    const { dir, file } = configIn(minimal.replace('{ path: data/test }', '{ path: data/test, lock: none }'));
    const cwd = path.join(dir, 'sub');
    expect(loadConfig(file, { cwd, lock: 'x.lock.json' }).testSet.lock).toBe(path.join(cwd, 'x.lock.json'));
    expect(loadConfig(file, { cwd }).testSet.lock).toBeNull();
  });

  it("test-set.manifest resolves against the config's folder", () => {
    const { dir, file } = configIn(
      minimal.replace('{ path: data/test }', '{ path: data/test, manifest: data/test/m.csv }'),
    );
    mkdirSync(path.join(dir, 'data', 'test'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'test', 'm.csv'), 'path,label\n');
    expect(loadConfig(file, { cwd: dir }).testSet.manifest).toBe(path.join(dir, 'data', 'test', 'm.csv'));
  });

  it('a bare manifest name found only in the test-set folder is read from there', () => {
    const { dir, file } = configIn(
      minimal.replace('{ path: data/test }', '{ path: data/test, manifest: m.csv }'),
    );
    mkdirSync(path.join(dir, 'data', 'test'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'test', 'm.csv'), 'path,label\n');
    expect(loadConfig(file, { cwd: dir }).testSet.manifest).toBe(path.join(dir, 'data', 'test', 'm.csv'));
  });

  it('a manifest of a downloaded test set stays relative to what is downloaded', () => {
    const { dir, file } = configIn(
      minimal.replace(
        '{ path: data/test }',
        `{ url: 'https://example.test/t.zip', sha256: '${'a'.repeat(64)}', manifest: m.csv }`,
      ),
    );
    expect(loadConfig(file, { cwd: dir }).testSet.manifest).toBe('m.csv');
  });
});
