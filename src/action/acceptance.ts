/**
 * `accept-label`: a person's sign-off on a regression the team decided to take. When a gate
 * failed and the pull request carries the label, the step passes, but nothing is hidden:
 *
 * - the `verdict` output stays `fail` (what the gates found), `passed` is `true` (what the step
 *   did) and `accepted-by` names who added the label;
 * - the log carries a warning annotation naming who accepted what and when;
 * - the comment and the job summary open with a banner saying the same.
 *
 * The label is looked up through the API (not the event payload), so a label added after the run
 * started counts on a re-run, and the `labeled` event tells who added it. It must be a second
 * PERSON's sign-off, so these are not an acceptance, each with its own warning:
 * - a label whose adder GitHub does not name (it cannot be checked);
 * - a label added by a Bot account (`actor.type === 'Bot'`: an automation, e.g. a workflow with a
 *   write token that a pull request could trigger, or a labeling app);
 * - a label added through a GitHub App (`performed_via_github_app`), which acts by its own rules;
 * - a label added by the pull request's author.
 */
import type { GitHubClient } from '../github/client.js';
import { describeGitHubError } from '../github/errors.js';
import { findLabelAcceptance } from '../github/labelAcceptance.js';
import { escapeMarkdown } from '../render/escapeMarkdown.js';
import { countOf } from '../shared/plural.js';

export interface Acceptance {
  label: string;
  /** Login of whoever added the label last; null when GitHub did not say. */
  by: string | null;
  /** When (ISO 8601); null when unknown. */
  at: string | null;
}

function who(acceptance: Acceptance): string {
  return acceptance.by === null ? 'someone (GitHub did not say who)' : `@${acceptance.by}`;
}

/** The loud log line: who accepted how many failed gates, with which label, when. */
export function acceptanceMessage(acceptance: Acceptance, failures: string[]): string {
  const listed =
    failures.slice(0, 5).join('; ') + (failures.length > 5 ? `; and ${failures.length - 5} more` : '');
  return (
    `evalgate: ${countOf(failures.length, 'failure')} ACCEPTED by ${who(acceptance)}, who added the label ` +
    `'${acceptance.label}'${acceptance.at ? ` at ${acceptance.at}` : ''}. The step passes; the verdict output ` +
    `stays 'fail'. Accepted: ${listed}`
  );
}

/** The banner put at the top of the comment and the summary (after the hidden marker). */
export function acceptanceBanner(acceptance: Acceptance, failureCount: number): string {
  const by =
    acceptance.by === null ? 'someone (GitHub did not say who)' : `@${escapeMarkdown(acceptance.by, 60)}`;
  const when = acceptance.at ? ` on ${escapeMarkdown(acceptance.at, 40)}` : '';
  const gates = failureCount === 1 ? '1 failed gate' : `${failureCount} failed gates`;
  return [
    '> [!WARNING]',
    `> **Regression accepted by ${by}**: the label \`${acceptance.label.replace(/`/g, "'")}\` was added${when}, ` +
      `so the ${gates} below do not fail the check. The verdict below is unchanged; remove the label to make it block again.`,
  ].join('\n');
}

/** Inserts `banner` right after the body's first line (the hidden marker), so the marker stays first. */
export function withBanner(body: string, banner: string): string {
  const lineEnd = body.indexOf('\n');
  if (lineEnd < 0) return `${body}\n\n${banner}\n`;
  return `${body.slice(0, lineEnd + 1)}\n${banner}\n${body.slice(lineEnd + 1)}`;
}

/**
 * Whether the pull request carries `label` now, and who added it. An API failure counts as not
 * accepted (fail closed: a gate that failed keeps failing), with a warning that says so.
 */
export async function lookUpAcceptance(
  client: GitHubClient,
  target: {
    owner: string;
    repo: string;
    number: number;
    /** The pull request's author when the caller has just read it (publish mode); else read here. */
    author?: string | null;
  },
  label: string,
  warning: (message: string) => void,
): Promise<Acceptance | null> {
  try {
    const found = await findLabelAcceptance(client, {
      owner: target.owner,
      repo: target.repo,
      issueNumber: target.number,
      label,
    });
    if (!found.applied) return null;
    // A sign-off is a second person's: the author cannot accept their own regression, and a
    // label whose adder GitHub does not name cannot be checked, so neither counts.
    if (found.by === null) {
      warning(
        `evalgate: the label '${label}' is on the pull request, but GitHub does not say who added it, so it ` +
          "cannot be checked as a second person's sign-off; the failed gates are not accepted. Remove and re-add the label.",
      );
      return null;
    }
    if (found.byBot) {
      warning(
        `evalgate: the label '${label}' was added by @${found.by}, a bot account; accepting a regression needs a ` +
          "person's sign-off, so the failed gates are not accepted. Ask a reviewer to add the label by hand.",
      );
      return null;
    }
    if (found.viaApp !== null) {
      warning(
        `evalgate: the label '${label}' was added by @${found.by} through the GitHub App '${found.viaApp}'; ` +
          "accepting a regression needs a person's own sign-off, not an app's, so the failed gates are not " +
          'accepted. Ask a reviewer to add the label by hand in the pull request.',
      );
      return null;
    }
    const author = target.author !== undefined ? target.author : await pullRequestAuthor(client, target);
    if (author !== null && found.by.toLowerCase() === author.toLowerCase()) {
      warning(
        `evalgate: the label '${label}' was added by @${found.by}, the pull request's author; accepting a ` +
          "regression needs a second person's sign-off, so the failed gates are not accepted. Ask a reviewer to add the label.",
      );
      return null;
    }
    return { label, by: found.by, at: found.at };
  } catch (error) {
    warning(
      `evalgate: could not check the pull request for the label '${label}' (${describeGitHubError(error)}); ` +
        'the failed gates are not accepted.',
    );
    return null;
  }
}

async function pullRequestAuthor(
  client: GitHubClient,
  target: { owner: string; repo: string; number: number },
): Promise<string | null> {
  const { data: pull } = await client.rest.pulls.get({
    owner: target.owner,
    repo: target.repo,
    pull_number: target.number,
  });
  return pull.user?.login ?? null;
}
