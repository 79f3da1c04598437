/** Where the CLI keeps downloaded models and test sets: $EVALGATE_CACHE_DIR, else ~/.cache/evalgate. */
import os from 'node:os';
import path from 'node:path';

export function cliCacheDir(env: NodeJS.ProcessEnv, home: string = os.homedir()): string {
  return env.EVALGATE_CACHE_DIR || path.join(home, '.cache', 'evalgate');
}
