/**
 * `mode: publish`, the second stage of the fork-safe pattern. A `pull_request` job from a fork has
 * a read-only token, so it evaluates and uploads its output-dir as an artifact; a `workflow_run`
 * job, which runs the base repository's workflow with a write token and never checks out or runs
 * the pull request's code, downloads it and runs this mode, which:
 *
 * 1. reads the result folder as untrusted input (size limits, JSON shapes, the comment must start
 *    with evalgate's marker; see resultFiles.ts);
 * 2. checks it belongs to the triggering run: same repository, and the commit it evaluated is the
 *    workflow_run's head_sha;
 * 3. posts the comment only if the pull request's head is still that commit (else a notice: the
 *    run for the newer commit will post);
 * 4. writes the summary and the outputs, and fails the step iff the evaluated verdict failed and
 *    no accept label (looked up here, with this job's token) accepted it, so the check on the
 *    workflow_run shows the verdict too.
 */
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { workflowRunFromEvent } from '../github/pullRequestContext.js';
import { commentMarker } from '../render/markdown.js';
import { lookUpAcceptance } from './acceptance.js';
import type { ActionConfig } from './actionConfig.js';
import { bodyWithAcceptance, finishRun } from './actionOutcome.js';
import { Inputs } from './constants.js';
import { type ActionLog, postVerdictComment } from './postComment.js';
import { readResultDir } from './resultFiles.js';
import type { RunContext } from './runContext.js';

export async function publishMode(
  inputs: ActionConfig,
  context: RunContext,
  deps: { github: GitHubClient | null; log: ActionLog },
): Promise<void> {
  const { github, log } = deps;
  const run = workflowRunFromEvent(context.eventName, context.payload);
  if (run === null) {
    throw new InputError(
      `'${Inputs.mode}: publish' runs in a job triggered by workflow_run, but this is a '${context.eventName || 'unknown'}' event`,
      {
        where: Inputs.mode,
        hint: 'use mode: publish in a workflow with on: workflow_run (see the README, "Pull requests from forks"); evaluate with the default mode',
      },
    );
  }
  const cwd = path.resolve(inputs.workingDirectory);
  const result = readResultDir(path.resolve(cwd, inputs.resultDir!));
  const record = result.pullRequest;
  const repository = `${run.owner}/${run.repo}`;
  if (record.repository.toLowerCase() !== repository.toLowerCase()) {
    throw new InputError(
      `the result in '${inputs.resultDir}' is for ${record.repository}, but this workflow runs in ${repository}`,
      { where: Inputs.resultDir },
    );
  }
  if (record.headSha !== run.headSha) {
    throw new InputError(
      `the result in '${inputs.resultDir}' is for commit ${record.headSha.slice(0, 7)}, but the workflow run that ` +
        `triggered this job evaluated ${run.headSha.slice(0, 7)}: it is not this run's result`,
      {
        where: Inputs.resultDir,
        hint: 'download the artifact of the triggering run (actions/download-artifact with run-id set to github.event.workflow_run.id)',
      },
    );
  }
  if (run.pullRequests.length > 0 && !run.pullRequests.some((pr) => pr.number === record.number)) {
    throw new InputError(
      `the result names pull request #${record.number}, but the workflow run belongs to ` +
        run.pullRequests.map((pr) => `#${pr.number}`).join(', '),
      { where: Inputs.resultDir },
    );
  }
  if (github === null) {
    throw new InputError(
      `'${Inputs.mode}: publish' posts a comment and needs a token, but '${Inputs.githubToken}' is empty`,
      {
        where: Inputs.githubToken,
        hint: 'leave github-token at its default and give the job permissions: pull-requests: write',
      },
    );
  }

  const target = { owner: run.owner, repo: run.repo, number: record.number, headSha: run.headSha };
  const { verdict } = result;
  const acceptance =
    !verdict.passed && inputs.acceptLabel !== ''
      ? await lookUpAcceptance(github, target, inputs.acceptLabel, log.warning)
      : null;
  const commentId = inputs.comment
    ? await postVerdictComment(
        github,
        target,
        commentMarker(record.commentKey),
        bodyWithAcceptance(result.comment, acceptance, verdict.failures.length),
        log,
      )
    : null;

  await finishRun({
    passed: verdict.passed,
    failures: verdict.failures,
    warnings: verdict.warnings,
    body: result.comment,
    reportPath: result.files.report ?? '',
    commentPath: result.files.comment,
    accuracy: result.files.report ? readAccuracy(result.files.report) : null,
    commentId,
    baselineSource: record.baselineSource ?? '',
    acceptance,
  });
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
