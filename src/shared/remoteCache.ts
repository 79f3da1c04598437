/**
 * A cache that outlives the job (GitHub's @actions/cache on a runner). The core only sees this
 * interface, so it never imports @actions/cache and tests can pass an in-memory one; the action
 * adapter passes `actionsCache()` (src/cache/actionsCache.ts).
 */
export interface RemoteCache {
  /**
   * Restores `paths` saved under `primaryKey`, else under the newest key that starts with one of
   * `restoreKeys` (in order). Returns the key restored, or undefined when nothing matched.
   */
  restore(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  /** Saves `paths` under `key`; a key that already exists is left as it is (cache entries are immutable). */
  save(paths: string[], key: string): Promise<void>;
}
