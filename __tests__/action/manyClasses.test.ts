// A 1,000-class model on a pull request, end to end through the built action (dist/index.js): the
// comment GitHub receives must stay under its 65,536-character limit however many classes regress.
// Fixture: __tests__/__fixtures__/many-classes (scripts/fixtures/make_many_classes_fixture.py).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/render/markdown.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { pullRequestJob, runAction } from '../helpers/runAction.js';

const FIXTURE = path.join(repoRoot, '__tests__', '__fixtures__', 'many-classes');
const OWNER = 'octo';
const REPO = 'models';
const PR = 7;
const BASE_SHA = 'b'.repeat(40);
const HEAD_SHA = 'c'.repeat(40);
/** GitHub refuses longer comment bodies ("Body is too long"). */
const GITHUB_COMMENT_LIMIT = 65_536;

interface Expected {
  classes: number;
  accuracy: number;
  regressedAccuracy: number;
  regressedClasses: string[];
}
/** The fixture's regressed class names that markdown must escape, as the table cell shows them. */
const ESCAPED: Record<string, string> = {
  'pipe | separated': 'pipe \\| separated',
  '<b>not html</b>': '&lt;b&gt;not html&lt;/b&gt;',
};
const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Expected;

let github: FakeGitHub;
let dir: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  // The checkout: the fixture, plus the baseline report the good model gives (made here, in
  // process, so it always matches the current report format).
  dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-many-classes-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const baseline = await runCli(
    ['run', '--config', 'evalgate.yml', '--no-baseline', '--out', 'base-out'],
    dir,
  );
  expect(baseline.code, baseline.stderr).toBe(0);
  const report = readFileSync(path.join(dir, 'base-out', 'report.json'));
  expect(JSON.parse(report.toString('utf8')).metrics.accuracy).toBeCloseTo(expected.accuracy, 12);
  // The pull request's base commit holds that report as baseline.json.
  github.setPull(OWNER, REPO, {
    number: PR,
    headSha: HEAD_SHA,
    baseSha: BASE_SHA,
    headRef: 'feature',
    baseRef: 'main',
  });
  github.setFile(BASE_SHA, 'baseline.json', report);
}, 120_000);
afterAll(() => github?.close());

describe('the action on a pull request with a 1,000-class model', () => {
  it('posts one comment under the size limit that names the regressed classes, and fails the check', async () => {
    const run = await runAction(dir, {
      inputs: {
        config: 'evalgate.yml',
        model: 'model-regressed.onnx',
        'output-dir': 'out',
        'github-token': github.token,
        comment: 'true',
      },
      ...pullRequestJob({
        owner: OWNER,
        repo: REPO,
        number: PR,
        headSha: HEAD_SHA,
        baseSha: BASE_SHA,
        apiUrl: github.url,
        runId: '4242',
        workspace: dir,
      }),
    });

    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.outputs['baseline-source']).toBe(`repository@${BASE_SHA}`);
    expect(Number(run.outputs.accuracy)).toBeCloseTo(expected.regressedAccuracy, 12);

    // Every regressed class is a failed gate in the outputs, by name.
    const failures = JSON.parse(run.outputs.regressions ?? '[]') as Array<{ gate: string; subject?: string }>;
    const recall = failures.filter((f) => f.gate === 'per-class-recall').map((f) => f.subject);
    expect(recall.sort()).toEqual([...expected.regressedClasses].sort());
    expect(expected.regressedClasses).toHaveLength(50);
    expect(expected.regressedClasses).toEqual(expect.arrayContaining(Object.keys(ESCAPED)));

    // Exactly one comment, created once, under GitHub's limit.
    const comments = github.commentsOn(OWNER, REPO, PR);
    expect(comments).toHaveLength(1);
    expect(github.requestsTo('POST', `/repos/${OWNER}/${REPO}/issues/${PR}/comments`)).toHaveLength(1);
    const body = comments[0]!.body;
    expect(run.outputs['comment-id']).toBe(String(comments[0]!.id));
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(
      body.startsWith(`${commentMarker('PR gate/evaluate:evalgate.yml:model=model-regressed.onnx')}\n`),
    ).toBe(true);
    // Gates as configured in its evalgate.yml (per-class-recall, accuracy, macro-f1), not 1,003 results,
    // and the 50 regressed classes under their gate (issue 9, item 7).
    expect(body).toMatch(/failed, 3 of 3 gates failed/);
    expect(body).toContain('- ❌ **per-class-recall**: 1,000 classes, 50 regressed\n');
    // Every regressed class has its row in the per-class table (regressions come first), its name
    // escaped: a '|' would split the cell, '<b>' would be HTML.
    for (const name of expected.regressedClasses) {
      const cell = ESCAPED[name] ?? name;
      expect(body).toMatch(new RegExp(`^\\| ❌ regressed \\| ${escapeRegExp(cell)} \\|`, 'm'));
    }
    expect(body).not.toContain('<b>not html</b>');
    // The rest of the 1,000 classes are cut with a note, not silently.
    expect(body).toMatch(/more classes within tolerance — see the full report/);

    // The step summary holds the verdict too.
    expect(run.summary.length).toBeGreaterThan(0);
    expect(run.summary).toContain('failed, 3 of 3 gates failed');
  }, 120_000); // a ceiling against hangs when other suites share the 2 cores, not a speed target
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
