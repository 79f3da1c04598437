/**
 * The accept label: a failed gate turns into a pass when the pull request carries a configured
 * label (e.g. `evalgate/accept-regression`), and the comment says who added it and when, so the
 * sign-off is on record. GitHub label names are case-insensitive, so they are compared that way.
 */
import type { GitHubClient } from './client.js';

export interface LabelAcceptance {
  /** The label is on the pull request now. */
  applied: boolean;
  /** Login of whoever added it last (from the issue's `labeled` events); null when unknown. */
  by: string | null;
  /** When it was added last (ISO 8601, as GitHub reports it); null when unknown. */
  at: string | null;
}

export async function findLabelAcceptance(
  client: GitHubClient,
  target: { owner: string; repo: string; issueNumber: number; label: string },
): Promise<LabelAcceptance> {
  const { owner, repo, issueNumber } = target;
  const wanted = target.label.trim().toLowerCase();
  if (wanted === '') return { applied: false, by: null, at: null };

  const labels = await client.paginate(client.rest.issues.listLabelsOnIssue, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  if (!labels.some((label) => label.name.toLowerCase() === wanted)) {
    return { applied: false, by: null, at: null };
  }

  const events = await client.paginate(client.rest.issues.listEvents, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  // Events come oldest first; the label's last `labeled` event is the addition that stands.
  let by: string | null = null;
  let at: string | null = null;
  let latest = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const name = 'label' in event ? event.label?.name : undefined;
    if (event.event !== 'labeled' || name?.toLowerCase() !== wanted) continue;
    const time = Date.parse(event.created_at);
    if (Number.isNaN(time) || time < latest) continue;
    latest = time;
    by = event.actor?.login ?? null;
    at = event.created_at;
  }
  return { applied: true, by, at };
}
