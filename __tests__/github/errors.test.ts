import { describe, expect, it } from 'vitest';
import {
  describeGitHubError,
  isNotFoundError,
  isPermissionError,
  isRateLimitError,
} from '../../src/github/errors.js';

/** Shaped like octokit's RequestError. */
function requestError(
  status: number,
  message: string,
  request: { method: string; url: string },
  headers: Record<string, string> = {},
) {
  return Object.assign(new Error(message), {
    status,
    request: { ...request, headers: { authorization: 'token ghs_secret123' } },
    response: { status, url: request.url, headers, data: { message } },
  });
}

const comments = { method: 'POST', url: 'https://api.github.com/repos/acme/vision/issues/7/comments' };

describe('isPermissionError', () => {
  it('is true for 403 Resource not accessible by integration (a fork token)', () => {
    expect(isPermissionError(requestError(403, 'Resource not accessible by integration', comments))).toBe(
      true,
    );
  });

  it('is true for a 404 on a write and for 401', () => {
    expect(isPermissionError(requestError(404, 'Not Found', comments))).toBe(true);
    expect(isPermissionError(requestError(401, 'Bad credentials', comments))).toBe(true);
  });

  it('is false for a 404 on a read (a missing file or pull request)', () => {
    const read = { method: 'GET', url: 'https://api.github.com/repos/acme/vision/contents/a.json?ref=abc' };
    expect(isPermissionError(requestError(404, 'Not Found', read))).toBe(false);
    expect(isNotFoundError(requestError(404, 'Not Found', read))).toBe(true);
  });

  it('is false for rate limits, 5xx and non-HTTP errors', () => {
    const primary = requestError(403, 'API rate limit exceeded', comments, { 'x-ratelimit-remaining': '0' });
    const secondary = requestError(403, 'You have exceeded a secondary rate limit', comments);
    expect(isPermissionError(primary)).toBe(false);
    expect(isRateLimitError(primary)).toBe(true);
    expect(isPermissionError(secondary)).toBe(false);
    expect(isRateLimitError(secondary)).toBe(true);
    expect(isPermissionError(requestError(502, 'Bad Gateway', comments))).toBe(false);
    expect(isPermissionError(new Error('socket hang up'))).toBe(false);
    expect(isPermissionError(undefined)).toBe(false);
  });
});

describe('describeGitHubError', () => {
  it('names method, path, status and GitHub message, and never the token or the query', () => {
    const error = requestError(403, 'Resource not accessible by integration', {
      method: 'PATCH',
      url: 'https://api.github.com/repos/acme/vision/issues/comments/42?access_token=ghs_secret123',
    });
    const text = describeGitHubError(error);
    expect(text).toBe(
      'GitHub API PATCH /repos/acme/vision/issues/comments/42 failed with HTTP 403: Resource not accessible by integration',
    );
    expect(text).not.toContain('ghs_secret123');
  });

  it('describes a non-HTTP failure', () => {
    expect(describeGitHubError(new Error('getaddrinfo ENOTFOUND api.github.com'))).toBe(
      'GitHub API request failed: getaddrinfo ENOTFOUND api.github.com',
    );
  });
});
