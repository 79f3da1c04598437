// The cached-baseline flow through run() in this process (the Actions cache service cannot be
// reached from a spawned dist/index.js in tests): a push to the default branch with
// update-baseline saves report.json; a pull request into that branch restores it and is judged
// against it; other branches and pull requests never replace it.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/action/run.js';
import { baselineCacheKey } from '../../src/pipeline/baselineSources.js';
import { type DirectoryRemoteCache, directoryRemoteCache } from '../__fixtures__/directoryRemoteCache.js';
import { copyExample, writeConfig } from '../helpers/cli.js';
import { fakeCore } from '../helpers/fakeCore.js';
import { pullRequestEvent } from '../helpers/runAction.js';

vi.mock('@actions/core', async () => (await import('../helpers/fakeCore.js')).coreModule);

const MAIN_SHA = 'a'.repeat(40);
let dir: string;
let cache: DirectoryRemoteCache;
let previousCwd: string;

beforeEach(() => {
  dir = copyExample();
  // No committed baseline: auto falls through model and repository to the cache.
  writeConfig(dir, (t) => t.replace(/baseline:\n {2}report: baseline.json\n/, ''));
  cache = directoryRemoteCache(mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-store-')));
  previousCwd = process.cwd();
  // @actions/cache resolves the cached folder against the working folder, as the runner sets it.
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(previousCwd);
  // run() sets the exit code of a run that stopped with an error; this process is the test's.
  process.exitCode = undefined;
});

/** A new push of the model: the regressed weights at the same path (the `model` input scopes the cache). */
function pushRegressedModel() {
  copyFileSync(path.join(dir, 'model-regressed.onnx'), path.join(dir, 'model.onnx'));
}

function environment(event: string, payload: unknown, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const eventFile = path.join(dir, `${event}-event.json`);
  writeFileSync(eventFile, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: mkdtempSync(path.join(os.tmpdir(), 'evalgate-runner-temp-')),
    GITHUB_WORKFLOW: 'gate',
    GITHUB_JOB: 'evaluate',
    ...extra,
  };
}

/** A run on pull request #9 into main (head c…, base b…). */
const pullRequestEnvironment = (extra: Record<string, string> = {}) =>
  environment(
    'pull_request',
    pullRequestEvent({
      owner: 'octo',
      repo: 'models',
      number: 9,
      headSha: 'c'.repeat(40),
      baseSha: 'b'.repeat(40),
    }),
    extra,
  );

const pushPayload = (ref: string) => ({
  ref,
  after: MAIN_SHA,
  repository: { name: 'models', full_name: 'octo/models', owner: { login: 'octo' }, default_branch: 'main' },
});

async function runWith(inputs: Record<string, string>, env: NodeJS.ProcessEnv) {
  fakeCore.reset({ config: 'evalgate.yml', 'output-dir': 'out', 'working-directory': dir, ...inputs });
  await run({ env, cache, toolCache: null });
  return fakeCore;
}

describe('update-baseline and baseline-source cache', () => {
  it('a push to the default branch saves the baseline; a pull request into it is judged against it', async () => {
    const push = await runWith(
      { 'update-baseline': 'true' },
      environment('push', pushPayload('refs/heads/main'), {
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: MAIN_SHA,
      }),
    );
    expect(push.failed).toBeNull();
    const key = baselineCacheKey('evalgate.yml', 'main', MAIN_SHA);
    expect(cache.keys()).toEqual([key]);
    expect(push.messages('info').join('\n')).toContain(
      `saved this run's report as the baseline of main for 'evalgate.yml' (cache key ${key})`,
    );

    pushRegressedModel();
    const pr = await runWith(
      { comment: 'false', 'update-baseline': 'true' },
      pullRequestEnvironment({ GITHUB_REF: 'refs/pull/9/merge', GITHUB_SHA: 'e'.repeat(40) }),
    );
    expect(pr.outputs['baseline-source']).toBe(`cache:${key}`);
    expect(pr.outputs.verdict).toBe('fail');
    expect(pr.failed).toBe('evalgate: 1 gate failed');
    expect(pr.summary).toContain('the baseline saved in the Actions cache by the run on main at aaaaaaa');
    // The pull request's own run never replaces the baseline.
    expect(cache.keys()).toEqual([key]);
    expect(pr.messages('notice').join('\n')).toMatch(
      /update-baseline skipped: pull requests never replace the baseline/,
    );
  });

  it('a push to another branch does not save, and a pull request with nothing cached sets the first baseline', async () => {
    const feature = await runWith(
      { 'update-baseline': 'true' },
      environment('push', pushPayload('refs/heads/feature'), {
        GITHUB_REF: 'refs/heads/feature',
        GITHUB_SHA: MAIN_SHA,
      }),
    );
    expect(feature.messages('notice').join('\n')).toMatch(
      /update-baseline skipped: this run is on refs\/heads\/feature, not the default branch main/,
    );
    expect(cache.keys()).toEqual([]);

    const pr = await runWith({ model: 'model-regressed.onnx', comment: 'false' }, pullRequestEnvironment());
    expect(pr.outputs.verdict).toBe('pass');
    expect(pr.outputs['baseline-source']).toBe('none');
    expect(pr.messages('warning').join('\n')).toMatch(
      /No baseline in the Actions cache for branch 'main' yet/,
    );
    expect(pr.summary).toMatch(/No baseline in the Actions cache for branch 'main' yet/);
  });

  it('baseline-source: cache chosen explicitly fails closed on a pull request when nothing is cached', async () => {
    const pr = await runWith(
      { model: 'model-regressed.onnx', comment: 'false', 'baseline-source': 'cache' },
      pullRequestEnvironment(),
    );
    expect(pr.outputs.verdict).toBe('error');
    expect(pr.failed).toMatch(/no baseline saved in the Actions cache for branch 'main'/);
    expect(pr.failed).toMatch(/update-baseline: true first/);
    // A user's mistake: exit 2, every output defined, the summary says what to do.
    expect(process.exitCode).toBe(2);
    expect(pr.outputs.regressions).toBe('[]');
    expect(pr.outputs['baseline-source']).toBe('');
    expect(pr.summary).toMatch(/^## evalgate: error\n\nevalgate could not evaluate ccccccc: /);
    expect(pr.summary).toContain('update-baseline: true first');
  });
});
