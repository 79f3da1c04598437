import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ActionBaselineInput,
  repositoryRelativePath,
  resolveActionBaseline,
} from '../../src/action/actionBaseline.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { PullRequestContext } from '../../src/github/pullRequestContext.js';
import { baselineCacheKey, saveCachedBaseline } from '../../src/pipeline/baselineSources.js';
import { exampleDir, writeConfig } from '../helpers/cli.js';
import { directoryRemoteCache } from '../__fixtures__/directoryRemoteCache.js';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
const pullRequest: PullRequestContext = {
  owner: 'o',
  repo: 'r',
  number: 7,
  headSha: HEAD,
  baseSha: BASE,
  baseRef: 'main',
  headRef: 'feature',
  isFork: false,
};

/** The example as a repository checkout (a .git folder marks its root), with its config loaded. */
function setUp(edit: (text: string) => string = (t) => t) {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'evalgate-ws-'));
  mkdirSync(path.join(workspace, '.git'));
  const cwd = path.join(workspace, 'examples', 'digits');
  mkdirSync(cwd, { recursive: true });
  // What the baseline needs (config, report, model); the test set is not read here.
  for (const file of ['baseline.json', 'model.onnx'])
    cpSync(path.join(exampleDir, file), path.join(cwd, file));
  writeConfig(cwd, edit);
  const config = loadConfig(path.join(cwd, 'evalgate.yml'), { cwd });
  const warnings: string[] = [];
  const reads: Array<{ path: string; sha: string }> = [];
  const files = new Map<string, Buffer>();
  const input = (over: Partial<ActionBaselineInput> = {}): ActionBaselineInput => ({
    choice: 'auto',
    config,
    cwd,
    context: { sha: HEAD, refName: 'feature', defaultBranch: 'main', workspace, tempDir: os.tmpdir() },
    pullRequest,
    readFileAtCommit: async (p, sha) => {
      reads.push({ path: p, sha });
      return files.get(`${sha}:${p}`) ?? null;
    },
    cache: undefined,
    cacheScope: 'examples/digits/evalgate.yml',
    warning: (m) => warnings.push(m),
    ...over,
  });
  return { workspace, cwd, config, warnings, reads, files, input };
}

describe('resolveActionBaseline, repository', () => {
  it('reads the baseline report at the base commit by its repository path, not the working tree', async () => {
    const t = setUp();
    const atBase = readFileSync(path.join(t.cwd, 'baseline.json'));
    t.files.set(`${BASE}:examples/digits/baseline.json`, atBase);
    writeFileSync(path.join(t.cwd, 'baseline.json'), '{"edited": "by the pull request"}');
    const plan = await resolveActionBaseline(t.input());
    expect(t.reads).toEqual([{ path: 'examples/digits/baseline.json', sha: BASE }]);
    if (plan.kind === 'none') throw new Error('expected a report');
    expect(plan.kind).toBe('report');
    expect(readFileSync(plan.file)).toEqual(atBase);
    expect(plan.id).toBe(`repository@${BASE}`);
    expect(plan.description).toBe('examples/digits/baseline.json at base commit bbbbbbb (main)');
    expect(plan.notes.join(' ')).toMatch(/This pull request changes examples\/digits\/baseline\.json/);
  });

  it('a pull request that adds the baseline sets the first one, with a warning; a path that exists nowhere is an error', async () => {
    const t = setUp();
    const plan = await resolveActionBaseline(t.input());
    expect(plan.kind).toBe('none');
    expect(t.warnings.join(' ')).toMatch(
      /does not exist at the base commit bbbbbbb \(main\): this pull request adds it/,
    );

    const typo = setUp((text) => text.replace('report: baseline.json', 'report: baselin.json'));
    await expect(resolveActionBaseline(typo.input())).rejects.toThrow(
      /examples\/digits\/baselin\.json exists neither at the base commit bbbbbbb \(main\) nor in the working tree/,
    );
  });

  it('outside pull requests reads the working tree and says which commit', async () => {
    const t = setUp();
    const plan = await resolveActionBaseline(t.input({ pullRequest: null }));
    if (plan.kind === 'none') throw new Error('expected a report');
    expect(plan.file).toBe(path.join(t.cwd, 'baseline.json'));
    expect(plan.id).toBe(`repository@${HEAD}`);
    expect(t.reads).toEqual([]);
  });

  it('refuses to fall back to the head when there is no token to read the base commit', async () => {
    const t = setUp();
    await expect(resolveActionBaseline(t.input({ readFileAtCommit: null }))).rejects.toThrow(
      /must be read at the pull request's base commit, but there is no GitHub token/,
    );
  });
});

describe('resolveActionBaseline, model and choices', () => {
  it('auto prefers baseline.model, read at the base commit', async () => {
    const t = setUp((text) =>
      text.replace('report: baseline.json', 'report: baseline.json\n  model: model.onnx'),
    );
    t.files.set(`${BASE}:examples/digits/model.onnx`, readFileSync(path.join(t.cwd, 'model.onnx')));
    const plan = await resolveActionBaseline(t.input());
    if (plan.kind === 'none') throw new Error('expected a model');
    expect(plan.kind).toBe('model');
    expect(plan.id).toBe(`model@${BASE}`);
    expect(plan.description).toMatch(/model\.onnx at base commit bbbbbbb \(main\), evaluated in this run/);
  });

  it('refuses a Git LFS pointer as the baseline model', async () => {
    const t = setUp((text) => text.replace('report: baseline.json', 'model: model.onnx'));
    t.files.set(
      `${BASE}:examples/digits/model.onnx`,
      Buffer.from('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n'),
    );
    await expect(resolveActionBaseline(t.input())).rejects.toThrow(/is a Git LFS pointer/);
  });

  it('an explicit choice that is not configured names the input', async () => {
    const t = setUp();
    await expect(resolveActionBaseline(t.input({ choice: 'model' }))).rejects.toThrow(
      /input 'baseline-source' is 'model' but the config has no baseline\.model/,
    );
    await expect(resolveActionBaseline(t.input({ choice: 'cache' }))).rejects.toThrow(
      /'cache' but the Actions cache service is not available/,
    );
    const none = await resolveActionBaseline(t.input({ choice: 'none' }));
    expect(none.kind).toBe('none');
  });

  it('auto without a configured baseline restores the base branch’s from the cache', async () => {
    const t = setUp((text) => text.replace(/baseline:\n {2}report: baseline.json\n/, ''));
    const cache = directoryRemoteCache(mkdtempSync(path.join(os.tmpdir(), 'evalgate-store-')));
    const previous = process.cwd();
    process.chdir(t.workspace);
    try {
      await saveCachedBaseline(cache, path.join(t.cwd, 'baseline.json'), {
        scope: 'examples/digits/evalgate.yml',
        branch: 'main',
        sha: 'a'.repeat(40),
        root: t.workspace,
      });
      const plan = await resolveActionBaseline(t.input({ cache }));
      if (plan.kind === 'none') throw new Error('expected a cached report');
      expect(plan.id).toBe(
        `cache:${baselineCacheKey('examples/digits/evalgate.yml', 'main', 'a'.repeat(40))}`,
      );
      expect(plan.notes.join(' ')).toMatch(
        /Baseline: the baseline saved in the Actions cache by the run on main at aaaaaaa/,
      );
      // A pull request without a cached baseline is warned about.
      const empty = await resolveActionBaseline(
        t.input({ cache: directoryRemoteCache(mkdtempSync(path.join(os.tmpdir(), 'evalgate-store-'))) }),
      );
      expect(empty.kind).toBe('none');
      expect(t.warnings.join(' ')).toMatch(/No baseline in the Actions cache for branch 'main'/);
    } finally {
      process.chdir(previous);
    }
  });
});

describe('repositoryRelativePath', () => {
  it('is relative to the nearest .git folder, else the workspace, and refuses files outside', () => {
    const t = setUp();
    expect(repositoryRelativePath(path.join(t.cwd, 'baseline.json'), t.workspace, 'x')).toBe(
      'examples/digits/baseline.json',
    );
    mkdirSync(path.join(t.cwd, '.git'));
    expect(repositoryRelativePath(path.join(t.cwd, 'baseline.json'), t.workspace, 'x')).toBe('baseline.json');
    expect(() => repositoryRelativePath('/etc/passwd', t.workspace, 'baseline report')).toThrow(
      /outside the repository checkout/,
    );
  });
});
