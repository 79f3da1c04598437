/**
 * `mode: publish`, the second stage of the fork-safe pattern. A `pull_request` job from a fork has
 * a read-only token, so it evaluates and uploads its output-dir as an artifact; a `workflow_run`
 * job, which runs the base repository's workflow with a write token and never checks out or runs
 * the pull request's code, downloads it and runs this mode.
 *
 * Everything in the artifact was written by a job that ran the pull request's code, so it is
 * untrusted, and nothing it says is acted on before it is checked:
 *
 * 1. the result folder is read with size limits and shape checks (resultFiles.ts);
 * 2. it must belong to the triggering run: same repository, and the commit it evaluated is the
 *    workflow_run's head_sha; when GitHub links pull requests to the run (same-repository pull
 *    requests), the artifact's number must be one of them;
 * 3. the pull request it names is read from the API BEFORE any label lookup or comment (for fork
 *    pull requests `workflow_run.pull_requests` is empty, so the number is only the artifact's
 *    word): its head repository must be the run's head repository (else the result is refused),
 *    and its head commit must be the run's head_sha (else it moved on: a notice, nothing posted,
 *    no label looked up; the run for the newer commit will post);
 * 4. the comment is posted under the PUBLISH job's marker (`comment-key`, else its own workflow
 *    and job), never the artifact's `commentKey`: that key is the pull request's choice and would
 *    let it overwrite another evalgate comment (another workflow's) on the pull request. When it
 *    differs from the publish job's key, the run log says so;
 * 5. the body is sanitized (sanitizeComment.ts: no mentions, references, images or raw HTML, no
 *    forged "regression accepted" banner) under a trusted note that says it is the pull request's
 *    own run's result, relayed by this job; the accept label is looked up here, with this job's
 *    token, and its banner added by this job;
 * 6. the summary and the outputs are written, and the step fails iff the evaluated verdict failed
 *    and no accept label accepted it, so the check on the workflow_run shows the verdict too.
 */
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../shared/errors.js';
import type { GitHubClient } from '../github/client.js';
import { describeGitHubError, isNotFoundError } from '../github/errors.js';
import {
  type FetchedPullRequest,
  fetchPullRequest,
  type WorkflowRunContext,
  workflowRunFromEvent,
} from '../github/pullRequestContext.js';
import { failedGateCount } from '../render/gateCounts.js';
import { commentMarker } from '../render/markdown.js';
import { lookUpAcceptance } from './acceptance.js';
import type { ActionConfig } from './actionConfig.js';
import { bodyWithAcceptance, finishRun } from './actionOutcome.js';
import { Inputs } from './constants.js';
import { type ActionLog, postVerdictComment } from './postComment.js';
import { type PullRequestRecord, type ResultDir, readResultDir } from './resultFiles.js';
import type { RunContext } from './runContext.js';
import { publishedCommentBody } from './sanitizeComment.js';

export async function publishMode(
  inputs: ActionConfig,
  context: RunContext,
  deps: { github: GitHubClient | null; log: ActionLog },
): Promise<void> {
  const { github, log } = deps;
  const run = triggeringRun(context);
  const cwd = path.resolve(inputs.workingDirectory);
  const result = readResultDir(path.resolve(cwd, inputs.resultDir!));
  checkResultOfRun(result.pullRequest, run, inputs.resultDir!);
  if (github === null) {
    throw new InputError(
      `'${Inputs.mode}: publish' posts a comment and needs a token, but '${Inputs.githubToken}' is empty`,
      {
        code: 'E_CONFIG_INVALID',
        where: Inputs.githubToken,
        hint: 'leave github-token at its default and give the job permissions: pull-requests: write',
      },
    );
  }

  const commentKey = publishCommentKey(inputs, context, result.pullRequest.commentKey, log);
  const body = publishedCommentBody({
    marker: commentMarker(commentKey),
    // readResultDir checked that comment.md starts with the result's marker line; it is replaced.
    untrustedBody: result.comment.slice(result.comment.indexOf('\n') + 1),
    sourceRun: { id: run.runId, url: run.htmlUrl, headSha: run.headSha },
    publishRunUrl: context.runUrl,
  });

  await postAndFinish({ inputs, context, github, log, run, result, commentKey, body });
}

interface PublishStep {
  inputs: ActionConfig;
  context: RunContext;
  github: GitHubClient;
  log: ActionLog;
  run: WorkflowRunContext;
  result: ResultDir;
  commentKey: string;
  /** The sanitized comment, under the publish job's marker. */
  body: string;
}

/** Steps 3, 5 and 6: the pull request checked, the accept label, the comment, then outputs and status. */
async function postAndFinish(step: PublishStep): Promise<void> {
  const { inputs, context, github, log, run, result, commentKey, body } = step;
  const record = result.pullRequest;
  const target = { owner: run.owner, repo: run.repo, number: record.number, headSha: run.headSha };
  const { verdict } = result;
  const pull = await runsPullRequest({
    github,
    run,
    number: record.number,
    resultDir: inputs.resultDir!,
    log,
  });
  const acceptance =
    pull !== null && !verdict.passed && inputs.acceptLabel !== ''
      ? await lookUpAcceptance(github, { ...target, author: pull.author }, inputs.acceptLabel, log.warning)
      : null;
  const commentId =
    pull !== null && inputs.comment
      ? await postVerdictComment({
          github,
          target,
          marker: commentMarker(commentKey),
          body: bodyWithAcceptance(body, acceptance, failedGateCount(verdict.failures)),
          log,
        })
      : null;

  await finishRun({
    passed: verdict.passed,
    failures: verdict.failures,
    warnings: verdict.warnings,
    body,
    reportPath: result.files.report ?? '',
    commentPath: writePublishedBody(context.tempDir, body, log),
    accuracy: result.files.report ? readAccuracy(result.files.report) : null,
    commentId,
    baselineSource: record.baselineSource ?? '',
    acceptance,
  });
}

/** The workflow_run that triggered this job; publish mode runs nowhere else. */
function triggeringRun(context: RunContext): WorkflowRunContext {
  const run = workflowRunFromEvent(context.eventName, context.payload);
  if (run === null) {
    throw new InputError(
      `'${Inputs.mode}: publish' runs in a job triggered by workflow_run, but this is a '${context.eventName || 'unknown'}' event`,
      {
        code: 'E_CONFIG_INVALID',
        where: Inputs.mode,
        hint: 'use mode: publish in a workflow with on: workflow_run (see docs/action.md, "Pull requests from forks"); evaluate with the default mode',
      },
    );
  }
  return run;
}

/** Step 2: the result belongs to the triggering run (repository, commit, linked pull requests). */
function checkResultOfRun(record: PullRequestRecord, run: WorkflowRunContext, resultDir: string): void {
  const repository = `${run.owner}/${run.repo}`;
  if (record.repository.toLowerCase() !== repository.toLowerCase()) {
    throw new InputError(
      `the result in '${resultDir}' is for ${record.repository}, but this workflow runs in ${repository}`,
      { code: 'E_RESULT_INVALID', where: Inputs.resultDir },
    );
  }
  if (record.headSha !== run.headSha) {
    throw new InputError(
      `the result in '${resultDir}' is for commit ${record.headSha.slice(0, 7)}, but the workflow run that ` +
        `triggered this job evaluated ${run.headSha.slice(0, 7)}: it is not this run's result`,
      {
        code: 'E_RESULT_INVALID',
        where: Inputs.resultDir,
        hint: 'download the artifact of the triggering run (actions/download-artifact with run-id set to github.event.workflow_run.id)',
      },
    );
  }
  if (run.pullRequests.length > 0 && !run.pullRequests.some((pr) => pr.number === record.number)) {
    throw new InputError(
      `the result names pull request #${record.number}, but the workflow run belongs to ` +
        run.pullRequests.map((pr) => `#${pr.number}`).join(', '),
      { code: 'E_RESULT_INVALID', where: Inputs.resultDir },
    );
  }
}

/** Step 4: the publish job's own key, never the artifact's; the log says when they differ. */
function publishCommentKey(
  inputs: ActionConfig,
  context: RunContext,
  resultKey: string,
  log: ActionLog,
): string {
  const commentKey = inputs.commentKey || publishJobKey(context);
  if (resultKey !== commentKey) {
    log.info(
      `evalgate: the result was rendered under the comment key '${resultKey}'; it is posted under this ` +
        `job's key '${commentKey}' (set ${Inputs.commentKey} on the publish job to choose it).`,
    );
  }
  return commentKey;
}

/** The publish job's default comment key: its own workflow and job (trusted: the base repository's). */
function publishJobKey(context: Pick<RunContext, 'workflow' | 'job'>): string {
  return [context.workflow, context.job].filter((part): part is string => !!part).join('/');
}

/**
 * The pull request the artifact names, when it is the one the triggering run evaluated and its
 * head is still that commit; null otherwise. Read from the API (the artifact's number is the pull
 * request's word), once: its author serves the accept-label check too.
 * - head repository differs from the run's: refused (InputError), it is another pull request;
 * - head commit differs: it moved on (or it is another pull request from the same repository):
 *   a notice, and null;
 * - the pull request cannot be read or its head repository is gone: a warning, and null.
 */
async function runsPullRequest(check: {
  github: GitHubClient;
  run: WorkflowRunContext;
  number: number;
  resultDir: string;
  log: ActionLog;
}): Promise<FetchedPullRequest | null> {
  const { github, run, number, resultDir, log } = check;
  let pull: FetchedPullRequest;
  try {
    pull = await fetchPullRequest(github, { owner: run.owner, repo: run.repo, number });
  } catch (error) {
    if (isNotFoundError(error)) {
      throw new InputError(
        `the result in '${resultDir}' names pull request #${number}, which ${run.owner}/${run.repo} does not have`,
        { code: 'E_RESULT_INVALID', where: Inputs.resultDir },
      );
    }
    log.warning(
      `evalgate: could not read pull request #${number} to check that it is the one the workflow run evaluated ` +
        `(${describeGitHubError(error)}); nothing is posted and no accept label is considered. Re-run the job to post it.`,
    );
    return null;
  }
  if (pull.headRepository === null || run.headRepository === null) {
    log.warning(
      `evalgate: cannot check that pull request #${number} is the one the workflow run evaluated: the head ` +
        'repository was deleted; nothing is posted and no accept label is considered.',
    );
    return null;
  }
  if (pull.headRepository.toLowerCase() !== run.headRepository.toLowerCase()) {
    throw new InputError(
      `the result in '${resultDir}' names pull request #${number}, whose head is in ${pull.headRepository}, but the ` +
        `workflow run that triggered this job ran on a commit from ${run.headRepository}: it is not that pull request's result`,
      {
        code: 'E_RESULT_INVALID',
        where: Inputs.resultDir,
        hint: 'the result folder must be the unmodified artifact of the triggering run; nothing was posted',
      },
    );
  }
  if (pull.headSha.toLowerCase() !== run.headSha) {
    log.notice(
      `evalgate: the pull request's head moved on to ${pull.headSha.slice(0, 7)} since this run's commit ` +
        `${run.headSha.slice(0, 7)}; the comment is left to the run for the newer commit.`,
    );
    return null;
  }
  return pull;
}

/**
 * The posted (sanitized) body as a file, for the `comment-path` output: never the artifact's raw
 * comment.md, which a later step might post with a write token. '' when it cannot be written.
 */
function writePublishedBody(tempDir: string, body: string, log: ActionLog): string {
  const file = path.join(tempDir, 'evalgate-publish', 'comment.md');
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    return file;
  } catch (error) {
    log.warning(`evalgate: could not write the published comment to ${file}: ${(error as Error).message}`);
    return '';
  }
}

/** Reports above this size are not parsed for the accuracy output (the output is a convenience). */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** metrics.accuracy of an untrusted report, when it is a rate; null otherwise. */
function readAccuracy(file: string): number | null {
  try {
    if (lstatSync(file).size > MAX_REPORT_BYTES) return null;
    const accuracy = (JSON.parse(readFileSync(file, 'utf8')) as { metrics?: { accuracy?: unknown } }).metrics
      ?.accuracy;
    return typeof accuracy === 'number' && accuracy >= 0 && accuracy <= 1 ? accuracy : null;
  } catch {
    return null;
  }
}
