import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acceptanceBanner,
  acceptanceMessage,
  lookUpAcceptance,
  withBanner,
} from '../../src/action/acceptance.js';
import { parseVerdict, pullRequestRecordJson, readResultDir } from '../../src/action/resultFiles.js';
import { commentMarker } from '../../src/render/markdown.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { testClient } from '../helpers/githubTestClient.js';

const record = {
  number: 12,
  headSha: 'c'.repeat(40),
  baseSha: 'b'.repeat(40),
  repository: 'octo/models',
  commentKey: 'PR gate/evaluate',
};

function resultDir(files: Partial<Record<string, string>> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-result-'));
  const all: Record<string, string | undefined> = {
    'pull-request.json': pullRequestRecordJson(record),
    'comment.md': `${commentMarker(record.commentKey)}\n\n## evalgate: passed\n`,
    'verdict.json': JSON.stringify({ passed: true, gates: [], failures: [], warnings: [], notes: [] }),
    ...files,
  };
  for (const [name, text] of Object.entries(all))
    if (text !== undefined) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('readResultDir (publish mode reads an untrusted artifact)', () => {
  it('reads a result folder as evaluate mode writes it', () => {
    const result = readResultDir(resultDir());
    expect(result.pullRequest).toEqual(record);
    expect(result.verdict.passed).toBe(true);
    expect(result.files.report).toBeNull();
  });

  it('refuses a comment that does not start with the marker of the recorded key', () => {
    expect(() => readResultDir(resultDir({ 'comment.md': 'hello @everyone\n' }))).toThrow(
      /comment\.md in the result folder does not start with evalgate's marker <!-- evalgate:comment key=PR_gate\/evaluate -->/,
    );
    expect(() => readResultDir(resultDir({ 'comment.md': `${commentMarker('other')}\nbody` }))).toThrow(
      /marker/,
    );
  });

  it('refuses oversized, missing, linked or malformed files, naming the file', () => {
    expect(() =>
      readResultDir(
        resultDir({ 'comment.md': `${commentMarker(record.commentKey)}\n${'x'.repeat(70_000)}` }),
      ),
    ).toThrow(/comment\.md .*more than GitHub's 65536/);
    expect(() => readResultDir(resultDir({ 'verdict.json': undefined }))).toThrow(
      /verdict\.json .* is missing/,
    );
    expect(() => readResultDir(resultDir({ 'pull-request.json': '{"number": 1' }))).toThrow(
      /pull-request\.json .* is not valid JSON/,
    );
    expect(() =>
      readResultDir(resultDir({ 'pull-request.json': JSON.stringify({ ...record, headSha: 'main' }) })),
    ).toThrow(/pull-request\.json .* has no valid headSha/);
    const linked = resultDir({ 'verdict.json': undefined });
    symlinkSync('/etc/hostname', path.join(linked, 'verdict.json'));
    expect(() => readResultDir(linked)).toThrow(/verdict\.json .* is not a plain file/);
  });

  it('refuses a verdict whose passed flag contradicts its failures', () => {
    expect(() => parseVerdict({ passed: true, failures: [{ gate: 'accuracy.min', message: 'm' }] })).toThrow(
      /says passed: true with 1 failed gate/,
    );
    expect(() => parseVerdict({ passed: false, failures: [] })).toThrow(/says passed: false with 0 failed/);
    expect(
      parseVerdict({ passed: false, failures: [{ gate: 'g', subject: '8', message: 'm' }] }).failures,
    ).toEqual([{ gate: 'g', subject: '8', message: 'm' }]);
  });
});

describe('acceptance', () => {
  const acceptance = { label: 'evalgate/accept-regression', by: 'alice', at: '2025-01-01T00:00:05Z' };

  it('puts the banner after the hidden marker, so the comment is still found by it', () => {
    const body = `${commentMarker('k')}\n\n## ❌ evalgate: failed\n`;
    const out = withBanner(body, acceptanceBanner(acceptance, 2));
    expect(out.startsWith(`${commentMarker('k')}\n\n> [!WARNING]\n> **Regression accepted by @alice**`)).toBe(
      true,
    );
    expect(out).toContain('`evalgate/accept-regression` was added on 2025-01-01T00:00:05Z');
    expect(out).toContain('the 2 failed gates below do not fail the check');
    expect(out.endsWith('## ❌ evalgate: failed\n')).toBe(true);
  });

  it('says loudly who accepted what, and when', () => {
    const message = acceptanceMessage(acceptance, ["recall of '8' dropped"]);
    expect(message).toMatch(
      /1 failure ACCEPTED by @alice, who added the label 'evalgate\/accept-regression' at 2025-01-01T00:00:05Z/,
    );
    expect(message).toContain("verdict output stays 'fail'");
    expect(message).toContain("recall of '8' dropped");
    expect(acceptanceMessage({ ...acceptance, by: null }, ['x'])).toContain(
      'someone (GitHub did not say who)',
    );
  });
});

describe('lookUpAcceptance: a sign-off is a second person’s', () => {
  const LABEL = 'evalgate/accept-regression';
  const target = { owner: 'octo', repo: 'models', number: 21 };
  let fake: FakeGitHub;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    fake.setPull('octo', 'models', {
      number: 21,
      headSha: 'c'.repeat(40),
      baseSha: 'b'.repeat(40),
      headRef: 'feature',
      baseRef: 'main',
      author: 'contributor',
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function lookUp() {
    const warnings: string[] = [];
    const { client } = testClient(fake);
    const found = await lookUpAcceptance(client, target, LABEL, (m) => warnings.push(m));
    return { found, warnings };
  }

  it('accepts a label a reviewer added by hand', async () => {
    fake.addLabel('octo', 'models', 21, LABEL, 'alice', '2025-03-01T12:00:00Z');
    expect(await lookUp()).toEqual({
      found: { label: LABEL, by: 'alice', at: '2025-03-01T12:00:00Z' },
      warnings: [],
    });
  });

  it('refuses a label added by a bot account, saying so', async () => {
    fake.addLabel('octo', 'models', 21, LABEL, 'github-actions[bot]', '2025-03-01T12:00:00Z');
    const { found, warnings } = await lookUp();
    expect(found).toBeNull();
    expect(warnings).toEqual([
      expect.stringMatching(
        /the label 'evalgate\/accept-regression' was added by @github-actions\[bot\], a bot account; .*person's sign-off/,
      ),
    ]);
  });

  it('refuses a label added through a GitHub App, naming the app', async () => {
    fake.addLabel('octo', 'models', 21, LABEL, 'alice', '2025-03-01T12:00:00Z', { viaApp: 'auto-labeler' });
    const { found, warnings } = await lookUp();
    expect(found).toBeNull();
    expect(warnings).toEqual([
      expect.stringMatching(/added by @alice through the GitHub App 'auto-labeler'; .*not an app's/),
    ]);
  });

  it('reads the pull request for its author only when the author is needed and not given', async () => {
    fake.addLabel('octo', 'models', 21, LABEL, 'github-actions[bot]', '2025-03-01T12:00:00Z');
    expect((await lookUp()).found).toBeNull();
    expect(fake.requestsTo('GET', '/pulls/21')).toHaveLength(0);

    fake.addLabel('octo', 'models', 21, LABEL, 'contributor', '2025-03-02T12:00:00Z');
    const { client } = testClient(fake);
    // Publish mode has just read the pull request: its author is passed, not read again.
    const known = await lookUpAcceptance(client, { ...target, author: 'someone-else' }, LABEL, () => {});
    expect(known).toEqual({ label: LABEL, by: 'contributor', at: '2025-03-02T12:00:00Z' });
    expect(fake.requestsTo('GET', '/pulls/21')).toHaveLength(0);
  });

  it('refuses a label the pull request’s author added, and one whose adder is unknown', async () => {
    fake.addLabel('octo', 'models', 21, LABEL, 'contributor', '2025-03-01T12:00:00Z');
    const own = await lookUp();
    expect(own.found).toBeNull();
    expect(own.warnings).toEqual([expect.stringMatching(/added by @contributor, the pull request's author/)]);

    fake.events.clear();
    const unknown = await lookUp();
    expect(unknown.found).toBeNull();
    expect(unknown.warnings).toEqual([expect.stringMatching(/GitHub does not say who added it/)]);
  });
});
