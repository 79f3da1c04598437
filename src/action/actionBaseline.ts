/**
 * The action's baseline: `baseline-source` (auto | model | repository | cache | none) turned into
 * a `BaselinePlan` for the GitHub-free pipeline. On a pull request, a committed baseline (report or
 * model) is read AS IT IS ON THE BASE COMMIT, never from the checked-out head: a pull request that
 * edits the baseline cannot loosen the gate it is judged by; the edit takes effect once merged.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RemoteCache } from '../shared/remoteCache.js';
import type { EvalConfig } from '../config/types.js';
import { InputError } from '../shared/errors.js';
import type { PullRequestContext } from '../github/pullRequestContext.js';
import {
  type BaselinePlan,
  modelBaseline,
  noBaseline,
  reportBaseline,
  restoreCachedBaseline,
} from '../pipeline/baselineSources.js';
import { type BaselineSourceChoice, Inputs } from './constants.js';
import type { RunContext } from './runContext.js';

/** Reads a repository file at a commit (REST contents API); null when it does not exist there. */
export type ReadFileAtCommit = (repositoryPath: string, sha: string) => Promise<Buffer | null>;

export interface ActionBaselineInput {
  choice: BaselineSourceChoice;
  /** The resolved config; `baselineReport` already carries the `baseline` input. */
  config: EvalConfig;
  /** The working directory, that shown paths are relative to. */
  cwd: string;
  context: Pick<RunContext, 'sha' | 'refName' | 'defaultBranch' | 'workspace' | 'tempDir'>;
  pullRequest: PullRequestContext | null;
  /** null without a token: nothing can be read at the base commit. */
  readFileAtCommit: ReadFileAtCommit | null;
  /** undefined where the Actions cache service is not available. */
  cache: RemoteCache | undefined;
  /** Keeps cached baselines of different configs apart. */
  cacheScope: string;
  warning: (message: string) => void;
}

export async function resolveActionBaseline(input: ActionBaselineInput): Promise<BaselinePlan> {
  const { config } = input;
  switch (pickSource(input)) {
    case 'model':
      return committedBaseline(input, 'model', config.baselineModel!);
    case 'repository':
      return committedBaseline(input, 'report', config.baselineReport!);
    case 'cache':
      return cachedBaseline(input);
    default:
      return noBaseline(
        input.choice === 'none'
          ? `No baseline: ${Inputs.baselineSource} is none, so this run sets the first baseline.`
          : 'No baseline is configured (baseline.report or baseline.model) and the Actions cache is not ' +
              'available, so this run sets the first baseline.',
      );
  }
}

/** `auto`: model, then repository, then cache, then none. An explicit choice must be possible. */
function pickSource(input: ActionBaselineInput): 'model' | 'repository' | 'cache' | 'none' {
  const { choice, config } = input;
  if (choice === 'auto') {
    if (config.baselineModel) return 'model';
    if (config.baselineReport) return 'repository';
    return input.cache ? 'cache' : 'none';
  }
  if (choice === 'model' && !config.baselineModel) {
    throw new InputError(`input '${Inputs.baselineSource}' is 'model' but the config has no baseline.model`, {
      code: 'E_CONFIG_INVALID',
      where: config.configFile ?? Inputs.baselineSource,
      hint: 'add baseline: { model: <path of the model on the base branch> } to the config, or choose another baseline-source',
    });
  }
  if (choice === 'repository' && !config.baselineReport) {
    throw new InputError(
      `input '${Inputs.baselineSource}' is 'repository' but no baseline report is configured`,
      {
        code: 'E_CONFIG_INVALID',
        where: config.configFile ?? Inputs.baselineSource,
        hint: 'set baseline.report in the config or the baseline input to the committed report, or choose another baseline-source',
      },
    );
  }
  if (choice === 'cache' && !input.cache) {
    throw new InputError(
      `input '${Inputs.baselineSource}' is 'cache' but the Actions cache service is not available on this runner`,
      {
        code: 'E_CONFIG_INVALID',
        hint: 'the cache needs GitHub-hosted or self-hosted runners connected to github.com (or GHES with Actions cache enabled); use baseline-source: repository with a committed report instead',
      },
    );
  }
  return choice;
}

/** A committed baseline (report or model): at the base commit on pull requests, else the working tree. */
async function committedBaseline(
  input: ActionBaselineInput,
  kind: 'report' | 'model',
  file: string,
): Promise<BaselinePlan> {
  const { config, cwd, context, pullRequest } = input;
  const what = kind === 'model' ? 'baseline model' : 'baseline report';
  if (pullRequest === null) {
    const plan = kind === 'model' ? modelBaseline(file, cwd, config) : reportBaseline(file, cwd, config);
    if (plan.kind === 'none') return plan;
    const at = context.sha ? ` at ${context.sha.slice(0, 7)}` : '';
    const description = `${plan.name} in the working tree${at}${kind === 'model' ? ', evaluated in this run' : ''}`;
    return {
      ...plan,
      description,
      id: `${kind === 'model' ? 'model' : 'repository'}@${context.sha ?? 'working-tree'}`,
      notes: [`Baseline: ${description}.`],
    };
  }

  if (input.readFileAtCommit === null) {
    throw new InputError(
      `the ${what} must be read at the pull request's base commit, but there is no GitHub token`,
      {
        code: 'E_GITHUB',
        where: Inputs.githubToken,
        hint: `leave ${Inputs.githubToken} at its default (\${{ github.token }}) and give the job permissions: contents: read`,
      },
    );
  }
  const repositoryPath = repositoryRelativePath(file, context.workspace, what);
  const base = `base commit ${pullRequest.baseSha.slice(0, 7)} (${pullRequest.baseRef})`;
  const bytes = await input.readFileAtCommit(repositoryPath, pullRequest.baseSha);
  if (bytes === null) {
    if (existsSync(file)) {
      // The pull request adds the baseline: there is nothing on the base branch to judge against.
      const note =
        `The ${what} ${repositoryPath} does not exist at the ${base}: this pull request adds it, so this run ` +
        'sets the first baseline. Gates that compare with a baseline were skipped.';
      input.warning(`evalgate: ${note}`);
      return noBaseline(note);
    }
    throw new InputError(
      `the ${what} ${repositoryPath} exists neither at the ${base} nor in the working tree`,
      {
        code: 'E_BASELINE_MISSING',
        where: config.configFile ?? repositoryPath,
        hint:
          kind === 'model'
            ? 'fix baseline.model in the config (a path from the config file, of a model committed on the base branch)'
            : 'fix baseline.report (or the baseline input); to set the first baseline, commit the report.json of a run as that file',
      },
    );
  }
  if (kind === 'model' && isLfsPointer(bytes)) {
    throw new InputError(`the baseline model ${repositoryPath} is a Git LFS pointer at the ${base}`, {
      code: 'E_BASELINE_MISSING',
      where: config.configFile ?? repositoryPath,
      hint: 'the contents API returns LFS pointers, not the model: commit the baseline report (baseline.report) instead, or store the model without LFS',
    });
  }
  const dir = mkdtempSync(path.join(context.tempDir, 'evalgate-base-'));
  const copy = path.join(dir, path.basename(repositoryPath));
  writeFileSync(copy, bytes);
  const description = `${repositoryPath} at ${base}${kind === 'model' ? ', evaluated in this run' : ''}`;
  const notes = [`Baseline: ${description}.`];
  if (existsSync(file) && !readFileSync(file).equals(bytes)) {
    notes.push(
      `This pull request changes ${repositoryPath}; the change takes effect once merged. This run is judged ` +
        'against the version on the base commit.',
    );
  }
  return {
    kind,
    file: copy,
    name: repositoryPath,
    description,
    id: `${kind === 'model' ? 'model' : 'repository'}@${pullRequest.baseSha}`,
    notes,
  };
}

async function cachedBaseline(input: ActionBaselineInput): Promise<BaselinePlan> {
  const { context, pullRequest } = input;
  const branch = pullRequest?.baseRef ?? context.refName;
  if (!branch) {
    return noBaseline('No branch to look up a cached baseline for (GITHUB_REF_NAME is not set).');
  }
  let plan: BaselinePlan;
  try {
    plan = await restoreCachedBaseline(input.cache!, {
      scope: input.cacheScope,
      branch,
      sha: pullRequest?.baseSha,
      fallbackBranch: context.defaultBranch ?? undefined,
      // @actions/cache resolves the cached folder from the process's working folder.
      root: process.cwd(),
      tempDir: mkdtempSync(path.join(context.tempDir, 'evalgate-cached-')),
    });
  } catch (error) {
    if (explicitOnPullRequest(input)) {
      throw new InputError(
        `could not restore the baseline from the Actions cache: ${(error as Error).message}`,
        {
          code: 'E_BASELINE_MISSING',
          where: Inputs.baselineSource,
          hint: 'the cache service may be down: re-run the job',
        },
      );
    }
    // With baseline-source: auto the cache is not essential: a failed restore is a first
    // baseline, said loudly.
    const note = `Could not restore the baseline from the Actions cache (${(error as Error).message}); this run sets the first baseline.`;
    input.warning(`evalgate: ${note}`);
    return noBaseline(note);
  }
  if (plan.kind === 'none') {
    // A pull request judged against nothing would pass any regression. When the workflow asked
    // for the cached baseline explicitly, that is an error, not a first baseline.
    if (explicitOnPullRequest(input)) {
      throw new InputError(
        `no baseline saved in the Actions cache for branch '${branch}' (scope '${input.cacheScope}'): ` +
          'this pull request cannot be compared with its base',
        {
          code: 'E_BASELINE_MISSING',
          where: Inputs.baselineSource,
          hint:
            `run this workflow on '${branch}' with update-baseline: true first (a push, or workflow_dispatch), ` +
            'then re-run this job; or use baseline-source: auto to let a pull request without one set the first baseline',
        },
      );
    }
    if (pullRequest !== null) input.warning(`evalgate: ${plan.notes.join(' ')}`);
    return plan;
  }
  return { ...plan, notes: [...plan.notes, `Baseline: ${plan.description}.`] };
}

/** `baseline-source: cache` chosen explicitly, on a pull request: a missing baseline fails closed. */
function explicitOnPullRequest(input: ActionBaselineInput): boolean {
  return input.choice === 'cache' && input.pullRequest !== null;
}

/**
 * The file's path from the repository root, for the contents API: the nearest folder above it
 * holding `.git` (the checkout may sit in a subfolder of the workspace), else the workspace.
 */
export function repositoryRelativePath(file: string, workspace: string, what: string): string {
  const root = repositoryRoot(path.dirname(file), path.resolve(workspace));
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new InputError(`the ${what} ${file} is outside the repository checkout (${root})`, {
      code: 'E_CONFIG_INVALID',
      hint: 'a committed baseline must be a file in the repository, so that it can be read at the base commit',
    });
  }
  return relative.split(path.sep).join('/');
}

function repositoryRoot(start: string, workspace: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (dir === workspace) return workspace;
    const parent = path.dirname(dir);
    if (parent === dir) return workspace;
    dir = parent;
  }
}

function isLfsPointer(bytes: Buffer): boolean {
  return (
    bytes.length < 1024 && bytes.subarray(0, 40).toString('latin1').startsWith('version https://git-lfs')
  );
}
