/**
 * The action adapter: inputs -> the same core as the CLI -> outputs, comment, job summary, exit
 * status. The one try/catch that turns errors into core.setFailed lives here; everything below
 * throws typed errors. Clients (GitHub, caches) are parameters, so tests can pass their own.
 */
import * as core from '@actions/core';
import { actionsCache } from '../cache/actionsCache.js';
import type { RemoteCache } from '../cache/remoteCache.js';
import { describeError } from '../errors.js';
import { createGitHubClient, type GitHubClient } from '../github/client.js';
import { actionsToolCache } from '../runtime/actionsToolCache.js';
import type { ToolCache } from '../runtime/runtimeClients.js';
import { getActionConfig } from './actionConfig.js';
import { Outputs } from './constants.js';
import { evaluateMode } from './evaluateMode.js';
import type { ActionLog } from './postComment.js';
import { publishMode } from './publishMode.js';
import { runContextFromEnvironment } from './runContext.js';

export interface RunOptions {
  /** Script that starts a decode worker (the action's bundled entry). */
  decodeWorkerScript?: URL;
  /** Makes the GitHub client from the token; default `createGitHubClient` (retries, throttling). */
  createGitHub?: (token: string) => GitHubClient;
  /** @actions/cache by default (`actionsCache()`); null = none. */
  cache?: RemoteCache | null;
  /** The runner's tool cache by default; null = none. */
  toolCache?: ToolCache | null;
  env?: NodeJS.ProcessEnv;
}

const log: ActionLog = {
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
};

export async function run(options: RunOptions = {}): Promise<void> {
  try {
    const inputs = getActionConfig();
    const context = runContextFromEnvironment(options.env ?? process.env);
    const createGitHub =
      options.createGitHub ??
      ((token: string) =>
        createGitHubClient({ token, log: { warn: log.warning, debug: (m) => core.debug(m) } }));
    const github = inputs.githubToken === '' ? null : createGitHub(inputs.githubToken);
    if (inputs.mode === 'publish') {
      await publishMode(inputs, context, { github, log });
      return;
    }
    await evaluateMode(inputs, context, {
      github,
      cache: options.cache === undefined ? actionsCache() : (options.cache ?? undefined),
      toolCache: options.toolCache === undefined ? actionsToolCache() : (options.toolCache ?? undefined),
      decodeWorkerScript: options.decodeWorkerScript,
      log,
    });
  } catch (error) {
    core.setOutput(Outputs.verdict, 'error');
    core.setOutput(Outputs.passed, 'false');
    core.setFailed(describeError(error));
  }
}
