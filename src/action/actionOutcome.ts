/**
 * The end of every run, evaluate or publish: outputs, job summary, annotations and the step's
 * status. The step fails exactly when a gate failed and no accept label accepted it.
 */
import * as core from '@actions/core';
import { type Acceptance, acceptanceBanner, acceptanceMessage, withBanner } from './acceptance.js';
import { Outputs } from './constants.js';

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

  const body = bodyWithAcceptance(
    outcome.body,
    accepted ? outcome.acceptance : null,
    outcome.failures.length,
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
  core.setFailed(`evalgate: ${outcome.failures.length} gate(s) failed`);
}

/** The banner-carrying body, for callers that post it (the comment is posted before finishRun). */
export function bodyWithAcceptance(
  body: string,
  acceptance: Acceptance | null,
  failureCount: number,
): string {
  return acceptance === null || failureCount === 0
    ? body
    : withBanner(body, acceptanceBanner(acceptance, failureCount));
}
