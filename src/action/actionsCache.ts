/**
 * `RemoteCache` backed by @actions/cache. Returns undefined where the cache service is not
 * available (outside GitHub Actions, or on GHES without it), so callers simply run uncached.
 * Failures to save are the caller's to downgrade to a warning: a cache is never essential.
 */
import * as cache from '@actions/cache';
import type { RemoteCache } from '../shared/remoteCache.js';

export function actionsCache(): RemoteCache | undefined {
  // @github/local-action's stand-in for @actions/cache exports only restoreCache and saveCache.
  if (typeof cache.isFeatureAvailable !== 'function' || !cache.isFeatureAvailable()) return undefined;
  return {
    async restore(paths, primaryKey, restoreKeys) {
      return cache.restoreCache(paths, primaryKey, restoreKeys);
    },
    async save(paths, key) {
      try {
        await cache.saveCache(paths, key);
      } catch (error) {
        // Another job saved the same key first: entries are immutable, and theirs is as good.
        if (error instanceof cache.ReserveCacheError) return;
        throw error;
      }
    },
  };
}
