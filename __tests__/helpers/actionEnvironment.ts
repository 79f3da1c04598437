import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The runner's environment for a push to main of octo/models checked out in `dir`: the event
 * payload file, the workspace and a fresh RUNNER_TEMP, plus `extra`.
 */
export function pushEventEnvironment(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const eventFile = path.join(dir, 'push-event.json');
  writeFileSync(eventFile, JSON.stringify({ ref: 'refs/heads/main' }));
  return {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: mkdtempSync(path.join(os.tmpdir(), 'evalgate-runner-temp-')),
    ...extra,
  };
}
