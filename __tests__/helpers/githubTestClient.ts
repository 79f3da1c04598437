import { afterEach, beforeEach } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';

/** A client against the fake server with 1 ms retry delays, collecting its warnings. */
export function testClient(fake: FakeGitHub, options: { retries?: number } = {}) {
  const warnings: string[] = [];
  const client: GitHubClient = createGitHubClient({
    token: fake.token,
    baseUrl: fake.url,
    minRetryDelayMs: 1,
    retries: options.retries,
    log: { warn: (message) => warnings.push(message) },
  });
  return { client, warnings };
}

export const OWNER = 'acme';
export const REPO = 'vision';
export const HEAD_SHA = 'a'.repeat(40);
export const BASE_SHA = 'b'.repeat(40);

/** Puts pull request `number` of OWNER/REPO on the fake server: `headSha` on 'feature', into main at BASE_SHA. */
export function setTestPull(fake: FakeGitHub, number: number, headSha = HEAD_SHA): void {
  fake.setPull(OWNER, REPO, { number, headSha, baseSha: BASE_SHA, headRef: 'feature', baseRef: 'main' });
}

/**
 * A fresh fake GitHub server for each test of the calling file, closed after it; with `pull`, that
 * pull request of OWNER/REPO is on it (setTestPull). Returns the running test's server.
 */
export function useFakeGitHub(options: { pull?: number } = {}): () => FakeGitHub {
  let current: FakeGitHub | undefined;
  beforeEach(async () => {
    current = await startFakeGitHub();
    if (options.pull !== undefined) setTestPull(current, options.pull);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useFakeGitHub: the fake server runs only inside a test');
    return current;
  };
}
