/**
 * Where downloaded models and test sets are kept, for both adapters: $EVALGATE_CACHE_DIR, else
 * `<home>/.cache/evalgate`. The adapters pass their environment and the user's home folder; the
 * core only ever receives the folder.
 */
import path from 'node:path';

export const CACHE_DIR_VARIABLE = 'EVALGATE_CACHE_DIR';

export function artifactCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return env[CACHE_DIR_VARIABLE] || path.join(home, '.cache', 'evalgate');
}
