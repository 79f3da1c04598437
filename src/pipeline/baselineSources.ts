/**
 * Where a run's baseline comes from, GitHub-free. A `BaselinePlan` names a local file (a report to
 * read, or a model to evaluate side by side) and says, for people, which baseline it is and from
 * which commit. The adapters decide the plan: the CLI from the config, the action also from the
 * pull request's base commit or the Actions cache (through the `RemoteCache` interface, so this
 * module never imports @actions/cache).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RemoteCache } from '../shared/remoteCache.js';
import type { EvalConfig } from '../config/types.js';
import { InputError } from '../shared/errors.js';

/** No baseline: the run sets the first one. */
export interface NoBaseline {
  kind: 'none';
  /** Machine-readable origin, for the action's `baseline-source` output. */
  id: 'none';
  /** Why there is none, shown with the verdict's notes. */
  notes: string[];
}

/** A baseline in a local file: a report to read, or a model to evaluate side by side. */
export interface FileBaseline {
  kind: 'report' | 'model';
  /** Local file to read or evaluate; may be a temporary copy (read at a base commit, restored from a cache). */
  file: string;
  /** The file as people know it (repository path, cache entry), for messages about it. */
  name: string;
  /** Which baseline and from which commit, for the comment: "baseline.json at base commit abc1234 (main)". */
  description: string;
  /** Machine-readable origin, for the action's `baseline-source` output: "repository@<sha>", "cache:<key>". */
  id: string;
  notes: string[];
}

export type BaselinePlan = NoBaseline | FileBaseline;

export function noBaseline(...notes: string[]): BaselinePlan {
  return { kind: 'none', id: 'none', notes };
}

/** Shown path of a file: relative to `cwd` when inside it. */
function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/**
 * The baseline report file from the config (or --baseline), checked to exist. A missing one is
 * blamed on where it was given (config.baselineReportOrigin: the flag, or baseline.report at its
 * line), when `file` is the configured report.
 */
export function reportBaseline(file: string, cwd: string, config: EvalConfig): BaselinePlan {
  const name = shownPath(file, cwd);
  if (!existsSync(file)) {
    const origin = file === config.baselineReport ? config.baselineReportOrigin : undefined;
    // A typo or a deleted file must never turn off the per-class gate as a silent "first baseline".
    throw new InputError(`the baseline report ${name} does not exist`, {
      code: 'E_BASELINE_MISSING',
      where: origin?.where ?? config.configFile ?? name,
      hint:
        `fix the path (${origin ? `${origin.name}; relative paths start at ${origin.relativeTo}` : 'baseline.report, --baseline or the baseline input'}); ` +
        'to set the first baseline, run once with --no-baseline (action: baseline-source: none) and commit the ' +
        `report.json it writes as ${name}`,
    });
  }
  return { kind: 'report', file, name, description: name, id: `report:${name}`, notes: [] };
}

/** The baseline model from the config (`baseline.model`), checked to exist. */
export function modelBaseline(file: string, cwd: string, config: EvalConfig): BaselinePlan {
  const name = shownPath(file, cwd);
  if (!existsSync(file)) {
    throw new InputError(`the baseline model ${name} does not exist`, {
      code: 'E_BASELINE_MISSING',
      where: config.configFile ?? name,
      hint: 'fix baseline.model in the config, or remove it to judge against baseline.report',
    });
  }
  return {
    kind: 'model',
    file,
    name,
    description: `model ${name}, evaluated in this run`,
    id: `model:${name}`,
    notes: [],
  };
}

/**
 * The CLI's baseline: `baseline.model` (evaluated side by side) over `baseline.report`, else none.
 * A model wins because a report made earlier can drift from what the base branch ships; the same
 * order as the action's `baseline-source: auto`.
 */
export function baselineFromConfig(config: EvalConfig, cwd: string): BaselinePlan {
  if (config.baselineModel) return modelBaseline(config.baselineModel, cwd, config);
  if (config.baselineReport) return reportBaseline(config.baselineReport, cwd, config);
  return noBaseline();
}

// ---------------------------------------------------------------------------------------------
// Baselines in a cache (the action's `baseline-source: cache`)

/**
 * Folder, relative to the working folder, that holds the report while it is saved or restored.
 * @actions/cache versions an entry by its paths as given, so the same relative path must be used
 * on every runner: an absolute one (RUNNER_TEMP) differs between self-hosted machines.
 */
export const BASELINE_CACHE_FOLDER = '.evalgate-baseline-cache';
const CACHED_REPORT = 'report.json';

/** Characters kept in the commit part of a key; commas are not allowed in cache keys at all. */
function keyPart(value: string): string {
  return value.replace(/[^A-Za-z0-9._/@+=-]/g, '_').slice(0, 200);
}

/**
 * A fixed-length stand-in for a free-form key part: the first 16 hex digits of its sha256. Parts
 * written out as text can collide under prefix matching: scope 'gpu-main' on branch 'main' and
 * scope 'gpu' on branch 'main-main' (or the prefix of scope 'gpu', branch 'main') share
 * characters across the '-'. Fixed-length digests cannot, since no digest contains a '-'.
 */
function keyDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
}

/** Versions the key layout, so entries saved under another layout are never restored. */
const BASELINE_KEY_PREFIX = 'evalgate-baseline-v1-';

/**
 * `evalgate-baseline-v1-<sha256(scope):16>-<sha256(branch):16>-`: the restore key that finds the
 * newest entry of a branch. People see the scope and branch in the messages, not in the key.
 */
export function baselineCachePrefix(scope: string, branch: string): string {
  return `${BASELINE_KEY_PREFIX}${keyDigest(scope)}-${keyDigest(branch)}-`;
}

/** `<baselineCachePrefix(scope, branch)><sha>`: one entry per commit; entries are immutable. */
export function baselineCacheKey(scope: string, branch: string, sha: string): string {
  return `${baselineCachePrefix(scope, branch)}${keyPart(sha)}`;
}

export interface CachedBaselineQuery {
  /** Keeps baselines of different configs apart (comment-key, else the config path). */
  scope: string;
  /** Branch whose baseline is wanted (a pull request's base branch, or the pushed branch). */
  branch: string;
  /** Exact commit to prefer (the base commit); else the newest entry of the branch. */
  sha?: string;
  /** Branch tried after `branch` (the default branch), when different. */
  fallbackBranch?: string;
  /**
   * Folder that BASELINE_CACHE_FOLDER is relative to: the folder the cache client resolves its
   * relative paths from (for @actions/cache, the process's working folder; the adapter passes it).
   */
  root: string;
  /** Folder the restored report is moved to, so the working tree is left clean (default: a new temp folder). */
  tempDir?: string;
}

/** Restores the newest saved baseline report; none (with a note saying why) when there is none. */
export async function restoreCachedBaseline(
  cache: RemoteCache,
  query: CachedBaselineQuery,
): Promise<BaselinePlan> {
  const folder = path.join(query.root, BASELINE_CACHE_FOLDER);
  const prefixes = [baselineCachePrefix(query.scope, query.branch)];
  if (query.fallbackBranch && query.fallbackBranch !== query.branch) {
    prefixes.push(baselineCachePrefix(query.scope, query.fallbackBranch));
  }
  const primary = query.sha ? `${prefixes[0]}${keyPart(query.sha)}` : prefixes[0]!;
  // A stale copy from an earlier step must not pass for a restored one.
  await rm(folder, { recursive: true, force: true });
  const restored = await cache.restore([BASELINE_CACHE_FOLDER], primary, prefixes);
  const cached = path.join(folder, CACHED_REPORT);
  let file: string | null = null;
  if (restored !== undefined && existsSync(cached)) {
    const dir = query.tempDir ?? (await mkdtemp(path.join(os.tmpdir(), 'evalgate-baseline-')));
    await mkdir(dir, { recursive: true });
    file = path.join(dir, 'cached-baseline.json');
    await copyFile(cached, file);
  }
  await rm(folder, { recursive: true, force: true });
  if (restored === undefined || file === null) {
    return noBaseline(
      `No baseline in the Actions cache for branch '${query.branch}' yet (scope '${query.scope}'): gates that ` +
        'compare with a baseline ' +
        `were skipped. A run on push to '${query.fallbackBranch ?? query.branch}' with update-baseline: true saves one.`,
    );
  }
  const prefix = prefixes.find((p) => restored.startsWith(p)) ?? prefixes[0]!;
  const branch = prefix === prefixes[0] ? query.branch : query.fallbackBranch!;
  const sha = restored.slice(prefix.length);
  return {
    kind: 'report',
    file,
    name: `the Actions cache entry of ${query.scope} on ${branch} (${restored})`,
    description: `the baseline saved in the Actions cache by the run on ${branch} at ${sha.slice(0, 7)}`,
    id: `cache:${restored}`,
    notes: [],
  };
}

/** Saves `reportFile` as the baseline of `branch` at `sha`; returns the key. */
export async function saveCachedBaseline(
  cache: RemoteCache,
  reportFile: string,
  target: { scope: string; branch: string; sha: string; root: string },
): Promise<string> {
  const folder = path.join(target.root, BASELINE_CACHE_FOLDER);
  const key = baselineCacheKey(target.scope, target.branch, target.sha);
  await mkdir(folder, { recursive: true });
  try {
    await copyFile(reportFile, path.join(folder, CACHED_REPORT));
    await cache.save([BASELINE_CACHE_FOLDER], key);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return key;
}
