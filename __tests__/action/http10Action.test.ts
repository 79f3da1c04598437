// The built action (dist/index.js, spawned as the runner spawns it) behind an HTTP/1.0 front end that
// closes each connection after its response, as some proxies and GitHub Enterprise front ends do.
// undici 6 (which @actions/github's Octokit uses) crashed there with an uncatchable
// `AssertionError: assert(!this.paused)` (nodejs/undici#5360) as soon as a response body larger
// than its stream buffer (the 38 KB baseline.json) arrived together with the end of the connection:
// a stack trace, no job summary, no outputs, no comment. The GitHub client now never pauses the
// HTTP parser (src/github/client.ts), and a process guard turns any uncaught error into a verdict
// of error (src/action/processGuard.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/render/markdown.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { type Http10Front, startHttp10Front } from '../__fixtures__/http10Front.js';
import { copyExample } from '../helpers/cli.js';
import { pullRequestJob, runAction } from '../helpers/runAction.js';

const OWNER = 'octo';
const REPO = 'models';
const BASE_SHA = 'b'.repeat(40);
const MARKER = commentMarker('PR gate/evaluate:evalgate.yml');
/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .+[:(]/m;

let github: FakeGitHub;
let front: Http10Front;

beforeAll(async () => {
  github = await startFakeGitHub();
  front = await startHttp10Front(github.url);
});
afterAll(async () => {
  await front.close();
  await github.close();
});

/** Pull request #n whose base commit holds the example's baseline, and its checkout. */
function pullRequest(server: FakeGitHub, n: number, apiUrl: string) {
  const dir = copyExample();
  const head = n.toString(16).padStart(40, 'c');
  server.setPull(OWNER, REPO, {
    number: n,
    headSha: head,
    baseSha: BASE_SHA,
    headRef: 'feature',
    baseRef: 'main',
  });
  server.setFile(BASE_SHA, 'baseline.json', readFileSync(path.join(dir, 'baseline.json')));
  const job = pullRequestJob({
    owner: OWNER,
    repo: REPO,
    number: n,
    headSha: head,
    baseSha: BASE_SHA,
    apiUrl,
    runId: '5151',
    workspace: dir,
  });
  const inputs = {
    config: 'evalgate.yml',
    'output-dir': 'out',
    'github-token': server.token,
    comment: 'true',
  };
  return { dir, head, job, inputs };
}

describe('dist/index.js behind an HTTP/1.0 front end that closes every connection', {
  timeout: 120_000,
}, () => {
  it('reads the baseline through it, reaches the verdict and posts the comment, with no crash', async () => {
    const pr = pullRequest(github, 61, front.url);
    const run = await runAction(pr.dir, { inputs: pr.inputs, ...pr.job });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toContain('assert(!this.paused)');
    expect(output).not.toMatch(STACK_LINE);
    expect(run.status, output).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs['error-code']).toBe('');
    // The baseline came from the base commit, through the front end (a 38 KB body ended by close).
    expect(run.outputs['baseline-source']).toBe(`repository@${BASE_SHA}`);
    expect(front.answered).toContain(`GET /repos/${OWNER}/${REPO}/contents/baseline.json`);
    const comments = github.commentsOn(OWNER, REPO, 61);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(String(comments[0]!.id)).toBe(run.outputs['comment-id']);
    expect(run.summary).toContain(MARKER);
  });
});

describe('dist/index.js when an uncaught exception kills the run', { timeout: 120_000 }, () => {
  let direct: FakeGitHub;
  beforeAll(async () => {
    direct = await startFakeGitHub();
  });
  afterAll(() => direct.close());

  it('still ends with verdict error, every output, the summary and exit 3, and prints no stack trace', async () => {
    // The exception comes from outside the product: a module the test preloads with NODE_OPTIONS
    // throws it from a timer once the run is waiting for the baseline, which the fake server holds
    // (a barrier of 2 that only one request reaches). The guard installed at the top of the
    // action's entry must still turn it into a verdict.
    const pr = pullRequest(direct, 62, direct.url);
    direct.barrier('GET', '/contents/baseline.json', 2);
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'evalgate-crash-'));
    const flag = path.join(scratch, 'crash-now');
    const preload = path.join(scratch, 'crash.mjs');
    writeFileSync(
      preload,
      [
        "import { existsSync } from 'node:fs';",
        'const timer = setInterval(() => {',
        `  if (!existsSync(${JSON.stringify(flag)})) return;`,
        '  clearInterval(timer);',
        "  throw new TypeError('injected: something nobody caught');",
        '}, 20);',
        'timer.unref();',
        '',
      ].join('\n'),
    );
    const waiting = (async () => {
      while (direct.requestsTo('GET', '/contents/baseline.json').length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      writeFileSync(flag, '');
    })();
    const run = await runAction(pr.dir, {
      inputs: pr.inputs,
      env: { ...pr.job.env, NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
      event: pr.job.event,
    });
    await waiting;
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(3);
    expect(output).not.toMatch(STACK_LINE);
    expect(run.stdout).toMatch(/^::error::internal error: injected: something nobody caught%0A/m);
    expect(run.outputs.verdict).toBe('error');
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs['error-code']).toBe('E_INTERNAL');
    expect(JSON.parse(run.outputs.regressions)).toEqual([]);
    for (const name of ['accuracy', 'comment-id', 'accepted-by']) expect(run.outputs[name], name).toBe('');
    expect(run.summary).toMatch(
      /^## evalgate: error\n\nevalgate could not evaluate \w+: internal error: injected: something nobody caught/m,
    );
  });
});
