/**
 * Settings the action takes from the runner's environment, read in one place (the adapter) and
 * passed to the core as parameters: the core reads no environment.
 *
 * - `GITHUB_API_URL`: the REST API root, set by every runner (GitHub Enterprise Server included).
 * - `EVALGATE_GITHUB_RETRY_DELAY_MS`: the base delay of GitHub API retries in milliseconds (default
 *   1000; the nth retry of a server error waits n² times it). An operational setting, documented in
 *   docs/action.md: GHES administrators may lengthen it for a busy instance, and below 1000 the
 *   one-write-per-second pacing is dropped (a GHES instance without secondary rate limits, or a
 *   local fake server). GitHub's own `retry-after` and rate-limit resets are always honoured.
 * - `EVALGATE_CACHE_DIR`: where downloaded models and test sets are kept on the runner's disk;
 *   default `~/.cache/evalgate` (the runner user's home, as for the CLI; src/shared/artifactCacheDir.ts).
 */
import { InputError } from '../shared/errors.js';

export const RETRY_DELAY_VARIABLE = 'EVALGATE_GITHUB_RETRY_DELAY_MS';

export interface GitHubSettings {
  baseUrl?: string;
  minRetryDelayMs?: number;
}

/** The GitHub client's settings from the runner's environment; a malformed delay names the variable. */
export function gitHubSettings(env: NodeJS.ProcessEnv): GitHubSettings {
  const settings: GitHubSettings = {};
  if (env.GITHUB_API_URL) settings.baseUrl = env.GITHUB_API_URL;
  const raw = env[RETRY_DELAY_VARIABLE];
  if (raw !== undefined && raw.trim() !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new InputError(`${RETRY_DELAY_VARIABLE} must be a number of milliseconds >= 0, got '${raw}'`, {
        code: 'E_CONFIG_INVALID',
        where: RETRY_DELAY_VARIABLE,
        hint: 'unset it to use the default (1000), or set it in the runner environment or the step’s env: block',
      });
    }
    settings.minRetryDelayMs = value;
  }
  return settings;
}
