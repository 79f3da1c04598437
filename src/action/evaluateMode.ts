/**
 * `mode: evaluate`: inputs -> config -> baseline plan -> the GitHub-free pipeline -> the pull
 * request's comment, the cached baseline, outputs, summary, annotations and the step's status.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FetchLike } from '../artifacts/fetchArtifact.js';
import type { RemoteCache } from '../shared/remoteCache.js';
import { loadConfig } from '../config/loadConfig.js';
import { InputError, ServiceError } from '../shared/errors.js';
import type { GitHubClient } from '../github/client.js';
import { describeGitHubError, isPermissionError } from '../github/errors.js';
import { type PullRequestContext, pullRequestFromEvent } from '../github/pullRequestContext.js';
import { readFileAtCommit } from '../github/repositoryFile.js';
import { saveCachedBaseline } from '../pipeline/baselineSources.js';
import type { BaselinePlan } from '../pipeline/baselineSources.js';
import { prepareOutputDir, recordError } from '../pipeline/outputFiles.js';
import { type RunEvaluationResult, runEvaluation } from '../pipeline/runEvaluation.js';
import type { EvalConfig } from '../config/types.js';
import { failedGateCount } from '../render/gateCounts.js';
import { commentMarker } from '../render/markdown.js';
import { resolveOnnxRuntime } from '../runtime/resolveOnnxRuntime.js';
import type { ToolCache } from '../runtime/runtimeClients.js';
import { lookUpAcceptance } from './acceptance.js';
import { type ReadFileAtCommit, resolveActionBaseline } from './actionBaseline.js';
import type { ActionConfig } from './actionConfig.js';
import { bodyWithAcceptance, finishRun, type RunProgress } from './actionOutcome.js';
import { Inputs, ResultFiles } from './constants.js';
import { type ActionLog, postVerdictComment } from './postComment.js';
import { pullRequestRecordJson } from './resultFiles.js';
import { defaultCommentKey, type RunContext } from './runContext.js';

export interface EvaluateDependencies {
  github: GitHubClient | null;
  cache: RemoteCache | undefined;
  toolCache: ToolCache | undefined;
  decodeWorkerScript?: URL;
  log: ActionLog;
  /** Downloads URL artifacts; the global fetch by default (tests reach a local server). */
  fetch?: FetchLike;
  /** The runner's environment, for npm and RUNNER_TEMP when onnxruntime-node must be installed. */
  env: NodeJS.ProcessEnv;
  /** Folder that URL artifacts are downloaded into (the adapter's `artifactCacheDir`). */
  cacheDir: string;
  /** Filled in as the run goes, for the error path (outputs and comment of a run that stops). */
  progress?: RunProgress;
}

export async function evaluateMode(
  inputs: ActionConfig,
  context: RunContext,
  deps: EvaluateDependencies,
): Promise<void> {
  const { github, log } = deps;
  const progress = deps.progress ?? {};
  // The pull request and the comment first: a mistake found later is then posted where the verdict goes.
  const pullRequest = pullRequestFromEvent(context.eventName, context.payload);
  const commentKey = inputs.commentKey || defaultCommentKey(context, inputs);
  if (pullRequest !== null) {
    progress.commit = pullRequest.headSha;
    if (inputs.comment) progress.comment = { target: pullRequest, marker: commentMarker(commentKey) };
  }
  const cwd = path.resolve(inputs.workingDirectory);
  const config = loadConfig(path.resolve(cwd, inputs.config), {
    cwd,
    // The step's own folder, where relative paths in messages start, as before working-directory.
    messagesRelativeTo: process.cwd(),
    model: inputs.model,
    testSet: inputs.testSet,
    baseline: inputs.baseline,
    device: inputs.device,
    // A missing file given by an input is blamed on the input, not on a CLI flag.
    overrideNames: {
      model: `input '${Inputs.model}'`,
      testSet: `input '${Inputs.testSet}'`,
      baseline: `input '${Inputs.baseline}'`,
    },
  });

  const baseline = await resolveActionBaseline({
    choice: inputs.baselineSource,
    config,
    cwd,
    context,
    pullRequest,
    readFileAtCommit: github && pullRequest ? baseCommitReader(github, pullRequest) : null,
    cache: deps.cache,
    cacheScope: cacheScope(inputs, config.configFile, context.workspace),
    warning: log.warning,
  });
  progress.baselineSource = baseline.id;
  log.info(`evalgate: baseline: ${baseline.kind === 'none' ? 'none' : baseline.description}`);

  const outDir = path.resolve(cwd, inputs.outputDir);
  const result = await evaluateForPullRequest(
    { inputs, context, deps, config, cwd, outDir, baseline, commentKey },
    pullRequest,
  );
  progress.reportPath = result.files.report;
  progress.commentPath = result.files.comment;
  await publishVerdict({
    inputs,
    context,
    deps,
    pullRequest,
    commentKey,
    configFile: config.configFile,
    result,
  });
}

/**
 * The evaluation, with what the fork-safe publish job needs on a pull request: pull-request.json
 * written first, so that it learns where even an error of this job goes, and an error recorded in
 * verdict.json also when it came before the pipeline ran (onnxruntime's resolution), so that a
 * verdict.json left by an earlier run in this folder is never published as this commit's.
 */
async function evaluateForPullRequest(
  step: EvaluationStep,
  pullRequest: PullRequestContext | null,
): Promise<RunEvaluationResult> {
  if (pullRequest === null) return evaluate(step);
  prepareOutputDir(step.outDir);
  await writePullRequestRecord(step.outDir, pullRequest, step.commentKey, step.baseline.id);
  try {
    return await evaluate(step);
  } catch (error) {
    await recordError(path.join(step.outDir, ResultFiles.verdict), error);
    throw error;
  }
}

interface VerdictStep {
  inputs: ActionConfig;
  context: RunContext;
  deps: EvaluateDependencies;
  pullRequest: PullRequestContext | null;
  commentKey: string;
  configFile: string | null;
  result: RunEvaluationResult;
}

/** The accept label, the comment, the cached baseline, then the outputs, summary and status. */
async function publishVerdict(step: VerdictStep): Promise<void> {
  const { inputs, deps, pullRequest, result } = step;
  const { github, log } = deps;
  const { verdict } = result.judgement;
  const acceptance =
    !verdict.passed && inputs.acceptLabel !== '' && pullRequest !== null && github !== null
      ? await lookUpAcceptance(github, pullRequest, inputs.acceptLabel, log.warning)
      : null;
  const commentId = await maybeComment({
    inputs,
    pullRequest,
    github,
    log,
    marker: commentMarker(step.commentKey),
    body: bodyWithAcceptance(result.judgement.comment, acceptance, failedGateCount(verdict.failures)),
  });
  if (inputs.updateBaseline) {
    await updateBaseline({
      inputs,
      context: step.context,
      deps,
      pullRequest,
      configFile: step.configFile,
      reportFile: result.files.report,
    });
  }
  await finishRun({
    passed: verdict.passed,
    failures: verdict.failures,
    warnings: verdict.warnings ?? [],
    body: result.judgement.comment,
    reportPath: result.files.report,
    commentPath: result.files.comment,
    accuracy: result.report.metrics.accuracy ?? null,
    commentId,
    baselineSource: result.baseline.id,
    acceptance,
  });
}

interface EvaluationStep {
  inputs: ActionConfig;
  context: RunContext;
  deps: EvaluateDependencies;
  config: EvalConfig;
  cwd: string;
  outDir: string;
  baseline: BaselinePlan;
  commentKey: string;
}

/** onnxruntime (node_modules, tool cache, Actions cache or an install), then the GitHub-free pipeline. */
async function evaluate(step: EvaluationStep): Promise<RunEvaluationResult> {
  const { inputs, deps, config } = step;
  const { log } = deps;
  const runtime = await resolveOnnxRuntime({
    explicitPath: inputs.onnxruntimePath,
    device: config.device,
    toolCache: deps.toolCache,
    remoteCache: deps.cache,
    env: deps.env,
    log: { info: log.info, warning: log.warning },
  });
  return runEvaluation({
    config,
    cwd: step.cwd,
    outDir: step.outDir,
    baseline: step.baseline,
    runUrl: step.context.runUrl ?? undefined,
    markerKey: step.commentKey,
    evaluate: {
      runtime,
      decodeWorkers: deps.decodeWorkerScript ? { script: deps.decodeWorkerScript } : undefined,
      // Model and test set fetched by URL: restored from the Actions cache by sha256, else
      // downloaded once and saved there, so the next job downloads nothing.
      remoteCache: deps.cache,
      cacheDir: deps.cacheDir,
      log: { info: (m) => log.info(`evalgate: ${m}`), warning: (m) => log.warning(`evalgate: ${m}`) },
      fetch: deps.fetch,
    },
  });
}

/** For the fork-safe two-stage pattern: the publish job learns from this file where the result goes. */
async function writePullRequestRecord(
  outDir: string,
  pullRequest: PullRequestContext,
  commentKey: string,
  baselineSource: string,
): Promise<void> {
  await writeFile(
    path.join(outDir, ResultFiles.pullRequest),
    pullRequestRecordJson({
      number: pullRequest.number,
      headSha: pullRequest.headSha,
      baseSha: pullRequest.baseSha,
      repository: `${pullRequest.owner}/${pullRequest.repo}`,
      commentKey,
      baselineSource,
    }),
  );
}

/**
 * Reads files at the base commit. Failing to is never a silent fallback to the head's copy: the
 * run stops with a message that says why (missing permission, or an API outage after retries).
 */
function baseCommitReader(github: GitHubClient, pullRequest: PullRequestContext): ReadFileAtCommit {
  return async (repositoryPath, sha) => {
    try {
      return await readFileAtCommit(github, {
        owner: pullRequest.owner,
        repo: pullRequest.repo,
        path: repositoryPath,
        ref: sha,
      });
    } catch (error) {
      const what = `cannot read ${repositoryPath} at the base commit ${sha.slice(0, 7)}: ${describeGitHubError(error)}`;
      if (isPermissionError(error)) {
        throw new InputError(what, {
          code: 'E_GITHUB',
          where: Inputs.githubToken,
          hint: 'give the job permissions: contents: read (private repositories need it for the base commit)',
        });
      }
      throw new ServiceError(`${what}; re-run the job`, { cause: error });
    }
  };
}

interface CommentStep {
  inputs: ActionConfig;
  pullRequest: PullRequestContext | null;
  github: GitHubClient | null;
  log: ActionLog;
  marker: string;
  body: string;
}

async function maybeComment(step: CommentStep): Promise<number | null> {
  const { inputs, pullRequest, github, log } = step;
  if (!inputs.comment || pullRequest === null) return null;
  if (github === null) {
    log.warning(
      `evalgate: no comment posted: the input '${Inputs.githubToken}' is empty. The job summary has the verdict.`,
    );
    return null;
  }
  return postVerdictComment({ github, target: pullRequest, marker: step.marker, body: step.body, log });
}

/**
 * The cache scope of baselines: `comment-key` when set, else the config file's path in the
 * repository, so the push workflow that saves and the pull-request workflow that restores agree
 * without sharing a workflow or job name; plus the `model` input when set, so the legs of a
 * matrix over models keep one baseline each instead of restoring each other's.
 */
export function cacheScope(
  inputs: Pick<ActionConfig, 'commentKey' | 'model'>,
  configFile: string | null,
  workspace: string,
): string {
  if (inputs.commentKey !== '') return inputs.commentKey;
  const config = configFile === null ? 'evalgate' : repositoryPath(configFile, workspace);
  return inputs.model ? `${config}:model=${inputs.model}` : config;
}

/** `file` relative to the workspace with '/' separators; its base name when outside it. */
function repositoryPath(file: string, workspace: string): string {
  const relative = path.relative(workspace, file);
  return (relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative)
    .split(path.sep)
    .join('/');
}

/**
 * `update-baseline: true` saves report.json as the baseline of the default branch, on runs of the
 * default branch only: a pull request or a feature branch must never replace the baseline others
 * are judged by. Failing to save is a warning.
 */
interface BaselineUpdate {
  inputs: ActionConfig;
  context: RunContext;
  deps: EvaluateDependencies;
  pullRequest: PullRequestContext | null;
  configFile: string | null;
  reportFile: string;
}

async function updateBaseline(update: BaselineUpdate): Promise<void> {
  const { inputs, context, deps, pullRequest, configFile, reportFile } = update;
  const { log } = deps;
  const skip = (why: string) => log.notice(`evalgate: update-baseline skipped: ${why}.`);
  if (pullRequest !== null)
    return skip('pull requests never replace the baseline; the run on push to the base branch does');
  if (context.defaultBranch === null) {
    return skip(
      `the ${context.eventName || 'current'} event payload does not name the default branch (use a push event)`,
    );
  }
  if (context.ref !== `refs/heads/${context.defaultBranch}`) {
    return skip(
      `this run is on ${context.ref ?? 'an unknown ref'}, not the default branch ${context.defaultBranch}`,
    );
  }
  if (deps.cache === undefined) return skip('the Actions cache service is not available on this runner');
  if (context.sha === null) return skip('GITHUB_SHA is not set');
  try {
    const scope = cacheScope(inputs, configFile, context.workspace);
    const key = await saveCachedBaseline(deps.cache, reportFile, {
      scope,
      branch: context.defaultBranch,
      sha: context.sha,
      // @actions/cache resolves the cached folder from the process's working folder.
      root: process.cwd(),
    });
    log.info(
      `evalgate: saved this run's report as the baseline of ${context.defaultBranch} for '${scope}' (cache key ${key}).`,
    );
  } catch (error) {
    log.warning(`evalgate: could not save the baseline to the Actions cache: ${(error as Error).message}`);
  }
}
