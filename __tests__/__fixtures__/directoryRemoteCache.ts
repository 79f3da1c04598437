/**
 * A RemoteCache over a local folder, with @actions/cache's semantics where tests depend on them:
 * an entry is found by its exact key, else by the newest key starting with a restore key; an entry
 * only restores for the same list of paths it was saved with (@actions/cache makes the paths part
 * of the entry's version); a key that exists is never overwritten. Every call is recorded.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RemoteCache } from '../../src/shared/remoteCache.js';

interface Entry {
  key: string;
  paths: string[];
  /** Insertion order, for "newest". */
  order: number;
  folder: string;
}

export interface DirectoryRemoteCache extends RemoteCache {
  calls: Array<{ op: 'restore' | 'save'; key: string; paths: string[]; hit?: string }>;
  keys(): string[];
}

export function directoryRemoteCache(root: string): DirectoryRemoteCache {
  const entries = new Map<string, Entry>();
  let order = 0;
  const calls: DirectoryRemoteCache['calls'] = [];
  const samePaths = (a: string[], b: string[]) => a.length === b.length && a.every((p, i) => p === b[i]);
  return {
    calls,
    keys: () => [...entries.keys()],
    async restore(paths, primaryKey, restoreKeys = []) {
      let entry = entries.get(primaryKey);
      if (entry === undefined) {
        for (const prefix of restoreKeys) {
          const matches = [...entries.values()]
            .filter((e) => e.key.startsWith(prefix))
            .sort((a, b) => b.order - a.order);
          if (matches.length > 0) {
            entry = matches[0];
            break;
          }
        }
      }
      if (entry !== undefined && !samePaths(entry.paths, paths)) entry = undefined;
      calls.push({ op: 'restore', key: primaryKey, paths, hit: entry?.key });
      if (entry === undefined) return undefined;
      entry.paths.forEach((target, i) => {
        rmSync(target, { recursive: true, force: true });
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(path.join(entry.folder, String(i)), target, { recursive: true });
      });
      return entry.key;
    },
    async save(paths, key) {
      calls.push({ op: 'save', key, paths });
      if (entries.has(key)) return;
      const folder = path.join(root, `entry-${order}`);
      paths.forEach((source, i) => {
        if (!existsSync(source)) throw new Error(`path does not exist: ${source}`);
        cpSync(source, path.join(folder, String(i)), { recursive: true });
      });
      entries.set(key, { key, paths: [...paths], order: order++, folder });
    },
  };
}
