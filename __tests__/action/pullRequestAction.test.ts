// The action on pull requests, end to end: dist/index.js spawned as the runner spawns it, against
// a local stand-in for the GitHub REST API that records every request. Independent cases run
// concurrently (each on its own pull request number) to keep the suite short on 2 cores.
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/render/markdown.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { copyExample, runCli } from '../helpers/cli.js';
import { pullRequestJob, runAction, workflowRunEvent } from '../helpers/runAction.js';

const OWNER = 'octo';
const REPO = 'models';
const BASE_SHA = 'b'.repeat(40);
/** The evaluate job's default key: workflow/job, then the config path (runContext.defaultCommentKey). */
const MARKER = commentMarker('PR gate/evaluate:evalgate.yml');
const RUN_URL = `https://github.com/${OWNER}/${REPO}/actions/runs/4242`;
/** The publish job's own key (its workflow and job), never the artifact's. */
const PUBLISH_MARKER = commentMarker('evalgate-publish/publish');
const PUBLISH_ENV = { GITHUB_WORKFLOW: 'evalgate-publish', GITHUB_JOB: 'publish', GITHUB_RUN_ID: '4343' };
const PROVENANCE =
  "> [!NOTE]\n> This result was produced by the pull request's own workflow run " +
  `([run 4242](${RUN_URL}))`;

let github: FakeGitHub;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());

function headSha(n: number): string {
  return n.toString(16).padStart(40, 'c');
}

/** Pull request #n as the API reports it now: head `sha` (in `headRepository`, default this repository). */
function setPull(n: number, sha: string, headRepository?: string) {
  github.setPull(OWNER, REPO, {
    number: n,
    headSha: sha,
    baseSha: BASE_SHA,
    headRef: 'feature',
    baseRef: 'main',
    headRepository,
  });
}

/**
 * A pull request #n on the fake server whose base commit holds the example's baseline.json, and a
 * copy of the example as its checkout.
 */
function pullRequest(n: number, options: { headRepository?: string } = {}) {
  const dir = copyExample();
  const head = headSha(n);
  setPull(n, head, options.headRepository);
  github.setFile(BASE_SHA, 'baseline.json', readFileSync(path.join(dir, 'baseline.json')));
  const { env, event } = pullRequestJob({
    owner: OWNER,
    repo: REPO,
    number: n,
    headSha: head,
    baseSha: BASE_SHA,
    headRepository: options.headRepository,
    apiUrl: github.url,
    runId: '4242',
    workspace: dir,
  });
  const inputs = (extra: Record<string, string> = {}) => ({
    config: 'evalgate.yml',
    'output-dir': 'out',
    'github-token': github.token,
    comment: 'true',
    ...extra,
  });
  /** The evaluate job on this pull request, with `extra` inputs. */
  const evaluate = (extra: Record<string, string> = {}) =>
    runAction(dir, { inputs: inputs(extra), env, event });
  // A push that regresses the model: same inputs (so the same comment key), another model file.
  const regress = () => copyFileSync(path.join(dir, 'model-regressed.onnx'), path.join(dir, 'model.onnx'));
  return { n, dir, head, env, evaluate, regress, comments: () => github.commentsOn(OWNER, REPO, n) };
}

const posted = (n: number) => github.requestsTo('POST', `/repos/${OWNER}/${REPO}/issues/${n}/comments`);

// Several action processes share 2 cores here: generous ceilings against hangs, not speed targets.
const SPAWN_TIMEOUT = { timeout: 180_000 };

describe.concurrent(
  'the action on a pull_request event (dist/index.js, fake GitHub API)',
  SPAWN_TIMEOUT,
  () => {
    it('creates one comment on the first run and updates the same one on the second', async () => {
      const pr = pullRequest(1);
      const first = await pr.evaluate();
      expect(first.status, first.stdout).toBe(0);
      expect(pr.comments()).toHaveLength(1);
      const [comment] = pr.comments();
      expect(first.outputs['comment-id']).toBe(String(comment!.id));
      expect(comment!.body.startsWith(`${MARKER}\n`)).toBe(true);
      expect(comment!.body).toContain(RUN_URL);
      expect(comment!.body).toContain('baseline.json at base commit bbbbbbb (main)');
      expect(comment!.body.length).toBeLessThan(65_536);
      expect(first.outputs['baseline-source']).toBe(`repository@${BASE_SHA}`);
      expect(first.outputs.verdict).toBe('pass');
      // The baseline was read at the base commit, raw.
      const read = github.requestsTo('GET', '/repos/octo/models/contents/baseline.json');
      expect(read.some((r) => r.query.ref === BASE_SHA)).toBe(true);
      // pull-request.json for the two-stage pattern.
      expect(JSON.parse(readFileSync(path.join(pr.dir, 'out', 'pull-request.json'), 'utf8'))).toEqual({
        number: 1,
        headSha: pr.head,
        baseSha: BASE_SHA,
        repository: 'octo/models',
        commentKey: 'PR gate/evaluate:evalgate.yml',
        baselineSource: `repository@${BASE_SHA}`,
      });

      // A new push: the model regressed. The same comment is updated; no second one appears.
      pr.regress();
      const second = await pr.evaluate();
      expect(second.status).toBe(1);
      expect(second.outputs.verdict).toBe('fail');
      expect(pr.comments()).toHaveLength(1);
      expect(pr.comments()[0]!.id).toBe(comment!.id);
      expect(second.outputs['comment-id']).toBe(String(comment!.id));
      expect(pr.comments()[0]!.body).toMatch(/failed/);
      expect(posted(1)).toHaveLength(1);
      expect(
        github.requestsTo('PATCH', `/repos/${OWNER}/${REPO}/issues/comments/${comment!.id}`),
      ).toHaveLength(1);
    });

    it('a 403 on the comment (fork token) warns, keeps the summary, the verdict and the exit code', async () => {
      const pr = pullRequest(2, { headRepository: 'someone/models' });
      github.failNext('POST', `/repos/${OWNER}/${REPO}/issues/2/comments`, 403);
      pr.regress();
      const run = await pr.evaluate();
      expect(run.status).toBe(1);
      expect(run.outputs.verdict).toBe('fail');
      expect(run.outputs['comment-id']).toBe('');
      expect(run.stdout).toMatch(/::warning::evalgate: could not post the pull-request comment: .*HTTP 403/);
      expect(run.stdout).toMatch(/two-stage pattern/);
      expect(run.stdout).toMatch(/::error title=evalgate%3A per-class-recall::/);
      expect(run.summary).toContain(MARKER);
      expect(run.summary).toMatch(/failed/);
      expect(pr.comments()).toHaveLength(0);
      expect(posted(2)).toHaveLength(1); // a permission error is not retried

      // Stage two: a workflow_run job publishes that result with its own (write) token.
      const resultDir = path.join(pr.dir, 'artifact');
      cpSync(path.join(pr.dir, 'out'), resultDir, { recursive: true });
      const publish = await runAction(pr.dir, {
        inputs: { mode: 'publish', 'result-dir': 'artifact', 'github-token': github.token },
        env: { ...pr.env, ...PUBLISH_ENV },
        event: {
          name: 'workflow_run',
          payload: workflowRunEvent({
            owner: OWNER,
            repo: REPO,
            runId: 4242,
            headSha: pr.head,
            headRepository: 'someone/models',
          }),
        },
      });
      // The check of the workflow_run shows the verdict too.
      expect(publish.status, publish.stdout).toBe(1);
      expect(publish.outputs.verdict).toBe('fail');
      expect(publish.outputs['baseline-source']).toBe(`repository@${BASE_SHA}`);
      expect(pr.comments()).toHaveLength(1);
      // Posted under the publish job's marker, below a note on where it comes from, sanitized.
      const published = pr.comments()[0]!.body;
      expect(
        published.startsWith(`${PUBLISH_MARKER}\n\n${PROVENANCE} on commit \`${pr.head.slice(0, 7)}\``),
      ).toBe(true);
      const rendered = readFileSync(path.join(resultDir, 'comment.md'), 'utf8');
      const headline = rendered.split('\n').find((line) => line.startsWith('## '))!;
      expect(headline).toMatch(/failed/);
      expect(published).toContain(headline);
      expect(published).not.toContain(MARKER);
      // evalgate's own rendering passes the sanitizer unchanged.
      expect(published.endsWith(rendered.slice(rendered.indexOf('\n') + 1).replace(/^\n+/, ''))).toBe(true);
      expect(publish.outputs['comment-id']).toBe(String(pr.comments()[0]!.id));
      expect(readFileSync(publish.outputs['comment-path']!, 'utf8')).toBe(published);
      expect(publish.summary).toContain(PUBLISH_MARKER);
      expect(publish.stdout).toMatch(/::error title=evalgate%3A per-class-recall::/);
    });

    it('retries a 5xx on the comment and then posts it', async () => {
      const pr = pullRequest(3);
      github.failNext('POST', `/repos/${OWNER}/${REPO}/issues/3/comments`, 502);
      const run = await pr.evaluate();
      expect(run.status).toBe(0);
      expect(posted(3).map((r) => r.status)).toEqual([502, 201]);
      expect(pr.comments()).toHaveLength(1);
      expect(run.outputs['comment-id']).toBe(String(pr.comments()[0]!.id));
    });

    it('removes a duplicate marker comment left by a racing run, and keeps the oldest', async () => {
      const pr = pullRequest(4);
      const oldest = github.addComment({
        owner: OWNER,
        repo: REPO,
        issueNumber: 4,
        body: `${MARKER}\nold verdict`,
      });
      github.addComment({ owner: OWNER, repo: REPO, issueNumber: 4, body: 'a person: looks good' });
      const racer = github.addComment({
        owner: OWNER,
        repo: REPO,
        issueNumber: 4,
        body: `${MARKER}\nracing verdict`,
      });
      // Another workflow's comment (another key) is not ours to touch.
      github.addComment({
        owner: OWNER,
        repo: REPO,
        issueNumber: 4,
        body: `${commentMarker('nightly/eval')}\nother`,
      });
      const run = await pr.evaluate();
      expect(run.status).toBe(0);
      const ours = pr.comments().filter((c) => c.body.startsWith(`${MARKER}\n`));
      expect(ours.map((c) => c.id)).toEqual([oldest.id]);
      expect(ours[0]!.body).not.toContain('old verdict');
      expect(pr.comments()).toHaveLength(3);
      expect(github.requestsTo('DELETE', `/repos/${OWNER}/${REPO}/issues/comments/${racer.id}`)).toHaveLength(
        1,
      );
    });

    it('leaves the comment alone when the pull request moved on to a newer commit', async () => {
      const pr = pullRequest(5);
      setPull(5, 'f'.repeat(40));
      const run = await pr.evaluate();
      expect(run.status).toBe(0);
      expect(run.outputs.verdict).toBe('pass');
      expect(run.stdout).toMatch(/::notice::evalgate: the pull request's head moved on to fffffff/);
      expect(pr.comments()).toHaveLength(0);
      expect(posted(5)).toHaveLength(0);
      expect(run.summary).toContain(MARKER);
    });

    it('judges against the baseline on the base commit, not the one the pull request edits', async () => {
      const pr = pullRequest(6);
      // The pull request replaces baseline.json with the regressed model's own report, so that it
      // would pass against itself; the base commit still holds the real baseline.
      const made = await runCli(
        ['run', '--model', 'model-regressed.onnx', '--no-baseline', '--out', 'loosened'],
        pr.dir,
      );
      expect(made.code).toBe(0);
      writeFileSync(
        path.join(pr.dir, 'baseline.json'),
        readFileSync(path.join(pr.dir, 'loosened', 'report.json')),
      );
      pr.regress();
      const run = await pr.evaluate();
      expect(run.status).toBe(1);
      expect(JSON.parse(run.outputs.regressions!)).toContainEqual(
        expect.objectContaining({ gate: 'per-class-recall', subject: '8' }),
      );
      const body = pr.comments()[0]!.body;
      expect(body).toContain('This pull request changes baseline.json; the change takes effect once merged');
    });

    it('accept-label turns a failed gate into a passing step that says who accepted it', async () => {
      const pr = pullRequest(7);
      github.addLabel(OWNER, REPO, 7, 'evalgate/accept-regression', 'alice', '2025-03-01T12:00:00Z');
      pr.regress();
      const run = await pr.evaluate({ 'accept-label': 'evalgate/accept-regression' });
      expect(run.status, run.stdout).toBe(0);
      expect(run.outputs.verdict).toBe('fail');
      expect(run.outputs.passed).toBe('true');
      expect(run.outputs['accepted-by']).toBe('alice');
      expect(run.stdout).toMatch(
        /::warning title=evalgate%3A regression accepted::evalgate: \d+ failures? ACCEPTED by @alice, who added the label 'evalgate\/accept-regression' at 2025-03-01T12:00:00Z/,
      );
      expect(run.stdout).not.toMatch(/::error/);
      const body = pr.comments()[0]!.body;
      expect(body.startsWith(`${MARKER}\n\n> [!WARNING]\n> **Regression accepted by @alice**`)).toBe(true);
      expect(run.summary).toContain('Regression accepted by @alice');
    });

    it('accept-label added by the pull request author is not a sign-off: the gate still fails', async () => {
      const pr = pullRequest(9);
      github.addLabel(OWNER, REPO, 9, 'evalgate/accept-regression', 'contributor', '2025-03-01T12:00:00Z');
      pr.regress();
      const run = await pr.evaluate({ 'accept-label': 'evalgate/accept-regression' });
      expect(run.status, run.stdout).toBe(1);
      expect(run.outputs.passed).toBe('false');
      expect(run.outputs['accepted-by'] ?? '').toBe('');
      expect(run.stdout).toMatch(/added by @contributor, the pull request's author/);
      expect(pr.comments()[0]!.body).not.toContain('Regression accepted');
    });
  },
);

describe('publish mode refuses results that are not the triggering run’s', SPAWN_TIMEOUT, () => {
  it('skips posting when the pull request moved on, and refuses a result for another commit', async () => {
    const pr = pullRequest(8);
    // A result folder as the evaluate job writes it (no evaluation needed for the publish stage).
    const result = path.join(pr.dir, 'artifact');
    mkdirSync(result);
    writeFileSync(path.join(result, 'comment.md'), `${MARKER}\n\n## evalgate: passed\n`);
    writeFileSync(
      path.join(result, 'verdict.json'),
      JSON.stringify({ passed: true, failures: [], warnings: [] }),
    );
    writeFileSync(
      path.join(result, 'pull-request.json'),
      JSON.stringify({
        number: 8,
        headSha: pr.head,
        baseSha: BASE_SHA,
        repository: 'octo/models',
        commentKey: 'PR gate/evaluate:evalgate.yml',
      }),
    );
    const workflowRun = (sha: string) => ({
      name: 'workflow_run',
      payload: workflowRunEvent({
        owner: OWNER,
        repo: REPO,
        runId: 4242,
        headSha: sha,
        headRepository: 'someone/models',
      }),
    });
    setPull(8, 'f'.repeat(40), 'someone/models');
    const inputs = { mode: 'publish', 'result-dir': 'artifact', 'github-token': github.token };
    const stale = await runAction(pr.dir, { inputs, env: pr.env, event: workflowRun(pr.head) });
    expect(stale.status).toBe(0);
    expect(stale.stdout).toMatch(/::notice::evalgate: the pull request's head moved on/);
    expect(pr.comments()).toHaveLength(0);

    const other = await runAction(pr.dir, { inputs, env: pr.env, event: workflowRun('d'.repeat(40)) });
    expect(other.status).toBe(2); // a refused input
    expect(other.outputs.verdict).toBe('error');
    expect(other.stdout).toMatch(
      /::error::result-dir: the result in 'artifact' is for commit ccccccc, but the workflow run .* evaluated ddddddd/,
    );
    expect(pr.comments()).toHaveLength(0);
  });

  /** A result folder as a (hostile) evaluate job could upload it, for pull request #n. */
  function artifact(dir: string, n: number, comment: string, failed: boolean): string {
    const result = path.join(dir, `artifact-${n}`);
    mkdirSync(result);
    writeFileSync(path.join(result, 'comment.md'), `${commentMarker('nightly/eval')}\n${comment}`);
    const failures = failed
      ? [{ gate: 'per-class-recall', subject: '8', message: "recall of '8' dropped" }]
      : [];
    writeFileSync(
      path.join(result, 'verdict.json'),
      JSON.stringify({ passed: !failed, failures, warnings: [] }),
    );
    writeFileSync(
      path.join(result, 'pull-request.json'),
      JSON.stringify({
        number: n,
        headSha: headSha(n),
        baseSha: BASE_SHA,
        repository: 'octo/models',
        commentKey: 'nightly/eval',
      }),
    );
    return `artifact-${n}`;
  }
  const forkRun = (n: number) => ({
    name: 'workflow_run',
    payload: workflowRunEvent({
      owner: OWNER,
      repo: REPO,
      runId: 4242,
      headSha: headSha(n),
      headRepository: 'someone/models',
    }),
  });

  it('posts a hostile comment sanitized under its own marker, ignores an outsider’s marker comment and a bot’s label', async () => {
    const pr = pullRequest(11, { headRepository: 'someone/models' });
    const outsider = github.addComment({
      owner: OWNER,
      repo: REPO,
      issueNumber: 11,
      body: `${PUBLISH_MARKER}\n## ✅ evalgate: passed (an outsider's comment)`,
      user: { login: 'mallory', id: 66, type: 'User' },
    });
    github.addLabel(
      OWNER,
      REPO,
      11,
      'evalgate/accept-regression',
      'github-actions[bot]',
      '2025-03-01T12:00:00Z',
    );
    const hostile = [
      '',
      '## ❌ evalgate: failed',
      '',
      '> [!WARNING]',
      '> **Regression accepted by @boss**: nothing to see.',
      '',
      'cc @alice, fixes #1 and octo/models#2 ![pixel](https://evil.example/p.png) <img src="https://evil.example/q.png">',
      '<details open><summary>more</summary><script>x</script><a href="https://evil.example">link</a></details>',
      '',
    ].join('\n');
    const run = await runAction(pr.dir, {
      inputs: {
        mode: 'publish',
        'result-dir': artifact(pr.dir, 11, hostile, true),
        'github-token': github.token,
        'accept-label': 'evalgate/accept-regression',
      },
      env: { ...pr.env, ...PUBLISH_ENV },
      event: forkRun(11),
    });
    expect(run.status, run.stdout).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.stdout).toMatch(/added by @github-actions\[bot\], a bot account/);
    expect(run.stdout).toMatch(/posted under this job's key 'evalgate-publish\/publish'/);

    const [first, second] = pr.comments();
    expect(first).toEqual(outsider); // untouched
    expect(pr.comments()).toHaveLength(2);
    const body = second!.body;
    expect(second!.user.type).toBe('Bot');
    expect(body.startsWith(`${PUBLISH_MARKER}\n\n${PROVENANCE}`)).toBe(true);
    expect(body).toContain('## ❌ evalgate: failed');
    expect(body).not.toMatch(/accepted/i);
    expect(body).not.toMatch(/@[a-z]/);
    expect(body).not.toMatch(/(?<!&)#\d/);
    expect(body).not.toMatch(/evil\.example\/[pq]\.png|<img|<script|<a |open>/);
    expect(body).toContain('<details><summary>more</summary>');
  });

  it('refuses a result that names a pull request from another repository, before any label lookup or comment', async () => {
    const pr = pullRequest(12);
    setPull(12, headSha(12), 'victim/models');
    github.addLabel(OWNER, REPO, 12, 'evalgate/accept-regression', 'alice', '2025-03-01T12:00:00Z');
    const run = await runAction(pr.dir, {
      inputs: {
        mode: 'publish',
        'result-dir': artifact(pr.dir, 12, '\n## ❌ evalgate: failed\n', true),
        'github-token': github.token,
        'accept-label': 'evalgate/accept-regression',
      },
      env: { ...pr.env, ...PUBLISH_ENV },
      event: forkRun(12),
    });
    expect(run.status).toBe(2); // a refused input
    expect(run.outputs.verdict).toBe('error');
    expect(run.stdout).toMatch(
      /::error::result-dir: the result in 'artifact-12' names pull request #12, whose head is in victim\/models, but the workflow run .* from someone\/models/,
    );
    expect(github.requestsTo('GET', `/repos/${OWNER}/${REPO}/issues/12/labels`)).toHaveLength(0);
    expect(github.requestsTo('GET', `/repos/${OWNER}/${REPO}/issues/12/comments`)).toHaveLength(0);
    expect(pr.comments()).toHaveLength(0);
  });
});
