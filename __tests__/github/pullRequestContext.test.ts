import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/shared/errors.js';
import {
  fetchPullRequest,
  pullRequestFromEvent,
  workflowRunFromEvent,
} from '../../src/github/pullRequestContext.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { BASE_SHA, HEAD_SHA, testClient } from '../helpers/githubTestClient.js';

/** The fields GitHub's pull_request webhook payload carries that evalgate reads (trimmed). */
function pullRequestPayload(headRepo: string | null = 'acme/vision') {
  const repo = (fullName: string) => ({
    id: 1,
    name: fullName.split('/')[1],
    full_name: fullName,
    owner: { login: fullName.split('/')[0], type: 'Organization' },
    fork: fullName !== 'acme/vision',
  });
  return {
    action: 'synchronize',
    number: 42,
    pull_request: {
      number: 42,
      state: 'open',
      head: {
        label: 'x:feature',
        ref: 'feature',
        sha: HEAD_SHA.toUpperCase(),
        repo: headRepo === null ? null : repo(headRepo),
      },
      base: { label: 'acme:main', ref: 'main', sha: BASE_SHA, repo: repo('acme/vision') },
    },
    repository: repo('acme/vision'),
    sender: { login: 'alice' },
  };
}

describe('pullRequestFromEvent', () => {
  it('reads a pull_request payload', () => {
    expect(pullRequestFromEvent('pull_request', pullRequestPayload())).toEqual({
      owner: 'acme',
      repo: 'vision',
      number: 42,
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      baseRef: 'main',
      headRef: 'feature',
      isFork: false,
    });
  });

  it('flags a pull request from a fork or from a deleted fork', () => {
    expect(pullRequestFromEvent('pull_request_target', pullRequestPayload('mallory/vision'))?.isFork).toBe(
      true,
    );
    expect(pullRequestFromEvent('pull_request', pullRequestPayload(null))?.isFork).toBe(true);
  });

  it('returns null for events without a pull request', () => {
    expect(pullRequestFromEvent('push', { ref: 'refs/heads/main' })).toBeNull();
    expect(pullRequestFromEvent('workflow_dispatch', {})).toBeNull();
  });

  it('names the missing field and GITHUB_EVENT_PATH when the payload is malformed', () => {
    const payload = pullRequestPayload();
    payload.pull_request.base.sha = 'not-a-sha';
    const error = (() => {
      try {
        pullRequestFromEvent('pull_request', payload);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toBe('GITHUB_EVENT_PATH');
    expect((error as InputError).message).toContain("'pull_request.base.sha'");
    expect(() => pullRequestFromEvent('pull_request', {})).toThrow("no valid 'pull_request'");
    expect(() => pullRequestFromEvent('pull_request', null)).toThrow("no valid 'pull_request'");
  });
});

describe('workflowRunFromEvent', () => {
  const payload = () => ({
    action: 'completed',
    workflow_run: {
      id: 987,
      event: 'pull_request',
      head_sha: HEAD_SHA,
      head_branch: 'feature',
      head_repository: { full_name: 'mallory/vision' },
      html_url: 'https://github.com/acme/vision/actions/runs/987',
      conclusion: 'success',
      pull_requests: [] as unknown[],
    },
    repository: { name: 'vision', full_name: 'acme/vision', owner: { login: 'acme' } },
  });

  it('reads the evaluating run, with no linked pull requests for a fork', () => {
    expect(workflowRunFromEvent('workflow_run', payload())).toEqual({
      owner: 'acme',
      repo: 'vision',
      runId: 987,
      event: 'pull_request',
      headSha: HEAD_SHA,
      htmlUrl: 'https://github.com/acme/vision/actions/runs/987',
      headBranch: 'feature',
      headRepository: 'mallory/vision',
      isFork: true,
      pullRequests: [],
    });
  });

  it('reads linked pull requests of a same-repository run', () => {
    const event = payload();
    event.workflow_run.head_repository = { full_name: 'acme/vision' };
    event.workflow_run.pull_requests = [
      { number: 5, head: { ref: 'feature', sha: HEAD_SHA }, base: { ref: 'main', sha: BASE_SHA } },
    ];
    const run = workflowRunFromEvent('workflow_run', event);
    expect(run?.isFork).toBe(false);
    expect(run?.pullRequests).toEqual([
      { number: 5, headSha: HEAD_SHA, headRef: 'feature', baseSha: BASE_SHA, baseRef: 'main' },
    ]);
  });

  it('returns null for other events and names bad fields', () => {
    expect(workflowRunFromEvent('pull_request', payload())).toBeNull();
    const event = payload();
    event.workflow_run.pull_requests = [{ number: 0 }];
    expect(() => workflowRunFromEvent('workflow_run', event)).toThrow(
      "'workflow_run.pull_requests[0].number'",
    );
  });
});

describe('fetchPullRequest', () => {
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
  });

  it('reads the current head and base from the API', async () => {
    fake = await startFakeGitHub();
    fake.setPull('acme', 'vision', {
      number: 9,
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      headRef: 'f',
      baseRef: 'main',
      headRepository: 'mallory/vision',
    });
    const { client } = testClient(fake);
    expect(await fetchPullRequest(client, { owner: 'acme', repo: 'vision', number: 9 })).toEqual({
      owner: 'acme',
      repo: 'vision',
      number: 9,
      headSha: HEAD_SHA,
      baseSha: BASE_SHA,
      baseRef: 'main',
      headRef: 'f',
      isFork: true,
      headRepository: 'mallory/vision',
      author: 'contributor',
    });
  });
});
