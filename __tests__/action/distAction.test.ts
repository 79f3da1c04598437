// Runs the committed action bundle (dist/index.js) the way the runner does, outside pull requests:
// INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, exit code; and the error path,
// also on a pull request. Pull requests with a verdict, the comment and publish mode:
// pullRequestAction.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/render/markdown.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { copyExample } from '../helpers/cli.js';
import { pullRequestJob, runAction as spawnAction } from '../helpers/runAction.js';

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

  it('reports bad input as verdict error with the message, and no stack trace: exit 2, every output set, a summary', async () => {
    const dir = copyExample();
    const run = await runAction(dir, { config: 'missing.yml', 'github-token': 'ghs_not-a-real-token' });
    expect(run.status).toBe(2);
    expect(run.outputs.verdict).toBe('error');
    expect(run.outputs.passed).toBe('false');
    // Defined values, so that fromJSON(steps.gate.outputs.regressions) works in the workflow.
    expect(JSON.parse(run.outputs.regressions)).toEqual([]);
    for (const output of ['accuracy', 'comment-id', 'report-path', 'comment-path', 'baseline-source']) {
      expect(run.outputs[output], output).toBe('');
    }
    // A sentence that names the file once (needs dist/ rebuilt from src/config/loadConfig.ts).
    expect(run.stdout).toMatch(/::error::there is no config file missing\.yml in /);
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect(run.summary).toMatch(
      /^## evalgate: error\n\nevalgate could not evaluate: there is no config file missing\.yml in /,
    );
    // The token is masked before anything else is logged.
    expect(run.stdout).toMatch(/^::add-mask::ghs_not-a-real-token$/m);
  });
});

describe('dist/index.js on a pull request that stops with an error', { timeout: 120_000 }, () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(() => github.close());

  it("replaces the previous push's verdict comment with the error, and reports what it knew", async () => {
    const dir = copyExample();
    const head = 'd'.repeat(40);
    github.setPull('octo', 'models', {
      number: 31,
      headSha: head,
      baseSha: 'b'.repeat(40),
      headRef: 'feature',
      baseRef: 'main',
    });
    github.setFile('b'.repeat(40), 'baseline.json', readFileSync(path.join(dir, 'baseline.json')));
    const marker = commentMarker('PR gate/evaluate:evalgate.yml');
    const previous = github.addComment({
      owner: 'octo',
      repo: 'models',
      issueNumber: 31,
      body: `${marker}\n## evalgate: passed`,
    });
    // This push broke the test set: a locked file changed.
    writeFileSync(
      path.join(dir, 'test-set', '0', 'digit-0010.png'),
      readFileSync(path.join(dir, 'test-set', '0', 'digit-0078.png')),
    );
    const run = await spawnAction(dir, {
      inputs: { config: 'evalgate.yml', 'output-dir': 'out', 'github-token': github.token, comment: 'true' },
      ...pullRequestJob({
        owner: 'octo',
        repo: 'models',
        number: 31,
        headSha: head,
        baseSha: 'b'.repeat(40),
        apiUrl: github.url,
        runId: '77',
        workspace: dir,
      }),
    });
    expect(run.status, run.stdout).toBe(2);
    expect(run.outputs.verdict).toBe('error');
    expect(JSON.parse(run.outputs.regressions)).toEqual([]);
    // The baseline was resolved before the test set failed its lock: the output says which.
    expect(run.outputs['baseline-source']).toBe(`repository@${'b'.repeat(40)}`);
    const comments = github.commentsOn('octo', 'models', 31);
    expect(comments.map((c) => c.id)).toEqual([previous.id]);
    const body = comments[0]!.body;
    expect(body.startsWith(`${marker}\n## evalgate: error\n\nevalgate could not evaluate ddddddd: `)).toBe(
      true,
    );
    expect(body).not.toContain('passed');
    expect(body).toContain('https://github.com/octo/models/actions/runs/77');
    expect(run.summary).toBe(body);
  });
});
