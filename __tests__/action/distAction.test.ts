// Runs the committed action bundle (dist/index.js) the way the runner does, outside pull requests:
// INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, exit code. Pull requests, the
// comment and publish mode: pullRequestAction.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../cli/helpers.js';
import { runAction as spawnAction } from './runAction.js';

const runAction = (dir: string, inputs: Record<string, string>, withSummary = true) =>
  spawnAction(dir, { inputs, summary: withSummary });

describe.concurrent('dist/index.js (the action)', { timeout: 120_000 }, () => {
  it('passes the example model, sets the outputs and writes the job summary', async () => {
    const dir = copyExample();
    const run = await runAction(dir, { config: 'evalgate.yml', 'output-dir': 'out' });
    expect(run.status).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs.passed).toBe('true');
    expect(Number(run.outputs.accuracy)).toBeGreaterThan(0.95);
    expect(run.outputs['report-path']).toBe(path.join(dir, 'out', 'report.json'));
    expect(JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')).schema).toBe('evalgate.report/v1');
    expect(run.summary).toContain('<!-- evalgate:comment');
    // Outside a pull request the committed baseline is read from the working tree.
    expect(run.outputs['baseline-source']).toBe('repository@working-tree');
    expect(run.outputs['comment-id']).toBe('');
  });

  it('fails the regressed model: exit 1, verdict fail, the regressed class in the outputs and an error annotation', async () => {
    const dir = copyExample();
    const run = await runAction(dir, {
      config: 'evalgate.yml',
      model: 'model-regressed.onnx',
      'output-dir': 'out',
    });
    expect(run.status).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    const regressions = JSON.parse(run.outputs.regressions) as Array<{ gate: string; subject?: string }>;
    expect(regressions).toContainEqual(expect.objectContaining({ gate: 'per-class-recall', subject: '8' }));
    expect(run.stdout).toMatch(/::error title=evalgate%3A per-class-recall::recall of .8. dropped/);
  });

  it('keeps the verdict when the job summary cannot be written', async () => {
    const dir = copyExample();
    const run = await runAction(dir, { config: 'evalgate.yml', 'output-dir': 'out' }, false);
    expect(run.status).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.stdout).toContain('::warning::evalgate: could not write the job summary');
  });

  it('reports bad input as verdict error with the message, and no stack trace', async () => {
    const dir = copyExample();
    const run = await runAction(dir, { config: 'missing.yml' });
    expect(run.status).toBe(1);
    expect(run.outputs.verdict).toBe('error');
    expect(run.stdout).toMatch(/::error::missing\.yml: cannot read config file/);
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });
});
