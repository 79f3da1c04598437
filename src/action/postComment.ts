/**
 * Posting the verdict comment, degrading instead of failing: a comment that cannot be posted
 * (a fork's read-only token, an API outage after retries) is a warning. It never changes the
 * verdict and never loses the report or the job summary (conventions: non-essential work degrades).
 */
import type { GitHubClient } from '../github/client.js';
import { describeGitHubError, isPermissionError } from '../github/errors.js';
import { upsertStickyComment } from '../github/stickyComment.js';
import { countOf } from '../shared/plural.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  number: number;
  /** The commit evaluated; the comment is left alone when the pull request's head moved on. */
  headSha: string;
}

export interface ActionLog {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
}

export interface VerdictComment {
  github: GitHubClient;
  target: CommentTarget;
  /** The sticky comment's hidden marker (the first line of `body`). */
  marker: string;
  body: string;
  log: ActionLog;
}

/** The comment id when one now carries the verdict; null when it was skipped or could not be posted. */
export async function postVerdictComment(comment: VerdictComment): Promise<number | null> {
  const { github, target, marker, body, log } = comment;
  try {
    const result = await upsertStickyComment(github, {
      owner: target.owner,
      repo: target.repo,
      issueNumber: target.number,
      marker,
      body,
      expectedHeadSha: target.headSha,
    });
    if (result.outcome === 'skipped-stale-head') {
      log.notice(
        `evalgate: the pull request's head moved on to ${result.currentHeadSha?.slice(0, 7) ?? 'a newer commit'} ` +
          `since this run's commit ${target.headSha.slice(0, 7)}; the comment is left to the run for the newer commit.`,
      );
      return null;
    }
    log.info(`evalgate: comment ${result.outcome}: ${result.url ?? `#${result.commentId}`}`);
    if (result.removedDuplicates.length > 0) {
      log.info(
        `evalgate: removed ${countOf(result.removedDuplicates.length, 'duplicate evalgate comment')} left by a concurrent run: ` +
          result.removedDuplicates.join(', '),
      );
    }
    return result.commentId;
  } catch (error) {
    log.warning(commentFailureMessage(error));
    return null;
  }
}

/** Why the comment could not be posted, and what to do about it. */
function commentFailureMessage(error: unknown): string {
  const what = describeGitHubError(error);
  if (isPermissionError(error)) {
    return (
      `evalgate: could not post the pull-request comment: ${what}. The token cannot write comments here: on ` +
      'pull requests from forks GITHUB_TOKEN is read-only, and elsewhere the job needs permissions: ' +
      'pull-requests: write. The verdict, the job summary and the report are unaffected. To comment on pull ' +
      'requests from forks, use the two-stage pattern in docs/action.md ("Pull requests from forks"): this job ' +
      'uploads output-dir as an artifact and a workflow_run job posts it with mode: publish.'
    );
  }
  return (
    `evalgate: could not post the pull-request comment: ${what}. The verdict, the job summary and the ` +
    'report are unaffected; re-run the job to post it.'
  );
}
