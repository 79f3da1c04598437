/**
 * Runs the committed action bundle (dist/index.js) the way the runner does: a child process with
 * INPUT_* variables (the runner upper-cases the input name and keeps its hyphens: INPUT_TEST-SET),
 * GITHUB_* variables, an event payload file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunActionOptions {
  inputs: Record<string, string>;
  /** GITHUB_* and other variables; PATH and HOME are added. */
  env?: Record<string, string>;
  /** Written to <dir>/event.json and passed as GITHUB_EVENT_PATH. */
  event?: { name: string; payload: unknown };
  /** false: no GITHUB_STEP_SUMMARY (the summary cannot be written). */
  summary?: boolean;
}

/**
 * The bundle to run: dist/index.js, or the one named by EVALGATE_TEST_ACTION_BUNDLE (a path from the
 * repository root), so the end-to-end tests can check a throwaway `ncc build` into a folder inside
 * the repository (lib/, ignored by git) before dist/ is rebuilt.
 */
function actionBundle(): string {
  const bundle = process.env.EVALGATE_TEST_ACTION_BUNDLE;
  return bundle ? path.resolve(repoRoot, bundle) : path.join(repoRoot, 'dist', 'index.js');
}

/** Spawns `node dist/index.js` in `dir` and waits for it (asynchronously, so runs can overlap). */
export function runAction(dir: string, options: RunActionOptions): Promise<ActionRun> {
  const stamp = `${process.hrtime.bigint()}`;
  const runnerDir = path.join(dir, '.runner', stamp);
  mkdirSync(path.join(runnerDir, 'temp'), { recursive: true });
  const outputFile = path.join(runnerDir, 'github-output.txt');
  const summaryFile = path.join(runnerDir, 'step-summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: path.join(runnerDir, 'temp'),
    ...(options.summary === false ? {} : { GITHUB_STEP_SUMMARY: summaryFile }),
    ...options.env,
  };
  if (options.event) {
    const eventFile = path.join(runnerDir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(options.event.payload, null, 2));
    env.GITHUB_EVENT_NAME = options.event.name;
    env.GITHUB_EVENT_PATH = eventFile;
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [actionBundle()], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({
        status,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
      });
    });
  });
}

/** Parses GITHUB_OUTPUT's `name<<delimiter ... delimiter` records. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!);
    outputs[match[1]!] = value.join('\n');
  }
  return outputs;
}

export interface PullRequestEventOptions {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  headRef?: string;
  baseRef?: string;
  /** `owner/name` of the head repository (a fork when different from the base). */
  headRepository?: string;
  labels?: string[];
}

function repositoryJson(fullName: string, id: number) {
  const [owner, name] = fullName.split('/') as [string, string];
  return {
    id,
    node_id: `R_${id}`,
    name,
    full_name: fullName,
    private: false,
    owner: { login: owner, id: id + 1, type: 'Organization' },
    html_url: `https://github.com/${fullName}`,
    fork: false,
    default_branch: 'main',
  };
}

/** A `pull_request` (synchronize) payload shaped like GitHub's webhook. */
export function pullRequestEvent(options: PullRequestEventOptions) {
  const base = `${options.owner}/${options.repo}`;
  const headRepository = options.headRepository ?? base;
  const baseRepo = repositoryJson(base, 100);
  const headRepo = { ...repositoryJson(headRepository, 200), fork: headRepository !== base };
  return {
    action: 'synchronize',
    number: options.number,
    before: '0'.repeat(40),
    after: options.headSha,
    pull_request: {
      url: `https://api.github.com/repos/${base}/pulls/${options.number}`,
      id: 9_000 + options.number,
      html_url: `https://github.com/${base}/pull/${options.number}`,
      number: options.number,
      state: 'open',
      locked: false,
      title: 'Retrain the digits model',
      user: { login: 'contributor', id: 5, type: 'User' },
      body: null,
      labels: (options.labels ?? []).map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })),
      draft: false,
      merged: false,
      head: {
        label: `${headRepository.split('/')[0]}:${options.headRef ?? 'feature'}`,
        ref: options.headRef ?? 'feature',
        sha: options.headSha,
        user: { login: headRepository.split('/')[0], id: 6, type: 'User' },
        repo: headRepo,
      },
      base: {
        label: `${options.owner}:${options.baseRef ?? 'main'}`,
        ref: options.baseRef ?? 'main',
        sha: options.baseSha,
        user: { login: options.owner, id: 101, type: 'Organization' },
        repo: baseRepo,
      },
    },
    repository: baseRepo,
    sender: { login: 'contributor', id: 5, type: 'User' },
  };
}

/**
 * What the runner gives a `pull_request` job of the 'PR gate' workflow (job 'evaluate'): its
 * GITHUB_* variables, with the API at `apiUrl` and 1 ms retry delays, and the event.
 */
export function pullRequestJob(
  options: PullRequestEventOptions & { apiUrl: string; runId: string; workspace: string },
): { env: Record<string, string>; event: { name: string; payload: unknown } } {
  return {
    env: {
      GITHUB_API_URL: options.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: `${options.owner}/${options.repo}`,
      GITHUB_RUN_ID: options.runId,
      GITHUB_SHA: 'e'.repeat(40), // the merge commit a pull_request run checks out
      GITHUB_REF: `refs/pull/${options.number}/merge`,
      GITHUB_WORKFLOW: 'PR gate',
      GITHUB_JOB: 'evaluate',
      GITHUB_WORKSPACE: options.workspace,
      EVALGATE_GITHUB_RETRY_DELAY_MS: '1',
    },
    event: { name: 'pull_request', payload: pullRequestEvent(options) },
  };
}

/** A `workflow_run` (completed) payload for the run that evaluated a pull request. */
export function workflowRunEvent(options: {
  owner: string;
  repo: string;
  runId: number;
  headSha: string;
  headRepository: string;
  pullRequests?: Array<{ number: number; headSha: string; baseSha: string }>;
}) {
  const base = `${options.owner}/${options.repo}`;
  return {
    action: 'completed',
    workflow_run: {
      id: options.runId,
      name: 'PR gate',
      event: 'pull_request',
      status: 'completed',
      conclusion: 'failure',
      head_branch: 'feature',
      head_sha: options.headSha,
      run_number: 3,
      html_url: `https://github.com/${base}/actions/runs/${options.runId}`,
      pull_requests: (options.pullRequests ?? []).map((pr) => ({
        number: pr.number,
        head: { ref: 'feature', sha: pr.headSha, repo: { name: options.repo } },
        base: { ref: 'main', sha: pr.baseSha, repo: { name: options.repo } },
      })),
      head_repository: repositoryJson(options.headRepository, 200),
      repository: repositoryJson(base, 100),
    },
    workflow: { id: 77, name: 'PR gate', path: '.github/workflows/pr.yml' },
    repository: repositoryJson(base, 100),
    sender: { login: 'contributor', id: 5, type: 'User' },
  };
}
