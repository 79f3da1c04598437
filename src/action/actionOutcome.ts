/**
 * The end of every run, evaluate or publish: outputs, job summary, annotations and the step's
 * status. The step fails exactly when a gate failed and no accept label accepted it.
 */
import * as core from '@actions/core';
import { failedGateCount } from '../render/gateCounts.js';
import { describeError, errorCodeOf, exitCodeOf } from '../shared/errors.js';
import type { GitHubClient } from '../github/client.js';
import { type Acceptance, acceptanceBanner, acceptanceMessage, withBanner } from './acceptance.js';
import { Outputs } from './constants.js';
import { type ActionLog, type CommentTarget, postVerdictComment } from './postComment.js';

interface GateLine {
  gate: string;
  subject?: string;
  message: string;
}

export interface ActionOutcome {
  passed: boolean;
  failures: GateLine[];
  /** Possible regressions (status warn): worth a warning, never blocking. */
  warnings: GateLine[];
  /** Comment body as rendered (the marker first); the acceptance banner is added here. */
  body: string;
  reportPath: string;
  commentPath: string;
  accuracy: number | null;
  commentId: number | null;
  baselineSource: string;
  acceptance: Acceptance | null;
}

/** Annotations beyond this many add nothing (GitHub shows 10 per step) and flood the log. */
const MAX_ANNOTATIONS = 50;

export async function finishRun(outcome: ActionOutcome): Promise<void> {
  const accepted = !outcome.passed && outcome.acceptance !== null;
  core.setOutput(Outputs.verdict, outcome.passed ? 'pass' : 'fail');
  core.setOutput(Outputs.passed, String(outcome.passed || accepted));
  core.setOutput(Outputs.reportPath, outcome.reportPath);
  core.setOutput(Outputs.commentPath, outcome.commentPath);
  core.setOutput(Outputs.accuracy, outcome.accuracy === null ? '' : String(outcome.accuracy));
  core.setOutput(
    Outputs.regressions,
    JSON.stringify(outcome.failures.map((f) => ({ gate: f.gate, subject: f.subject, message: f.message }))),
  );
  core.setOutput(Outputs.commentId, outcome.commentId === null ? '' : String(outcome.commentId));
  core.setOutput(Outputs.baselineSource, outcome.baselineSource);
  core.setOutput(Outputs.acceptedBy, accepted ? (outcome.acceptance!.by ?? 'unknown') : '');
  core.setOutput(Outputs.errorCode, '');

  const body = bodyWithAcceptance(
    outcome.body,
    accepted ? outcome.acceptance : null,
    failedGateCount(outcome.failures),
  );
  try {
    await core.summary.addRaw(body).write();
  } catch (error) {
    // The summary is a convenience: the verdict, the outputs and the files stand without it.
    core.warning(`evalgate: could not write the job summary: ${(error as Error).message}`);
  }

  for (const failure of outcome.failures.slice(0, MAX_ANNOTATIONS)) {
    const annotate = accepted ? core.warning : core.error;
    annotate(failure.message, { title: `evalgate: ${failure.gate}${accepted ? ' (accepted)' : ''}` });
  }
  for (const warning of outcome.warnings.slice(0, MAX_ANNOTATIONS)) {
    core.warning(warning.message, { title: `evalgate: possible regression (${warning.gate})` });
  }

  if (outcome.passed) return;
  if (accepted) {
    core.warning(
      acceptanceMessage(
        outcome.acceptance!,
        outcome.failures.map((f) => f.message),
      ),
      { title: 'evalgate: regression accepted' },
    );
    return;
  }
  // Gates as configured (50 regressed classes are 1 failed gate), as the comment's heading counts them.
  const failed = failedGateCount(outcome.failures);
  core.setFailed(`evalgate: ${failed} ${failed === 1 ? 'gate' : 'gates'} failed`);
}

/**
 * The banner-carrying body, for callers that post it (the comment is posted before finishRun);
 * `failureCount` is the number of failed gates as configured (render/gateCounts.ts's failedGateCount).
 */
export function bodyWithAcceptance(
  body: string,
  acceptance: Acceptance | null,
  failureCount: number,
): string {
  return acceptance === null || failureCount === 0
    ? body
    : withBanner(body, acceptanceBanner(acceptance, failureCount));
}

// ---------------------------------------------------------------------------------------------
// The error path: the run stopped before a verdict (bad input, an internal error)

/** What a run learned before it stopped, filled in as it goes, so the error path reports all of it. */
export interface RunProgress {
  /** The commit evaluated (the pull request's head, else GITHUB_SHA), for the error message. */
  commit?: string;
  baselineSource?: string;
  reportPath?: string;
  commentPath?: string;
  /** Where the verdict comment goes (evaluate mode on a pull request with `comment: true`). */
  comment?: { target: CommentTarget; marker: string };
}

export interface FailRunOptions {
  progress: RunProgress;
  /** null: no comment (no token, or `comment: false`). */
  github: GitHubClient | null;
  runUrl: string | null;
  log: ActionLog;
}

/** Longest error message kept in the comment and summary; the log has it whole. */
const MAX_ERROR_CHARS = 4000;

/**
 * Ends a run that stopped with an error: every output gets a defined value (a workflow's
 * `fromJSON(steps.x.outputs.regressions)` must not break on an error), the job summary and the
 * pull request's sticky comment say what went wrong (so a "passed" comment of an earlier push
 * does not stay up), the step fails, and the process exits with the engine's code (2 bad input,
 * 3 internal). The summary and the comment are best effort: failing them is a warning.
 */
export async function failRun(error: unknown, options: FailRunOptions): Promise<void> {
  const { progress, log } = options;
  core.setOutput(Outputs.verdict, 'error');
  core.setOutput(Outputs.passed, 'false');
  core.setOutput(Outputs.reportPath, progress.reportPath ?? '');
  core.setOutput(Outputs.commentPath, progress.commentPath ?? '');
  core.setOutput(Outputs.accuracy, '');
  core.setOutput(Outputs.regressions, '[]');
  core.setOutput(Outputs.commentId, '');
  core.setOutput(Outputs.baselineSource, progress.baselineSource ?? '');
  core.setOutput(Outputs.acceptedBy, '');
  core.setOutput(Outputs.errorCode, errorCodeOf(error));

  const body = errorBody(error, {
    marker: progress.comment?.marker,
    commit: progress.commit,
    runUrl: options.runUrl,
  });
  try {
    await core.summary.addRaw(body).write();
  } catch (summaryError) {
    log.warning(`evalgate: could not write the job summary: ${(summaryError as Error).message}`);
  }
  if (progress.comment !== undefined && options.github !== null) {
    try {
      // Skipped when the pull request's head moved on: a newer run owns the comment then.
      await postVerdictComment({
        github: options.github,
        target: progress.comment.target,
        marker: progress.comment.marker,
        body,
        log,
      });
    } catch (commentError) {
      log.warning(
        `evalgate: could not post the error to the pull request: ${(commentError as Error).message}`,
      );
    }
  }
  core.setFailed(describeError(error));
  // After setFailed, which sets 1: the exit code tells a user mistake from a bug.
  process.exitCode = exitCodeOf(error);
}

/**
 * The comment and summary of a run that stopped: the marker first (so it replaces the sticky
 * comment), then "evalgate could not evaluate <commit>: <message>", the details and hint as
 * they were printed, in a code block (messages quote commands and paths, which markdown mangles),
 * and the error's code, which docs/errors.md explains.
 */
export function errorBody(
  error: unknown,
  context: { marker?: string; commit?: string; runUrl?: string | null },
): string {
  const [message = '', ...rest] = shortened(describeError(error, { code: false })).split('\n');
  const commit = context.commit ? ` ${context.commit.slice(0, 7)}` : '';
  const details = rest.join('\n').trim();
  // A fence longer than any run of backticks in the text, so the text cannot close it.
  const fence = '`'.repeat(Math.max(3, ...[...details.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const lines = [
    ...(context.marker ? [context.marker] : []),
    '## evalgate: error',
    '',
    `evalgate could not evaluate${commit}: ${escapeMarkdown(message)}`,
    ...(details === '' ? [] : ['', `${fence}text`, details, fence]),
    '',
    `Error code: \`${errorCodeOf(error)}\` (see evalgate's docs/errors.md).`,
    '',
    'No verdict: the check fails until this is fixed, and an earlier verdict no longer applies.' +
      (context.runUrl ? ` [Workflow run](${context.runUrl})` : ''),
    '',
  ];
  return lines.join('\n');
}

/** The message, bounded: the comment must stay far below GitHub's limit; the log has it whole. */
function shortened(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/** Plain text in a markdown paragraph: punctuation that markdown or HTML would act on is escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}
