import { describe, expect, it } from 'vitest';
import { findLabelAcceptance } from '../../src/github/labelAcceptance.js';
import { OWNER, REPO, testClient, useFakeGitHub } from '../helpers/githubTestClient.js';

const PR = 12;
const LABEL = 'evalgate/accept-regression';
const query = { owner: OWNER, repo: REPO, issueNumber: PR, label: LABEL };

const fake = useFakeGitHub();

describe('findLabelAcceptance', () => {
  it('reports who added the label and when', async () => {
    fake().addLabel(OWNER, REPO, PR, 'bug', 'carol', '2025-02-01T10:00:00Z');
    fake().addLabel(OWNER, REPO, PR, LABEL, 'alice', '2025-02-02T09:30:00Z');
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toEqual({
      applied: true,
      by: 'alice',
      at: '2025-02-02T09:30:00Z',
      byBot: false,
      viaApp: null,
    });
  });

  it('credits the last addition when the label was removed and added again, across event pages', async () => {
    fake().addLabel(OWNER, REPO, PR, LABEL, 'alice', '2025-02-02T09:30:00Z');
    fake().removeLabel(OWNER, REPO, PR, LABEL, 'bob', '2025-02-03T09:30:00Z');
    for (let i = 0; i < 150; i += 1) {
      fake().addLabel(
        OWNER,
        REPO,
        PR,
        `noise-${i}`,
        'ci-bot[bot]',
        `2025-02-04T00:${String(i % 60).padStart(2, '0')}:00Z`,
      );
    }
    fake().addLabel(OWNER, REPO, PR, LABEL, 'dave', '2025-02-05T12:00:00Z');
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toEqual({
      applied: true,
      by: 'dave',
      at: '2025-02-05T12:00:00Z',
      byBot: false,
      viaApp: null,
    });
    expect(fake().requestsTo('GET', `/issues/${PR}/events`).length).toBe(2);
    expect(fake().requestsTo('GET', `/issues/${PR}/labels`).length).toBe(2);
  });

  it('is not applied when the label was removed, and reads no events then', async () => {
    fake().addLabel(OWNER, REPO, PR, LABEL, 'alice');
    fake().removeLabel(OWNER, REPO, PR, LABEL, 'alice');
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toEqual({
      applied: false,
      by: null,
      at: null,
      byBot: false,
      viaApp: null,
    });
    expect(fake().requestsTo('GET', `/issues/${PR}/events`)).toHaveLength(0);
  });

  it('matches label names case-insensitively, as GitHub does', async () => {
    fake().addLabel(OWNER, REPO, PR, 'EvalGate/Accept-Regression', 'erin', '2025-03-01T00:00:00Z');
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toEqual({
      applied: true,
      by: 'erin',
      at: '2025-03-01T00:00:00Z',
      byBot: false,
      viaApp: null,
    });
  });

  it('says applied with an unknown author when no labeled event is found', async () => {
    fake().labels.set(`${OWNER}/${REPO}#${PR}`, [LABEL]);
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toEqual({
      applied: true,
      by: null,
      at: null,
      byBot: false,
      viaApp: null,
    });
  });

  it('says when the last addition was made by a Bot account', async () => {
    fake().addLabel(OWNER, REPO, PR, LABEL, 'alice', '2025-02-01T00:00:00Z');
    fake().removeLabel(OWNER, REPO, PR, LABEL, 'alice', '2025-02-02T00:00:00Z');
    fake().addLabel(OWNER, REPO, PR, LABEL, 'labeler[bot]', '2025-02-03T00:00:00Z');
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toMatchObject({
      applied: true,
      by: 'labeler[bot]',
      byBot: true,
      viaApp: null,
    });
  });

  it('names the app a labeled event was performed through', async () => {
    fake().addLabel(OWNER, REPO, PR, LABEL, 'alice', '2025-02-03T00:00:00Z', { viaApp: 'auto-labeler' });
    const { client } = testClient(fake());
    expect(await findLabelAcceptance(client, query)).toMatchObject({
      applied: true,
      by: 'alice',
      byBot: false,
      viaApp: 'auto-labeler',
    });
  });
});
