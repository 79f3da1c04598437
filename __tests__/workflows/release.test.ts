// The release workflow (.github/workflows/release.yml) is what makes `uses: <owner>/evalgate@v1` and the
// release tarball exist: on a version tag it checks the tag against package.json, runs the checks,
// checks dist/, creates the release with the `npm pack` tarball and moves the major tag. These tests
// pin its trigger, permissions and steps in order, and run its two shell scripts that decide something
// (the version check, the major tag) for real, in scratch folders.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
const workflow = parse(readFileSync(path.join(repoRoot, '.github', 'workflows', 'release.yml'), 'utf8')) as {
  on: { push: { tags: string[]; branches?: string[] } } & Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
};
const jobs = Object.values(workflow.jobs);
const steps = jobs[0].steps;

/** The index of the one step that matches, failing when none or several do. */
function stepIndex(what: string, match: (step: Step) => boolean): number {
  const found = steps.flatMap((step, index) => (match(step) ? [index] : []));
  expect(found, `one step: ${what}`).toHaveLength(1);
  return found[0];
}
/** A GitHub expression as workflow text: `${{ <text> }}`. */
function expression(text: string): string {
  return `\${{ ${text} }}`;
}

const runs = (text: string | RegExp) => (step: Step) =>
  typeof text === 'string' ? (step.run ?? '').includes(text) : text.test(step.run ?? '');

const versionCheck = steps[stepIndex('the version check', runs('package.json'))];
const moveMajor = steps[stepIndex('moving the major tag', runs('git tag -f'))];

function bash(script: string, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['-e', '-c', script], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

function git(cwd: string, ...args: string[]) {
  const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });
  expect(result.status, `git ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout.trim();
}

describe('release.yml', () => {
  it('runs on version tags only, in one job', () => {
    expect(Object.keys(workflow.on)).toEqual(['push']);
    expect(workflow.on.push).toEqual({ tags: ['v*.*.*'] });
    expect(jobs).toHaveLength(1);
  });

  it('reads the repository by default and gives only the release job `contents: write`', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(jobs[0].permissions).toEqual({ contents: 'write' });
  });

  it('checks the version, installs, typechecks, lints, tests, checks dist/, packs, releases, then moves the major tag, in that order', () => {
    const order = [
      stepIndex('checkout', (s) => s.uses?.startsWith('actions/checkout@') === true),
      stepIndex('setup-node', (s) => s.uses?.startsWith('actions/setup-node@') === true),
      stepIndex('the version check', (s) => s === versionCheck),
      stepIndex('npm ci', (s) => s.run === 'npm ci'),
      stepIndex('typecheck', (s) => s.run === 'npm run typecheck'),
      stepIndex('lint', (s) => s.run === 'npm run lint'),
      stepIndex('npm test', (s) => s.run === 'npm test'),
      stepIndex(
        'dist/ check',
        runs(/npm run package[\s\S]*git (status --porcelain|diff --exit-code) -- dist/),
      ),
      stepIndex('npm pack', (s) => s.run === 'npm pack'),
      stepIndex('the release', runs('gh release create')),
      stepIndex('the major tag', (s) => s === moveMajor),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Node as CI and development use it (.node-version: 20).
    expect(steps[order[1]].with).toMatchObject({ 'node-version-file': '.node-version' });
    expect(readFileSync(path.join(repoRoot, '.node-version'), 'utf8').trim()).toBe('20');
  });

  it('creates the release from the pushed tag with generated notes and the packed tarball, with the job token', () => {
    const release = steps.find(runs('gh release create'))!;
    expect(release.env).toMatchObject({
      GH_TOKEN: expression('github.token'),
      TAG: expression('github.ref_name'),
    });
    expect(release.run).toMatch(/gh release create "\$TAG" evalgate-\*\.tgz .*--verify-tag/);
    expect(release.run).toContain('--generate-notes');
  });

  it("fails the release when the tag is not package.json's version, and names both", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-release-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'evalgate', version: '1.2.3' }));
    expect(versionCheck.env).toEqual({ TAG: expression('github.ref_name') });
    const good = bash(versionCheck.run!, dir, { TAG: 'v1.2.3' });
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    for (const tag of ['v1.2.4', 'v1.2.3-rc.1', '1.2.3']) {
      const bad = bash(versionCheck.run!, dir, { TAG: tag });
      expect(bad.status, tag).toBe(1);
      expect(bad.stderr).toContain(`the tag ${tag} is not package.json's version 1.2.3`);
    }
  });

  it('moves the major tag of a release (v1 for v1.2.3) to the released commit and pushes it; a pre-release leaves it', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'evalgate-release-tags-'));
    const origin = path.join(root, 'origin.git');
    const work = path.join(root, 'work');
    git(root, 'init', '-q', '--bare', origin);
    git(root, 'clone', '-q', origin, work);
    git(work, 'commit', '-q', '--allow-empty', '-m', 'first');
    git(work, 'tag', 'v1');
    git(work, 'push', '-q', 'origin', 'HEAD', '--tags');
    const first = git(work, 'rev-parse', 'HEAD');
    git(work, 'commit', '-q', '--allow-empty', '-m', 'second');
    const second = git(work, 'rev-parse', 'HEAD');

    const pre = bash(moveMajor.run!, work, { TAG: 'v1.3.0-rc.1' });
    expect(pre.status, pre.stderr).toBe(0);
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(first);

    const moved = bash(moveMajor.run!, work, { TAG: 'v1.3.0' });
    expect(moved.status, moved.stderr).toBe(0);
    expect(git(origin, 'rev-parse', 'v1^{commit}')).toBe(second);
  });
});
