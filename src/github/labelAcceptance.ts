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
  /** The last `labeled` event's actor is a Bot account (`actor.type === 'Bot'`). */
  byBot: boolean;
  /**
   * Slug (else name) of the GitHub App the last `labeled` event was performed through
   * (`performed_via_github_app`), e.g. a labeling bot acting on a person's behalf; null when none.
   */
  viaApp: string | null;
}

const NOT_APPLIED: LabelAcceptance = { applied: false, by: null, at: null, byBot: false, viaApp: null };

export async function findLabelAcceptance(
  client: GitHubClient,
  target: { owner: string; repo: string; issueNumber: number; label: string },
): Promise<LabelAcceptance> {
  const { owner, repo, issueNumber } = target;
  const wanted = target.label.trim().toLowerCase();
  if (wanted === '') return NOT_APPLIED;

  const labels = await client.paginate(client.rest.issues.listLabelsOnIssue, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  if (!labels.some((label) => label.name.toLowerCase() === wanted)) return NOT_APPLIED;

  const events = await client.paginate(client.rest.issues.listEvents, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  // Events come oldest first; the label's last `labeled` event is the addition that stands.
  let by: string | null = null;
  let at: string | null = null;
  let byBot = false;
  let viaApp: string | null = null;
  let latest = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const name = 'label' in event ? event.label?.name : undefined;
    if (event.event !== 'labeled' || name?.toLowerCase() !== wanted) continue;
    const time = Date.parse(event.created_at);
    if (Number.isNaN(time) || time < latest) continue;
    latest = time;
    by = event.actor?.login ?? null;
    at = event.created_at;
    byBot = event.actor?.type === 'Bot';
    viaApp = appName(event);
  }
  return { applied: true, by, at, byBot, viaApp };
}

/** The app named by an event's `performed_via_github_app`, or null when the event has none. */
function appName(event: object): string | null {
  const app = (event as { performed_via_github_app?: unknown }).performed_via_github_app;
  if (typeof app !== 'object' || app === null) return null;
  const { slug, name } = app as { slug?: unknown; name?: unknown };
  if (typeof slug === 'string' && slug !== '') return slug;
  return typeof name === 'string' && name !== '' ? name : 'an unnamed app';
}
