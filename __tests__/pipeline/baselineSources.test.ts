import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RemoteCache } from '../../src/shared/remoteCache.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import {
  BASELINE_CACHE_FOLDER,
  baselineCacheKey,
  baselineCachePrefix,
  baselineFromConfig,
  restoreCachedBaseline,
  saveCachedBaseline,
} from '../../src/pipeline/baselineSources.js';
import { copyExample, writeConfig } from '../helpers/cli.js';
import { directoryRemoteCache } from '../__fixtures__/directoryRemoteCache.js';

/** Runs `fn` in a new working folder, with a new, empty cache store. */
function inScratchFolder<T>(fn: (dir: string, cache: RemoteCache) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-'));
  const cache = directoryRemoteCache(mkdtempSync(path.join(os.tmpdir(), 'evalgate-store-')));
  const before = process.cwd();
  process.chdir(dir);
  return fn(dir, cache).finally(() => process.chdir(before));
}

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

const digest16 = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);

describe('baseline cache keys', () => {
  it('are evalgate-baseline-v1-<sha256(scope):16>-<sha256(branch):16>-<sha>, restorable by the branch prefix', () => {
    const prefix = `evalgate-baseline-v1-${digest16('evalgate.yml')}-${digest16('main')}-`;
    expect(baselineCachePrefix('evalgate.yml', 'main')).toBe(prefix);
    expect(baselineCacheKey('evalgate.yml', 'main', SHA_A)).toBe(`${prefix}${SHA_A}`);
    // Commas and spaces (not allowed in cache keys) in scopes and branches never reach the key.
    expect(baselineCacheKey('a,b c', 'feat/x y', SHA_A)).toMatch(
      /^evalgate-baseline-v1-[0-9a-f]{16}-[0-9a-f]{16}-a{40}$/,
    );
  });

  it('never let one scope and branch restore another by prefix (scope gpu-main vs gpu on main-…)', () => {
    const pairs: Array<[string, string]> = [
      ['gpu', 'main'],
      ['gpu-main', 'main'],
      ['gpu', 'main-main'],
      ['gpu-main-main', 'x'],
      ['a', 'b-c'],
      ['a-b', 'c'],
    ];
    for (const [scope, branch] of pairs) {
      for (const [otherScope, otherBranch] of pairs) {
        if (scope === otherScope && branch === otherBranch) continue;
        expect(
          baselineCacheKey(otherScope, otherBranch, SHA_A).startsWith(baselineCachePrefix(scope, branch)),
        ).toBe(false);
      }
    }
  });
});

describe('restoreCachedBaseline / saveCachedBaseline', () => {
  it('round-trips a report, prefers the newest entry of the base branch and leaves the working folder clean', () =>
    inScratchFolder(async (dir, cache) => {
      const report = path.join(dir, 'report.json');
      writeFileSync(report, '{"first": true}');
      await saveCachedBaseline(cache, report, { scope: 's', branch: 'main', sha: SHA_A, root: dir });
      writeFileSync(report, '{"second": true}');
      const key = await saveCachedBaseline(cache, report, {
        scope: 's',
        branch: 'main',
        sha: SHA_B,
        root: dir,
      });
      expect(key).toBe(baselineCacheKey('s', 'main', SHA_B));
      expect(existsSync(path.join(dir, BASELINE_CACHE_FOLDER))).toBe(false);

      const plan = await restoreCachedBaseline(cache, { scope: 's', branch: 'main', root: dir });
      expect(plan.kind).toBe('report');
      if (plan.kind === 'none') throw new Error('unreachable');
      expect(readFileSync(plan.file, 'utf8')).toBe('{"second": true}');
      expect(plan.id).toBe(`cache:${key}`);
      expect(plan.description).toBe('the baseline saved in the Actions cache by the run on main at bbbbbbb');
      expect(existsSync(path.join(dir, BASELINE_CACHE_FOLDER))).toBe(false);

      // The exact base commit wins over the newest entry.
      const exact = await restoreCachedBaseline(cache, { scope: 's', branch: 'main', sha: SHA_A, root: dir });
      if (exact.kind === 'none') throw new Error('unreachable');
      expect(readFileSync(exact.file, 'utf8')).toBe('{"first": true}');
    }));

  it('keeps scopes apart and falls back to the default branch, saying which branch it came from', () =>
    inScratchFolder(async (dir, cache) => {
      const report = path.join(dir, 'report.json');
      writeFileSync(report, '{}');
      await saveCachedBaseline(cache, report, { scope: 'other', branch: 'release', sha: SHA_A, root: dir });
      await saveCachedBaseline(cache, report, { scope: 's', branch: 'main', sha: SHA_A, root: dir });
      const plan = await restoreCachedBaseline(cache, {
        scope: 's',
        branch: 'release',
        fallbackBranch: 'main',
        root: dir,
      });
      expect(plan.kind).toBe('report');
      if (plan.kind === 'none') throw new Error('unreachable');
      expect(plan.description).toContain('run on main at aaaaaaa');
      expect(plan.name).toContain('s on main');

      // Before keys hashed their parts, scope 'gpu' on main restored scope 'gpu-main''s entry.
      await saveCachedBaseline(cache, report, { scope: 'gpu-main', branch: 'main', sha: SHA_B, root: dir });
      const other = await restoreCachedBaseline(cache, { scope: 'gpu', branch: 'main', root: dir });
      expect(other.kind).toBe('none');
      expect(other.notes.join(' ')).toContain("for branch 'main' yet (scope 'gpu')");
    }));

  it('is a first baseline, with a note that says how to save one, when the cache holds none', () =>
    inScratchFolder(async (dir, cache) => {
      const plan = await restoreCachedBaseline(cache, { scope: 's', branch: 'main', root: dir });
      expect(plan.kind).toBe('none');
      expect(plan.notes.join(' ')).toMatch(
        /No baseline in the Actions cache for branch 'main'.*update-baseline: true/,
      );
    }));
});

describe('baselineFromConfig', () => {
  it('prefers baseline.model over baseline.report, and is none when neither is configured', () => {
    const dir = copyExample();
    writeConfig(dir, (t) => t.replace('report: baseline.json', 'report: baseline.json\n  model: model.onnx'));
    const both = baselineFromConfig(loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir }), dir);
    expect(both.kind).toBe('model');
    const none = baselineFromConfig(
      loadConfig(path.join(dir, 'evalgate.yml'), { cwd: dir, baseline: null }),
      dir,
    );
    expect(none.kind).toBe('model'); // --no-baseline drops only the report; the CLI passes a none plan itself
    const plain = copyExample();
    writeConfig(plain, (t) => t.replace(/baseline:\n {2}report: baseline.json\n/, ''));
    expect(baselineFromConfig(loadConfig(path.join(plain, 'evalgate.yml'), { cwd: plain }), plain).kind).toBe(
      'none',
    );
  });
});
