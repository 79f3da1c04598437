/**
 * What the runner tells the action about this run, from the variables every GitHub runner sets
 * (https://docs.github.com/en/actions/reference/variables-reference) and the event payload at
 * GITHUB_EVENT_PATH. Read once, into plain data, so the rest of the adapter is testable.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../shared/errors.js';

export interface RunContext {
  eventName: string;
  /** The parsed event payload; {} when there is none (local runs). */
  payload: unknown;
  /** `owner/name` from GITHUB_REPOSITORY; null outside a runner. */
  repository: { owner: string; repo: string } | null;
  /** The commit the workflow runs on (GITHUB_SHA); null when unset. */
  sha: string | null;
  /** Full ref (refs/heads/main) and its short name (main). */
  ref: string | null;
  refName: string | null;
  /** The repository's default branch, from the payload (`repository.default_branch`). */
  defaultBranch: string | null;
  workflow: string | null;
  job: string | null;
  /** Link to this workflow run; null outside a runner. */
  runUrl: string | null;
  /** The checkout folder (GITHUB_WORKSPACE), else the process's working folder. */
  workspace: string;
  /** Scratch space for this job (RUNNER_TEMP), else the OS temp folder. */
  tempDir: string;
}

export function runContextFromEnvironment(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = parseRepository(env.GITHUB_REPOSITORY);
  const payload = readEventPayload(env.GITHUB_EVENT_PATH);
  const { GITHUB_SERVER_URL: server, GITHUB_RUN_ID: runId } = env;
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  const ref = env.GITHUB_REF || null;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    repository,
    sha: env.GITHUB_SHA || null,
    ref,
    refName: env.GITHUB_REF_NAME || (ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null),
    defaultBranch: defaultBranchOf(payload),
    workflow: env.GITHUB_WORKFLOW || null,
    job: env.GITHUB_JOB || null,
    runUrl:
      server && env.GITHUB_REPOSITORY && runId
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${runId}${attempt}`
        : null,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
  };
}

function parseRepository(value: string | undefined): RunContext['repository'] {
  if (!value) return null;
  const [owner, repo, ...rest] = value.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new InputError(`GITHUB_REPOSITORY must be 'owner/name', got '${value}'`, { code: 'E_GITHUB' });
  }
  return { owner, repo };
}

/** The event payload; an unreadable or malformed file is an error (the runner always writes valid JSON). */
function readEventPayload(file: string | undefined): unknown {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the event payload: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      code: 'E_GITHUB',
      where: `GITHUB_EVENT_PATH ${file}`,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`the event payload is not valid JSON: ${(error as Error).message}`, {
      code: 'E_GITHUB',
      where: `GITHUB_EVENT_PATH ${file}`,
    });
  }
}

function defaultBranchOf(payload: unknown): string | null {
  const repository = (payload as { repository?: { default_branch?: unknown } } | null)?.repository;
  const branch = repository?.default_branch;
  return typeof branch === 'string' && branch !== '' ? branch : null;
}

/** The inputs that tell matrix legs of one job apart, for the default comment key. */
export interface CommentKeyInputs {
  config: string;
  workingDirectory: string;
  model?: string;
  device?: string;
}

/** Longest default key; longer ones keep their start and end in a digest of the whole. */
const MAX_DEFAULT_KEY_CHARS = 100;

/**
 * The comment key when `comment-key` is empty: workflow and job, so two workflows (or two jobs)
 * that both run evaluate on a pull request keep one comment each instead of overwriting each
 * other; then the config path, and the `model` and `device` inputs when set, because the legs of
 * a matrix job share workflow and job and usually differ in exactly those. For example
 * `PR gate/evaluate:evalgate.yml:model=models/b.onnx:device=cuda`. Legs that differ in anything
 * else need their own `comment-key`.
 */
export function defaultCommentKey(
  context: Pick<RunContext, 'workflow' | 'job'>,
  inputs: CommentKeyInputs,
): string {
  const workflowJob = [context.workflow, context.job].filter((part): part is string => !!part).join('/');
  const configPath = path.posix.normalize(
    path.posix.join(
      inputs.workingDirectory.split(path.sep).join('/'),
      inputs.config.split(path.sep).join('/'),
    ),
  );
  const parts = [workflowJob, configPath];
  if (inputs.model) parts.push(`model=${inputs.model}`);
  if (inputs.device) parts.push(`device=${inputs.device}`);
  const key = parts.filter((part) => part !== '').join(':');
  if (key.length <= MAX_DEFAULT_KEY_CHARS) return key;
  // Long paths: keep the key short (it is a hidden line in every comment) yet unique to its inputs.
  const digest = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
  return `${key.slice(0, MAX_DEFAULT_KEY_CHARS - digest.length - 1)}~${digest}`;
}
