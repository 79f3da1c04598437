import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/types.js';
import { copyExample, exampleDir, fixtureModels, runCli, writeConfig } from '../../helpers/cli.js';

const summary = JSON.parse(readFileSync(path.join(exampleDir, 'training-summary.json'), 'utf8'));

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

describe('evalgate run on the bundled example', () => {
  it('passes the retrained model against the baseline and writes report.json and comment.md', async () => {
    const dir = copyExample();
    const result = await runCli(['run', '--config', 'evalgate.yml', '--out', 'out'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = readJson<Report>(path.join(dir, 'out', 'report.json'));
    expect(report.schema).toBe('evalgate.report/v1');
    expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.testSet.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.testSet.locked).toBe(true);
    expect(report.testSet.size).toBe(report.samples.ids.length);
    expect(report.classes.map((c) => c.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(report.testSet.size);
    expect(report.environment.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
    const comment = readFileSync(path.join(dir, 'out', 'comment.md'), 'utf8');
    expect(comment).toContain('<details>');
    expect(result.stdout).toMatch(/pass/i);
  });

  it.each(['model.onnx', 'model-regressed.onnx'])(
    'predicts exactly what PyTorch predicted for every test image (%s)',
    async (model) => {
      const dir = copyExample();
      await runCli(
        ['run', '--config', 'evalgate.yml', '--model', model, '--out', 'out', '--no-baseline'],
        dir,
      );
      const report = readJson<Report>(path.join(dir, 'out', 'report.json'));
      const torchPredictions: Record<string, number> = summary.models[model].predictions;
      expect(Object.keys(torchPredictions)).toHaveLength(report.samples.ids.length);
      const mismatches = report.samples.ids.filter(
        (id, i) => report.samples.predictions[i] !== torchPredictions[id],
      );
      expect(mismatches).toEqual([]);
      expect(report.metrics.accuracy).toBeCloseTo(summary.models[model].accuracy, 12);
    },
  );

  it('fails the regressed model with exit code 1 and names the regressed class', async () => {
    const dir = copyExample();
    const result = await runCli(
      ['run', '--config', 'evalgate.yml', '--model', 'model-regressed.onnx', '--out', 'out'],
      dir,
    );
    expect(result.code).toBe(1);
    const degraded = String(summary.degraded.class);
    expect(result.stdout).toContain(`'${degraded}'`);
    const verdict = readJson<{ passed: boolean; failures: Array<{ gate: string; subject?: string }> }>(
      path.join(dir, 'out', 'verdict.json'),
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.failures.some((f) => f.gate === 'per-class-recall' && f.subject === degraded)).toBe(true);
  });

  it('passes without a baseline and says that it sets the first baseline', async () => {
    const dir = copyExample();
    const result = await runCli(['run', '--config', 'evalgate.yml', '--no-baseline', '--out', 'out'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/first baseline/i);
  });

  it('evaluates a manifest test set and reports metrics per slice', async () => {
    const dir = copyExample();
    const ids: string[] = readJson<Report>(path.join(dir, 'baseline.json')).samples.ids;
    const lines = ['path,label,writer'];
    for (const [i, id] of ids.entries())
      lines.push(`${id},${id.split('/')[0]},${i % 2 === 0 ? 'even' : 'odd'}`);
    writeFileSync(path.join(dir, 'test-set', 'manifest.csv'), `${lines.join('\n')}\n`);
    writeConfig(dir, (t) =>
      // The example names manifest.csv already; the test's own manifest runs unlocked.
      t.replace('lock: test-set/evalgate.lock.json', 'lock: none'),
    );
    const result = await runCli(['run', '--config', 'evalgate.yml', '--no-baseline', '--out', 'out'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = readJson<Report>(path.join(dir, 'out', 'report.json'));
    expect(report.testSet.locked).toBe(false);
    expect(result.stdout).toMatch(/not locked/i);
    expect(report.slices.map((s) => `${s.column}=${s.value}`)).toEqual(['writer=even', 'writer=odd']);
    expect(report.slices[0].samples + report.slices[1].samples).toBe(report.testSet.size);
  });
});

/** The example config without its manifest line: the image-folder layout of the same files. */
function withoutManifest(text: string): string {
  return text.replace(/\n {2}manifest: [^\n]*/, '');
}

describe('evalgate run refuses bad input with exit code 2 and a clear message', () => {
  async function expectBadInput(dir: string, args: string[], pattern: RegExp) {
    const result = await runCli(['run', '--config', 'evalgate.yml', '--out', 'out', ...args], dir);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code).toBe(2);
    return result;
  }

  it('a missing model', async () => {
    await expectBadInput(copyExample(), ['--model', 'nope.onnx'], /model not found: .*nope\.onnx/);
  });

  it('a file that is not ONNX', async () => {
    await expectBadInput(
      copyExample(),
      ['--model', path.join(fixtureModels, 'not-a-model.onnx')],
      /not-a-model\.onnx.*(not a valid ONNX|ONNX)/i,
    );
  });

  it('a preprocessing shape the model does not take, naming both shapes', async () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace('  color: gray', '  resize: 16\n  color: gray'));
    await expectBadInput(
      dir,
      [],
      /the model input 'image' expects \[N,1,8,8\] but preprocessing produces \[N,1,16,16\]/,
    );
  });

  it('a class list whose length differs from the model outputs', async () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace("'9']", "'9', '10']"));
    const result = await expectBadInput(dir, [], /classes/);
    expect(result.stderr).toMatch(/\b10\b/);
    expect(result.stderr).toMatch(/\b11\b/);
  });

  it('a label that is not in the class list', async () => {
    const dir = copyExample();
    mkdirSync(path.join(dir, 'test-set', 'ten'));
    cpSync(path.join(dir, 'test-set', '1'), path.join(dir, 'test-set', 'ten'), { recursive: true });
    // The image-folder layout (labels from the folders), without the example's manifest.
    writeConfig(dir, (t) => withoutManifest(t).replace('lock: test-set/evalgate.lock.json', 'lock: none'));
    await expectBadInput(dir, [], /'ten'.*not in the class list/);
  });

  it('a corrupt PNG, naming the file', async () => {
    const dir = copyExample();
    const file = readFileSync(path.join(dir, 'baseline.json'), 'utf8');
    const victim = (JSON.parse(file) as Report).samples.ids.find((id) => id.startsWith('3/'))!;
    truncateSync(path.join(dir, 'test-set', victim), 40);
    writeConfig(dir, (t) => t.replace('lock: test-set/evalgate.lock.json', 'lock: none'));
    await expectBadInput(dir, ['--no-baseline'], new RegExp(victim.replace('/', '.')));
  });

  it('an empty test set', async () => {
    const dir = copyExample();
    rmSync(path.join(dir, 'test-set'), { recursive: true });
    mkdirSync(path.join(dir, 'test-set'));
    writeConfig(dir, (t) => withoutManifest(t).replace('lock: test-set/evalgate.lock.json', 'lock: none'));
    await expectBadInput(dir, [], /empty|no samples|no images/i);
  });

  it('a test set that differs from its lock, listing what changed', async () => {
    const dir = copyExample();
    const ids = readJson<Report>(path.join(dir, 'baseline.json')).samples.ids;
    rmSync(path.join(dir, 'test-set', ids[0]));
    cpSync(
      path.join(dir, 'test-set', ids[1]),
      path.join(dir, 'test-set', ids[1].replace('.png', '-copy.png')),
    );
    // The example's manifest lists the samples: take the removed file out and list the copy.
    const manifest = path.join(dir, 'test-set', 'manifest.csv');
    const rows = readFileSync(manifest, 'utf8')
      .split('\n')
      .filter((row) => !row.startsWith(`${ids[0]},`));
    rows.splice(2, 0, `${ids[1].replace('.png', '-copy.png')},${ids[1].split('/')[0]},light`);
    writeFileSync(manifest, rows.join('\n'));
    const result = await expectBadInput(dir, [], /lock/i);
    expect(result.stderr).toContain(ids[0]);
    expect(result.stderr).toContain(ids[1].replace('.png', '-copy.png'));
  });

  it('a baseline made on another test set', async () => {
    const dir = copyExample();
    const baseline = readJson<Report>(path.join(dir, 'baseline.json'));
    baseline.testSet.digest = `sha256:${'0'.repeat(64)}`;
    writeFileSync(path.join(dir, 'other-baseline.json'), JSON.stringify(baseline));
    const result = await expectBadInput(
      dir,
      ['--baseline', 'other-baseline.json'],
      /baseline other-baseline\.json was made on test set sha256:0{64} \(540 samples\) but this run uses sha256:/,
    );
    expect(result.stderr).toContain('--no-baseline');
    // Refused before the model ran: nothing was written.
    expect(existsSync(path.join(dir, 'out', 'report.json'))).toBe(false);
  });

  it('a model that outputs NaN, naming the samples', async () => {
    const dir = copyExample();
    const result = await expectBadInput(dir, ['--model', path.join(fixtureModels, 'nan.onnx')], /NaN/);
    expect(result.stderr).toMatch(/\d\/digit-\d{4}\.png/);
  });

  it('a misspelt config key, with a suggestion', async () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace('batch-size: 64', 'batch-sise: 64'));
    await expectBadInput(dir, [], /unknown key 'batch-sise'.*did you mean 'batch-size'/);
  });

  it('a manifest path that escapes the test-set folder', async () => {
    const dir = copyExample();
    writeFileSync(path.join(dir, 'test-set', 'manifest.csv'), 'path,label\n../model.onnx,1\n');
    writeConfig(dir, (t) =>
      // The example names manifest.csv already; the test's own manifest runs unlocked.
      t.replace('lock: test-set/evalgate.lock.json', 'lock: none'),
    );
    await expectBadInput(dir, [], /manifest\.csv:2.*(escape|outside)/);
  });

  it('a configured baseline file that does not exist (never a silent first run)', async () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace('report: baseline.json', 'report: baselin.json'));
    const result = await expectBadInput(
      dir,
      ['--model', 'model-regressed.onnx'],
      /baseline report baselin\.json does not exist/,
    );
    expect(result.stderr).toContain('--no-baseline');
  });

  it('an output folder that cannot be written, before evaluating', async () => {
    const dir = copyExample();
    writeFileSync(path.join(dir, 'afile'), 'x');
    const result = await runCli(['run', '--out', 'afile/sub'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot write the output folder/);
  });

  it('a --batch-size over the limit', async () => {
    const result = await runCli(['run', '--batch-size', '100000000'], copyExample());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--batch-size must be a whole number from 1 to 65536');
  });

  it('a layout that does not fit the model, suggesting the other one', async () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace('layout: NCHW', 'layout: NHWC'));
    await expectBadInput(dir, [], /reads as NCHW.*layout is NHWC/);
  });

  it('an unknown flag, with a suggestion', async () => {
    const result = await runCli(['run', '--basline', 'x.json'], copyExample());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean '--baseline'");
  });
});
