import { describe, expect, it } from 'vitest';
import { isPermissionError } from '../../src/github/errors.js';
import { fitCommentBody, isMarkerComment, upsertStickyComment } from '../../src/github/stickyComment.js';
import { GITHUB_COMMENT_LIMIT } from '../../src/shared/githubLimits.js';
import { commentMarker } from '../../src/render/markdown.js';
import { ACTIONS_BOT, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import {
  HEAD_SHA,
  OWNER,
  REPO,
  setTestPull,
  testClient,
  useFakeGitHub,
} from '../helpers/githubTestClient.js';

const PR = 7;
const marker = commentMarker('digits');
/** Where this file's comments go: addComment's owner, repo and issue number. */
const ON_PR = { owner: OWNER, repo: REPO, issueNumber: PR };
const target = { ...ON_PR, marker };

const fake = useFakeGitHub({ pull: PR });

const writes = () => fake().requests.filter((r) => r.method !== 'GET');

describe('upsertStickyComment', () => {
  it('creates one comment on the first run and updates that same comment on the next', async () => {
    const { client } = testClient(fake());
    fake().addComment({
      ...ON_PR,
      body: 'LGTM',
      user: { login: 'alice', id: 2, type: 'User' },
    });

    const first = await upsertStickyComment(client, { ...target, body: `${marker}\nverdict: pass` });
    expect(first.outcome).toBe('created');
    expect(first.removedDuplicates).toEqual([]);
    const ours = fake()
      .commentsOn(OWNER, REPO, PR)
      .filter((c) => c.body.startsWith(marker));
    expect(ours).toHaveLength(1);
    expect(first.commentId).toBe(ours[0].id);
    expect(first.url).toBe(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${ours[0].id}`);

    const second = await upsertStickyComment(client, { ...target, body: `${marker}\nverdict: fail` });
    expect(second).toMatchObject({ outcome: 'updated', commentId: first.commentId, removedDuplicates: [] });
    const comments = fake().commentsOn(OWNER, REPO, PR);
    expect(comments.map((c) => c.body)).toEqual(['LGTM', `${marker}\nverdict: fail`]);
  });

  it('sends no PATCH when the body is unchanged', async () => {
    const { client } = testClient(fake());
    await upsertStickyComment(client, { ...target, body: `${marker}\nsame` });
    const before = writes().length;
    const again = await upsertStickyComment(client, { ...target, body: `${marker}\nsame` });
    expect(again.outcome).toBe('unchanged');
    expect(writes().length).toBe(before);
  });

  it('puts the marker in front of a body that lacks it, so the next run finds the comment', async () => {
    const { client } = testClient(fake());
    const first = await upsertStickyComment(client, { ...target, body: 'no marker here' });
    expect(fake().commentsOn(OWNER, REPO, PR)[0].body).toBe(`${marker}\nno marker here`);
    const second = await upsertStickyComment(client, { ...target, body: 'no marker here' });
    expect(second).toMatchObject({ outcome: 'unchanged', commentId: first.commentId });
  });

  it('finds its comment on page 3 of 250 comments by following the Link headers', async () => {
    for (let i = 0; i < 250; i += 1) {
      const body = i === 230 ? `${marker}\nold verdict` : `comment ${i}`;
      fake().addComment({ ...ON_PR, body });
    }
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nnew verdict` });

    expect(result.outcome).toBe('updated');
    expect(fake().commentsOn(OWNER, REPO, PR)).toHaveLength(250);
    expect(fake().requestsTo('POST', /\/comments$/)).toHaveLength(0);
    const pages = fake()
      .requestsTo('GET', `/issues/${PR}/comments`)
      .map((r) => r.query['page'] ?? '1');
    expect(pages).toEqual(['1', '2', '3']);
    expect(fake().requestsTo('GET', `/issues/${PR}/comments`)[0].query['per_page']).toBe('100');
  });

  it('ignores comments that quote the marker mid-text and comments scoped by another key', async () => {
    fake().addComment({ ...ON_PR, body: `> quoted:\n${marker}\nold` });
    fake().addComment({
      ...ON_PR,
      body: `${commentMarker('other')}\nother job`,
    });
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nmine` });
    expect(result.outcome).toBe('created');
    expect(
      fake()
        .commentsOn(OWNER, REPO, PR)
        .map((c) => c.body),
    ).toEqual([`> quoted:\n${marker}\nold`, `${commentMarker('other')}\nother job`, `${marker}\nmine`]);
  });

  it('skips posting when the pull request head moved past the evaluated commit', async () => {
    setTestPull(fake(), PR, 'c'.repeat(40));
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, {
      ...target,
      body: `${marker}\nx`,
      expectedHeadSha: HEAD_SHA,
    });
    expect(result).toEqual({
      outcome: 'skipped-stale-head',
      commentId: null,
      url: null,
      removedDuplicates: [],
      currentHeadSha: 'c'.repeat(40),
    });
    expect(writes()).toHaveLength(0);
  });

  it('posts when the evaluated commit is still the head', async () => {
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, {
      ...target,
      body: `${marker}\nx`,
      expectedHeadSha: HEAD_SHA,
    });
    expect(result.outcome).toBe('created');
    // Checked before listing, and again right before writing.
    expect(fake().requestsTo('GET', `/pulls/${PR}`)).toHaveLength(2);
  });

  it('does not write when the head moves while the comments are being listed', async () => {
    fake().route('GET', /\/issues\/\d+\/comments$/, () => {
      // A push lands while this (older) run lists the comments.
      setTestPull(fake(), PR, 'd'.repeat(40));
      return { status: 200, body: [] };
    });
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, {
      ...target,
      body: `${marker}\nx`,
      expectedHeadSha: HEAD_SHA,
    });
    expect(result.outcome).toBe('skipped-stale-head');
    expect(result.currentHeadSha).toBe('d'.repeat(40));
    expect(writes()).toHaveLength(0);
  });

  it('keeps the oldest of several marker comments and deletes the others', async () => {
    const oldest = fake().addComment({ ...ON_PR, body: `${marker}\nfirst` });
    const dup1 = fake().addComment({ ...ON_PR, body: `${marker}\nsecond` });
    const dup2 = fake().addComment({ ...ON_PR, body: `${marker}\nthird` });
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nlatest` });
    expect(result).toMatchObject({
      outcome: 'updated',
      commentId: oldest.id,
      removedDuplicates: [dup1.id, dup2.id],
    });
    expect(
      fake()
        .commentsOn(OWNER, REPO, PR)
        .map((c) => [c.id, c.body]),
    ).toEqual([[oldest.id, `${marker}\nlatest`]]);
  });

  it('leaves exactly one comment when two runs race and both create one', async () => {
    // Both runs list before either creates: both see no comment and both POST.
    fake().barrier('GET', `/repos/${OWNER}/${REPO}/issues/${PR}/comments`, 2);
    const a = testClient(fake()).client;
    const b = testClient(fake()).client;
    const [resultA, resultB] = await Promise.all([
      upsertStickyComment(a, { ...target, body: `${marker}\nrun A` }),
      upsertStickyComment(b, { ...target, body: `${marker}\nrun B` }),
    ]);

    expect(fake().requestsTo('POST', `/issues/${PR}/comments`)).toHaveLength(2);
    const left = fake().commentsOn(OWNER, REPO, PR);
    expect(left).toHaveLength(1);
    const [firstCreated, secondCreated] = fake()
      .requestsTo('POST', `/issues/${PR}/comments`)
      .map((r) => r.body);
    expect(firstCreated).toBeDefined();
    expect(secondCreated).toBeDefined();
    // The survivor is the older comment, and both runs report it.
    expect(resultA.commentId).toBe(left[0].id);
    expect(resultB.commentId).toBe(left[0].id);
    expect([...resultA.removedDuplicates, ...resultB.removedDuplicates]).toContain(left[0].id + 1);
    expect([`${marker}\nrun A`, `${marker}\nrun B`]).toContain(left[0].body);
  });

  it('a run that created a comment after an older one appeared moves its body there and deletes its own', async () => {
    const { client } = testClient(fake());
    // Another run's comment appears between our list and our create.
    let injected = 0;
    fake().route('POST', /\/issues\/\d+\/comments$/, ({ body }) => {
      const other = fake().addComment({
        ...ON_PR,
        body: `${marker}\nother run`,
      });
      injected = other.id;
      const mine = fake().addComment({
        ...ON_PR,
        body: (body as { body: string }).body,
      });
      return {
        status: 201,
        body: { id: mine.id, html_url: `https://github.com/x#issuecomment-${mine.id}`, body: mine.body },
      };
    });
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nmine` });
    expect(result.outcome).toBe('updated');
    expect(result.commentId).toBe(injected);
    expect(result.removedDuplicates).toEqual([injected + 1]);
    expect(
      fake()
        .commentsOn(OWNER, REPO, PR)
        .map((c) => c.body),
    ).toEqual([`${marker}\nmine`]);
  });

  it('a 403 on creating the comment surfaces as a permission error', async () => {
    fake().failNext('POST', `/issues/${PR}/comments`, 403);
    const { client } = testClient(fake());
    const error = await upsertStickyComment(client, { ...target, body: `${marker}\nx` }).catch(
      (e: unknown) => e,
    );
    expect(isPermissionError(error)).toBe(true);
    expect(fake().requestsTo('POST', `/issues/${PR}/comments`)).toHaveLength(1);
  });

  it('cuts a body over 65,536 characters and says so, so GitHub accepts it', async () => {
    const { client } = testClient(fake());
    const rows = Array.from({ length: 4000 }, (_, i) => `| class ${i} | 0.9 | 0.8 |`).join('\n');
    const body = `${marker}\n<details><summary>all classes</summary>\n\n${rows}`;
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const result = await upsertStickyComment(client, { ...target, body });
    expect(result.outcome).toBe('created');
    expect(result.truncated).toBe(true);
    const posted = fake().commentsOn(OWNER, REPO, PR)[0].body;
    expect(posted.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(posted.startsWith(marker)).toBe(true);
    expect(posted).toContain("cut at GitHub's 65,536-character limit");
    expect(posted).toContain('</details>');
  });
});

describe('upsertStickyComment only takes the token identity’s comments for its own', () => {
  const MALLORY = { login: 'mallory', id: 66, type: 'User' as const };

  it('leaves an outsider’s older marker comment untouched and creates its own (installation token)', async () => {
    const forged = fake().addComment({
      ...ON_PR,
      body: `${marker}\n## evalgate: passed (forged)`,
      user: MALLORY,
    });
    const { client, warnings } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nreal verdict` });

    expect(result.outcome).toBe('created');
    expect(result.removedDuplicates).toEqual([]);
    expect(result.commentId).not.toBe(forged.id);
    expect(
      fake()
        .commentsOn(OWNER, REPO, PR)
        .map((c) => [c.user.login, c.body]),
    ).toEqual([
      ['mallory', `${marker}\n## evalgate: passed (forged)`],
      ['github-actions[bot]', `${marker}\nreal verdict`],
    ]);
    expect(fake().requestsTo('PATCH', `/issues/comments/${forged.id}`)).toHaveLength(0);
    expect(fake().requestsTo('DELETE', `/issues/comments/${forged.id}`)).toHaveLength(0);
    // The identity probe: one request, its 403 neither retried nor warned about.
    expect(
      fake()
        .requestsTo('GET', '/user')
        .map((r) => r.status),
    ).toEqual([403]);
    expect(warnings).toEqual([]);

    // The next run finds its own comment, not the outsider's.
    const again = await upsertStickyComment(client, { ...target, body: `${marker}\nnext verdict` });
    expect(again).toMatchObject({ outcome: 'updated', commentId: result.commentId, removedDuplicates: [] });
    expect(fake().commentsOn(OWNER, REPO, PR)[0].body).toBe(`${marker}\n## evalgate: passed (forged)`);
    expect(fake().requestsTo('GET', '/user')).toHaveLength(1);
  });

  it('does not retry or warn when the identity probe meets a server error, and falls back to bots', async () => {
    fake().failNext('GET', '/user', 502);
    const { client, warnings } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nx` });
    expect(result.outcome).toBe('created');
    expect(
      fake()
        .requestsTo('GET', '/user')
        .map((r) => r.status),
    ).toEqual([502]);
    expect(warnings).toEqual([]);
  });

  it('still deletes duplicates among its own comments, and never the outsider’s', async () => {
    const forged = fake().addComment({
      ...ON_PR,
      body: `${marker}\nx`,
      user: MALLORY,
    });
    const mine = fake().addComment({ ...ON_PR, body: `${marker}\nold` });
    const dup = fake().addComment({ ...ON_PR, body: `${marker}\nracing` });
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nnew` });
    expect(result).toMatchObject({ outcome: 'updated', commentId: mine.id, removedDuplicates: [dup.id] });
    expect(
      fake()
        .commentsOn(OWNER, REPO, PR)
        .map((c) => c.id),
    ).toEqual([forged.id, mine.id]);
  });

  it('after creating, cleans up only comments of its own login, not another app’s bot', async () => {
    const otherApp = { login: 'other-app[bot]', id: 77, type: 'Bot' as const };
    let foreignId = 0;
    // Another app's marker comment appears between our list and our create (older id than ours).
    fake().route('POST', /\/issues\/\d+\/comments$/, ({ body }) => {
      foreignId = fake().addComment({
        ...ON_PR,
        body: `${marker}\nz`,
        user: otherApp,
      }).id;
      const created = fake().addComment({
        ...ON_PR,
        body: (body as { body: string }).body,
      });
      return {
        status: 201,
        body: {
          id: created.id,
          html_url: `https://github.com/x#issuecomment-${created.id}`,
          body: created.body,
          user: ACTIONS_BOT,
        },
      };
    });
    const { client } = testClient(fake());
    const result = await upsertStickyComment(client, { ...target, body: `${marker}\nmine` });
    expect(result.outcome).toBe('created');
    expect(result.removedDuplicates).toEqual([]);
    expect(
      fake()
        .commentsOn(OWNER, REPO, PR)
        .map((c) => c.user.login),
    ).toEqual(['other-app[bot]', 'github-actions[bot]']);
    expect(fake().requestsTo('PATCH', `/issues/comments/${foreignId}`)).toHaveLength(0);
  });

  it('with a personal access token, only the comments of the login GET /user names count', async () => {
    const machine = { login: 'evalgate-machine', id: 90, type: 'User' as const };
    const personal = await startFakeGitHub({ tokenKind: 'personal', user: machine });
    try {
      setTestPull(personal, PR);
      const forged = personal.addComment({ ...ON_PR, body: `${marker}\nforged`, user: MALLORY });
      const bot = personal.addComment({ ...ON_PR, body: `${marker}\nsome bot`, user: ACTIONS_BOT });
      const mine = personal.addComment({ ...ON_PR, body: `${marker}\nold`, user: machine });
      const { client } = testClient(personal);
      const result = await upsertStickyComment(client, { ...target, body: `${marker}\nnew` });
      expect(result).toMatchObject({ outcome: 'updated', commentId: mine.id, removedDuplicates: [] });
      expect(personal.commentsOn(OWNER, REPO, PR).map((c) => [c.id, c.body])).toEqual([
        [forged.id, `${marker}\nforged`],
        [bot.id, `${marker}\nsome bot`],
        [mine.id, `${marker}\nnew`],
      ]);
      expect(personal.requestsTo('GET', '/user').map((r) => r.status)).toEqual([200]);
    } finally {
      await personal.close();
    }
  });
});

describe('fitCommentBody', () => {
  it('leaves a body at the limit alone', () => {
    const body = 'x'.repeat(GITHUB_COMMENT_LIMIT);
    expect(fitCommentBody(body)).toEqual({ body, truncated: false });
  });

  it('never splits a surrogate pair when cutting', () => {
    const body = '😀'.repeat(GITHUB_COMMENT_LIMIT);
    const { body: cut } = fitCommentBody(body);
    expect(cut.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('isMarkerComment', () => {
  it('accepts the marker at the start (after blank space) and nothing else', () => {
    expect(isMarkerComment(`${marker}\nx`, marker)).toBe(true);
    expect(isMarkerComment(`\n  ${marker}\nx`, marker)).toBe(true);
    expect(isMarkerComment(`see ${marker}`, marker)).toBe(false);
    expect(isMarkerComment(null, marker)).toBe(false);
  });
});
