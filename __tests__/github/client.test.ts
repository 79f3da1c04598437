import { describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
// The retry setting and the API root come from the runner's environment through the action adapter.
import { gitHubSettings, RETRY_DELAY_VARIABLE as RETRY_DELAY_ENV } from '../../src/action/runnerSettings.js';
import { describeGitHubError, isPermissionError } from '../../src/github/errors.js';
import { HEAD_SHA, OWNER, REPO, testClient, useFakeGitHub } from '../helpers/githubTestClient.js';

const PR = 3;
const PULL_PATH = `/repos/${OWNER}/${REPO}/pulls/${PR}`;

const fake = useFakeGitHub({ pull: PR });

const getPull = (client: ReturnType<typeof testClient>['client']) =>
  client.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: PR });

describe('createGitHubClient', () => {
  it('sends the token as the Authorization header and an evalgate user agent', async () => {
    const { client } = testClient(fake());
    const { data } = await getPull(client);
    expect(data.head.sha).toBe(HEAD_SHA);
    expect(fake().requests[0].status).toBe(200);
    expect(fake().requests[0].headers['user-agent']).toMatch(/^evalgate\//);
    expect(fake().requests[0].headers).not.toHaveProperty('authorization');
  });

  it('is refused by the server with a wrong token', async () => {
    const client = createGitHubClient({
      token: 'wrong',
      baseUrl: fake().url,
      minRetryDelayMs: 1,
      log: { warn: () => {} },
    });
    const error = await getPull(client).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(401);
    expect(fake().requests).toHaveLength(1);
  });

  it('retries a 500 and a 502 and then succeeds, warning once per retry', async () => {
    fake().failNext('GET', PULL_PATH, 500);
    fake().failNext('GET', PULL_PATH, 502);
    const { client, warnings } = testClient(fake());
    const { data } = await getPull(client);
    expect(data.number).toBe(PR);
    expect(
      fake()
        .requestsTo('GET', PULL_PATH)
        .map((r) => r.status),
    ).toEqual([500, 502, 200]);
    expect(warnings).toEqual([
      `GitHub API GET ${PULL_PATH} answered HTTP 500; retry 1 of 3 in 1 ms`,
      `GitHub API GET ${PULL_PATH} answered HTTP 502; retry 2 of 3 in 4 ms`,
    ]);
  });

  it('retries a failed write too (5xx on creating a comment)', async () => {
    fake().failNext('POST', `/issues/${PR}/comments`, 503);
    const { client } = testClient(fake());
    await client.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: PR, body: 'hi' });
    expect(
      fake()
        .requestsTo('POST', `/issues/${PR}/comments`)
        .map((r) => r.status),
    ).toEqual([503, 201]);
    expect(fake().commentsOn(OWNER, REPO, PR)).toHaveLength(1);
  });

  it('gives up after the configured retries and reports the last error', async () => {
    fake().failNext('GET', PULL_PATH, 502, { times: 10 });
    const { client } = testClient(fake(), { retries: 2 });
    const error = await getPull(client).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(502);
    expect(fake().requestsTo('GET', PULL_PATH)).toHaveLength(3);
    expect(describeGitHubError(error)).toBe(`GitHub API GET ${PULL_PATH} failed with HTTP 502: Server Error`);
  });

  it('does not retry a 403 permission error', async () => {
    fake().failNext('GET', PULL_PATH, 403);
    const { client, warnings } = testClient(fake());
    const error = await getPull(client).catch((e: unknown) => e);
    expect(isPermissionError(error)).toBe(true);
    expect(fake().requestsTo('GET', PULL_PATH)).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('waits out a 429 secondary rate limit for retry-after seconds and retries once', async () => {
    fake().failNext('GET', PULL_PATH, 429, { headers: { 'retry-after': '7' } });
    const { client, warnings } = testClient(fake());
    const { data } = await getPull(client);
    expect(data.number).toBe(PR);
    expect(
      fake()
        .requestsTo('GET', PULL_PATH)
        .map((r) => r.status),
    ).toEqual([429, 200]);
    // retry-after 7 s, scaled by the 1 ms test unit.
    expect(warnings).toEqual([
      `GitHub API GET ${PULL_PATH}: secondary rate limit exceeded; retry 1 of 1 in 7 ms`,
    ]);
  });

  it('gives up on a secondary rate limit that persists after one retry', async () => {
    fake().failNext('GET', PULL_PATH, 429, { times: 5, headers: { 'retry-after': '1' } });
    const { client, warnings } = testClient(fake());
    const error = await getPull(client).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(429);
    expect(isPermissionError(error)).toBe(false);
    expect(fake().requestsTo('GET', PULL_PATH)).toHaveLength(2);
    expect(warnings.at(-1)).toMatch(/secondary rate limit still exceeded after 1 retries; giving up/);
  });

  it('waits for x-ratelimit-reset on a primary rate limit (403, remaining 0) and retries', async () => {
    const reset = Math.floor(Date.now() / 1000) + 2;
    fake().failNext('GET', PULL_PATH, 403, {
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    const { client, warnings } = testClient(fake());
    const { data } = await getPull(client);
    expect(data.number).toBe(PR);
    expect(
      fake()
        .requestsTo('GET', PULL_PATH)
        .map((r) => r.status),
    ).toEqual([403, 200]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/primary rate limit exceeded; retry 1 of 2 in \d ms$/);
  });

  it('does not wait for a rate limit that resets far in the future', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    fake().failNext('GET', PULL_PATH, 403, {
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded' },
    });
    const { client, warnings } = testClient(fake());
    const error = await getPull(client).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(403);
    expect(isPermissionError(error)).toBe(false);
    expect(fake().requestsTo('GET', PULL_PATH)).toHaveLength(1);
    expect(warnings[0]).toMatch(/longer than evalgate waits \(120 s\); giving up/);
  });

  it(`reads the test delay from ${RETRY_DELAY_ENV} and uses GITHUB_API_URL as the default base`, async () => {
    const env = { [RETRY_DELAY_ENV]: '2', GITHUB_API_URL: fake().url };
    fake().failNext('GET', PULL_PATH, 500);
    const warnings: string[] = [];
    const client = createGitHubClient({
      token: fake().token,
      ...gitHubSettings(env),
      log: { warn: (m) => warnings.push(m) },
    });
    await getPull(client);
    expect(warnings).toEqual([`GitHub API GET ${PULL_PATH} answered HTTP 500; retry 1 of 3 in 2 ms`]);
  });

  it('refuses an empty token with a message naming the github-token input', () => {
    expect(() => createGitHubClient({ token: ' ' })).toThrow(
      expect.objectContaining({ where: 'github-token', message: 'the GitHub token is empty' }),
    );
  });

  it(`rejects a malformed ${RETRY_DELAY_ENV}`, () => {
    expect(() => gitHubSettings({ [RETRY_DELAY_ENV]: 'soon' })).toThrow(
      `${RETRY_DELAY_ENV} must be a number`,
    );
  });
});
