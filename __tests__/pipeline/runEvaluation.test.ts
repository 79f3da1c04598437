import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { InputError } from '../../src/shared/errors.js';
import { noBaseline, reportBaseline } from '../../src/pipeline/baselineSources.js';
import { runEvaluation } from '../../src/pipeline/runEvaluation.js';
import type { Report } from '../../src/report/types.js';
import { copyExample, runCli, writeConfig } from '../helpers/cli.js';

/** The example with `baseline.model` configured instead of a baseline report. */
function exampleWithBaselineModel(baselineModel: string): string {
  const dir = copyExample();
  writeConfig(dir, (t) => t.replace('report: baseline.json', `model: ${baselineModel}`));
  return dir;
}

describe('runEvaluation with baseline.model', () => {
  it('evaluates the baseline model on the same test set and fails the regressed candidate against it', async () => {
    const dir = exampleWithBaselineModel('model.onnx');
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir, model: 'model-regressed.onnx' });
    const result = await runEvaluation({ config, cwd: dir, outDir: path.join(dir, 'out') });

    expect(result.baseline.kind).toBe('model');
    expect(result.judgement.verdict.passed).toBe(false);
    expect(result.judgement.verdict.failures).toContainEqual(
      expect.objectContaining({ gate: 'per-class-recall', subject: '8' }),
    );
    // Same test set, same settings: the two reports pair sample by sample.
    const baselineReport = result.baselineReport!;
    expect(baselineReport.testSet.digest).toBe(result.report.testSet.digest);
    expect(baselineReport.samples.ids).toEqual(result.report.samples.ids);
    expect(baselineReport.settings.batchSize).toBe(result.report.settings.batchSize);
    expect(baselineReport.model.sha256).not.toBe(result.report.model.sha256);
    expect(baselineReport.model.source).toBe('model.onnx');
    expect(result.judgement.comparison?.changedPredictions).toBeGreaterThan(0);
    // The baseline model's report is kept next to the candidate's.
    const written = JSON.parse(readFileSync(result.files.baseline!, 'utf8')) as Report;
    expect(written.model.sha256).toBe(baselineReport.model.sha256);
    expect(readFileSync(result.files.comment, 'utf8')).toContain('model model.onnx, evaluated in this run');
  });

  it('does not evaluate a baseline model that is byte for byte the candidate, and says so', async () => {
    const dir = exampleWithBaselineModel('model.onnx');
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
    const result = await runEvaluation({ config, cwd: dir, outDir: path.join(dir, 'out') });
    expect(result.judgement.verdict.passed).toBe(true);
    expect(result.baselineReport).toBe(result.report);
    expect(result.files.baseline).toBeUndefined();
    expect(result.judgement.verdict.notes.map((n) => n.text).join('\n')).toMatch(
      /same file as the candidate/,
    );
  });

  it('names the baseline model when it cannot be evaluated', async () => {
    const dir = exampleWithBaselineModel('not-a-model.onnx');
    writeFileSync(path.join(dir, 'not-a-model.onnx'), 'this is not protobuf');
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
    const error = await runEvaluation({ config, cwd: dir, outDir: path.join(dir, 'out') }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/evaluating the baseline model \(model not-a-model\.onnx/);
  });

  it('refuses a missing baseline model before evaluating anything', async () => {
    const dir = exampleWithBaselineModel('gone.onnx');
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
    await expect(runEvaluation({ config, cwd: dir, outDir: path.join(dir, 'out') })).rejects.toThrow(
      /baseline model gone\.onnx does not exist/,
    );
    expect(existsSync(path.join(dir, 'out', 'report.json'))).toBe(false);
  });
});

describe('runEvaluation with a baseline plan', () => {
  it('judges against a report copy, naming it as people know it, and adds the plan notes and the marker key', async () => {
    const dir = copyExample();
    const copy = path.join(dir, 'fetched-at-base.json');
    writeFileSync(copy, readFileSync(path.join(dir, 'baseline.json')));
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
    const result = await runEvaluation({
      config,
      cwd: dir,
      outDir: path.join(dir, 'out'),
      markerKey: 'ci/gate',
      baseline: {
        kind: 'report',
        file: copy,
        name: 'baseline.json',
        description: 'baseline.json at base commit abc1234 (main)',
        id: 'repository@abc1234',
        notes: ['Baseline: baseline.json at base commit abc1234 (main).'],
      },
    });
    expect(result.judgement.verdict.passed).toBe(true);
    expect(result.judgement.verdict.notes.map((n) => n.text)).toContain(
      'Baseline: baseline.json at base commit abc1234 (main).',
    );
    const comment = readFileSync(result.files.comment, 'utf8');
    expect(comment.startsWith('<!-- evalgate:comment key=ci/gate -->\n')).toBe(true);
    expect(comment).toContain('baseline.json at base commit abc1234 (main)');
  });

  it('names the report as people know it when it is damaged, not the temporary copy', async () => {
    const dir = copyExample();
    const copy = path.join(dir, 'tmp-copy.json');
    writeFileSync(copy, '{"schema": "evalgate.report/v1"');
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
    const error = (await runEvaluation({
      config,
      cwd: dir,
      outDir: path.join(dir, 'out'),
      baseline: { kind: 'report', file: copy, name: 'baseline.json', description: 'x', id: 'x', notes: [] },
    }).catch((e) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.where).toBe('baseline.json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('a none plan sets the first baseline even when the config names one, with the plan notes', async () => {
    const dir = copyExample();
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir, model: 'model-regressed.onnx' });
    const result = await runEvaluation({
      config,
      cwd: dir,
      outDir: path.join(dir, 'out'),
      baseline: noBaseline('No baseline in the cache yet.'),
    });
    expect(result.judgement.verdict.passed).toBe(true);
    expect(result.judgement.verdict.comparedWithBaseline).toBe(false);
    expect(result.judgement.verdict.notes.map((n) => n.text)).toContain('No baseline in the cache yet.');
  });

  it('reportBaseline refuses a missing file and says how to set the first baseline', () => {
    const dir = copyExample();
    const config = loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir });
    expect(() => reportBaseline(path.join(dir, 'nope.json'), dir, config)).toThrow(
      /nope\.json does not exist/,
    );
  });
});

describe('evalgate run with baseline.model', () => {
  it('fails the regressed model against the configured baseline model (exit 1)', async () => {
    const dir = exampleWithBaselineModel('model.onnx');
    const result = await runCli(['run', '--model', 'model-regressed.onnx', '--out', 'out'], dir);
    expect(result.code).toBe(1);
    expect(existsSync(path.join(dir, 'out', 'baseline-report.json'))).toBe(true);
  });

  it('--baseline wins over baseline.model, and --no-baseline drops both', async () => {
    const dir = copyExample();
    // Both configured: the flag's report is used, so the regressed model still fails but no model runs twice.
    writeConfig(dir, (t) => t.replace('report: baseline.json', 'report: baseline.json\n  model: model.onnx'));
    const flagged = await runCli(
      ['run', '--model', 'model-regressed.onnx', '--baseline', 'baseline.json', '--out', 'a'],
      dir,
    );
    expect(flagged.code).toBe(1);
    expect(existsSync(path.join(dir, 'a', 'baseline-report.json'))).toBe(false);
    const none = await runCli(['run', '--model', 'model-regressed.onnx', '--no-baseline', '--out', 'b'], dir);
    expect(none.code).toBe(0);
  });
});
