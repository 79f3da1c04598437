/**
 * The pull request a run is about, read from the event payload the runner writes to
 * GITHUB_EVENT_PATH (`pull_request` family, `workflow_run` for the publish stage) or from the API.
 * Payload fields are checked, and a missing one is named by its path in the payload.
 */
import { InputError } from '../shared/errors.js';
import type { GitHubClient } from './client.js';

export interface PullRequestContext {
  /** Owner and name of the repository the pull request is opened against (its base). */
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
  headRef: string;
  /** The head branch lives in another repository (a fork), or its repository was deleted. */
  isFork: boolean;
}

/** Events whose payload carries `pull_request` with head and base. */
const PULL_REQUEST_EVENTS: readonly string[] = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
];

const WHERE = 'GITHUB_EVENT_PATH';

/**
 * The pull request of a `pull_request` / `pull_request_target` (or review) event; null for any
 * other event (push, schedule, workflow_dispatch...). Throws InputError naming the payload field
 * when the payload is not shaped like GitHub's.
 */
export function pullRequestFromEvent(eventName: string, payload: unknown): PullRequestContext | null {
  if (!PULL_REQUEST_EVENTS.includes(eventName)) return null;
  const root = new Fields(payload, '', eventName);
  const pr = root.object('pull_request');
  const head = pr.object('head');
  const base = pr.object('base');
  const baseRepo = base.object('repo');
  const headRepo = head.nullableObject('repo');
  const baseFullName = baseRepo.string('full_name');
  return {
    owner: baseRepo.object('owner').string('login'),
    repo: baseRepo.string('name'),
    number: pr.positiveInteger('number'),
    headSha: head.sha('sha'),
    baseSha: base.sha('sha'),
    baseRef: base.string('ref'),
    headRef: head.string('ref'),
    isFork: headRepo === null || headRepo.string('full_name') !== baseFullName,
  };
}

/** A pull request as `workflow_run.pull_requests[]` lists it. */
export interface WorkflowRunPullRequest {
  number: number;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
}

export interface WorkflowRunContext {
  /** The repository the workflow runs in (where the comment goes). */
  owner: string;
  repo: string;
  runId: number;
  /** The event that triggered the evaluating run, e.g. `pull_request`. */
  event: string;
  /** The commit the evaluating run checked out; the comment is posted only if it is still the PR head. */
  headSha: string;
  /** Link to the evaluating run (`workflow_run.html_url`); null when the payload has none. */
  htmlUrl: string | null;
  headBranch: string | null;
  /** `owner/name` of the repository the head commit came from; null when it was deleted. */
  headRepository: string | null;
  isFork: boolean;
  /**
   * Pull requests GitHub links to the run. EMPTY for pull requests from forks (a GitHub
   * limitation), so the publish stage takes the number from the uploaded result and checks it
   * against the API (`fetchPullRequest`: head sha equal to `headSha`).
   */
  pullRequests: WorkflowRunPullRequest[];
}

/**
 * The evaluating run that triggered a `workflow_run` event (publish mode); null for any other
 * event. Throws InputError naming the payload field when the payload is malformed.
 */
export function workflowRunFromEvent(eventName: string, payload: unknown): WorkflowRunContext | null {
  if (eventName !== 'workflow_run') return null;
  const root = new Fields(payload, '', eventName);
  const run = root.object('workflow_run');
  const repository = root.object('repository');
  const fullName = repository.string('full_name');
  const headRepository = run.nullableObject('head_repository');
  const headRepositoryName = headRepository === null ? null : headRepository.string('full_name');
  return {
    owner: repository.object('owner').string('login'),
    repo: repository.string('name'),
    runId: run.positiveInteger('id'),
    event: run.string('event'),
    headSha: run.sha('head_sha'),
    htmlUrl: run.nullableString('html_url'),
    headBranch: run.nullableString('head_branch'),
    headRepository: headRepositoryName,
    isFork: headRepositoryName !== fullName,
    pullRequests: run.array('pull_requests').map((item) => {
      const number = item.positiveInteger('number');
      const head = item.object('head');
      const base = item.object('base');
      return {
        number,
        headSha: head.sha('sha'),
        headRef: head.string('ref'),
        baseSha: base.sha('sha'),
        baseRef: base.string('ref'),
      };
    }),
  };
}

/** A pull request as the API reports it, with what publish mode checks it by. */
export interface FetchedPullRequest extends PullRequestContext {
  /** `owner/name` of the repository the head branch lives in; null when it was deleted. */
  headRepository: string | null;
  /** Login of the pull request's author; null when GitHub does not say (a deleted account). */
  author: string | null;
}

/** The pull request as the API reports it now (its current head), e.g. to verify a publish target. */
export async function fetchPullRequest(
  client: GitHubClient,
  target: { owner: string; repo: string; number: number },
): Promise<FetchedPullRequest> {
  const { data } = await client.rest.pulls.get({
    owner: target.owner,
    repo: target.repo,
    pull_number: target.number,
  });
  const baseFullName = data.base.repo.full_name;
  return {
    owner: target.owner,
    repo: target.repo,
    number: data.number,
    headSha: data.head.sha,
    baseSha: data.base.sha,
    baseRef: data.base.ref,
    headRef: data.head.ref,
    isFork: data.head.repo === null || data.head.repo.full_name !== baseFullName,
    headRepository: data.head.repo?.full_name ?? null,
    author: data.user?.login ?? null,
  };
}

/** Typed reads from an untrusted JSON value; errors name the field path and the event. */
class Fields {
  constructor(
    private readonly value: unknown,
    private readonly path: string,
    private readonly eventName: string,
  ) {}

  private child(key: string): { value: unknown; path: string } {
    const path = this.path === '' ? key : `${this.path}.${key}`;
    const value =
      typeof this.value === 'object' && this.value !== null
        ? (this.value as Record<string, unknown>)[key]
        : undefined;
    return { value, path };
  }

  private fail(path: string, expected: string, value: unknown): never {
    const got = value === undefined ? 'it is missing' : `got ${JSON.stringify(value)?.slice(0, 80)}`;
    throw new InputError(
      `the ${this.eventName} event payload has no valid '${path}' (expected ${expected}; ${got})`,
      {
        code: 'E_GITHUB',
        where: WHERE,
        hint:
          'GITHUB_EVENT_PATH must point at the event JSON the runner wrote; when testing locally, use a ' +
          `complete ${this.eventName} payload (see GitHub's webhook docs)`,
      },
    );
  }

  object(key: string): Fields {
    const { value, path } = this.child(key);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(path, 'an object', value);
    return new Fields(value, path, this.eventName);
  }

  nullableObject(key: string): Fields | null {
    const { value, path } = this.child(key);
    if (value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'an object or null', value);
    return new Fields(value, path, this.eventName);
  }

  array(key: string): Fields[] {
    const { value, path } = this.child(key);
    if (!Array.isArray(value)) this.fail(path, 'an array', value);
    return value.map((item, index) => {
      if (typeof item !== 'object' || item === null) this.fail(`${path}[${index}]`, 'an object', item);
      return new Fields(item, `${path}[${index}]`, this.eventName);
    });
  }

  string(key: string): string {
    const { value, path } = this.child(key);
    if (typeof value !== 'string' || value === '') this.fail(path, 'a non-empty string', value);
    return value;
  }

  nullableString(key: string): string | null {
    const { value, path } = this.child(key);
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') this.fail(path, 'a string or null', value);
    return value;
  }

  sha(key: string): string {
    const { value, path } = this.child(key);
    if (typeof value !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(value)) {
      this.fail(path, 'a commit sha of 40 hex digits', value);
    }
    return value.toLowerCase();
  }

  positiveInteger(key: string): number {
    const { value, path } = this.child(key);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      this.fail(path, 'a positive integer', value);
    }
    return value;
  }
}
