/**
 * One comment per pull request (and marker), updated in place on every push: the "sticky"
 * comment. A comment is ours when its body STARTS with the hidden marker (see
 * render/markdown.ts `commentMarker`) AND it was written by the token's identity; a comment that
 * merely quotes the marker mid-text is left alone.
 *
 * Authorship matters: anyone can post a comment that starts with the marker. Were it taken for
 * ours, an outsider who posts one first would have the action edit THEIR comment (which they can
 * edit back at will) and delete the real one as a duplicate. So the token's identity is asked
 * once (`GET /user`, which answers for personal access tokens) and only that login's comments
 * count. GITHUB_TOKEN and GitHub App installation tokens cannot read `/user` (403), and their
 * comments are written by a bot account (`github-actions[bot]`, `<app>[bot]`), which no outside
 * person can post as; for them, only comments whose author is a Bot count. Once this run has
 * created a comment, its author names the identity exactly, and the race clean-up below deletes
 * only that login's comments.
 *
 * Races: two runs on one pull request (a quick second push, a re-run) may both find no comment
 * and both create one. Whoever sees more than one keeps the OLDEST (lowest id) and deletes the
 * rest, tolerating a 404 when the other run already deleted it, so the pull request ends with one.
 * Every run lists again right after creating, so the later of two creators always cleans up.
 */
import { GITHUB_COMMENT_LIMIT } from '../shared/githubLimits.js';
import type { GitHubClient } from './client.js';
import { isNotFoundError } from './errors.js';

/** GitHub's limit on an issue comment body, in characters (shared/githubLimits.ts). */

export interface StickyCommentRequest {
  owner: string;
  repo: string;
  /** Pull request (or issue) number. */
  issueNumber: number;
  /** Hidden first line that identifies the comment, e.g. commentMarker(key). */
  marker: string;
  /** Full body; the marker is put in front when the body does not start with it. */
  body: string;
  /**
   * The commit this run evaluated. When given, the pull request's current head is read first and
   * nothing is posted if it moved on: the run for the newer commit will post.
   */
  expectedHeadSha?: string;
}

export type StickyCommentOutcome = 'created' | 'updated' | 'unchanged' | 'skipped-stale-head';

export interface StickyCommentResult {
  outcome: StickyCommentOutcome;
  /** The comment that now carries the verdict; null when skipped. */
  commentId: number | null;
  url: string | null;
  /** Ids of duplicate marker comments deleted (left by racing runs), ours included if we lost. */
  removedDuplicates: number[];
  /** The head sha found when the outcome is skipped-stale-head. */
  currentHeadSha?: string;
  /** True when the body had to be cut to GitHub's limit. */
  truncated?: boolean;
}

interface CommentLike {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string | null; type?: string | null } | null;
}

/**
 * Whose marker comments are ours: one login (the token's user, or the author of a comment this
 * run created), or, when GitHub does not say who the token is, any Bot account.
 */
export type CommentAuthor = { kind: 'login'; login: string } | { kind: 'bot' };

const tokenAuthors = new WeakMap<GitHubClient, Promise<CommentAuthor>>();

/**
 * The identity the client's token posts as, asked once per client. `GET /user` answers for
 * personal access tokens (classic and fine-grained) and user-to-server tokens; GITHUB_TOKEN and
 * installation tokens get 403 (or 404 on some servers), the expected answer, so the probe is not
 * retried, not logged, and any failure means "a bot". A transient failure for a personal token
 * only costs a second comment (the first, by a User, is then not ours), never a foreign edit.
 */
function tokenCommentAuthor(client: GitHubClient): Promise<CommentAuthor> {
  let author = tokenAuthors.get(client);
  if (author === undefined) {
    author = probeTokenAuthor(client);
    tokenAuthors.set(client, author);
  }
  return author;
}

async function probeTokenAuthor(client: GitHubClient): Promise<CommentAuthor> {
  try {
    const { data } = await client.rest.users.getAuthenticated({ request: { retries: 0 } });
    if (typeof data.login === 'string' && data.login !== '') return { kind: 'login', login: data.login };
  } catch {
    // Expected for GITHUB_TOKEN and installation tokens (403 "Resource not accessible by integration").
  }
  return { kind: 'bot' };
}

/** Was this comment written by `author`? */
function isWrittenBy(comment: Pick<CommentLike, 'user'>, author: CommentAuthor): boolean {
  const user = comment.user;
  if (user === null || user === undefined) return false;
  if (author.kind === 'bot') return user.type === 'Bot';
  return typeof user.login === 'string' && user.login.toLowerCase() === author.login.toLowerCase();
}

export async function upsertStickyComment(
  client: GitHubClient,
  request: StickyCommentRequest,
): Promise<StickyCommentResult> {
  if (request.marker.trim() === '') throw new Error('upsertStickyComment: the marker is empty');

  const staleBefore = await movedHead(client, request);
  if (staleBefore !== null) return skippedStaleHead(staleBefore);

  const { body, truncated } = fitCommentBody(withMarker(request.body, request.marker));
  const extra = truncated ? { truncated } : {};
  const author = await tokenCommentAuthor(client);
  const existing = await listMarkerComments({ client, request, author });
  // Listing (and any retry or rate-limit wait on the way) takes time: a push that landed meanwhile
  // has its own run, whose verdict must not be overwritten by this older one.
  const staleNow = await movedHead(client, request);
  if (staleNow !== null) return skippedStaleHead(staleNow);
  const result =
    existing.length > 0
      ? await updateOldest(client, request, body, existing)
      : await createAndSettle(client, request, body, author);
  return { ...result, ...extra };
}

/** The pull request's head when it is no longer the commit this run judged; null otherwise. */
async function movedHead(client: GitHubClient, request: StickyCommentRequest): Promise<string | null> {
  if (request.expectedHeadSha === undefined) return null;
  const { owner, repo, issueNumber } = request;
  const { data: pull } = await client.rest.pulls.get({ owner, repo, pull_number: issueNumber });
  return pull.head.sha.toLowerCase() === request.expectedHeadSha.toLowerCase() ? null : pull.head.sha;
}

function skippedStaleHead(currentHeadSha: string): StickyCommentResult {
  return { outcome: 'skipped-stale-head', commentId: null, url: null, removedDuplicates: [], currentHeadSha };
}

/** The oldest marker comment carries the body (edited only when it differs); the others go. */
async function updateOldest(
  client: GitHubClient,
  request: StickyCommentRequest,
  body: string,
  existing: readonly CommentLike[],
): Promise<StickyCommentResult> {
  const { owner, repo } = request;
  const [keep, ...duplicates] = existing as [CommentLike, ...CommentLike[]];
  let outcome: StickyCommentOutcome = 'unchanged';
  let url = keep.html_url;
  if (keep.body !== body) {
    const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: keep.id, body });
    outcome = 'updated';
    url = data.html_url;
  }
  const removedDuplicates = await deleteComments(client, owner, repo, duplicates);
  return { outcome, commentId: keep.id, url, removedDuplicates };
}

/**
 * Creates the comment, then settles a race with a run that created its own between our list and
 * our create: the oldest marker comment stays (it may be linked to already), carrying our body.
 */
async function createAndSettle(
  client: GitHubClient,
  request: StickyCommentRequest,
  body: string,
  listedAuthor: CommentAuthor,
): Promise<StickyCommentResult> {
  const { owner, repo, issueNumber } = request;
  let author = listedAuthor;
  const { data: created } = await client.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body,
  });
  // Our own comment names the identity exactly: from here on, only that login's comments count
  // (a bot token's comments come from one bot account; another app's bot is not us).
  const createdBy = created.user?.login;
  if (author.kind === 'bot' && typeof createdBy === 'string' && createdBy !== '') {
    author = { kind: 'login', login: createdBy };
    tokenAuthors.set(client, Promise.resolve(author));
  }
  const after = await listMarkerComments({ client, request, author });
  const oldest = after[0];
  if (oldest === undefined || oldest.id >= created.id) {
    const others = after.filter((comment) => comment.id !== created.id);
    const removedDuplicates = await deleteComments(client, owner, repo, others);
    return { outcome: 'created', commentId: created.id, url: created.html_url, removedDuplicates };
  }
  let url = oldest.html_url;
  if (oldest.body !== body) {
    const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: oldest.id, body });
    url = data.html_url;
  }
  const others = after.filter((comment) => comment.id !== oldest.id);
  if (!others.some((comment) => comment.id === created.id)) others.push(created);
  const removedDuplicates = await deleteComments(client, owner, repo, others);
  return { outcome: 'updated', commentId: oldest.id, url, removedDuplicates };
}

/** Does this comment body belong to the marker? It must start with it (leading blanks allowed). */
export function isMarkerComment(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && body.trimStart().startsWith(marker);
}

/** The issue's comments by `author` that carry the marker, oldest (lowest id) first. */
async function listMarkerComments(query: {
  client: GitHubClient;
  request: Pick<StickyCommentRequest, 'owner' | 'repo' | 'issueNumber' | 'marker'>;
  author: CommentAuthor;
}): Promise<CommentLike[]> {
  const { client, author } = query;
  const { owner, repo, issueNumber, marker } = query.request;
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  return comments
    .filter((comment) => isMarkerComment(comment.body, marker) && isWrittenBy(comment, author))
    .sort((a, b) => a.id - b.id);
}

/** Deletes each comment; one already gone (a racing run deleted it) counts as removed. */
async function deleteComments(
  client: GitHubClient,
  owner: string,
  repo: string,
  comments: readonly CommentLike[],
): Promise<number[]> {
  const removed: number[] = [];
  for (const comment of comments) {
    try {
      await client.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
    removed.push(comment.id);
  }
  return removed;
}

function withMarker(body: string, marker: string): string {
  return isMarkerComment(body, marker) ? body : `${marker}\n${body}`;
}

const CUT_NOTE =
  "\n\n---\n_evalgate: this comment was cut at GitHub's 65,536-character limit; the full report is in " +
  'the job summary and the report file._\n';

/**
 * Keeps a body within GitHub's limit (or a smaller `limit`, for a part of a body). The renderer stays under 65,000 characters by design, so
 * this only guards other callers: it cuts at the last line break that fits, closes a folded
 * `<details>` block left open, and says so. Length is counted in UTF-16 code units, never less
 * than GitHub's count of characters.
 */
export function fitCommentBody(
  body: string,
  limit: number = GITHUB_COMMENT_LIMIT,
): { body: string; truncated: boolean } {
  if (body.length <= limit) return { body, truncated: false };
  const closing = '\n</details>';
  const room = limit - CUT_NOTE.length - closing.length;
  let cut = body.slice(0, room);
  const lineBreak = cut.lastIndexOf('\n');
  if (lineBreak > room / 2) cut = cut.slice(0, lineBreak);
  // Never end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const opened = (cut.match(/<details\b/gi) ?? []).length;
  const closed = (cut.match(/<\/details>/gi) ?? []).length;
  // Nested folds are rare (the renderer nests none); one closing tag is reserved, more are cut room.
  const close = closing.repeat(Math.max(0, opened - closed));
  if (close.length > closing.length) cut = cut.slice(0, room + closing.length - close.length);
  return { body: `${cut}${close}${CUT_NOTE}`, truncated: true };
}
