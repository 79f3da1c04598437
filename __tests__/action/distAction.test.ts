// Runs the committed action bundle (dist/index.js) the way the runner does: INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, exit code. (The comment/PR side is a later issue.)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, repoRoot } from '../cli/helpers.js';

function runAction(dir: string, inputs: Record<string, string>, withSummary = true) {
  const outputFile = path.join(dir, 'github-output.txt');
  const summaryFile = path.join(dir, 'step-summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    ...(withSummary ? { GITHUB_STEP_SUMMARY: summaryFile } : {}),
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'index.js')], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  return {
    status: result.status,
    stdout: result.stdout,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

/** Parses GITHUB_OUTPUT's `name<<delimiter ... delimiter` records. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]);
    outputs[match[1]] = value.join('\n');
  }
  return outputs;
}

describe('dist/index.js (the action)', () => {
  it('passes the example model, sets the outputs and writes the job summary', () => {
    const dir = copyExample();
    const run = runAction(dir, { config: 'evalgate.yml', 'output-dir': 'out' });
    expect(run.status).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs.passed).toBe('true');
    expect(Number(run.outputs.accuracy)).toBeGreaterThan(0.95);
    expect(run.outputs['report-path']).toBe(path.join(dir, 'out', 'report.json'));
    expect(JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')).schema).toBe('evalgate.report/v1');
    expect(run.summary).toContain('<!-- evalgate:comment');
  });

  it('fails the regressed model: exit 1, verdict fail, the regressed class in the outputs and an error annotation', () => {
    const dir = copyExample();
    const run = runAction(dir, {
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

  it('keeps the verdict when the job summary cannot be written', () => {
    const dir = copyExample();
    const run = runAction(dir, { config: 'evalgate.yml', 'output-dir': 'out' }, false);
    expect(run.status).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.stdout).toContain('::warning::evalgate: could not write the job summary');
  });

  it('reports bad input as verdict error with the message, and no stack trace', () => {
    const dir = copyExample();
    const run = runAction(dir, { config: 'missing.yml' });
    expect(run.status).toBe(1);
    expect(run.outputs.verdict).toBe('error');
    expect(run.stdout).toMatch(/::error::missing\.yml: cannot read config file/);
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });
});
