/**
 * Reading the errors octokit throws (RequestError: status, request, response) without importing
 * its class: duck-typed, so errors from any octokit version or a test double read the same.
 */

interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
}

function asRequestError(error: unknown): RequestErrorLike | null {
  if (typeof error !== 'object' || error === null) return null;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return null;
  return error as RequestErrorLike;
}

/** GitHub's own `message` from the response body, else the error's message. */
function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (typeof data === 'object' && data !== null) {
    const message = (data as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return error.message;
}

/** True for a 403/429 that is a rate limit (primary or secondary), not a missing permission. */
export function isRateLimitError(error: unknown): boolean {
  const requestError = asRequestError(error);
  if (requestError === null || (requestError.status !== 403 && requestError.status !== 429)) return false;
  if (requestError.status === 429) return true;
  const remaining = requestError.response?.headers?.['x-ratelimit-remaining'];
  return String(remaining) === '0' || /rate limit/i.test(githubMessage(requestError));
}

/**
 * True when the token may not do what was asked, the case to degrade on (warn, keep the job
 * summary and the verdict) rather than fail:
 * - 403 that is not a rate limit, e.g. "Resource not accessible by integration", the answer to
 *   a `pull_request` run from a fork, whose GITHUB_TOKEN is read-only;
 * - 401 (a revoked or expired token);
 * - 404 on a write (POST, PATCH, PUT, DELETE): GitHub answers 404, not 403, when a token cannot
 *   see or write the repository, so it must not be taken for a missing pull request.
 */
export function isPermissionError(error: unknown): boolean {
  const requestError = asRequestError(error);
  if (requestError === null) return false;
  const { status } = requestError;
  if (status === 401) return true;
  if (status === 403) return !isRateLimitError(error);
  if (status === 404) {
    const method = (requestError.request?.method ?? 'GET').toUpperCase();
    return method !== 'GET' && method !== 'HEAD';
  }
  return false;
}

/** True for an HTTP 404 (a missing file, pull request or comment). */
export function isNotFoundError(error: unknown): boolean {
  return asRequestError(error)?.status === 404;
}

/**
 * One line for a person: `GitHub API PATCH /repos/o/r/issues/comments/1 failed with HTTP 403:
 * Resource not accessible by integration`. Only the URL path goes in (no query string, no
 * headers), so a token can never be printed.
 */
export function describeGitHubError(error: unknown): string {
  const requestError = asRequestError(error);
  if (requestError === null) {
    return `GitHub API request failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const method = requestError.request?.method?.toUpperCase() ?? 'request';
  const path = pathOnly(requestError.request?.url);
  const where = path === '' ? `GitHub API ${method}` : `GitHub API ${method} ${path}`;
  const status =
    requestError.status === 500 && !requestError.response ? 'a network error' : `HTTP ${requestError.status}`;
  return `${where} failed with ${status}: ${oneLine(githubMessage(requestError))}`;
}

function pathOnly(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    return new URL(url, 'http://github.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
