/**
 * The one place an authenticated GitHub REST client is made: @actions/github's Octokit (REST
 * methods + pagination, proxy-aware fetch) with octokit's retry and throttling plugins.
 *
 * - Server errors (5xx, and network failures, which octokit reports as 500) are retried with
 *   quadratic backoff: the nth retry waits n² × the base delay (1 s), `retries` times (default 3).
 * - Rate limits are left to the throttling plugin, which honours GitHub's own wait:
 *   primary limits (x-ratelimit-remaining: 0) wait until x-ratelimit-reset and retry up to
 *   `PRIMARY_RATE_LIMIT_RETRIES` times; secondary limits ("You have exceeded a secondary rate
 *   limit", 403 or 429) wait `retry-after` and retry once. A wait longer than
 *   `MAX_RATE_LIMIT_WAIT_S` is not taken: the call fails, and callers degrade (a comment that
 *   cannot be posted never changes the verdict).
 *   See https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * - Every retry is reported through `log.warn`, so a slow job says why.
 *
 * - Every response body is read as it arrives, never paused, and whole before the answer is
 *   returned: see `unpausedFetch` (an HTTP/1.0 front end that closes each connection crashed
 *   undici 6 otherwise, nodejs/undici#5360) and `wholeBody` (a raw body could be lost to GC).
 *
 * Timing is the caller's: `baseUrl` and `minRetryDelayMs` are options (the action adapter reads
 * GITHUB_API_URL and its documented retry setting from the runner's environment and passes them),
 * so this module reads no environment. A base delay below 1 s also drops the throttling plugin's
 * one-write-per-second pacing, which GitHub asks of real clients: it is meant for local fakes.
 */
import { getOctokit } from '@actions/github';
import { HttpClient } from '@actions/http-client';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Agent, DecoratorHandler, type Dispatcher, fetch as undiciFetch } from 'undici';
import { InputError } from '../shared/errors.js';
import { TOOL_VERSION } from '../shared/version.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubLog {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface GitHubClientOptions {
  /** A GITHUB_TOKEN or personal access token. Never logged. */
  token: string;
  /** REST API root (the runner's GITHUB_API_URL, GHES included, passed by the adapter); default api.github.com. */
  baseUrl?: string;
  userAgent?: string;
  /** Retries of a server error (5xx or network failure); default 3. */
  retries?: number;
  /**
   * Base delay in milliseconds (default 1000): the nth retry of a server error waits n² times
   * this, and rate-limit waits given by GitHub in seconds are scaled by this / 1000. Below 1000
   * the one-write-per-second pacing is dropped too (a local fake server, or a GHES instance
   * whose administrators lifted the limits).
   */
  minRetryDelayMs?: number;
  log?: GitHubLog;
}

const DEFAULT_RETRIES = 3;
/** Retries after a primary rate limit (the quota is back after x-ratelimit-reset). */
const PRIMARY_RATE_LIMIT_RETRIES = 2;
/** Retries after a secondary rate limit: one, as GitHub asks clients not to hammer. */
const SECONDARY_RATE_LIMIT_RETRIES = 1;
/** Longest rate-limit wait taken, in seconds; beyond it the call fails and the caller degrades. */
const MAX_RATE_LIMIT_WAIT_S = 120;
/**
 * Statuses never retried by the retry plugin: client errors that a retry cannot fix, and 429,
 * which the throttling plugin handles with GitHub's own retry-after (the retry plugin would
 * otherwise retry it on its own schedule first).
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { token } = options;
  if (token.trim() === '') {
    throw new InputError('the GitHub token is empty', {
      code: 'E_GITHUB',
      where: 'github-token',
      hint: "leave the input out to use the workflow's GITHUB_TOKEN (the input's default)",
    });
  }
  const log: GitHubLog = options.log ?? { warn: (message) => console.warn(message) };
  const retries = options.retries ?? DEFAULT_RETRIES;
  const delayMs = options.minRetryDelayMs ?? 1000;
  const baseUrl = options.baseUrl ?? 'https://api.github.com';
  return getOctokit(
    token,
    {
      baseUrl,
      request: { fetch: unpausedFetch(baseUrl) },
      userAgent: options.userAgent ?? `evalgate/${TOOL_VERSION}`,
      log: {
        debug: (message: string) => log.debug?.(message),
        info: (message: string) => log.debug?.(message),
        warn: (message: string) => log.warn(message),
        error: (message: string) => log.warn(message),
      },
      retry: { retries, retryAfterBaseValue: delayMs, doNotRetry: DO_NOT_RETRY },
      throttle: throttleOptions(log, delayMs),
    },
    retryLogger(log, retries, delayMs) as never,
    retry,
    throttling,
  );
}

/**
 * The fetch the client sends every request with: undici's (as @actions/github's default, with the
 * same proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, which @actions/http-client reads), through
 * a dispatcher that never pauses the HTTP parser.
 *
 * Why: undici's HTTP/1 parser pauses when a response body arrives faster than it is read (more than
 * the body stream's 16 KB buffer, e.g. the 38 KB baseline.json). If the server then ends the
 * connection, as an HTTP/1.0 server or proxy does after every response (the body ends with the
 * connection), undici 6.x and 7.x assert `!this.paused` in the socket's 'end' handler and the
 * process dies of an uncatchable AssertionError (nodejs/undici#5360). The fix (nodejs/undici#5474)
 * is only in undici 8, which needs Node 22.19 and which @actions/github's `undici ^6` does not
 * accept. GitHub's answers are JSON documents and files of a few MB at most, which Octokit reads
 * whole anyway, so backpressure buys nothing here: the body is taken as it arrives.
 */
export function unpausedFetch(baseUrl: string): typeof fetch {
  const proxy = new HttpClient().getAgentDispatcher(baseUrl);
  const dispatcher = (proxy ?? new Agent()).compose(
    (dispatch) => (options, handler) => dispatch(options, new UnpausedHandler(handler)),
  );
  return (async (url: string | URL, init?: Parameters<typeof undiciFetch>[1]) =>
    wholeBody(await undiciFetch(url, { ...init, dispatcher }))) as unknown as typeof fetch;
}

/** Statuses whose response may carry no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES: readonly number[] = [101, 204, 205, 304];

/**
 * The response with its body already read into memory. Octokit hands a caller that asks for the
 * raw body (`parseSuccessResponseBody: false`, as readFileAtCommit does) the body stream alone
 * and drops the Response; undici cancels the stream of a Response that is garbage-collected
 * before its body is read (a FinalizationRegistry in its fetch), so a collection between the
 * two, likely in a job that has just loaded a model, made the file read as empty ("baseline.json
 * is not valid JSON"). A body read here cannot be lost that way.
 */
async function wholeBody(response: Response): Promise<Response> {
  const body = NULL_BODY_STATUSES.includes(response.status) ? null : await response.arrayBuffer();
  const whole = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Octokit reads `url` (after redirects) into its answer; a constructed Response has none.
  Object.defineProperty(whole, 'url', { value: response.url });
  return whole;
}

/**
 * Passes every event on, and answers "go on" to the two that may pause the parser (a handler
 * returning false from onHeaders or onData asks undici to stop reading the socket).
 */
class UnpausedHandler extends DecoratorHandler {
  onHeaders(...args: Parameters<NonNullable<Dispatcher.DispatchHandlers['onHeaders']>>): boolean {
    (DecoratorHandler.prototype as Dispatcher.DispatchHandlers).onHeaders!.apply(this, args);
    return true;
  }

  onData(chunk: Buffer): boolean {
    (DecoratorHandler.prototype as Dispatcher.DispatchHandlers).onData!.call(this, chunk);
    return true;
  }
}

/**
 * Innermost plugin: sees every attempt's error before the retry plugin decides, so each retry of
 * a server error is logged once, with the wait the retry plugin will take.
 */
function retryLogger(log: GitHubLog, retries: number, delayMs: number) {
  return (octokit: { hook: HookLike }) => {
    octokit.hook.error('request', (error: unknown, requestOptions: RequestOptionsLike) => {
      const status = statusOf(error);
      const attempt = requestOptions.request?.retryCount ?? 0;
      // A request may lower its own retries (`request: { retries: 0 }`, e.g. a probe whose failure
      // is expected); the retry plugin honours that, and so must this log.
      const allowed = requestOptions.request?.retries ?? retries;
      if (status !== undefined && status >= 400 && !DO_NOT_RETRY.includes(status) && attempt < allowed) {
        const waitMs = (attempt + 1) ** 2 * delayMs;
        log.warn(
          `GitHub API ${requestOptions.method} ${pathOf(requestOptions)} answered HTTP ${status}; ` +
            `retry ${attempt + 1} of ${allowed} in ${formatWait(waitMs)}`,
        );
      }
      throw error;
    });
  };
}

/** The throttling plugin's settings: GitHub's own waits, bounded, each logged; unpaced below 1 s. */
function throttleOptions(log: GitHubLog, delayMs: number) {
  return {
    retryAfterBaseValue: delayMs,
    onRateLimit: rateLimitHandler(log, delayMs, 'primary', PRIMARY_RATE_LIMIT_RETRIES),
    onSecondaryRateLimit: rateLimitHandler(log, delayMs, 'secondary', SECONDARY_RATE_LIMIT_RETRIES),
    ...(delayMs < 1000 ? { write: unpacedGroup, notifications: unpacedGroup } : {}),
  };
}

/** Decides whether to wait out a rate limit (true) or give up (false), and says which. */
function rateLimitHandler(
  log: GitHubLog,
  delayMs: number,
  kind: 'primary' | 'secondary',
  maxRetries: number,
) {
  return (
    retryAfterS: number,
    requestOptions: { method?: string; url?: string },
    _octokit: unknown,
    retryCount: number,
  ): boolean => {
    const where = `GitHub API ${requestOptions.method ?? 'request'} ${pathOf(requestOptions)}`;
    if (retryCount >= maxRetries) {
      log.warn(`${where}: ${kind} rate limit still exceeded after ${retryCount} retries; giving up`);
      return false;
    }
    if (retryAfterS > MAX_RATE_LIMIT_WAIT_S) {
      log.warn(
        `${where}: ${kind} rate limit exceeded; GitHub asks to wait ${retryAfterS} s, ` +
          `longer than evalgate waits (${MAX_RATE_LIMIT_WAIT_S} s); giving up`,
      );
      return false;
    }
    log.warn(
      `${where}: ${kind} rate limit exceeded; retry ${retryCount + 1} of ${maxRetries} ` +
        `in ${formatWait(retryAfterS * delayMs)}`,
    );
    return true;
  };
}

/**
 * Stands in for the throttling plugin's write limiter (a Bottleneck group pacing writes one per
 * second) when the base delay is below 1 s: it runs each job at once.
 */
const unpacedGroup = {
  key: () => ({
    schedule: (...args: unknown[]) => {
      // schedule([jobOptions,] fn, ...fnArgs)
      const start = typeof args[0] === 'function' ? 0 : 1;
      const fn = args[start] as (...fnArgs: unknown[]) => unknown;
      return Promise.resolve(fn(...args.slice(start + 1)));
    },
  }),
} as never;

interface HookLike {
  error(name: 'request', hook: (error: unknown, options: RequestOptionsLike) => unknown): void;
}

interface RequestOptionsLike {
  method: string;
  url?: string;
  request?: { retryCount?: number; retries?: number };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The URL path of a request, its route template filled in from the request's parameters
 * (`/repos/{owner}/{repo}/pulls/{pull_number}` -> `/repos/acme/vision/pulls/3`); never the
 * query, never credentials.
 */
function pathOf(requestOptions: { url?: string }): string {
  const parameters = requestOptions as Record<string, unknown>;
  const url = (requestOptions.url ?? '').replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = parameters[name];
    return typeof value === 'string' || typeof value === 'number' ? encodeURIComponent(String(value)) : whole;
  });
  try {
    return new URL(url, 'http://github.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
