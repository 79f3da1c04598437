/**
 * A local stand-in for the GitHub REST API (node:http on 127.0.0.1), for tests in this process
 * and for tests that spawn `node dist/index.js` with GITHUB_API_URL pointing here. Plain module:
 * no vitest import.
 *
 * Speaks the endpoints evalgate calls, shaped like GitHub's answers:
 * - GET    /repos/{o}/{r}/issues/{n}/comments      (per_page <= 100, page, Link header)
 * - POST   /repos/{o}/{r}/issues/{n}/comments      201
 * - PATCH  /repos/{o}/{r}/issues/comments/{id}     200
 * - DELETE /repos/{o}/{r}/issues/comments/{id}     204
 * - GET    /repos/{o}/{r}/pulls/{n}
 * - GET    /repos/{o}/{r}/issues/{n}/labels        (paginated)
 * - GET    /repos/{o}/{r}/issues/{n}/events        (paginated)
 * - GET    /repos/{o}/{r}/contents/{path}?ref=     raw bytes with Accept vnd.github.raw, else JSON/base64
 * - GET    /user                                   the token's user for a personal token; 403
 *                                                  "Resource not accessible by integration" for an
 *                                                  installation token (GITHUB_TOKEN), the default
 * Anything else answers 404 (and is recorded); `route()` adds endpoints.
 *
 * Every request is checked for `Authorization: token <token>` (or Bearer) and recorded in
 * `requests` (headers without authorization). `failNext()` injects faults; `barrier()` holds
 * requests until several have arrived, to make races deterministic.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}

export interface FakePull {
  number: number;
  headSha: string;
  baseSha: string;
  headRef: string;
  baseRef: string;
  /** `owner/name` of the head repository; another repository = a fork; null = deleted. */
  headRepository?: string | null;
  state?: 'open' | 'closed';
  /** Login of the pull request's author (default 'contributor'). */
  author?: string;
}

export interface FakeLabelEvent {
  id: number;
  event: 'labeled' | 'unlabeled';
  label: string;
  actor: string;
  created_at: string;
  /** Slug of the GitHub App the event was performed through (`performed_via_github_app`). */
  viaApp?: string;
}

export interface RecordedRequest {
  method: string;
  /** URL path, percent-decoded. */
  path: string;
  /** URL path as sent (still percent-encoded). */
  rawPath: string;
  query: Record<string, string>;
  /** Lower-case header names; no `authorization`. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when not JSON, or undefined when empty. */
  body: unknown;
  /** Status answered. */
  status: number;
}

export interface FailOptions {
  /** How many matching requests fail (default 1). */
  times?: number;
  headers?: Record<string, string>;
  /** Response body (JSON); default `{ message, documentation_url }` fitting the status. */
  body?: unknown;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (
  request: Pick<RecordedRequest, 'method' | 'path' | 'query' | 'headers' | 'body'> & { match: RegExpMatchArray },
) => RouteResponse | Promise<RouteResponse>;

export interface FakeGitHubOptions {
  /** Token the client must send (default 'test-token'). */
  token?: string;
  /** Author of comments created through the API (default github-actions[bot]). */
  user?: FakeUser;
  /**
   * What the token is: 'installation' (GITHUB_TOKEN, an app's token: `GET /user` answers 403) or
   * 'personal' (a personal access token: `GET /user` answers `user`). Default 'installation'.
   */
  tokenKind?: 'installation' | 'personal';
  /** Page size when the client sends no per_page (GitHub: 30). */
  defaultPerPage?: number;
  /** Branch name used for contents requests without `ref` (default 'main'). */
  defaultBranch?: string;
}

export interface FakeGitHub {
  /** Base URL to use as GITHUB_API_URL, e.g. http://127.0.0.1:12345 (no trailing slash). */
  url: string;
  token: string;
  /** Live state: mutate these (push, set, splice), never reassign them. */
  comments: FakeComment[];
  /** Keyed by `owner/repo#number`. */
  pulls: Map<string, FakePull>;
  /** Current labels, keyed by `owner/repo#number`. */
  labels: Map<string, string[]>;
  /** Issue events, keyed by `owner/repo#number`, oldest first. */
  events: Map<string, FakeLabelEvent[]>;
  /** File contents keyed by `fileKey(ref, path)`. */
  files: Map<string, Buffer>;
  requests: RecordedRequest[];

  /** Adds a comment as if posted earlier (id assigned in creation order). */
  addComment(input: {
    owner: string;
    repo: string;
    issueNumber: number;
    body: string;
    user?: FakeUser;
  }): FakeComment;
  /** Comments of one issue, oldest first. */
  commentsOn(owner: string, repo: string, issueNumber: number): FakeComment[];
  setPull(owner: string, repo: string, pull: FakePull): void;
  /**
   * Puts a label on the issue and records who added it when (`labeled` event); an actor whose
   * login ends in `[bot]` is a Bot. `viaApp` records the event as performed through that app.
   */
  addLabel(
    owner: string,
    repo: string,
    issueNumber: number,
    label: string,
    by?: string,
    at?: string,
    options?: { viaApp?: string },
  ): void;
  removeLabel(
    owner: string,
    repo: string,
    issueNumber: number,
    label: string,
    by?: string,
    at?: string,
  ): void;
  setFile(ref: string, path: string, content: string | Buffer): void;
  /** The next `times` requests matching method and path fail with `status`. */
  failNext(method: string, pathPattern: string | RegExp, status: number, options?: FailOptions): void;
  /**
   * The next `count` requests matching method and path are held until all `count` have arrived,
   * then answered together: two racing runs both see the state before either writes.
   */
  barrier(method: string, pathPattern: string | RegExp, count: number): void;
  /** Adds or overrides an endpoint (checked before the built-in ones). */
  route(method: string, pathPattern: RegExp, handler: RouteHandler): void;
  /** Requests matching method and path (path is the decoded path). */
  requestsTo(method: string, pathPattern: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

export const DEFAULT_FAKE_TOKEN = 'test-token';
export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

export function issueKey(owner: string, repo: string, issueNumber: number): string {
  return `${owner}/${repo}#${issueNumber}`;
}

export function fileKey(ref: string, path: string): string {
  return `${ref}:${path}`;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  422: 'Validation Failed',
  429: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  500: 'Internal Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
};

interface Fault {
  method: string;
  pattern: string | RegExp;
  status: number;
  remaining: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Barrier {
  method: string;
  pattern: string | RegExp;
  count: number;
  waiting: Array<() => void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

function matches(method: string, pattern: string | RegExp, requestMethod: string, path: string): boolean {
  if (method !== '*' && method.toUpperCase() !== requestMethod) return false;
  return typeof pattern === 'string' ? path === pattern || path.endsWith(pattern) : pattern.test(path);
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = options.token ?? DEFAULT_FAKE_TOKEN;
  const apiUser = options.user ?? ACTIONS_BOT;
  const tokenKind = options.tokenKind ?? 'installation';
  const defaultPerPage = options.defaultPerPage ?? 30;
  const defaultBranch = options.defaultBranch ?? 'main';
  const faults: Fault[] = [];
  const barriers: Barrier[] = [];
  const routes: Route[] = [];
  let nextId = 1_000_001;
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const now = () => {
    clock += 1000;
    return new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  };

  let url = '';
  const state = {
    comments: [] as FakeComment[],
    pulls: new Map<string, FakePull>(),
    labels: new Map<string, string[]>(),
    events: new Map<string, FakeLabelEvent[]>(),
    files: new Map<string, Buffer>(),
    requests: [] as RecordedRequest[],
  };

  const commentJson = (comment: FakeComment) => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${url}/repos/${comment.owner}/${comment.repo}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${comment.owner}/${comment.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${url}/repos/${comment.owner}/${comment.repo}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: { login: comment.user.login, id: comment.user.id, type: comment.user.type },
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  });

  const addComment: FakeGitHub['addComment'] = (input) => {
    const at = now();
    const comment: FakeComment = {
      id: nextId++,
      owner: input.owner,
      repo: input.repo,
      issueNumber: input.issueNumber,
      body: input.body,
      user: input.user ?? apiUser,
      created_at: at,
      updated_at: at,
    };
    state.comments.push(comment);
    return comment;
  };

  const commentsOn: FakeGitHub['commentsOn'] = (owner, repo, issueNumber) =>
    state.comments
      .filter((c) => c.owner === owner && c.repo === repo && c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id);

  const labelEvent = (
    owner: string,
    repo: string,
    issueNumber: number,
    event: 'labeled' | 'unlabeled',
    label: string,
    by: string,
    at: string | undefined,
    viaApp?: string,
  ) => {
    const key = issueKey(owner, repo, issueNumber);
    const list = state.events.get(key) ?? [];
    list.push({
      id: nextId++,
      event,
      label,
      actor: by,
      created_at: at ?? now(),
      ...(viaApp === undefined ? {} : { viaApp }),
    });
    state.events.set(key, list);
  };

  /** One page of `items`, with GitHub's Link header (absolute URLs, first/prev/next/last). */
  const paginate = (items: unknown[], path: string, query: Record<string, string>): RouteResponse => {
    const perPage = Math.min(100, Math.max(1, Number(query['per_page'] ?? defaultPerPage) || defaultPerPage));
    const page = Math.max(1, Number(query['page'] ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const pageUrl = (n: number) => {
      const params = new URLSearchParams({ ...query, per_page: String(perPage), page: String(n) });
      return `${url}${path}?${params.toString()}`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`, `<${pageUrl(1)}>; rel="first"`);
    if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  };

  const notFound = (): RouteResponse => ({
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  });

  const handleBuiltIn = (
    method: string,
    path: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    body: unknown,
  ): RouteResponse => {
    let m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/);
    if (m) {
      const [, owner, repo, n] = m;
      if (method === 'GET') return paginate(commentsOn(owner, repo, Number(n)).map(commentJson), path, query);
      if (method === 'POST') {
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string' || text === '') {
          return {
            status: 422,
            body: { message: 'Validation Failed', errors: [{ field: 'body', code: 'missing' }] },
          };
        }
        if (text.length > 65_536) {
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ field: 'body', message: 'Body is too long (maximum is 65536 characters)' }],
            },
          };
        }
        return {
          status: 201,
          body: commentJson(addComment({ owner, repo, issueNumber: Number(n), body: text })),
        };
      }
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/);
    if (m) {
      const [, owner, repo, id] = m;
      const index = state.comments.findIndex(
        (c) => c.owner === owner && c.repo === repo && c.id === Number(id),
      );
      if (index < 0) return notFound();
      const comment = state.comments[index];
      if (method === 'GET') return { status: 200, body: commentJson(comment) };
      if (method === 'PATCH') {
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string' || text === '' || text.length > 65_536) {
          return { status: 422, body: { message: 'Validation Failed' } };
        }
        comment.body = text;
        comment.updated_at = now();
        return { status: 200, body: commentJson(comment) };
      }
      if (method === 'DELETE') {
        state.comments.splice(index, 1);
        return { status: 204 };
      }
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/);
    if (m && method === 'GET') {
      const [, owner, repo, n] = m;
      const pull = state.pulls.get(issueKey(owner, repo, Number(n)));
      if (!pull) return notFound();
      const baseFullName = `${owner}/${repo}`;
      const headFullName = pull.headRepository === undefined ? baseFullName : pull.headRepository;
      const repoJson = (fullName: string) => ({
        full_name: fullName,
        name: fullName.split('/')[1],
        owner: { login: fullName.split('/')[0] },
        fork: fullName !== baseFullName,
      });
      return {
        status: 200,
        body: {
          number: pull.number,
          state: pull.state ?? 'open',
          user: { login: pull.author ?? 'contributor', id: 5, type: 'User' },
          html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}`,
          head: {
            sha: pull.headSha,
            ref: pull.headRef,
            label: `${(headFullName ?? 'unknown/unknown').split('/')[0]}:${pull.headRef}`,
            repo: headFullName === null ? null : repoJson(headFullName),
          },
          base: {
            sha: pull.baseSha,
            ref: pull.baseRef,
            label: `${owner}:${pull.baseRef}`,
            repo: repoJson(baseFullName),
          },
        },
      };
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/);
    if (m && method === 'GET') {
      const [, owner, repo, n] = m;
      const names = state.labels.get(issueKey(owner, repo, Number(n))) ?? [];
      return paginate(
        names.map((name, i) => ({ id: 9000 + i, name, color: 'ededed', default: false, description: null })),
        path,
        query,
      );
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/events$/);
    if (m && method === 'GET') {
      const [, owner, repo, n] = m;
      const events = state.events.get(issueKey(owner, repo, Number(n))) ?? [];
      return paginate(
        events.map((e) => ({
          id: e.id,
          event: e.event,
          actor: { login: e.actor, id: 1, type: e.actor.endsWith('[bot]') ? 'Bot' : 'User' },
          label: { name: e.label, color: 'ededed' },
          created_at: e.created_at,
          performed_via_github_app:
            e.viaApp === undefined ? null : { id: 7, slug: e.viaApp, name: e.viaApp, owner: { login: 'x' } },
        })),
        path,
        query,
      );
    }
    if (path === '/user' && method === 'GET') {
      if (tokenKind === 'personal') {
        return { status: 200, body: { login: apiUser.login, id: apiUser.id, type: apiUser.type } };
      }
      return {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        },
      };
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/);
    if (m && method === 'GET') {
      const filePath = m[3];
      const ref = query['ref'] ?? defaultBranch;
      const content = state.files.get(fileKey(ref, filePath));
      if (content === undefined) return notFound();
      const accept = headers['accept'] ?? '';
      if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
        // Labelled utf-8 whatever the bytes: the worst case for a client that would decode it as text.
        return {
          status: 200,
          body: content,
          headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' },
        };
      }
      if (content.length > 1024 * 1024) {
        return {
          status: 403,
          body: { message: 'This API returns blobs up to 1 MB in size.', errors: [{ code: 'too_large' }] },
        };
      }
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: content.length,
          name: filePath.split('/').pop(),
          path: filePath,
          content: content.toString('base64'),
        },
      };
    }
    return notFound();
  };

  const takeFault = (method: string, path: string): Fault | undefined => {
    const fault = faults.find((f) => f.remaining > 0 && matches(f.method, f.pattern, method, path));
    if (fault) fault.remaining -= 1;
    return fault;
  };

  const waitAtBarrier = async (method: string, path: string): Promise<void> => {
    const barrier = barriers.find(
      (b) => b.waiting.length < b.count && matches(b.method, b.pattern, method, path),
    );
    if (!barrier) return;
    await new Promise<void>((resolve) => {
      barrier.waiting.push(resolve);
      if (barrier.waiting.length === barrier.count) {
        barriers.splice(barriers.indexOf(barrier), 1);
        for (const release of barrier.waiting) release();
      }
    });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const method = (req.method ?? 'GET').toUpperCase();
        const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
        const rawPath = parsed.pathname;
        let path = rawPath;
        try {
          path = decodeURIComponent(rawPath);
        } catch {
          // keep the raw path
        }
        const query = Object.fromEntries(parsed.searchParams.entries());
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (name === 'authorization' || value === undefined) continue;
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        const record: RecordedRequest = { method, path, rawPath, query, headers, body, status: 0 };
        state.requests.push(record);

        let response: RouteResponse;
        const authorization = req.headers['authorization'] ?? '';
        if (authorization !== `token ${token}` && authorization !== `Bearer ${token}`) {
          response = {
            status: 401,
            body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
          };
        } else {
          await waitAtBarrier(method, path);
          const fault = takeFault(method, path);
          if (fault) {
            response = {
              status: fault.status,
              headers: fault.headers,
              body: fault.body ?? {
                message: DEFAULT_MESSAGES[fault.status] ?? `HTTP ${fault.status}`,
                documentation_url: 'https://docs.github.com/rest',
              },
            };
          } else {
            const route = routes.find((r) => matches(r.method, r.pattern, method, path));
            const match = route ? path.match(route.pattern) : null;
            try {
              response =
                route && match
                  ? await route.handler({ method, path, query, headers, body, match })
                  : handleBuiltIn(method, path, query, headers, body);
            } catch (error) {
              response = { status: 500, body: { message: `fake GitHub route failed: ${String(error)}` } };
            }
          }
        }
        record.status = response.status;
        send(res, response);
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    ...state,
    addComment,
    commentsOn,
    setPull: (owner, repo, pull) => {
      state.pulls.set(issueKey(owner, repo, pull.number), pull);
    },
    addLabel: (owner, repo, issueNumber, label, by = 'octocat', at, labelOptions = {}) => {
      const key = issueKey(owner, repo, issueNumber);
      const labels = state.labels.get(key) ?? [];
      if (!labels.includes(label)) labels.push(label);
      state.labels.set(key, labels);
      labelEvent(owner, repo, issueNumber, 'labeled', label, by, at, labelOptions.viaApp);
    },
    removeLabel: (owner, repo, issueNumber, label, by = 'octocat', at) => {
      const key = issueKey(owner, repo, issueNumber);
      state.labels.set(
        key,
        (state.labels.get(key) ?? []).filter((name) => name !== label),
      );
      labelEvent(owner, repo, issueNumber, 'unlabeled', label, by, at);
    },
    setFile: (ref, path, content) => {
      state.files.set(fileKey(ref, path), Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    },
    failNext: (method, pathPattern, status, failOptions = {}) => {
      faults.push({
        method,
        pattern: pathPattern,
        status,
        remaining: failOptions.times ?? 1,
        headers: failOptions.headers ?? {},
        body: failOptions.body,
      });
    },
    barrier: (method, pathPattern, count) => {
      barriers.push({ method, pattern: pathPattern, count, waiting: [] });
    },
    route: (method, pathPattern, handler) => {
      routes.push({ method, pattern: pathPattern, handler });
    },
    requestsTo: (method, pathPattern) =>
      state.requests.filter((r) => matches(method, pathPattern, r.method, r.path)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: http.ServerResponse, response: RouteResponse): void {
  const headers: Record<string, string> = {
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    ...response.headers,
  };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const isBytes = Buffer.isBuffer(response.body);
  const payload = isBytes ? (response.body as Buffer) : Buffer.from(JSON.stringify(response.body), 'utf8');
  headers['content-type'] ??= 'application/json; charset=utf-8';
  headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}
