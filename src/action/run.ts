/**
 * The action adapter: inputs -> the same core as the CLI -> outputs, comment, job summary, exit
 * status. The one try/catch that turns errors into core.setFailed (and exit code 2 or 3) lives
 * here; everything below throws typed errors. Clients (GitHub, caches) are parameters, so tests can pass their own.
 */
import os from 'node:os';
import { artifactCacheDir } from '../shared/artifactCacheDir.js';
import * as core from '@actions/core';
import type { FetchLike } from '../artifacts/fetchArtifact.js';
import { actionsCache } from './actionsCache.js';
import type { RemoteCache } from '../shared/remoteCache.js';
import { exitCodeOf } from '../shared/errors.js';
import { createGitHubClient, type GitHubClient } from '../github/client.js';
import { actionsToolCache } from './actionsToolCache.js';
import type { ToolCache } from '../runtime/runtimeClients.js';
import { getActionConfig } from './actionConfig.js';
import { failRun, type RunProgress } from './actionOutcome.js';
import { type GuardedProcess, installProcessGuard } from './processGuard.js';
import { Inputs } from './constants.js';
import { evaluateMode } from './evaluateMode.js';
import type { ActionLog } from './postComment.js';
import { publishMode } from './publishMode.js';
import { runContextFromEnvironment } from './runContext.js';
import { gitHubSettings } from './runnerSettings.js';

export interface RunOptions {
  /** Script that starts a decode worker (the action's bundled entry). */
  decodeWorkerScript?: URL;
  /**
   * Makes the GitHub client from the token; default `createGitHubClient` (retries, throttling)
   * with GITHUB_API_URL and EVALGATE_GITHUB_RETRY_DELAY_MS from `env` (runnerSettings.ts).
   */
  createGitHub?: (token: string) => GitHubClient;
  /** @actions/cache by default (`actionsCache()`); null = none. */
  cache?: RemoteCache | null;
  /** The runner's tool cache by default; null = none. */
  toolCache?: ToolCache | null;
  /** The runner's environment (GITHUB_*, RUNNER_*, EVALGATE_*); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Downloads model and test set URLs; the global fetch by default. */
  fetch?: FetchLike;
  /**
   * The process to guard (the action's entry passes `process`): an uncaught exception or an
   * unhandled rejection anywhere still ends the run with verdict=error, every output, the summary
   * and the comment, and exits it (processGuard.ts). Absent: no guard (in-process tests).
   */
  guard?: GuardedProcess & { exit(code: number): void };
}

const log: ActionLog = {
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
};

export async function run(options: RunOptions = {}): Promise<void> {
  const progress: RunProgress = {};
  let github: GitHubClient | null = null;
  let comment = false;
  let runUrl: string | null = null;
  // First of all, so that it covers everything below; it reports with what the run knows then.
  const guarded = options.guard;
  const guard =
    guarded === undefined
      ? null
      : installProcessGuard({
          process: guarded,
          report: (error) => failRun(error, { progress, github: comment ? github : null, runUrl, log }),
          exitCode: exitCodeOf,
          exit: (code) => guarded.exit(code),
          debug: (message) => core.debug(message),
          warn: (message) => core.error(message),
        });
  try {
    // First, before anything can fail or log: the runner masks the token in every later line.
    const token = core.getInput(Inputs.githubToken).trim();
    if (token !== '') core.setSecret(token);
    const inputs = getActionConfig();
    // The runner's environment is read here, in the adapter, and passed down as parameters.
    const env = options.env ?? process.env;
    const context = runContextFromEnvironment(env);
    runUrl = context.runUrl;
    comment = inputs.comment;
    progress.commit = context.sha ?? undefined;
    // The retry settings are read only when a client is made: a run without a token needs none.
    const createGitHub =
      options.createGitHub ??
      ((token: string) =>
        createGitHubClient({
          token,
          ...gitHubSettings(env),
          log: { warn: log.warning, debug: (m) => core.debug(m) },
        }));
    github = inputs.githubToken === '' ? null : createGitHub(inputs.githubToken);
    if (inputs.mode === 'publish') {
      await publishMode(inputs, context, { github, log });
      return;
    }
    await evaluateMode(inputs, context, {
      github,
      cache: options.cache === undefined ? actionsCache() : (options.cache ?? undefined),
      toolCache: options.toolCache === undefined ? actionsToolCache(env) : (options.toolCache ?? undefined),
      decodeWorkerScript: options.decodeWorkerScript,
      fetch: options.fetch,
      env,
      cacheDir: artifactCacheDir(env, os.homedir()),
      log,
      progress,
    });
  } catch (error) {
    // The guard has taken over (an uncaught error came first): it writes the one ending.
    if (guard?.tripped) return;
    await failRun(error, { progress, github: comment ? github : null, runUrl, log });
  } finally {
    guard?.settle();
  }
}
